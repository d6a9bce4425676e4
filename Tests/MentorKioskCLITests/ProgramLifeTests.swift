import Foundation
import KioskStore
import Testing

/// Eight weeks of a real program, through the real binaries: a hub (SQLite or PostgreSQL) whose
/// clock is rehearsed week by week (`--now`), and a kiosk that learns its schedule only from the
/// hub's directory. Along the way every kind of program life happens — a session cancelled ahead
/// at the hub, another cancelled at the kiosk, a mentee who leaves in week 5, a pair re-matched in
/// week 6, two excused absences (one at the kiosk, one at the hub) — and at the end the kiosk's
/// and the hub's figures equal the hand counts below, and each other.
@Suite("A term of program life (real processes)", .serialized)
struct ProgramLifeTests {
    static let zone = TimeZone(identifier: "America/Chicago")!
    /// Monday 7 September 2026 in Chicago; the term runs eight weeks, across the end of
    /// daylight saving time (1 November).
    static let termStart: Date = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: 2026, month: 9, day: 7))!
    }()

    /// A local time of the term: `day` days after week `week`'s Monday, at `hour:minute` in Chicago.
    static func at(week: Int, day: Int = 0, _ hour: Int, _ minute: Int = 0) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let date = calendar.date(byAdding: DateComponents(day: 7 * (week - 1) + day, hour: hour, minute: minute), to: termStart)!
        return date.formatted(.iso8601)
    }

    static let participantsV1 = """
        id,name,role,badges,active,joined_on,left_on
        F1,Fatima Okafor,facilitator,700001,,,
        M1,Maya Lind,mentor,100001,,,
        M2,Mark Sato,mentor,100002,,,
        M3,Mia Costa,mentor,100003,,2026-10-12,
        E1,Eli Park,mentee,200001,,,
        E2,Eva Ruiz,mentee,200002,,,
        E3,Ed Brown,mentee,200003,,,

        """
    /// Week 5: Ed left on Tuesday 6 October.
    static let participantsV2 = participantsV1.replacingOccurrences(of: "E3,Ed Brown,mentee,200003,,,", with: "E3,Ed Brown,mentee,200003,,,2026-10-06")
    static let groupsV1 = """
        group_id,name,kind,participant_id,member_role,from,until
        C1,Circle One,circle,M1,mentor,,
        C1,Circle One,circle,M2,mentor,,
        C1,Circle One,circle,E1,mentee,,
        C1,Circle One,circle,E2,mentee,,
        C1,Circle One,circle,E3,mentee,,
        P1,Pair 1,pair,M1,mentor,,
        P1,Pair 1,pair,E1,mentee,,
        P2,Pair 2,pair,M2,mentor,,
        P2,Pair 2,pair,E2,mentee,,

        """
    /// Week 6: Eva moves from Mark (P2) to Mia (P3) on Monday 12 October.
    static let groupsV2 = groupsV1.replacingOccurrences(of: "P2,Pair 2,pair,E2,mentee,,", with: "P2,Pair 2,pair,E2,mentee,,2026-10-12")
        + "P3,Pair 3,pair,M3,mentor,2026-10-12,\nP3,Pair 3,pair,E2,mentee,2026-10-12,\n"

    /// The circle on Mondays 17:00, the pairs on Wednesdays at 17:00 (P1) and 18:00 (P2, then P3).
    static func sessions(pair2Weeks: ClosedRange<Int>, pair3Weeks: ClosedRange<Int>?) -> String {
        var lines = ["session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id"]
        for week in 1...8 {
            lines.append("C1-W\(week),Circle One week \(week),group,Main Lobby,\(at(week: week, 17)),\(at(week: week, 18)),C1,F1")
            lines.append("P1-W\(week),Pair 1 check-in,one_on_one,Main Lobby,\(at(week: week, day: 2, 17)),\(at(week: week, day: 2, 17, 45)),P1,")
        }
        for week in pair2Weeks {
            lines.append("P2-W\(week),Pair 2 check-in,one_on_one,Main Lobby,\(at(week: week, day: 2, 18)),\(at(week: week, day: 2, 18, 45)),P2,")
        }
        for week in pair3Weeks.map(Array.init) ?? [] {
            lines.append("P3-W\(week),Pair 3 check-in,one_on_one,Main Lobby,\(at(week: week, day: 2, 18)),\(at(week: week, day: 2, 18, 45)),P3,")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let badges = ["M1": "100001", "M2": "100002", "M3": "100003", "E1": "200001", "E2": "200002", "E3": "200003"]

    /// Who comes, session by session (a minute after the start). Cancelled sessions are absent:
    /// P2-W1 (at the hub, ahead), P1-W7 (at the kiosk), P2-W6…8 (left out of the schedule after
    /// the re-match). Excused: Eli from P1-W8 (at the kiosk), Mark from C1-W8 (at the hub).
    static let arrivals: [(session: String, week: Int, day: Int, hour: Int, people: [String])] = [
        ("C1-W1", 1, 0, 17, ["M1", "M2", "E1", "E2", "E3"]), ("P1-W1", 1, 2, 17, ["M1", "E1"]),
        ("C1-W2", 2, 0, 17, ["M1", "M2", "E1", "E2", "E3"]), ("P1-W2", 2, 2, 17, ["M1", "E1"]), ("P2-W2", 2, 2, 18, ["M2", "E2"]),
        ("C1-W3", 3, 0, 17, ["M1", "M2", "E1", "E2"]), ("P1-W3", 3, 2, 17, ["M1", "E1"]), ("P2-W3", 3, 2, 18, ["M2", "E2"]),
        ("C1-W4", 4, 0, 17, ["M1", "M2", "E1", "E2"]), ("P1-W4", 4, 2, 17, ["M1", "E1"]), ("P2-W4", 4, 2, 18, ["E2"]),
        ("C1-W5", 5, 0, 17, ["M1", "M2", "E1", "E2"]), ("P1-W5", 5, 2, 17, ["M1", "E1"]), ("P2-W5", 5, 2, 18, ["M2", "E2"]),
        ("C1-W6", 6, 0, 17, ["M1", "M2", "E1", "E2"]), ("P1-W6", 6, 2, 17, ["M1", "E1"]), ("P3-W6", 6, 2, 18, ["M3", "E2"]),
        ("C1-W7", 7, 0, 17, ["M1", "E1", "E2"]), ("P3-W7", 7, 2, 18, ["E2"]),
        ("C1-W8", 8, 0, 17, ["M1", "E2"]), ("P1-W8", 8, 2, 17, ["M1"]), ("P3-W8", 8, 2, 18, ["E2"]),
    ]

    @Test("eight weeks with a cancellation each way, a leaver, a re-match and two excuses: kiosk, hub and hand counts agree",
          arguments: HubDatabase.available)
    func term(_ database: HubDatabase) throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let write = cli.write
        let hubNow = { (week: Int) in ["--now", Self.at(week: week, 8)] }
        let hub = try HubProcess(
            directory: cli.directory, database: database, serveArguments: hubNow(1), initArguments: ["--time-zone", "America/Chicago"],
            program: [("participants", Self.participantsV1), ("groups", Self.groupsV1), ("sessions", Self.sessions(pair2Weeks: 1...8, pair3Weeks: nil))])
        let config = try write("kiosk.toml", "[kiosk]\nid = \"kiosk-1\"\nlocation = \"Main Lobby\"\ntime_zone = \"America/Chicago\"\n")
        let kiosk = { (arguments: [String]) throws -> CLIHarness.Result in try cli.run(arguments + ["--config", config]) }
        #expect(try kiosk(["init"]).status == 0)
        #expect(try kiosk(["enroll", hub.url, try hub.addKiosk("kiosk-1")]).status == 0)
        let sync = {
            let result = try hub.sync(cli, ["--config", config])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("0 rejected"), "\(result.stdout)")
        }
        try sync()
        let store = try KioskStore(path: cli.database, kioskID: "kiosk-1")
        #expect(try store.session(id: "P2-W1")?.status == .scheduled, "the kiosk's schedule comes from the directory")

        // Week 1: the admin cancels Pair 2's first meeting ahead; the next sync carries it.
        #expect(try hub.admin(["session", "cancel", "P2-W1", "--reason", "mentor away"] + hubNow(1)).status == 0)
        try sync()
        #expect(try store.session(id: "P2-W1")?.status == .cancelled)
        #expect(try store.session(id: "P2-W1")?.cancelReason == "mentor away")

        for week in 1...8 {
            if week > 1 {
                try hub.restart(serveArguments: hubNow(week))
                try sync()
            }
            if week == 6 {
                // Ed left last Tuesday; Eva is re-matched with Mia; Pair 2's meetings from now on go.
                for (kind, text) in [("participants", Self.participantsV2), ("groups", Self.groupsV2)] {
                    #expect(try hub.admin(["import", kind, try write("\(kind)-v2.csv", text)] + hubNow(6)).status == 0)
                }
                let missing = try hub.admin(
                    ["import", "sessions", try write("sessions-v2.csv", Self.sessions(pair2Weeks: 1...5, pair3Weeks: 6...8)), "--cancel-missing"] + hubNow(6))
                #expect(missing.stdout.contains("3 cancelled"), "P2-W6, W7 and W8: \(missing.stdout)\(missing.stderr)")
                try sync()
                #expect(try store.session(id: "P2-W6")?.status == .cancelled)
                #expect(try store.session(id: "P1-W6")?.status == .scheduled)
                #expect(try store.session(id: "P2-W1")?.status == .cancelled, "importing the schedule again revives no cancelled session")
            }
            if week == 7 {
                let cancelled = try kiosk(["session", "cancel", "P1-W7", "--by", "F1", "--reason", "room booked", "--now", Self.at(week: 7, 9)])
                #expect(cancelled.status == 0, "\(cancelled.stdout)\(cancelled.stderr)")
                try sync()
                let audit = try hub.admin(["audit"]).stdout
                #expect(audit.contains("kiosk:kiosk-1  session.cancel  P1-W7  by F1: room booked"), "\(audit)")
                let mentor = try kiosk(["session", "cancel", "P3-W7", "--by", "M1", "--now", Self.at(week: 7, 9)])
                #expect(mentor.status == 8 && mentor.stdout.contains("only facilitators and admins"), "\(mentor.stdout)")
            }
            if week == 8 {
                #expect(try kiosk(["excuse", "E1", "--session", "P1-W8", "--by", "F1", "--reason", "exam", "--now", Self.at(week: 8, 9)]).status == 0)
                #expect(try hub.admin(["excuse", "M2", "--session", "C1-W8", "--reason", "travel"] + hubNow(8)).status == 0)
                let stranger = try hub.admin(["excuse", "M3", "--session", "C1-W8"] + hubNow(8))
                #expect(stranger.status != 0 && stranger.stderr.contains("M3 is not expected at C1-W8"), "\(stranger.stderr)")
                try sync()
            }
            for entry in Self.arrivals where entry.week == week {
                for person in entry.people {
                    let result = try kiosk(["checkin", Self.badges[person]!, "--now", Self.at(week: week, day: entry.day, entry.hour, 1)])
                    #expect(result.status == 0, "\(person) at \(entry.session): \(result.stdout)")
                }
            }
            if week == 1 {
                let scan = try kiosk(["checkin", "200002", "--now", Self.at(week: 1, day: 2, 18, 1)])
                #expect(scan.status == 4 && scan.stdout.contains("✗ Pair 2 check-in today was cancelled"), "\(scan.stdout)")
            }
            if week == 7 {
                let started = try kiosk(["session", "cancel", "P3-W7", "--by", "F1", "--now", Self.at(week: 7, day: 2, 18, 10)])
                #expect(started.status == 8 && started.stdout.contains("has started"), "\(started.stdout)")
            }
        }
        // The last week's automatic check-outs, made before the last sync.
        #expect(try kiosk(["sessions", "--now", Self.at(week: 9, 7)]).status == 0)
        try hub.restart(serveArguments: hubNow(9))
        try sync()
        let hubSchedule = try hub.admin(["report", "--format", "csv", "--table", "attendance", "--from", "2026-09-07", "--to", "2026-11-02"] + hubNow(9)).stdout
        #expect(!hubSchedule.contains("P1-W7"), "the kiosk's cancellation reached the hub's schedule")

        let period = ["--from", "2026-09-07", "--to", "2026-11-02"]
        let kioskJSON = try kiosk(["report", "--format", "json"] + period + ["--now", Self.at(week: 9, 8)])
        let hubJSON = try hub.admin(["report", "--format", "json"] + period + hubNow(9))
        #expect(kioskJSON.status == 0 && hubJSON.status == 0, "\(kioskJSON.stderr)\(hubJSON.stderr)")
        let atKiosk = try #require(try JSONSerialization.jsonObject(with: Data(kioskJSON.stdout.utf8)) as? [String: Any])
        let atHub = try #require(try JSONSerialization.jsonObject(with: Data(hubJSON.stdout.utf8)) as? [String: Any])
        #expect(NSDictionary(dictionary: atKiosk).isEqual(to: atHub), "the kiosk and the hub agree:\n\(kioskJSON.stdout)\n\(hubJSON.stdout)")

        for (name, report) in [("kiosk", atKiosk), ("hub", atHub)] {
            // 8 circle meetings, Pair 1's 7 (one cancelled), Pair 2's 4 (one cancelled ahead, three after the re-match), Pair 3's 3.
            #expect(report["sessions"] as? Int == 22, "\(name)")
            #expect(report["expected"] as? Int == 63, "\(name)")
            #expect(report["present"] as? Int == 55, "\(name)")
            let people = Dictionary(uniqueKeysWithValues: (report["participants"] as? [[String: Any]] ?? []).map {
                ($0["participant_id"] as? String ?? "", [$0["expected"] as? Int ?? -1, $0["present"] as? Int ?? -1])
            })
            // Mark: C1 W1–W7 (W8 excused) and P2 W2–W5; Mia: P3 from her first day; Eli: P1-W8 excused;
            // Ed: the circle until he left (W1–W5).
            #expect(people == ["M1": [15, 15], "M2": [11, 9], "M3": [3, 1], "E1": [14, 13], "E2": [15, 15], "E3": [5, 2]], "\(name): \(people)")
            let pairs = Dictionary(uniqueKeysWithValues: (report["pairs"] as? [[String: Any]] ?? []).map {
                ($0["group_id"] as? String ?? "", $0["meetings"] as? Int ?? -1)
            })
            #expect(pairs == ["P1": 6, "P2": 3, "P3": 1], "\(name): Pair 2 keeps its past after the re-match: \(pairs)")
            // Mia missed her last two; Ed missed three before he left; Mark's and Eli's last misses
            // are one each, once their excused sessions are skipped.
            let atRisk = (report["at_risk"] as? [[String: Any]] ?? []).compactMap { $0["participant_id"] as? String }
            #expect(atRisk == ["M3"], "\(name): \(atRisk)")
            #expect(report["completion"] as? Double == 4.0 / 6.0, "\(name)")
        }
        let attendance = try kiosk(["report", "--format", "csv", "--table", "attendance"] + period + ["--now", Self.at(week: 9, 8)]).stdout
        #expect(attendance.components(separatedBy: ",excused,").count - 1 == 2, "\(attendance)")
        #expect(hubSchedule.components(separatedBy: ",excused,").count - 1 == 2, "\(hubSchedule)")
        #expect(try kiosk(["doctor"]).stdout.contains("✓ time zone America/Chicago, as the hub's program"))
        let berlin = try write("kiosk-berlin.toml", "[kiosk]\nid = \"kiosk-1\"\nlocation = \"Main Lobby\"\ntime_zone = \"Europe/Berlin\"\n")
        let doctor = try cli.run(["doctor", "--config", berlin]).stdout
        #expect(doctor.contains("! time_zone is Europe/Berlin in the config, but the program's (from the hub) is America/Chicago"), "\(doctor)")
    }
}
