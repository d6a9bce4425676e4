import Foundation
import Testing

/// `mentor-kiosk report` through the real binary on a real database.
@Suite("mentor-kiosk report")
struct ReportCommandTests {
    @Test("a day's figures as a table, JSON and the participants' CSV; bad periods are refused")
    func report() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.loadSample()
        #expect(try cli.run(["checkin", "200004", "--now", "2026-03-02T15:01:00Z"]).status == 0)
        #expect(try cli.run(["checkout", "200004", "--rating", "3", "--now", "2026-03-02T15:46:00Z"]).status == 0)
        let period = ["--from", "2026-03-02", "--to", "2026-03-03", "--now", "2026-03-03T12:00:00Z"]

        let table = try cli.run(["report"] + period)
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stderr.isEmpty, "no progress line when standard error is not a terminal: \(table.stderr)")
        #expect(table.stdout.hasPrefix("Engagement, Main Lobby, 2026-03-02 to 2026-03-02 (GMT)"), "the kiosk's own room by default: \(table.stdout)")
        #expect(table.stdout.contains("satisfaction        3.0 of 4 (1:0 2:0 3:1 4:0), response rate 100%"), "\(table.stdout)")
        #expect(table.stdout.contains("time in session     median 45 min (1 badge check-out)"))
        let autumnMentees = try cli.run(["report", "--role", "mentee", "--cohort", "2026 autumn"] + period)
        #expect(autumnMentees.stdout.hasPrefix("Engagement, Main Lobby, role mentee, cohort 2026 autumn, 2026-03-02"), "the heading names the filters: \(autumnMentees.stdout)")
        let everywhere = try cli.run(["report", "--location", "all"] + period)
        #expect(everywhere.stdout.hasPrefix("Engagement, all locations, 2026-03-02 to 2026-03-02 (GMT)"), "\(everywhere.stdout)")

        let json = try cli.run(["report", "--format", "json"] + period)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["attended"] as? Int == 1)
        let expected = try #require(object["expected"] as? Int)
        #expect(object["present"] as? Int == 1 && expected > 1, "Lena came; her circle's other members did not")

        let csv = try cli.run(["report", "--format", "csv"] + period)
        let lines = csv.stdout.components(separatedBy: "\r\n")
        #expect(lines.first == "participant_id,name,expected,present,attendance_rate,last_arrival,at_risk_reason")
        #expect(lines.contains { $0.hasPrefix("E004,Lena Novak,1,1,1.0000,2026-03-02T14:58:00Z,") }, "\(csv.stdout)")

        let pairs = try cli.run(["report", "--format", "jsonl", "--table", "pairs"] + period)
        let pairLines = pairs.stdout.split(separator: "\n")
        #expect(!pairLines.isEmpty && pairLines.allSatisfy { $0.contains("\"group_id\":\"P") && $0.contains("\"meetings\":") }, "\(pairs.stdout)\(pairs.stderr)")
        let weeks = try cli.run(["report", "--format", "csv", "--table", "weeks"] + period)
        #expect(weeks.stdout.hasPrefix("week_starts,sessions,expected,present,attendance_rate,active_participants,retention\r\n2026-03-02T00:00:00Z,"), "\(weeks.stdout)")
        #expect(try cli.run(["report", "--table", "pairs"] + period).stderr.contains("--table goes with --format csv or jsonl"))
        let ratings = try cli.run(["report", "--format", "csv", "--table", "ratings"] + period)
        let ratingLines = ratings.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(ratingLines.first == "session_id,session_title,starts_at,location,participant_id,rating", "\(ratings.stdout)\(ratings.stderr)")
        #expect(ratingLines.count == 2 && ratingLines[1].hasSuffix(",E004,3"), "the one rating, Lena's: \(ratings.stdout)")

        let backwards = try cli.run(["report", "--from", "2026-03-05", "--to", "2026-03-02"])
        #expect(backwards.status != 0 && backwards.stderr.contains("--from must be before --to"))
        let garbled = try cli.run(["report", "--from", "soon"])
        #expect(garbled.status != 0 && garbled.stderr.contains("\"soon\" is not a time"))
    }
}
