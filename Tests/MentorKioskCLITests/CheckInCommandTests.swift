import Foundation
import Testing

@Suite("mentor-kiosk commands, run as a script would")
struct CheckInCommandTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var badge: String
        var secondsAfterStart: Double
        var extra: [String] = []
        var status: Int32
        var outcome: String
        var testDescription: String { "\(outcome) (\(badge.debugDescription) \(extra.joined(separator: " ")))" }
    }

    static let cases: [Case] = [
        Case(badge: "200004", secondsAfterStart: 60, status: 0, outcome: "checked_in"),
        Case(badge: "999999", secondsAfterStart: 60, status: 3, outcome: "unknown_badge"),
        Case(badge: "20\u{1B}[2J0004", secondsAfterStart: 60, status: 7, outcome: "badge_rejected"),
        Case(badge: "200007", secondsAfterStart: 60, status: 8, outcome: "inactive"),
        Case(badge: "100003", secondsAfterStart: 60, status: 6, outcome: "choose_session"),
        Case(badge: "100003", secondsAfterStart: 60, extra: ["--session", "S-LUNCH"], status: 0, outcome: "checked_in"),
        Case(badge: "100003", secondsAfterStart: 60, extra: ["--session", "S-WORKSHOP"], status: 8, outcome: "session_not_open"),
        Case(badge: "200004", secondsAfterStart: 6 * 3600, status: 4, outcome: "no_session"),
    ]

    @Test("checkin: outcomes and exit codes", arguments: cases)
    func outcomes(_ example: Case) throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.loadSample()
        let now = ISO8601DateFormatter().string(from: CLIHarness.now.addingTimeInterval(example.secondsAfterStart))
        let result = try cli.run(["checkin", example.badge, "--json", "--now", now] + example.extra)
        #expect(result.status == example.status)
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(json?["outcome"] as? String == example.outcome)
        #expect(json?["exit_code"] as? Int == Int(example.status))
    }

    @Test("a day through the CLI: check-in, repeat, check-out with rating, tally, export")
    func day() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.loadSample()
        let first = try cli.run(["checkin", "200004", "--now", "2026-03-02T15:01:00Z"])
        #expect(first.status == 0)
        #expect(first.stdout == "✓ Welcome, Lena Novak — checked in to Peer Circle A (on time)\n★ Your first session — welcome to the program!\n")
        let again = try cli.run(["checkin", "200004", "--now", "2026-03-02T15:20:00Z"])
        #expect(again.status == 5)
        #expect(again.stdout == "• Lena Novak, you are already checked in to Peer Circle A at 15:01 — tap again to check out\n")
        let out = try cli.run(["checkout", "200004", "--rating", "3", "--now", "2026-03-02T15:46:00Z"])
        #expect(out.status == 0)
        #expect(out.stdout == "✓ Goodbye, Lena Novak — checked out of Peer Circle A after 45 min\n✓ Thank you for rating 3 of 4\n")
        let manual = try cli.run(["manual-checkin", "E005", "--session", "S-CIRCLE", "--by", "F001", "--now", "2026-03-02T15:47:00Z"])
        #expect(manual.status == 0)
        let refused = try cli.run(["manual-checkin", "E006", "--session", "S-CIRCLE", "--by", "E004", "--now", "2026-03-02T15:47:00Z"])
        #expect(refused.status == 8)
        #expect(refused.stdout == "✗ Lena Novak is a mentee; only facilitators and admins may do this\n")

        let tally = try cli.run(["tally", "S-CIRCLE", "--now", "2026-03-02T15:50:00Z"])
        #expect(tally.stdout == """
            Peer Circle A (S-CIRCLE), 14:58–15:58 at Main Lobby
            Present 2 of 4 expected — 0 late, 1 checked out
              ✓ Lena Novak             15:01 → 15:46  on_time
              ✓ Omar Haddad            15:47  manual
            Missing:
              ✗ Sofia Rossi
              ✗ Tomás Silva

            """)
        // After the end, Omar is checked out automatically and the absentees show as absent.
        let export = try cli.run(["export", "--format", "csv", "--from", "2026-03-02", "--now", "2026-03-02T17:00:00Z"])
        #expect(export.status == 0)
        let lines = export.stdout.components(separatedBy: "\r\n")
        #expect(lines.first?.hasPrefix("session_id,session_title,") == true)
        let circle = lines.filter { $0.hasPrefix("S-CIRCLE,") }
        #expect(circle.count == 4)
        #expect(circle.contains { $0.contains(",E005,Omar Haddad,") && $0.contains(",manual,") && $0.contains(",auto,") })
        #expect(circle.contains { $0.contains(",E004,Lena Novak,") && $0.contains(",badge,2700,3,") })
        #expect(circle.filter { $0.contains(",absent,") }.count == 2)
        let doctor = try cli.run(["doctor"])
        #expect(doctor.stdout.contains("✓ attendance matches the event log (5 events, 2 attendances)"))
    }

    @Test("a broken CSV is refused with file, line and column, and changes nothing")
    func brokenImport() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.loadSample()
        let before = try cli.run(["export", "--format", "jsonl", "--now", "2026-03-02T15:30:00Z"]).stdout
        let path = cli.directory + "/broken.csv"
        try Data("id,name,role,badges,active\nM001,Maria Renamed,mentor,100001,true\nX1,Xavier,wizard,123456,true\n".utf8)
            .write(to: URL(fileURLWithPath: path))
        let result = try cli.run(["import", "participants", path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("import refused, nothing changed: \(path):3: column role: \"wizard\" is not a role"))
        #expect(try cli.run(["export", "--format", "jsonl", "--now", "2026-03-02T15:30:00Z"]).stdout == before)
        #expect(!before.contains("Renamed"))
    }

    @Test("bad configuration is an error naming the key")
    func badConfig() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let config = cli.directory + "/kiosk.toml"
        try Data("[check_in]\nopens_before_minutes = \"soon\"\n".utf8).write(to: URL(fileURLWithPath: config))
        let result = try cli.run(["init", "--config", config])
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(config): check_in.opens_before_minutes: expected an integer from 0 to 240, found string"))
        try Data("[kiosk]\nlocaton = \"Lobby\"\n".utf8).write(to: URL(fileURLWithPath: config))
        let typo = try cli.run(["init", "--config", config])
        #expect(typo.stderr.contains("kiosk.locaton: unknown key; [kiosk] has id, location, time_zone, state_directory, language"))
        #expect(!FileManager.default.fileExists(atPath: cli.database))
    }

    @Test("config check prints the values in effect, or names the bad key")
    func configCheck() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let config = cli.directory + "/kiosk.toml"
        try Data("[kiosk]\nlocation = \"Room 101\"\n[check_in]\nopens_before_minutes = 30\n[feedback]\ngoal_every = 4\n".utf8).write(to: URL(fileURLWithPath: config))
        let good = try cli.run(["config", "check", "--config", config])
        #expect(good.status == 0)
        #expect(good.stdout.contains("kiosk.location = Room 101\n"))
        #expect(good.stdout.contains("check_in.opens_before_minutes = 30\n"))
        #expect(good.stdout.contains("feedback.pair_fit = true\nfeedback.fit_sessions = 2\nfeedback.goal_every = 4\n"))
        #expect(good.stdout.contains("database = \(cli.database)\n"))
        #expect(good.stdout.contains("gpio.chip = auto\ngpio.buttons = 5, 6, 13, 19\n"))
        try Data("[backup]\nkeep = 0\n".utf8).write(to: URL(fileURLWithPath: config))
        let bad = try cli.run(["config", "check", "--config", config])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("\(config): backup.keep: expected an integer from 1 to 365, found 0"))
        try Data("[feedback]\nquestion_seconds = 60\n".utf8).write(to: URL(fileURLWithPath: config))
        let slow = try cli.run(["config", "check", "--config", config])
        #expect(slow.status == 1 && slow.stderr.contains("\(config): feedback.question_seconds: expected an integer from 3 to 30, found 60"), "\(slow.stderr)")
    }

    @Test("commands other than init refuse to create a database by accident")
    func noDatabase() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let result = try cli.run(["checkin", "200004"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("no database at \(cli.database); run `mentor-kiosk init` first"))
    }
}
