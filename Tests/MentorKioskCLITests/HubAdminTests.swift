import Foundation
import HubProtocol
import KioskSync
import Testing

/// The web admin at a real hub process on each back-end, spoken to as a browser would:
/// program files with their preview, sessions, kiosks, settings, rejected events and the audit
/// log, each change checked where the command line or a kiosk sees it.
@Suite("Hub web admin (a real hub, SQLite and PostgreSQL)", .serialized)
struct HubAdminTests {
    /// A hub with an admin account, and a browser signed in as that admin.
    static func signedInAdmin(_ cli: CLIHarness, _ database: HubDatabase) async throws -> (HubProcess, HubBrowser) {
        let hub = try HubAccountsTests.startHub(cli.directory, database)
        let link = try HubAccountsTests.link(in: try hub.admin(["user", "add", "ada@example.org", "--role", "admin"]).stdout)
        let browser = HubBrowser(base: hub.url)
        _ = try await browser.setPassword(link, "correct horse battery")
        #expect(try await browser.logIn("ada@example.org", "correct horse battery").location == "/dashboard")
        return (hub, browser)
    }

    static func csv(_ lines: [String]) -> Data { Data((lines.joined(separator: "\n") + "\n").utf8) }

    /// The file a preview page carries to its import button, and its signature.
    static func previewed(_ page: HubBrowser.Page) throws -> (content: String, signature: String) {
        let content = try #require(page.body.firstMatch(of: /name="content" value="([A-Za-z0-9+\/=]+)"/).map { String($0.1) })
        let signature = try #require(page.body.firstMatch(of: /name="signature" value="([0-9a-f]+)"/).map { String($0.1) })
        return (content, signature)
    }

    @Test("program files: an error names file, line and column and changes nothing; the preview changes nothing; the import adds the people", arguments: HubDatabase.available)
    func programFiles(_ database: HubDatabase) async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let (hub, browser) = try await Self.signedInAdmin(cli, database)
        let form = try await browser.get("/admin/program")
        #expect(form.status == 200 && form.body.contains("enctype=\"multipart/form-data\""))
        let csrf = try #require(form.csrf)

