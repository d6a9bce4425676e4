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
        #expect(try report() == changed, "a refused file changes nothing")

        let restored = try cli.run(["restore", path])
        #expect(restored.status == 0, "\(restored.stderr)")
        let kept = String(try #require(restored.stdout.firstMatch(of: /kept as (.+)/)?.1))
        #expect(try report() == atBackup, "the restored kiosk reports what it reported when the backup was written")
        let keptEvents = try DatabaseQueue(path: kept).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM event WHERE participant_id = 'E001' AND kind = 'check_in'") }
        #expect(keptEvents == 1, "the replaced database is kept, with the check-in made after the backup")
        #expect(try cli.run(["doctor"]).stdout.contains("attendance matches the event log"))
    }

    @Test("the hub restores its backup folder: refused while serving, the same report once stopped; PostgreSQL points to pg_dump")
    func hubRestore() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let hub = try HubProcess(directory: cli.directory)
        let backup = try hub.admin(["backup"])
        let path = String(try #require(backup.stdout.firstMatch(of: /Backup written: (.+)/)?.1))
        let report = { try hub.admin(["report", "--format", "csv"]).stdout }
        let atBackup = try report()
        let excused = try hub.admin(["excuse", "E006", "--session", "S-CIRCLE-PREV", "--reason", "exams"])
        #expect(excused.status == 0, "\(excused.stderr)")
        let changed = try report()
        #expect(changed != atBackup, "last week's excused absence leaves Sofia's attendance rate")

        let whileServing = try hub.admin(["restore", path])
        #expect(whileServing.status != 0 && whileServing.stderr.contains("hub.sqlite is in use"), "\(whileServing.stderr)")
        #expect(try report() == changed, "a refused restore changes nothing")
        let kioskFile = try hub.admin(["restore", hub.state + "/hub.sqlite"])
        #expect(kioskFile.status != 0 && kioskFile.stderr.contains("a hub backup is a folder"), "\(kioskFile.stderr)")

        hub.stop()
        let restored = try hub.admin(["restore", path])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("program.sqlite.replaced-"), "\(restored.stdout)")
        #expect(try report() == atBackup, "the restored hub reports what it reported when the backup was written")

        if let server = HubDatabase.server {
            let postgres = try ChildProcess.run([HubProcess.binary, "backup", "--state", hub.state, "--database", server])
            #expect(postgres.status != 0 && postgres.stderr.contains("pg_dump"), "\(postgres.stderr)")
        }
    }
}
