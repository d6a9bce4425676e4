import Foundation
import ProgramFiles
import Testing

/// A facilitator's pages at a real hub process on each back-end, after a real kiosk's check-ins:
/// who is here now, their pairs, their members at risk, and the CSVs, each only of their own
/// groups, whatever link or id they try.
@Suite("Hub facilitator pages (a real hub and kiosk, SQLite and PostgreSQL)", .serialized)
struct HubFacilitatorTests {
    @Test("each facilitator sees who is here at their own sessions, their own pairs and members, and no other group by link or guessed id",
          arguments: HubDatabase.available)
    func ownGroupsOnly(_ database: HubDatabase) async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let hub = try HubAccountsTests.startHub(cli.directory, database)
        // Grace (F002) also runs a meeting of pair P1 tomorrow: P1 is hers to follow.
        let sessions = cli.directory + "/grace-sessions.csv"
        let tomorrow = HubProcess.now.addingTimeInterval(86_400)
        try Data("""
            session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id
            S-P1-GRACE,Maria & Jonas with Grace,one_on_one,Main Lobby,\(tomorrow.formatted(.iso8601)),\(tomorrow.addingTimeInterval(3_600).formatted(.iso8601)),P1,F002

            """.utf8).write(to: URL(fileURLWithPath: sessions))
        #expect(try hub.admin(["import", "sessions", sessions]).status == 0)

        try cli.run(["init"])
        #expect(try cli.run(["enroll", hub.url, try hub.addKiosk("kiosk-1")]).status == 0)
        for (badge, session) in [("200004", "S-CIRCLE"), ("200005", "S-CIRCLE"), ("100001", "S-PAIR1"), ("200001", "S-PAIR1")] {
            let result = try cli.run(["checkin", badge, "--session", session, "--now", HubProcess.nowText])
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(try cli.run(["sync"]).status == 0)

        let fatima = try await Self.signIn(hub, "fatima@example.org", "F001")
        let grace = try await Self.signIn(hub, "grace@example.org", "F002")

        let fatimaHome = try await fatima.get("/my")
        #expect(fatimaHome.status == 200 && fatimaHome.body.contains("<strong>Here now (2):</strong> Lena Novak, Omar Haddad"), "\(fatimaHome.body)")
        #expect(!fatimaHome.body.contains("Jonas Weber") && !fatimaHome.body.contains("id=\"pairs\""))
        #expect(fatimaHome.body.contains("<meta http-equiv=\"refresh\" content=\"60\">"))
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        if utc.isDate(HubProcess.now.addingTimeInterval(10_800), inSameDayAs: HubProcess.now) {
            #expect(fatimaHome.body.contains(" · CV Workshop · Main Lobby</h3>"), "a session later today is listed before anyone came")
        }
        let graceHome = try await grace.get("/my")
        #expect(graceHome.body.contains("<strong>Here now (2):</strong> Jonas Weber, Maria García"), "\(graceHome.body)")
        #expect(!graceHome.body.contains("Lena Novak") && graceHome.body.contains("<a href=\"/my/group?id=P1\">Maria &amp; Jonas</a>"))

        // By link or by guessing: another's group looks like no group at all.
        for (browser, mine, others) in [(fatima, ["C1", "C2"], ["P1", "C9", "P2"]), (grace, ["C9", "P1"], ["C1", "C2", "P2"])] {
            for id in mine {
                #expect(try await browser.get("/my/group?id=\(id)").status == 200, "\(id)")
            }
            for id in others + ["NOPE"] {
                let page = try await browser.get("/my/group?id=\(id)")
                #expect(page.status == 404 && page.body.contains("None of the groups you facilitate has the id \(id)."), "\(id)")
            }
            #expect(try await browser.get("/dashboard").location == "/my")
            #expect(try await browser.get("/admin/people").location == "/my")
        }
        let pair = try await grace.get("/my/group?id=P1")
        #expect(pair.body.contains("id=\"pair-health\"") && pair.body.contains("1 verified meetings") && pair.body.contains("<td>Jonas Weber</td>"))
        #expect(try await fatima.get("/my/group?id=C1").body.contains("<td>Lena Novak</td><td>E004</td><td>mentee</td><td>1 of 2</td>"))

        // The CSVs hold the same and no more.
        let fatimaToday = try await fatima.get("/my/today.csv")
        #expect(fatimaToday.status == 200 && fatimaToday.headers.first(name: "Content-Disposition")?.contains("attachment; filename=\"my-today-") == true)
        #expect(fatimaToday.body.contains("Lena Novak") && !fatimaToday.body.contains("Jonas Weber"))
        let graceToday = try await grace.get("/my/today.csv").body
        #expect(graceToday.contains("Jonas Weber") && !graceToday.contains("Lena Novak"))
        #expect(try await fatima.get("/my/pairs.csv").body.split(whereSeparator: \.isNewline).count == 1, "Fatima has no pair: the header only")
        let gracePairs = try await grace.get("/my/pairs.csv").body.split(whereSeparator: \.isNewline)
        #expect(gracePairs.count == 2 && gracePairs[1].hasPrefix("P1,1,"), "\(gracePairs)")
        let atRisk = try await grace.get("/my/at-risk.csv").body.split(whereSeparator: \.isNewline)
        #expect(atRisk.first?.hasPrefix("participant_id,") == true)
        #expect(atRisk.dropFirst().allSatisfy { ["E005", "M001", "E001"].contains(String($0.prefix(4))) }, "only Grace's members: \(atRisk)")
        #expect(try await grace.get("/my/other.csv").status == 404)
        #expect(try await HubBrowser(base: hub.url).get("/my/pairs.csv").location == "/login?next=%2Fmy%2Fpairs%2Ecsv")
    }

