import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// People's accounts at a real hub process on each back-end, spoken to as a browser would: a
/// cookie jar, forms, no redirects followed by themselves.
@Suite("Hub accounts (a real hub, SQLite and PostgreSQL)", .serialized)
struct HubAccountsTests {
    typealias Browser = HubBrowser

    static func link(in output: String) throws -> String {
        try #require(output.firstMatch(of: /\/set-password\?token=(mkt_[A-Za-z0-9_-]+)/).map { String($0.1) }, "no link in: \(output)")
    }

    static func startHub(_ directory: String, _ database: HubDatabase) throws -> HubProcess {
        let hub = try HubProcess(directory: directory, database: database, serveArguments: ["--password-cost", "4"])
        // A second facilitator with a circle of their own, besides the sample's F001 (circles C1, C2).
        let participants = directory + "/more-participants.csv"
        try Data("id,name,role,badges,active\nF002,Grace Hopper,facilitator,700009,true\n".utf8).write(to: URL(fileURLWithPath: participants))
        let groups = directory + "/more-groups.csv"
        try Data("group_id,name,kind,participant_id,member_role\nC9,Evening Circle,circle,F002,facilitator\nC9,Evening Circle,circle,E005,mentee\n".utf8)
            .write(to: URL(fileURLWithPath: groups))
        #expect(try hub.admin(["import", "participants", participants]).status == 0)
        #expect(try hub.admin(["import", "groups", groups]).status == 0)
        return hub
    }

    @Test("a link sets the password; an admin's session opens the dashboard; a facilitator sees only their own groups; logout ends the session",
          arguments: HubDatabase.available)
    func accounts(_ database: HubDatabase) async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let hub = try Self.startHub(cli.directory, database)
        let added = try hub.admin(["user", "add", "Ada@Example.org", "--role", "admin"])
        #expect(added.status == 0, "\(added.stderr)")
        let adminLink = try Self.link(in: added.stdout)
        #expect(try hub.admin(["user", "add", "ada@example.org", "--role", "admin"]).stderr.contains("an account for ada@example.org exists already"))
        #expect(try hub.admin(["user", "add", "x@example.org", "--role", "facilitator"]).stderr.contains("needs --participant"))
        #expect(try hub.admin(["user", "add", "not-an-email", "--role", "admin"]).stderr.contains("not-an-email is not an email address"))
        let fatimaLink = try Self.link(in: try hub.admin(["user", "add", "fatima@example.org", "--role", "facilitator", "--participant", "F001"]).stdout)
        let graceLink = try Self.link(in: try hub.admin(["user", "add", "grace@example.org", "--role", "facilitator", "--participant", "F002"]).stdout)

        let browser = Browser(base: hub.url)
        // The dashboard sends a browser without a session to the login page, and back afterwards.
        let anonymous = try await browser.get("/dashboard?from=2026-01-01")
        #expect(anonymous.status == 303 && anonymous.location == "/login?next=%2Fdashboard%3Ffrom%3D2026%2D01%2D01")

        // The set-password page: the rules, then the password.
        let form = try await browser.get("/set-password?token=" + adminLink)
        #expect(form.status == 200 && form.body.contains("ada@example.org"))
        let short = try await browser.setPassword(adminLink, "short")
        #expect(short.status == 400 && short.body.contains("a password has at least 10 characters"))
        let differ = try await browser.post("/set-password", [("token", adminLink), ("password", "correct horse"), ("confirm", "correct horsf")])
        #expect(differ.body.contains("the two passwords differ"))
        let set = try await browser.setPassword(adminLink, "correct horse battery")
        #expect(set.status == 200 && set.body.contains("The password for ada@example.org is set"))
        #expect(try await browser.get("/set-password?token=" + adminLink).status == 404, "a link works once")

        let login = try await browser.logIn("ADA@example.org ", "correct horse battery")
        #expect(login.status == 303 && login.location == "/dashboard")
        let sessionCookie = try #require(browser.lastSetCookies.first { $0.hasPrefix("mentor_hub_session=") })
        #expect(sessionCookie.contains("HttpOnly") && sessionCookie.contains("SameSite=Strict") && sessionCookie.contains("Max-Age=43200"))
        #expect(!sessionCookie.contains("Secure"), "plain HTTP on loopback: no Secure (the browser would drop it)")
        let dashboard = try await browser.get("/dashboard")
        #expect(dashboard.status == 200 && dashboard.body.contains("Attendance per week") && dashboard.body.contains("ada@example.org"))
        #expect(try await browser.get("/dashboard/kiosks.csv").status == 200)
        #expect(try await browser.get("/").location == "/dashboard")

