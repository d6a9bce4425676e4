import Foundation
import GRDB
import KioskStore
import Testing

/// Backups that restore, through the real binaries: the same report after a restore as when
/// the backup was written; a database in use, or a file that is not a backup, is refused and
/// nothing changes; the replaced database is kept.
@Suite("Backups and restores")
struct BackupRestoreTests {
    let later = CLIHarness.now.addingTimeInterval(3 * 3_600).formatted(.iso8601)

    @Test("a kiosk restores last night's backup: the same report as then; refused while in use or when it is not a backup")
    func kioskRestore() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.loadSample()
        #expect(try cli.run(["checkin", "200004", "--now", CLIHarness.nowText]).status == 0)
        let backup = try cli.run(["backup", "--directory", cli.directory + "/backups"])
        let path = String(try #require(backup.stdout.firstMatch(of: /Backup written: (.+)/)?.1))
        let report = { try cli.run(["report", "--format", "csv", "--now", self.later]).stdout }
        let atBackup = try report()
        #expect(try cli.run(["checkin", "200001", "--now", CLIHarness.nowText]).status == 0)
        let changed = try report()
        #expect(changed != atBackup, "the check-in after the backup shows in the report")

        do {
            // A process that has the database open: here the test's own store.
            let inUse = try KioskStore(path: cli.database, kioskID: "kiosk-1")
            let refused = try cli.run(["restore", path])
            #expect(refused.status != 0 && refused.stderr.contains("is in use"), "\(refused.stderr)")
            withExtendedLifetime(inUse) {}
        }
        try DatabaseRestore.exclusively([cli.database]) {
            let second = try cli.run(["restore", path])
            #expect(second.status != 0 && second.stderr.contains("is in use"), "a restore while another runs: \(second.stderr)")
        }
        #expect(try report() == changed, "a refused restore changes nothing")

        let text = try cli.write("notes.txt", "not a database\n")
        let notSQLite = try cli.run(["restore", text])
        #expect(notSQLite.status != 0 && notSQLite.stderr.contains("not an SQLite database"), "\(notSQLite.stderr)")
        let other = cli.directory + "/other.sqlite"
        try DatabaseQueue(path: other).write { try $0.execute(sql: "CREATE TABLE kiosk (id TEXT)") }
        let foreign = try cli.run(["restore", other])
        #expect(foreign.status != 0 && foreign.stderr.contains("is not a backup of this database: it has no event"), "\(foreign.stderr)")
        let missing = try cli.run(["restore", cli.directory + "/nothing.sqlite"])
        #expect(missing.status != 0 && missing.stderr.contains("no such file"), "\(missing.stderr)")
        // A copy whose event log has lost its append-only rule, and one of another kiosk.
        let unguarded = cli.directory + "/unguarded.sqlite", foreignKiosk = cli.directory + "/foreign-kiosk.sqlite"
        for copy in [unguarded, foreignKiosk] { try FileManager.default.copyItem(atPath: path, toPath: copy) }
        try DatabaseQueue(path: unguarded).write { try $0.execute(sql: "DROP TRIGGER event_no_update") }
        try DatabaseQueue(path: foreignKiosk).write { db in
            let guardSQL = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'event_no_update'") ?? ""
            try db.execute(sql: "DROP TRIGGER event_no_update")
            try db.execute(sql: "UPDATE event SET kiosk_id = kiosk_id || '-elsewhere'")
            try db.execute(sql: guardSQL)
        }
        let weakened = try cli.run(["restore", unguarded])
        #expect(weakened.status != 0 && weakened.stderr.contains("its schema is not this release's (missing or different: event_no_update)"), "\(weakened.stderr)")
        let otherKiosk = try cli.run(["restore", foreignKiosk])
        #expect(otherKiosk.status != 0 && otherKiosk.stderr.contains("-elsewhere's, and this kiosk is"), "\(otherKiosk.stderr)")
        #expect(try report() == changed, "a refused file changes nothing")

        let restored = try cli.run(["restore", path])
        #expect(restored.status == 0, "\(restored.stderr)")
        let kept = String(try #require(restored.stdout.firstMatch(of: /kept as (.+)/)?.1))
        #expect(try report() == atBackup, "the restored kiosk reports what it reported when the backup was written")
        let keptEvents = try DatabaseQueue(path: kept).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM event WHERE participant_id = 'E001' AND kind = 'check_in'") }
        #expect(keptEvents == 1, "the replaced database is kept, with the check-in made after the backup")
        #expect(try cli.run(["doctor"]).stdout.contains("attendance matches the event log"))
    }

    @Test("the hub restores its backup folder: refused while serving, the same report once stopped", arguments: HubDatabase.available)
    func hubRestore(_ database: HubDatabase) throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let hub = try HubProcess(directory: cli.directory, database: database)
        let backup = try hub.admin(["backup"])
        let path = String(try #require(backup.stdout.firstMatch(of: /Backup written: (.+)/)?.1))
        let report = { try hub.admin(["report", "--format", "csv"]).stdout }
        let atBackup = try report()
        let excused = try hub.admin(["excuse", "E006", "--session", "S-CIRCLE-PREV", "--reason", "exams"])
        #expect(excused.status == 0, "\(excused.stderr)")
        let changed = try report()
        #expect(changed != atBackup, "last week's excused absence (hub.sqlite) leaves Sofia's attendance rate")
        let newcomer = try cli.write("newcomer.csv", "id,name,role,badges,active\nE900,Nina Newcomer,mentee,900900,true\n")
        #expect(try hub.admin(["import", "participants", newcomer]).status == 0, "a participant (program.sqlite) after the backup")

        let whileServing = try hub.admin(["restore", path])
        let refusal = database == .sqlite ? "hub.sqlite is in use" : "other sessions (a running mentor-hub serve?)"
        #expect(whileServing.status != 0 && whileServing.stderr.contains(refusal), "\(whileServing.stderr)")
        #expect(try report() == changed, "a refused restore changes nothing")
        let notAFolder = try hub.admin(["restore", hub.state + "/badge.key"])
        #expect(notAFolder.status != 0 && notAFolder.stderr.contains("a hub backup is a folder"), "\(notAFolder.stderr)")
        let empty = cli.directory + "/hub-empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let emptyFolder = try hub.admin(["restore", empty])
        #expect(emptyFolder.status != 0 && emptyFolder.stderr.contains("it has no"), "\(emptyFolder.stderr)")
        #expect(try report() == changed, "a refused folder changes nothing")

        hub.stop()
        let restored = try hub.admin(["restore", path])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try report() == atBackup, "the restored hub reports what it reported when the backup was written")
        if database == .sqlite {
            let newcomers = { (file: String) in
                try DatabaseQueue(path: file).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM participant WHERE id = 'E900'") }
            }
            let kept = String(try #require(restored.stdout.firstMatch(of: /as (\S+program\.sqlite\.replaced-\S+)/)?.1))
            #expect(try newcomers(hub.state + "/program.sqlite") == 0 && newcomers(kept) == 1, "program.sqlite restored too, the replaced one kept")
        }
    }
}

extension HubSyncTests {
    @Test("an enrolled kiosk restored from an older backup continues after the hub's cursor: nothing refused, every event at the hub once")
    func restoredKioskContinuesAfterTheHub() throws {
        let (hub, cli, _) = try hubAndKiosk()
        defer { withExtendedLifetime(hub) { cli.remove() } }
        #expect(try cli.run(["checkin", "200004", "--now", HubProcess.nowText]).status == 0)
        #expect(try cli.run(["sync"]).status == 0)
        let backup = try cli.run(["backup", "--directory", cli.directory + "/backups"])
        let path = String(try #require(backup.stdout.firstMatch(of: /Backup written: (.+)/)?.1))
        #expect(try cli.run(["checkin", "200001", "--now", HubProcess.nowText]).status == 0)
        let sent = try cli.run(["sync"])
        #expect(sent.stdout.contains("hub has events through 2"), "\(sent.stdout)")
        // Maria & Jonas's pair meeting ends 25 minutes after now, Lena's circle an hour after.
        let soon = HubProcess.now.addingTimeInterval(600).formatted(.iso8601), later = HubProcess.now.addingTimeInterval(1_800).formatted(.iso8601)
        let checkOut = try cli.run(["checkout", "200001", "--now", soon])
        #expect(checkOut.status == 0, "\(checkOut.stdout)\(checkOut.stderr)")
        let unsent = try cli.run(["restore", path])
        #expect(unsent.status != 0 && unsent.stderr.contains("holds 1 events the hub does not have yet (past its cursor 2)"), "\(unsent.stderr)")
        #expect(try cli.run(["sync"]).stdout.contains("hub has events through 3"))

        let restored = try cli.run(["restore", path])
        #expect(restored.status == 0 && restored.stdout.contains("The hub holds this kiosk's events through number 3"), "\(restored.stdout)\(restored.stderr)")
        #expect(try cli.run(["checkout", "200004", "--now", later]).status == 0, "recorded after the restore")
        let after = try cli.run(["sync"])
        #expect(after.stdout.contains("sync: 1 stored, 0 already there, 0 rejected; hub has events through 4"), "\(after.stdout)\(after.stderr)")
        #expect(!(try hub.admin(["rejected", "list"]).stdout.contains("seq")), "nothing kept apart as a reused number")
        let exported = try hub.admin(["export"]).stdout.split(separator: "\n")
        #expect(exported.count == 4, "two check-ins and a check-out before the restore, a check-out after it: \(exported)")

        hub.stop()
        let unreachable = try cli.run(["restore", path])
        #expect(unreachable.status != 0 && unreachable.stderr.contains("how far it holds this kiosk's events failed") && unreachable.stderr.contains("--offline"),
                "\(unreachable.stderr)")
        let offline = try cli.run(["restore", path, "--offline"])
        #expect(offline.status == 0 && offline.stdout.contains("Warning: restored without asking the hub"), "\(offline.stdout)\(offline.stderr)")
    }
}