    @Test("an evening session running past midnight stays on its facilitator's page, and in today.csv, until it ends",
          arguments: HubDatabase.available)
    func pastMidnight(_ database: HubDatabase) async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        // A minute past midnight: Peer Circle A (Fatima's) began at 23:59 and runs to 00:59; her CV Workshop is at 03:01.
        let moment = Date(timeIntervalSince1970: 1_772_496_060) // 2026-03-03T00:01:00Z
        let atMoment = moment.formatted(.iso8601)
        let sample = SampleProgram(around: moment, location: "Main Lobby")
        // And a three-day retreat of her circle, running since the day before yesterday: not "today".
        let retreat = "S-RETREAT,Circle retreat,group,Main Lobby,\(moment.addingTimeInterval(-36 * 3_600).formatted(.iso8601)),"
            + "\(moment.addingTimeInterval(36 * 3_600).formatted(.iso8601)),C1,F001\n"
        let hub = try HubProcess(
            directory: cli.directory, database: database, serveArguments: ["--password-cost", "4", "--now", atMoment],
            program: [("participants", sample.participantsCSV), ("groups", sample.groupsCSV), ("sessions", sample.sessionsCSV + retreat)])
        try cli.run(["init"])
        #expect(try cli.run(["enroll", hub.url, try hub.addKiosk("kiosk-1")]).status == 0)
        for badge in ["200004", "200005"] {
            let result = try cli.run(["checkin", badge, "--session", "S-CIRCLE", "--now", atMoment])
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(try cli.run(["sync"]).status == 0)

        let fatima = try await Self.signIn(hub, "fatima@example.org", "F001")
        let home = try await fatima.get("/my").body
        #expect(home.contains("23:59–00:59 · Peer Circle A · Main Lobby</h3>") && home.contains("<strong>Here now (2):</strong> Lena Novak, Omar Haddad"), "\(home)")
        #expect(home.contains(" · CV Workshop · Main Lobby</h3>") && !home.contains("Circle retreat · Main Lobby</h3>"), "\(home)")
        let today = try await fatima.get("/my/today.csv").body
        #expect(today.contains("S-CIRCLE") && today.contains("Lena Novak") && today.contains("Omar Haddad"), "\(today)")

        // At 01:00 the circle has ended: yesterday's session leaves the page.
        try hub.restart(serveArguments: ["--password-cost", "4", "--now", moment.addingTimeInterval(3_540).formatted(.iso8601)])
        let later = HubBrowser(base: hub.url)
        #expect(try await later.logIn("fatima@example.org", "a long password 1").location == "/my")
        let after = try await later.get("/my").body
        #expect(!after.contains("Peer Circle A · Main Lobby</h3>") && after.contains(" · CV Workshop · Main Lobby</h3>"), "\(after)")
        #expect(!(try await later.get("/my/today.csv").body.contains("S-CIRCLE")))
    }

    /// A facilitator's account for `participant`, its password set by the link, and logged in.
    static func signIn(_ hub: HubProcess, _ email: String, _ participant: String) async throws -> HubBrowser {
        let link = try HubAccountsTests.link(in: try hub.admin(["user", "add", email, "--role", "facilitator", "--participant", participant]).stdout)
        let browser = HubBrowser(base: hub.url)
        _ = try await browser.setPassword(link, "a long password 1")
        #expect(try await browser.logIn(email, "a long password 1").location == "/my")
        return browser
    }
}