        var rows = ["id,name,role,badges,active", "N101,Noor Haddad,mentee,910001,true", "N102,Lars Berg,mentor,910002,true"]
        rows += (3...5).map { "N10\($0),Person \($0),mentee,91000\($0),true" }
        rows.append("N106,Sam Okafor,mentee,910006,maybe")
        let broken = Self.csv(rows)
        let refused = try await browser.postMultipart("/admin/program", [("csrf", csrf), ("kind", "participants")], files: [("file", "roster.csv", broken)])
        #expect(refused.status == 422)
        #expect(refused.body.contains("<dd>participants.csv</dd>") && refused.body.contains("<dd id=\"error-line\">7</dd>")
                && refused.body.contains("<dd id=\"error-column\">active</dd>"), "\(refused.body)")
        #expect(try await browser.get("/admin/people").body.contains("Noor Haddad") == false, "a refused file changes nothing")

        rows[6] = "N106,Sam Okafor,mentee,910006,true"
        let preview = try await browser.postMultipart("/admin/program", [("csrf", csrf), ("kind", "participants")], files: [("file", "roster.csv", Self.csv(rows))])
        #expect(preview.status == 200 && preview.body.contains("<strong>6 added, 0 updated</strong>"), "\(preview.body)")
        #expect(preview.body.contains("<td>new</td><td>N101</td><td>Noor Haddad</td>"))
        #expect(try await browser.get("/admin/people").body.contains("Noor Haddad") == false, "a preview changes nothing")
        let (content, signature) = try Self.previewed(preview)

        // Without the session's token, or without the preview's signature of this very file, the import is refused and changes nothing.
        let forged = try await browser.postMultipart("/admin/program", [("csrf", "00"), ("kind", "participants"), ("content", content), ("signature", signature), ("commit", "import")])
        #expect(forged.status == 403)
        let other = Data("id,name,role,badges,active\nN199,Mallory,admin,,true\n".utf8).base64EncodedString()
        for fields in [[("kind", "participants"), ("content", other), ("signature", signature)], [("kind", "participants"), ("content", content)],
                       [("kind", "groups"), ("content", content), ("signature", signature)]] {
            let unsigned = try await browser.postMultipart("/admin/program", [("csrf", csrf), ("commit", "import")] + fields)
            #expect(unsigned.status == 200 && unsigned.body.contains("Only a file checked on this page can be imported"))
        }
        let skipped = try await browser.postMultipart("/admin/program", [("csrf", csrf), ("kind", "participants"), ("commit", "import")], files: [("file", "roster.csv", Self.csv(rows))])
        #expect(skipped.body.contains("Only a file checked on this page can be imported"), "no import without a preview")
        #expect(try await browser.get("/admin/people").body.contains("Noor Haddad") == false)

        let imported = try await browser.postMultipart("/admin/program", [("csrf", csrf), ("kind", "participants"), ("content", content), ("signature", signature), ("commit", "import")])
        #expect(imported.status == 200 && imported.body.contains("Imported: <strong>6 added, 0 updated</strong>"), "\(imported.body)")
        let people = try await browser.get("/admin/people")
        #expect(people.body.contains("<td>N101</td><td>Noor Haddad</td><td>mentee</td>"))
        let audit = try hub.admin(["audit"]).stdout
        #expect(audit.contains("user:ada@example.org  import.participants  participants.csv"), "\(audit)")

        // A database-level refusal (a badge someone else holds) is named too, with its column.
        let taken = Self.csv(["id,name,role,badges,active", "N107,Kim Lee,mentee,910001,true"])
        let clash = try await browser.postMultipart("/admin/program", [("csrf", csrf), ("kind", "participants")], files: [("file", "more.csv", taken)])
        #expect(clash.status == 422 && clash.body.contains("<dd id=\"error-column\">badges</dd>") && clash.body.contains("already belongs to participant N101"))

        // Sessions: the preview counts cancellations by status.
        let sessions = Self.csv([
            "session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id,status",
            "S-WORKSHOP,CV Workshop,workshop,Main Lobby,\(HubProcess.now.addingTimeInterval(10_800).formatted(.iso8601)),\(HubProcess.now.addingTimeInterval(16_200).formatted(.iso8601)),,F001,cancelled",
        ])
        let sessionPreview = try await browser.postMultipart("/admin/program", [("csrf", csrf), ("kind", "sessions")], files: [("file", "s.csv", sessions)])
        #expect(sessionPreview.body.contains("<strong>0 added, 1 updated, 1 cancelled</strong>") && sessionPreview.body.contains("<td>cancel</td><td>S-WORKSHOP</td>"))

        // Not an admin: a facilitator is sent to their own page, a stranger to the login.
        #expect(try await HubBrowser(base: hub.url).get("/admin/people").location == "/login?next=%2Fadmin%2Fpeople")
        let stranger = try await HubBrowser(base: hub.url).postMultipart("/admin/program", [("csrf", csrf), ("kind", "participants"), ("content", content), ("commit", "import")])
        #expect(stranger.status == 303)
        #expect(try await browser.postMultipart("/admin/program", [("csrf", csrf)], files: [("file", "big.csv", Data(count: 7 << 20))]).status == 413)
        // A form built to be costly to parse: many fields, or a part with many headers.
        let many = try await browser.postMultipart("/admin/program", [("csrf", csrf)] + (1...40).map { ("field\($0)", "x") })
        #expect(many.status == 400 && many.body.contains("more than 16 fields"))
        let boundary = "b0undary"
        let headers = (1...50).map { "x-h\($0): 1\r\n" }.joined()
        let crafted = "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\(headers)\r\n\(csrf)\r\n--\(boundary)--\r\n"
        let costly = try await browser.send(.POST, "/admin/program", body: crafted, headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"])
        #expect(costly.status == 400 && costly.body.contains("more than 8 headers"))
    }

    @Test("sessions are moved and cancelled by the rules; kiosks are added, enrolled, shown with their status, given a new code and revoked", arguments: HubDatabase.available)
    func sessionsAndKiosks(_ database: HubDatabase) async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let (hub, browser) = try await Self.signedInAdmin(cli, database)
        let list = try await browser.get("/admin/sessions")
        #expect(list.status == 200 && list.body.contains("<a href=\"/admin/session?id=S%2DWORKSHOP\">CV Workshop</a>"))
        let page = try await browser.get("/admin/session?id=S%2DWORKSHOP")
        let csrf = try #require(page.csrf)
        let zone = TimeZone(identifier: "UTC")!
        func local(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle(timeZone: zone).year().month().day().dateTimeSeparator(.standard).time(includingFractionalSeconds: false)) }
        let newStart = HubProcess.now.addingTimeInterval(3 * 86_400)
        let moved = try await browser.post("/admin/session/reschedule", [("csrf", csrf), ("id", "S-WORKSHOP"), ("starts_at", local(newStart)), ("ends_at", local(newStart.addingTimeInterval(5_400)))])
        #expect(moved.status == 200 && moved.body.contains("is now"), "\(moved.body)")
        #expect(try await browser.get("/admin/session?id=S-WORKSHOP").body.contains("value=\"\(local(newStart).prefix(16))\""), "the page shows the new start")
        let started = try await browser.post("/admin/session/reschedule", [("csrf", csrf), ("id", "S-CIRCLE"), ("starts_at", local(newStart)), ("ends_at", local(newStart.addingTimeInterval(600)))])
        #expect(started.status == 422 && started.body.contains("people may have checked in already"))
        let backwards = try await browser.post("/admin/session/reschedule", [("csrf", csrf), ("id", "S-WORKSHOP"), ("starts_at", local(newStart)), ("ends_at", local(newStart))])
        #expect(backwards.status == 422 && backwards.body.contains("the new end must come after the new start"))
        let cancelled = try await browser.post("/admin/session/cancel", [("csrf", csrf), ("id", "S-WORKSHOP"), ("reason", "trainer ill")])
        #expect(cancelled.status == 200 && cancelled.body.contains("is cancelled"))
        let after = try await browser.get("/admin/session?id=S-WORKSHOP")
        #expect(after.body.contains("<span id=\"status\">cancelled</span> (trainer ill)") && !after.body.contains("Move the session"))
        #expect(try await browser.post("/admin/session/cancel", [("csrf", csrf), ("id", "S-CIRCLE")]).body.contains("has started"))
        #expect(try await browser.post("/admin/session/cancel", [("csrf", "bad"), ("id", "S-CIRCLEB")]).status == 403)
        let audit = try hub.admin(["audit"]).stdout
        #expect(audit.contains("user:ada@example.org  session.reschedule  S-WORKSHOP") && audit.contains("user:ada@example.org  session.cancel  S-WORKSHOP  trainer ill"), "\(audit)")

        // A kiosk added in the browser enrolls with the code shown, and reports its status.
        let added = try await browser.post("/admin/kiosks/add", [("csrf", csrf), ("kiosk_id", "lobby-2"), ("location", "Main Lobby")])
        let code = try #require(added.body.firstMatch(of: /id="enrollment-code"[^>]*>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</).map { String($0.1) }, "\(added.body)")
        #expect(added.body.contains("mentor-kiosk enroll http://127.0.0.1:"))
        let enrolled = try await HubClient(baseURL: hub.url, token: nil).enroll(code: code)
        #expect(enrolled.kioskID == "lobby-2")
        try await HubClient(baseURL: hub.url, token: enrolled.token).report(
            KioskStatusReport(lastSequence: 0, queueLength: 3, rejected: 0, clockTrusted: false, softwareVersion: "9.8.7"))
        for version in ["", String(repeating: "1", count: 65), "9.8\u{0}", "\u{600}<b>"] {
            await #expect(throws: HubClient.Failure.self, "\(version.debugDescription)") {
                try await HubClient(baseURL: hub.url, token: enrolled.token).report(
                    KioskStatusReport(lastSequence: 0, queueLength: 3, rejected: 0, clockTrusted: false, softwareVersion: version))
            }
        }
        let kiosks = try await browser.get("/admin/kiosks")
        #expect(kiosks.body.contains("<td>lobby-2</td><td>Main Lobby</td><td>enrolled</td>") && kiosks.body.contains("<td>3</td><td>not trusted</td><td>9.8.7</td>"), "\(kiosks.body)")
        #expect(try await browser.post("/admin/kiosks/add", [("csrf", csrf), ("kiosk_id", "lobby-2"), ("location", "Main Lobby")]).body.contains("exists already"))
        #expect(try await browser.post("/admin/kiosks/add", [("csrf", csrf), ("kiosk_id", "bad id"), ("location", "x")]).status == 422)

        let rotated = try await browser.post("/admin/kiosks/rotate", [("csrf", csrf), ("kiosk_id", "lobby-2")])
        #expect(rotated.body.contains("id=\"enrollment-code\""))
        let unconfirmed = try await browser.post("/admin/kiosks/revoke", [("csrf", csrf), ("kiosk_id", "lobby-2"), ("confirm", "")])
        #expect(unconfirmed.status == 422 && unconfirmed.body.contains("type its id"))
        let report = KioskStatusReport(lastSequence: 0, queueLength: 0, rejected: 0, clockTrusted: true, softwareVersion: "9.8.7")
        try await HubClient(baseURL: hub.url, token: enrolled.token).report(report)
        let revoked = try await browser.post("/admin/kiosks/revoke", [("csrf", csrf), ("kiosk_id", "lobby-2"), ("confirm", "lobby-2")])
        #expect(revoked.status == 200 && revoked.body.contains("Kiosk lobby-2 revoked"))
        await #expect(throws: HubClient.Failure.self) { try await HubClient(baseURL: hub.url, token: enrolled.token).report(report) }
        #expect(try await browser.get("/admin/kiosks").body.contains("<td>lobby-2</td><td>Main Lobby</td><td>revoked</td>"))
    }

    @Test("settings are checked and reach the command line; rejected events are retried from the page; the audit log shows who did what", arguments: HubDatabase.available)
    func settingsRejectedAndAudit(_ database: HubDatabase) async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let (hub, browser) = try await Self.signedInAdmin(cli, database)
        let form = try await browser.get("/admin/settings")
        let csrf = try #require(form.csrf)
        #expect(form.body.contains("The program sets no rules now"))
        func fields(_ changes: [String: String]) -> [(String, String)] {
            let base = ["csrf": csrf, "opens_before_minutes": "15", "on_time_grace_minutes": "5", "duplicate_window_seconds": "60", "rating_window_minutes": "10",
                        "fit_sessions": "3", "goal_every": "4", "question_seconds": "10", "pair_fit": "on", "time_zone": "", "action": "save"]
            return base.merging(changes) { $1 }.filter { !$0.value.isEmpty || $0.key == "time_zone" }.sorted { $0.key < $1.key }
        }
        let outOfRange = try await browser.post("/admin/settings", fields(["opens_before_minutes": "999"]))
        #expect(outOfRange.status == 422 && outOfRange.body.contains("opens_before_minutes must be 0–240, not 999") && outOfRange.body.contains("value=\"999\""))
        #expect(try await browser.post("/admin/settings", fields(["goal_every": "many"])).body.contains("must be a whole number"))
        #expect(try await browser.post("/admin/settings", fields(["time_zone": "Mars/Olympus"])).body.contains("Mars/Olympus is not a time zone"))
        #expect(try hub.admin(["settings"]).stdout.contains("no program settings"), "refused forms change nothing")
        let saved = try await browser.post("/admin/settings", fields(["on_time_grace_minutes": "7", "time_zone": "Europe/Berlin", "anonymous_ratings": "on"]))
        #expect(saved.status == 200 && saved.body.contains("Settings saved"))
        let shown = try hub.admin(["settings"]).stdout
        #expect(shown.contains("on_time_grace_minutes = 7") && shown.contains("anonymous_ratings = true") && shown.contains("feedback.pair_fit = true")
                && shown.contains("feedback.directed_feedback = false") && shown.contains("time_zone = Europe/Berlin"), "\(shown)")
        #expect(try await browser.post("/admin/settings", fields(["action": "clear"])).body.contains("Settings cleared"))
        #expect(try hub.admin(["settings"]).stdout.contains("no program settings"))

        // A kiosk's check-in of someone not on the roster is kept as rejected; once the roster has them, a retry takes it in.
        let code = try hub.addKiosk("lobby-9")
        let kiosk = try await HubClient(baseURL: hub.url, token: nil).enroll(code: code)
        let event = WireEvent(
            seq: 1, id: UUID().uuidString.lowercased(), kind: "check_in", participantID: "N900", sessionID: "S-CIRCLE", actorID: nil, wallTime: HubProcess.now,
            monotonicNs: 1, clockTrusted: true, status: "on_time", durationSeconds: nil, rating: nil, undoesSeq: nil, viaBadge: true, effectiveAt: nil,
            badgeHash: nil, note: nil)
        let receipt = try await HubClient(baseURL: hub.url, token: kiosk.token).push([event])
        #expect(receipt.rejected.count == 1)
        let rejected = try await browser.get("/admin/rejected")
        #expect(rejected.body.contains("check_in N900 in S-CIRCLE") && rejected.body.contains("participant N900 is not on the hub&#39;s roster"), "\(rejected.body)")
        let stillRefused = try await browser.post("/admin/rejected/retry", [("csrf", csrf)])
        #expect(stillRefused.body.contains("0 taken in, 1 still refused"))
        let roster = Self.csv(["id,name,role,badges,active", "N900,Nia Park,mentee,,true"])
        let preview = try await browser.postMultipart("/admin/program", [("csrf", csrf), ("kind", "participants")], files: [("file", "n.csv", roster)])
        let (content, signature) = try Self.previewed(preview)
        _ = try await browser.postMultipart("/admin/program", [("csrf", csrf), ("kind", "participants"), ("content", content), ("signature", signature), ("commit", "import")])
        let id = try #require(rejected.body.firstMatch(of: /name="id" value="([0-9]+)"/).map { String($0.1) })
        let retried = try await browser.post("/admin/rejected/retry", [("csrf", csrf), ("id", id)])
        #expect(retried.body.contains("1 taken in, 0 still refused"), "\(retried.body)")
        #expect(try await browser.get("/admin/rejected").body.contains("<p>None.</p>"))

        let audit = try await browser.get("/admin/audit")
        for line in ["<td>user:ada@example.org</td><td>settings.set</td>", "<td>user:ada@example.org</td><td>settings.clear</td>",
                     "<td>user:ada@example.org</td><td>rejected.retry</td><td>\(id)</td><td>1 taken in, 0 still refused</td>",
                     "<td>user:ada@example.org</td><td>login</td>"] {
            #expect(audit.body.contains(line), "\(line)")
        }
        #expect(try await browser.get("/admin/audit?days=0").status == 400)
    }
}
