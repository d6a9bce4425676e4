import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// Six weeks of three pairs through the real binaries: a hub (SQLite or PostgreSQL) whose clock
/// is rehearsed week by week, and a kiosk that learns its schedule from the hub. Pair 1's mentor
/// stops coming after week 1, Pair 2's mentee drifts away after week 3, Pair 3 meets every week
/// and answers the check-out questions, with the buttons on the real kiosk screen in tmux (weeks
/// 1 and 6) and with `mentor-kiosk answer` (weeks 2 and 3).
///
/// | pair | weeks 1–6 | answers |
/// |---|---|---|
/// | P1 (M1, E1) | both in week 1, then E1 alone | — |
/// | P2 (M2, E2) | both in weeks 1–3, then M2 alone | — |
/// | P3 (M3, E3) | both every week | w1 (buttons): M3 "still deciding", E3 "good fit"; w2: M3 "good fit", E3 on M3 4; w3: M3 goal 3; w6 (buttons): M3 goal 2 |
///
/// The facilitator (who checks in as a guest when badging in) opens the tally in week 6.
@Suite("Pair health through real processes", .serialized)
struct PairHealthProcessTests {
    /// Monday 7 September 2026, UTC (the hub's program has no time zone set).
    static let termStart = Date(timeIntervalSince1970: 1_788_739_200)

    static func at(week: Int, day: Int = 2, _ hour: Int, _ minute: Int = 0) -> String {
        termStart.addingTimeInterval(Double((7 * (week - 1) + day) * 86_400 + hour * 3600 + minute * 60)).formatted(.iso8601)
    }

    static let participants = """
        id,name,role,badges,active
        F1,Fatima Okafor,facilitator,700001,
        M1,Maya Lind,mentor,100001,
        M2,Mark Sato,mentor,100002,
        M3,Mia Costa,mentor,100003,
        E1,Eli Park,mentee,200001,
        E2,Eva Ruiz,mentee,200002,
        E3,Ed Brown,mentee,200003,

        """
    static let groups = """
        group_id,name,kind,participant_id,member_role
        P1,Pair 1,pair,M1,mentor
        P1,Pair 1,pair,E1,mentee
        P2,Pair 2,pair,M2,mentor
        P2,Pair 2,pair,E2,mentee
        P3,Pair 3,pair,M3,mentor
        P3,Pair 3,pair,E3,mentee

        """
    /// Each pair on Wednesdays: P1 at 17:00, P2 at 18:00, P3 at 19:00, for 45 minutes.
    static let sessions = (["session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id"] + (1...6).flatMap { week in
        (1...3).map { pair in
            "P\(pair)-W\(week),Pair \(pair) meeting,one_on_one,Main Lobby,\(at(week: week, 16 + pair)),\(at(week: week, 16 + pair, 45)),P\(pair),F1"
        }
    }).joined(separator: "\n") + "\n"
    static let badges = ["F1": "700001", "M1": "100001", "M2": "100002", "M3": "100003", "E1": "200001", "E2": "200002", "E3": "200003"]

    static func comers(week: Int) -> [(pair: Int, people: [String])] {
        [(1, week == 1 ? ["M1", "E1"] : ["E1"]), (2, week <= 3 ? ["M2", "E2"] : ["M2"]), (3, ["M3", "E3"])]
    }

    @Test("a mentor who stops and a mentee who drifts are at risk as one-sided; answers given with the buttons reach the hub's report",
          arguments: HubDatabase.available)
    func term(_ database: HubDatabase) async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let write = cli.write
        let hubNow = { (week: Int) in ["--now", Self.at(week: week, day: 0, 8)] }
        let hub = try HubProcess(
            directory: cli.directory, database: database, serveArguments: hubNow(1),
            program: [("participants", Self.participants), ("groups", Self.groups), ("sessions", Self.sessions)])
        let config = try write("kiosk.toml", "[kiosk]\nid = \"kiosk-1\"\nlocation = \"Main Lobby\"\n")
        let kiosk = { (arguments: [String]) throws -> CLIHarness.Result in try cli.run(arguments + ["--config", config]) }
        #expect(try kiosk(["init"]).status == 0)
        #expect(try kiosk(["enroll", hub.url, try hub.addKiosk("kiosk-1")]).status == 0)
        #expect(try kiosk(["set-pin", "F1", "1234"]).status == 0)
        let sync = {
            let result = try hub.sync(cli, ["--config", config])
            #expect(result.status == 0 && result.stdout.contains("0 rejected"), "\(result.stdout)\(result.stderr)")
        }
        /// The kiosk screen, its clock started at a moment of the term.
        let screen = { (moment: String) throws -> TmuxKiosk in
            let tmux = try TmuxKiosk(["run", "--database", cli.database, "--config", config, "--now", moment], directory: cli.directory)
            try tmux.waitFor("Mentor Kiosk · Main Lobby", timeout: 30)  // both back-ends' terms run at once
            return tmux
        }
        /// A second tap, check out, a rating, then the question after it.
        let checkOut = { (tmux: TmuxKiosk, person: String, rating: Int, question: String) throws in
            try tmux.scan(Self.badges[person]!)
            try tmux.waitFor("Leaving? Press [3] to check out.")
            try tmux.press(3)
            try tmux.waitFor("How was the session?")
            try tmux.press(rating)
            try tmux.waitFor(question)
        }
        /// The facilitator's badge, the PIN, the tally of the open sessions.
        let openTally = { (tmux: TmuxKiosk) throws -> String in
            try tmux.scan(Self.badges["F1"]!)
            try tmux.waitFor("[1] facilitator menu")
            try tmux.press(1)
            try tmux.waitFor("enter your PIN")
            try tmux.press(1, 2, 3, 4)
            try tmux.waitFor("Tally of open sessions")
            try tmux.press(3)
            return try tmux.waitFor("Pairs needing attention:")
        }

