import Foundation
import KioskCore
import ProgramFiles
import Testing

extension HubSyncTests {
    /// The sample program with Lena Novak (E004, badge 200004) renamed to a person whose id,
    /// name and email occur nowhere else, so a search of every file finds only them.
    func programWithUniquePerson() -> (program: [(kind: String, csv: String)], id: String, name: String, email: String) {
        let tag = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(8))
        let id = "P" + tag, name = "Quinta Q" + tag.lowercased().map { "\(Character(UnicodeScalar(($0.asciiValue! % 26) + 97)))" }.joined()
        let email = "quinta.\(tag.lowercased())@school.example"
        let sample = SampleProgram(around: HubProcess.now, location: "Main Lobby")
        let people = sample.participantsCSV.split(separator: "\n").enumerated().map { index, line in
            index == 0 ? line + ",email" : line.hasPrefix("E004,") ? line + "," + email : line + ","
        }.joined(separator: "\n") + "\n"
        let rename = { (text: String) in text.replacingOccurrences(of: "E004", with: id).replacingOccurrences(of: "Lena Novak", with: name) }
        return ([("participants", rename(people)), ("groups", rename(sample.groupsCSV)), ("sessions", rename(sample.sessionsCSV))], id, name, email)
    }

    /// The files of `folder` and its subfolders that contain one of `needles`, with the needle found.
    func filesHolding(_ needles: [String], under folder: String) throws -> [String] {
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let file = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = folder + "/" + file
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                let bytes = FileManager.default.contents(atPath: path)
            else { continue }
            for needle in needles where bytes.range(of: Data(needle.utf8)) != nil { found.append("\(file): \(needle)") }
        }
        return found
    }

    @Test("an erased participant is in no file of the hub or of a synced kiosk, WAL included; figures keep their counts",
          arguments: HubDatabase.available)
    func participantErased(_ database: HubDatabase) throws {
        let cli = try CLIHarness()
        let person = programWithUniquePerson()
        let hub = try HubProcess(directory: cli.directory, database: database, program: person.program)
        defer { withExtendedLifetime(hub) { cli.remove() } }
        _ = try enrolledKiosk(hub, in: cli)
        let at = { (minutes: Double) in HubProcess.now.addingTimeInterval(minutes * 60).formatted(.iso8601) }
        let account = try hub.admin(["user", "add", person.email, "--role", "facilitator", "--participant", person.id])
        #expect(account.status == 0, "\(account.stderr)")
        for badge in ["200004", "200001"] { #expect(try cli.run(["checkin", badge, "--now", at(0)]).status == 0) }
        #expect(try cli.run(["sync"]).stdout.contains("hub has events through 2"))
        let period = ["--from", at(-12 * 60), "--to", at(24 * 60), "--now", at(15), "--format", "json"]
        let before = try hub.admin(["report"] + period)
        #expect(before.stdout.contains(person.name), "\(before.stdout)")

        let erased = try hub.admin(["participant", "erase", person.id, "--reason", "asked by letter"])
        #expect(erased.status == 0 && !erased.stderr.contains("warning"), "\(erased.stderr)")
        let pseudonym = String(try #require(erased.stdout.firstMatch(of: /erased-[0-9a-f]{16}/)?.0, "\(erased.stdout)"))
        #expect(erased.stdout.contains("\(person.id) is erased: \(pseudonym) in 1 stored event; 1 web account deleted"), "\(erased.stdout)")
        let again = try hub.admin(["participant", "erase", person.id])
        #expect(again.status == 0 && again.stdout.contains("was erased before (now \(pseudonym))"), "\(again.stdout)\(again.stderr)")
        let unknown = try hub.admin(["participant", "erase", "NOBODY"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no participant has the id NOBODY"), "\(unknown.stderr)")
        let reimported = try hub.admin(["import", "participants", cli.directory + "/hub-participants.csv"])
        #expect(reimported.status != 0 && reimported.stderr.contains("was erased (now \(pseudonym))"), "\(reimported.stderr)")

        // The kiosk has not heard yet: its next event still names the id; the hub stores it under
        // the pseudonym, and the directory of that sync erases the id on the kiosk.
        #expect(try cli.run(["checkout", "200004", "--now", at(10)]).status == 0)
        let synced = try cli.run(["sync"])
        #expect(synced.stdout.contains("1 stored, 0 already there, 0 rejected"), "\(synced.stdout)\(synced.stderr)")
        #expect(try cli.run(["checkin", "200004", "--now", at(11)]).status != 0, "their badge is unknown on the kiosk now")

        let after = try hub.admin(["report"] + period)
        #expect(after.stdout.contains(ErasedParticipant.name) && after.stdout.contains(pseudonym))
        let counts = { (report: String) in
            report.split(separator: "\n").filter { $0.contains(/"(expected|present|sessions|active_participants|attendance_rate)"/) }
        }
        #expect(counts(after.stdout) == counts(before.stdout) && !counts(before.stdout).isEmpty, "figures keep their counts")
        let audit = try hub.admin(["audit"]).stdout
        #expect(audit.contains("participant.erase") && audit.contains(pseudonym), "\(audit)")
        #expect(try hub.admin(["user", "list"]).stdout.contains(person.email) == false)

        // Every file: the hub's state (and PostgreSQL's files), the kiosk's folder; the test's own
        // program files go first, they are not the hub's.
        for kind in ["participants", "groups", "sessions"] { try? FileManager.default.removeItem(atPath: cli.directory + "/hub-\(kind).csv") }
        let needles = [person.id, person.name, person.email]
        let held = try filesHolding(needles, under: cli.directory)
        #expect(held.isEmpty, "hub and kiosk files: \(held)")
        if database == .postgres, let data = ProcessInfo.processInfo.environment["MENTOR_HUB_TEST_POSTGRES_DATA"], let server = HubDatabase.server {
            let url = hub.databaseArguments[1]
            let oid = try ChildProcess.run(["psql", "-tAq", url, "-c", "SELECT oid FROM pg_database WHERE datname = current_database()"])
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            // The old rows' WAL records leave with the segments a checkpoint no longer needs.
            for statement in ["CHECKPOINT", "SELECT pg_switch_wal()", "CHECKPOINT"] {
                #expect(try ChildProcess.run(["psql", "-tAq", server, "-c", statement]).status == 0)
            }
            let tables = try filesHolding(needles, under: data + "/base/" + oid), wal = try filesHolding(needles, under: data + "/pg_wal")
            let relations = try tables.map { file in
                let node = file.prefix { $0.isNumber }
                return try ChildProcess.run(["psql", "-tAq", url, "-c", "SELECT relname FROM pg_class WHERE pg_relation_filenode(oid) = \(node)"]).stdout
            }
            let sessions = tables.isEmpty ? "" : try ChildProcess.run(["psql", "-tAq", server, "-c", """
                SELECT datname, pid, backend_xmin, backend_xid, state, left(query, 60) FROM pg_stat_activity WHERE backend_xmin IS NOT NULL OR backend_xid IS NOT NULL
                """]).stdout
            #expect(tables.isEmpty, "the database's files: \(tables), relations \(relations); sessions now: \(sessions)")
            #expect(wal.isEmpty, "the WAL: \(wal)")
        }
    }

    @Test("a backup from before an erasure, restored, is erased again: the person is in no file of the hub", arguments: HubDatabase.available)
    func restoreErasesAgain(_ database: HubDatabase) throws {
        let cli = try CLIHarness()
        let person = programWithUniquePerson()
        let hub = try HubProcess(directory: cli.directory, database: database, program: person.program)
        let backups = NSTemporaryDirectory() + "hub-backups-" + UUID().uuidString
        defer {
            try? FileManager.default.removeItem(atPath: backups)
            withExtendedLifetime(hub) { cli.remove() }
        }
        _ = try enrolledKiosk(hub, in: cli)
        #expect(try cli.run(["checkin", "200004", "--now", HubProcess.nowText]).status == 0 && cli.run(["sync"]).status == 0)
        let backup = try hub.admin(["backup", "--directory", backups])
        let path = String(try #require(backup.stdout.firstMatch(of: /Backup written: (.+)/)?.1, "\(backup.stdout)\(backup.stderr)"))
        let erased = try hub.admin(["participant", "erase", person.id])
        let pseudonym = String(try #require(erased.stdout.firstMatch(of: /erased-[0-9a-f]{16}/)?.0, "\(erased.stdout)\(erased.stderr)"))

        hub.stop()
        let restored = try hub.admin(["restore", path])
        #expect(restored.status == 0 && restored.stdout.contains("Erased again 1 participant the backup still held: \(pseudonym)"),
                "\(restored.stdout)\(restored.stderr)")
        let export = try hub.admin(["export"]).stdout
        #expect(export.contains(pseudonym) && !export.contains(person.id), "\(export)")
        // The replaced database (after the erasure) is kept beside the restored one: neither holds the person.
        for kind in ["participants", "groups", "sessions"] { try? FileManager.default.removeItem(atPath: cli.directory + "/hub-\(kind).csv") }
        let held = try filesHolding([person.id, person.name, person.email], under: hub.state)
        #expect(held.isEmpty, "the hub's files after the restore: \(held)")
    }
}