        // Logout needs the form's token; afterwards the old cookie opens nothing.
        let stolen = try #require(browser.cookies["mentor_hub_session"])
        #expect(try await browser.post("/logout", [("csrf", "0")]).status == 403)
        #expect(try await browser.get("/dashboard").status == 200, "a logout without the token changes nothing")
        let logout = try await browser.post("/logout", [("csrf", try #require(dashboard.body.firstMatch(of: /name=csrf value="([0-9a-f]+)"/)).1.description)])
        #expect(logout.status == 303 && logout.location == "/login")
        browser.cookies["mentor_hub_session"] = stolen
        #expect(try await browser.get("/dashboard").status == 303, "the session is gone at the hub, not only in the browser")

        // Facilitators: each sees their own groups, and neither the dashboard nor the other's.
        for (link, email) in [(fatimaLink, "fatima@example.org"), (graceLink, "grace@example.org")] {
            _ = try await browser.setPassword(link, "a long password 1")
            browser.cookies = [:]
            #expect(try await browser.logIn(email, "a long password 1").location == "/my")
            let mine = try await browser.get("/my")
            #expect(mine.status == 200 && mine.body.contains(email))
            let (own, other) = email.hasPrefix("fatima") ? ("Peer Circle A", "Evening Circle") : ("Evening Circle", "Peer Circle A")
            #expect(mine.body.contains(own) && !mine.body.contains(other), "\(email) sees \(own), not \(other): \(mine.body)")
            #expect(try await browser.get("/dashboard").location == "/my")
            #expect(try await browser.get("/dashboard/participants.csv").location == "/my")
        }

        // Disabling ends a live session at once.
        #expect(try await browser.get("/my").status == 200)
        #expect(try hub.admin(["user", "disable", "grace@example.org"]).status == 0)
        #expect(try await browser.get("/my").status == 303)
        let list = try hub.admin(["user", "list"]).stdout
        #expect(list.contains("grace@example.org  facilitator  participant F002  disabled"), "\(list)")
        #expect(list.contains("ada@example.org  admin  active"), "\(list)")

        let audit = try hub.admin(["audit"]).stdout
        for line in ["user.add  ada@example.org  role admin", "password.set  ada@example.org", "user:ada@example.org  login  ada@example.org  from 127.0.0.1",
                     "user:ada@example.org  logout", "user.disable  grace@example.org"] {
            #expect(audit.contains(line), "the audit log lacks \(line):\n\(audit)")
        }
    }

    @Test("refusals: five wrong passwords lock the account, a flood from one address is throttled, a form needs its token and this site, next stays on the hub; every attempt is audited",
          arguments: HubDatabase.available)
    func refusals(_ database: HubDatabase) async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let hub = try Self.startHub(cli.directory, database)
        let link = try Self.link(in: try hub.admin(["user", "add", "ada@example.org", "--role", "admin"]).stdout)
        let browser = Browser(base: hub.url)
        _ = try await browser.setPassword(link, "correct horse battery")

        // Without the login form's token (or its cookie), from another site, or not as a form: refused before any check.
        #expect(try await browser.post("/login", [("email", "ada@example.org"), ("password", "correct horse battery")]).status == 403)
        let form = try await browser.get("/login")
        let token = try #require(form.csrf)
        let fields = [("csrf", token), ("email", "ada@example.org"), ("password", "correct horse battery")]
        #expect(try await browser.post("/login", fields, headers: ["Origin": "https://evil.example"]).status == 403)
        #expect(try await browser.send(.POST, "/login", body: "{}", headers: ["Content-Type": "application/json"]).status == 415)
        let repeated = try await browser.send(
            .POST, "/login", body: "csrf=\(token)&email=ada%40example.org&email=eve%40example.org&password=x",
            headers: ["Content-Type": "application/x-www-form-urlencoded"])
        #expect(repeated.status == 400 && repeated.body.contains("duplicate keys"), "a repeated field refuses the form: \(repeated.body)")
        let oversized = try await browser.post("/login", [("csrf", token), ("email", String(repeating: "a", count: 20_000))])
        #expect(oversized.status == 413)
        #expect(browser.cookies["mentor_hub_session"] == nil)

        // An offsite next is ignored; a local one is followed.
        #expect(try await browser.post("/login", fields + [("next", "//evil.example/x")]).location == "/dashboard")
        browser.cookies["mentor_hub_session"] = nil
        // (Each from an address of its own behind the proxy, so that the throttle below counts only the rest.)
        for (index, offsite) in ["/\u{FE0F}/evil.example/x", "//\u{FE0F}evil.example", "/\\evil.example", "https://evil.example", "/ok\tx"].enumerated() {
            let again = try await browser.get("/login")
            let answer = try await browser.post(
                "/login", [("csrf", again.csrf ?? ""), ("email", "ada@example.org"), ("password", "correct horse battery"), ("next", offsite)],
                headers: ["X-Forwarded-For": "198.51.100.\(index + 1)"])
            #expect(answer.location == "/dashboard", "\(offsite.debugDescription) is not a path of the hub")
            browser.cookies["mentor_hub_session"] = nil
        }
        let form2 = try await browser.get("/login?next=%2Fdashboard%2Fkiosks.csv")
        #expect(form2.body.contains("value=\"/dashboard/kiosks.csv\""))
        #expect(try await browser.post("/login", [("csrf", form2.csrf ?? ""), ("next", "/dashboard/kiosks.csv"), ("email", "ada@example.org"),
                                                  ("password", "correct horse battery")]).location == "/dashboard/kiosks.csv")
        browser.cookies["mentor_hub_session"] = nil

        // Unknown accounts and wrong passwords get the same answer; the fifth wrong one in a row locks.
        let unknown = try await browser.logIn("nobody@example.org", "correct horse battery")
        #expect(unknown.status == 401 && unknown.body.contains("The email or the password is wrong"))
        let withoutTokens = { (page: Browser.Page) in page.body.replacing(/value="[0-9a-f]{64}"/, with: "").replacing(/[a-z]+@example.org/, with: "") }
        for _ in 1...5 {
            let wrong = try await browser.logIn("ada@example.org", "not the password")
            #expect(wrong.status == 401 && withoutTokens(wrong) == withoutTokens(unknown))
        }
        let locked = try await browser.logIn("ada@example.org", "correct horse battery")
        #expect(locked.status == 401 && browser.cookies["mentor_hub_session"] == nil, "locked: even the right password is refused")
        #expect(try hub.admin(["user", "list"]).stdout.contains("ada@example.org  admin  locked"))

        // The throttle: the tenth attempt within a minute from one address is the last one checked.
        #expect(try await browser.logIn("nobody@example.org", "x").status == 401)
        let flood = try await browser.logIn("nobody@example.org", "x")
        #expect(flood.status == 429 && flood.headers.first(name: "Retry-After") == "60" && flood.body.contains("Too many login attempts"))

        // A reset clears the lockout; the new password works (from another address, past the throttle).
        let newLink = try Self.link(in: try hub.admin(["user", "reset", "ada@example.org"]).stdout)
        _ = try await browser.setPassword(newLink, "another long one")
        let proxied = Browser(base: hub.url)
        let proxiedForm = try await proxied.get("/login")
        let fresh = try await proxied.post(
            "/login", [("csrf", proxiedForm.csrf ?? ""), ("email", "ada@example.org"), ("password", "another long one")],
            headers: ["X-Forwarded-For": "203.0.113.7"])
        #expect(fresh.status == 303 && fresh.location == "/dashboard")

        let audit = try hub.admin(["audit"]).stdout
        #expect(audit.contains("anonymous  login.failed  nobody@example.org  from 127.0.0.1: no such account"), "\(audit)")
        #expect(audit.components(separatedBy: "login.failed  ada@example.org  from 127.0.0.1: wrong password").count - 1 == 5, "\(audit)")
        #expect(audit.contains("wrong password; locked until "), "\(audit)")
        #expect(audit.contains("ada@example.org  from 127.0.0.1: locked until "), "\(audit)")
        #expect(audit.contains("login.failed    too many attempts from 127.0.0.1"), "\(audit)")
        #expect(audit.contains("login  ada@example.org  from 203.0.113.7"), "\(audit)")
    }

    @Test("behind HTTPS (a public https URL), the session cookie is Secure and __Host- named")
    func secureCookie() async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let hub = try Self.startHub(cli.directory, .sqlite)
        #expect(try hub.admin(["settings", "--public-url", "ftp://x"]).status != 0)
        #expect(try hub.admin(["settings", "--public-url", "https://hub.example.org/"]).stdout.contains("public_url = https://hub.example.org\n"))
        let added = try hub.admin(["user", "add", "ada@example.org", "--role", "admin"]).stdout
        #expect(added.contains("https://hub.example.org/set-password?token=mkt_"), "\(added)")
        try hub.restart(serveArguments: ["--password-cost", "4"])
        let browser = Browser(base: hub.url)
        _ = try await browser.post("/set-password", [("token", try Self.link(in: added)), ("password", "correct horse battery"), ("confirm", "correct horse battery")])
        _ = try await browser.logIn("ada@example.org", "correct horse battery")
        let cookie = try #require(browser.lastSetCookies.first { $0.hasPrefix("__Host-mentor_hub_session=") }, "\(browser.lastSetCookies)")
        #expect(cookie.contains("Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"))
    }
}