        for week in 1...6 {
            if week > 1 { try hub.restart(serveArguments: hubNow(week)) }
            try sync()
            for (pair, people) in Self.comers(week: week) {
                for person in people {
                    let result = try kiosk(["checkin", Self.badges[person]!, "--now", Self.at(week: week, 16 + pair, 1)])
                    #expect(result.status == 0, "\(person) in week \(week): \(result.stdout)")
                }
            }
            switch week {
            case 1:
                let tmux = try screen(Self.at(week: 1, 19, 40))
                try checkOut(tmux, "M3", 4, "Is this pairing a good fit?")
                #expect(tmux.screen.contains("[1] good fit     [2] still deciding     [3] not a fit     [4] skip"), "\(tmux.screen)")
                try tmux.press(2)
                try tmux.waitFor("✓ Thank you — still deciding")
                try checkOut(tmux, "E3", 3, "Is this pairing a good fit?")
                try tmux.press(1)
                try tmux.waitFor("✓ Thank you — good fit")
            case 2:
                let out = try kiosk(["checkout", "100003", "--json", "--now", Self.at(week: 2, 19, 40)])
                #expect(out.stdout.contains("\"questions\":[\"rating\",\"pair_fit\"]"), "still deciding: asked again: \(out.stdout)")
                #expect(try kiosk(["answer", "100003", "pair_fit", "1", "--now", Self.at(week: 2, 19, 41)]).status == 0)
                let mentee = try kiosk(["checkout", "200003", "--json", "--now", Self.at(week: 2, 19, 40)])
                #expect(mentee.stdout.contains("\"questions\":[\"rating\",\"mentor_helpful\"]"), "\(mentee.stdout)")
                #expect(try kiosk(["answer", "200003", "mentor_helpful", "4", "--now", Self.at(week: 2, 19, 41)]).status == 0)
                let again = try kiosk(["answer", "200003", "mentor_helpful", "1", "--now", Self.at(week: 2, 19, 42)])
                #expect(again.status == 5 && again.stdout.contains("not asked"), "\(again.stdout)")
            case 3:
                let out = try kiosk(["checkout", "100003", "--json", "--now", Self.at(week: 3, 19, 40)])
                #expect(out.stdout.contains("\"questions\":[\"rating\",\"goal_progress\"]"), "every third session: \(out.stdout)")
                #expect(try kiosk(["answer", "100003", "goal_progress", "3", "--now", Self.at(week: 3, 19, 41)]).status == 0)
            case 6:
                // Pair 1's and Pair 2's sessions: the facilitator's tally says who has been away.
                let p1 = try openTally(try screen(Self.at(week: 6, 17, 10)))
                #expect(p1.contains("! P1 AT RISK — one-sided: only one member came to the last 3"), "the last four weeks: \(p1)")
                let p2 = try openTally(try screen(Self.at(week: 6, 18, 10)))
                #expect(p2.contains("! P2 AT RISK — one-sided: only one member came to the last 2"), "weeks 4 and 5: \(p2)")
                // Pair 3's check-out, then the tally of its session: its goal fell.
                let tmux = try screen(Self.at(week: 6, 19, 40))
                try checkOut(tmux, "M3", 3, "Progress on your goal since last time?")
                try tmux.press(2)
                try tmux.waitFor("✓ Thank you — a little")
                let tally = try openTally(tmux)
                #expect(tally.contains("! P3 — a check-out answer needs a look (details at the hub)"), "the goal's fall stays at the hub: \(tally)")
            default:
                break
            }
        }
        #expect(try kiosk(["sessions", "--now", Self.at(week: 7, day: 0, 7)]).status == 0)
        try hub.restart(serveArguments: hubNow(7))
        try sync()

