import Foundation
import GRDB
import KioskStore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Kills a real `mentor-kiosk checkin --stdin` with SIGKILL at random moments while it checks
/// people in as fast as it can. Every check-in it reported (a complete line on its standard
/// output) must be in the database afterwards, with its event, and the file must be intact.
@Suite("Crash safety: SIGKILL during check-ins", .serialized)
struct CrashSafetyTests {
    static let participants = 4000
    static let kills = 15

    @Test("nothing reported as done is ever lost")
    func killRepeatedly() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.run(["init"])
        var csv = "id,name,role,badges,active\n"
        for index in 0..<Self.participants { csv += "P\(index),Person \(index),mentee,\(Self.badge(index)),true\n" }
        try Data(csv.utf8).write(to: URL(fileURLWithPath: cli.directory + "/participants.csv"))
        try Data("session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id\nS-OPEN,Open House,networking,Main Lobby,2026-03-02T14:50:00Z,2026-03-02T18:00:00Z,,\n".utf8)
            .write(to: URL(fileURLWithPath: cli.directory + "/sessions.csv"))
        #expect(try cli.run(["import", "participants", cli.directory + "/participants.csv"]).status == 0)
        #expect(try cli.run(["import", "sessions", cli.directory + "/sessions.csv"]).status == 0)

        var acknowledged = Set<String>()
        var generator = SystemRandomNumberGenerator()
        var killedMidRun = 0
        for round in 0..<Self.kills {
            let remaining = (0..<Self.participants).filter { !acknowledged.contains("P\($0)") }
            guard !remaining.isEmpty else { break }
            let input = cli.directory + "/badges-\(round).txt"
            let output = cli.directory + "/acks-\(round).jsonl"
            try Data(remaining.map { Self.badge($0) + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: input))

            let process = try ChildProcess(
                [CLIHarness.binary, "checkin", "--stdin", "--json", "--database", cli.database, "--now", CLIHarness.nowText],
                stdin: input, stdout: output)
            usleep(UInt32.random(in: 40_000...500_000, using: &generator))
            if process.isRunning { killedMidRun += 1 }
            process.signal(SIGKILL)
            process.wait()

            // Only complete lines left the process: those check-ins were acknowledged.
            let text = String(decoding: FileManager.default.contents(atPath: output) ?? Data(), as: UTF8.self)
            for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                let json = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                if json["outcome"] as? String == "checked_in", let person = json["participant"] as? [String: Any] {
                    acknowledged.insert(try #require(person["id"] as? String))
                }
            }
            try Self.verify(database: cli.database, acknowledged: acknowledged)
        }
        print("crash safety: \(Self.kills) kills, \(killedMidRun) mid-run, \(acknowledged.count) acknowledged check-ins, none lost")
        #expect(killedMidRun > Self.kills / 2, "most kills should land while the process is still checking in")
        #expect(acknowledged.count > 100)
    }

    static func badge(_ index: Int) -> String { String(format: "9%06d", index) }

    /// Opens the file as a restarted kiosk would and checks it against what was acknowledged.
    static func verify(database: String, acknowledged: Set<String>) throws {
        let store = try KioskStore(path: database, kioskID: "kiosk-1")
        #expect(try store.integrityCheck() == ["ok"])
        let (present, checkIns) = try store.read { db in
            (try String.fetchSet(db, sql: "SELECT participant_id FROM attendance WHERE session_id = 'S-OPEN'"),
             try String.fetchAll(db, sql: "SELECT participant_id FROM event WHERE kind = 'check_in'"))
        }
        let lost = acknowledged.subtracting(present)
        #expect(lost.isEmpty, "acknowledged but lost: \(lost.sorted().prefix(10))")
        #expect(Set(checkIns) == present, "every attendance has exactly its event, and no event lacks its attendance")
        #expect(checkIns.count == Set(checkIns).count)
        #expect(try store.projectionMismatches().isEmpty)
    }
}