        let period = ["--from", "2026-09-07", "--to", "2026-10-19"]
        let kioskJSON = try kiosk(["report", "--format", "json"] + period + ["--now", Self.at(week: 7, day: 0, 8)])
        let hubJSON = try hub.admin(["report", "--format", "json"] + period + hubNow(7))
        #expect(kioskJSON.status == 0 && hubJSON.status == 0, "\(kioskJSON.stderr)\(hubJSON.stderr)")
        let atKiosk = try #require(try JSONSerialization.jsonObject(with: Data(kioskJSON.stdout.utf8)) as? [String: Any])
        let atHub = try #require(try JSONSerialization.jsonObject(with: Data(hubJSON.stdout.utf8)) as? [String: Any])
        #expect(NSDictionary(dictionary: atKiosk).isEqual(to: atHub), "the kiosk and the hub agree:\n\(kioskJSON.stdout)\n\(hubJSON.stdout)")
        let pairs = Dictionary(uniqueKeysWithValues: (atHub["pairs"] as? [[String: Any]] ?? []).map { ($0["group_id"] as? String ?? "", $0) })
        let p1 = try #require(pairs["P1"]), p2 = try #require(pairs["P2"]), p3 = try #require(pairs["P3"])
        #expect(p1["health"] as? String == "at_risk" && p2["health"] as? String == "at_risk")
        #expect((p1["one_sided_sessions"] as? [[String: Any]])?.count == 5 && p1["one_sided_in_a_row"] as? Int == 5)
        #expect((p1["one_sided_sessions"] as? [[String: Any]])?.allSatisfy { $0["participant_id"] as? String == "E1" } == true)
        #expect((p2["one_sided_sessions"] as? [[String: Any]])?.compactMap { $0["session_id"] as? String } == ["P2-W4", "P2-W5", "P2-W6"])
        #expect((p1["reasons"] as? [String])?.first == "one-sided: only one member came to the last 5 sessions (the mentee each time)", "\(p1)")
        #expect((p2["reasons"] as? [String])?.first == "one-sided: only one member came to the last 3 sessions (the mentor each time)", "\(p2)")
        let fit = try #require(p3["fit"] as? [String: Any])
        #expect(fit["mentor"] as? String == "good_fit" && fit["mentee"] as? String == "good_fit")
        #expect((fit["answers"] as? [[String: Any]])?.compactMap { $0["answer"] as? String } == ["still_deciding", "good_fit", "good_fit"])
        let goal = try #require(p3["goal_progress"] as? [String: Any])
        #expect(goal["latest"] as? Int == 2 && goal["previous"] as? Int == 3 && goal["trend"] as? String == "falling")
        #expect(p3["feedback_from_mentee"] as? Double == 4 && p3["health"] as? String == "watch")
        #expect((atHub["goal_achievement"] as? [String: Any])?["share"] as? Double == 0)

        let csv = try hub.admin(["report", "--format", "csv", "--table", "pairs"] + period + hubNow(7)).stdout
        #expect(csv.contains(",one_sided_sessions,one_sided_in_a_row,fit_mentor,fit_mentee,goal_progress,goal_trend,feedback_from_mentee,feedback_from_mentor,health,reasons\r\n"), "\(csv)")
        #expect(csv.contains(",0,0,good_fit,good_fit,2,falling,4.0000,,watch,goal falling: progress 3 → 2\r\n"), "\(csv)")

        var request = HTTPClientRequest(url: hub.url + "/dashboard?from=2026-09-07&to=2026-10-19")
        request.headers.add(name: "Authorization", value: "Basic " + Data("admin:\(hub.adminToken)".utf8).base64EncodedString())
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let page = String(buffer: try await response.body.collect(upTo: 8 << 20))
        #expect(response.status.code == 200)
        let table = try #require(page.range(of: "Pair health, worst first").map { String(page[$0.upperBound...]) })
        let order = ["<td>P1<td>at risk", "<td>P2<td>at risk", "<td>P3<td>watch"].map { table.range(of: $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil } && order[0]! < order[1]! && order[1]! < order[2]!, "worst first: \(table.prefix(2000))")
        #expect(table.contains("mentor: still deciding → mentee: good fit → mentor: good fit"), "the fit answers over time")
    }
}
