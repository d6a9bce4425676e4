import Foundation
import GRDB
import Testing
@testable import KioskCore
@testable import KioskStore

@Suite("Database file: mode, pragmas, checks, backups, imports")
struct DatabaseFileTests {
    @Test("the file is 0600, WAL, synchronous=FULL, foreign keys on")
    func fileAndPragmas() throws {
        let fixture = try StoreFixture(loadSample: false)
        defer { fixture.remove() }
        var info = stat()
        #expect(stat(fixture.store.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        let pragmas = try fixture.store.pool.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"),
             try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
        }
        #expect(pragmas.0 == "wal")
        #expect(pragmas.1 == 2)
        #expect(pragmas.2 == 1)
    }

    @Test("v6 widens the event kinds by copying the table: every event, its seq, the counter and the append-only triggers survive")
    func pinFailedMigration() throws {
        let directory = NSTemporaryDirectory() + "kiosk-v6-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/kiosk.sqlite"
        let old = try DatabaseQueue(path: path)
        try KioskSchema.migrator(countingDirectoryChanges: false).migrate(old, upTo: "v5-cohorts")
        try old.write { db in
            for (seq, kind) in [(1, "check_in"), (2, "badge_link"), (7, "undo")] {
                try db.execute(sql: """
                    INSERT INTO event (seq, id, kiosk_id, kind, participant_id, wall_time, monotonic_ns, clock_trusted)
                    VALUES (?, ?, 'k1', ?, 'E004', '2026-03-02 15:00:00.000', ?, 1)
                    """, arguments: [seq, "id-\(seq)", kind, seq])
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO event (id, kiosk_id, kind, wall_time, monotonic_ns, clock_trusted) VALUES ('x', 'k1', 'pin_failed', '2026-03-02 15:00:00.000', 0, 1)")
            }
        }
        try old.close()
        let store = try KioskStore(path: path, kioskID: "k1")
        try store.pool.write { db in
            #expect(try Row.fetchAll(db, sql: "SELECT seq, kind FROM event ORDER BY seq").map { "\($0["seq"] as Int)/\($0["kind"] as String)" }
                == ["1/check_in", "2/badge_link", "7/undo"])
            try db.execute(sql: "INSERT INTO event (id, kiosk_id, kind, participant_id, wall_time, monotonic_ns, clock_trusted) VALUES ('p', 'k1', 'pin_failed', 'F001', '2026-03-02 15:00:00.000', 0, 1)")
            #expect(db.lastInsertedRowID == 8, "the sequence goes on after the highest seq")
            #expect(throws: DatabaseError.self) { try db.execute(sql: "UPDATE event SET kind = 'check_in' WHERE seq = 8") }
            #expect(throws: DatabaseError.self) { try db.execute(sql: "DELETE FROM event WHERE seq = 1") }
            #expect(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE tbl_name = 'event' AND type IN ('index', 'trigger') ORDER BY name")
                .filter { !$0.hasPrefix("sqlite_") } == ["event_answer", "event_excuse", "event_no_delete", "event_no_update", "event_participant"])
        }
    }

    @Test("SQLite's own checkpoint waits for 4,096 pages of WAL, not 1,000; checkpoint() copies them all")
    func checkpointsOffTheScanPath() throws {
        let fixture = try StoreFixture(loadSample: false)
        defer { fixture.remove() }
        let limit = try fixture.store.record { try Int.fetchOne($0, sql: "PRAGMA journal_size_limit") }
        #expect(limit == KioskStore.walBytesKept)
        try fixture.store.checkpoint()
        try fixture.store.record { try $0.execute(sql: "CREATE TABLE scratch (data BLOB)") }
        // Each commit adds two or three pages (a new leaf, page 1, sometimes the root): SQLite's
        // default would have checkpointed and started the log again on its way past 1,000 pages,
        // and 1,200 commits stay below the 4,096 at which the kiosk's writer does.
        for _ in 0..<1_200 {
            try fixture.store.record { try $0.execute(sql: "INSERT INTO scratch VALUES (zeroblob(3000))") }
        }
        let result = try fixture.store.checkpoint()
        #expect(result.walPages > 2_400)
        #expect(result.copiedPages == result.walPages)
        try fixture.store.record { try $0.execute(sql: "INSERT INTO scratch VALUES (zeroblob(3000))") }
        let restarted = try fixture.store.checkpoint()
        #expect(restarted.walPages < 10, "after a complete checkpoint the next commit starts the log again")
    }

    @Test("an existing file readable by others is tightened to 0600")
    func tightensMode() throws {
        let fixture = try StoreFixture(loadSample: false)
        defer { fixture.remove() }
        chmod(fixture.store.path, 0o644)
        _ = try KioskStore(path: fixture.store.path, kioskID: "k1")
        var info = stat()
        stat(fixture.store.path, &info)
        #expect(info.st_mode & 0o777 == 0o600)
    }

    @Test("a damaged file is refused at open with the checker's findings")
    func corruption() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let path = fixture.store.path
        // Checkpoint everything into the main file, then overwrite the middle of a table page.
        _ = try fixture.store.pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: 4096 + 100)
        handle.write(Data(repeating: 0xA5, count: Int(min(size - 4196, 4096 * 3))))
        try handle.close()
        #expect {
            _ = try KioskStore(path: path, kioskID: "k1")
        } throws: { error in
            guard case StoreError.corrupt(_, let findings) = error else {
                return (error as? StoreError)?.code == "cannot_open"
            }
            return !findings.isEmpty && findings != ["ok"]
        }
    }

    @Test("backup writes a readable 0600 copy and keeps only the newest")
    func backups() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = fixture.desk.scan(fixture.badge("E004"), clock: fixture.clock(0))
        let directory = fixture.directory + "/backups"
        var written: [String] = []
        for day in 0..<4 {
            written.append(try fixture.store.backup(into: directory, keep: 2, at: fixture.now.addingTimeInterval(Double(day) * 86_400)))
        }
        #expect(KioskStore.backups(in: directory) == Array(written.suffix(2)))
        var info = stat()
        stat(written.last!, &info)
        #expect(info.st_mode & 0o777 == 0o600)
        let copy = try KioskStore(path: written.last!, kioskID: "k1")
        #expect(try copy.events().count == 1)
        #expect(try copy.integrityCheck() == ["ok"])
    }

    @Test("a refused import changes nothing; a re-import updates in place")
    func importsAreAllOrNothing() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let before = try fixture.store.counts()
        let broken = """
            id,name,role,badges,active
            M001,Maria G.,mentor,100001,true
            X001,Xavier,mentee,100002,true
            """
        // Line 3 reuses Daniel's badge: rejected by the store, and line 2's rename must roll back.
        #expect {
            _ = try fixture.store.importParticipants(try fixture.reader.participants(Data(broken.utf8), file: "p.csv"))
        } throws: { error in
            (error as? StoreError)?.description == "p.csv:3: column badges: a badge of X001 already belongs to participant M002"
        }
        #expect(try fixture.store.counts() == before)
        #expect(try fixture.store.participant(id: "M001")?.name == "Maria García")

        let update = "id,name,role,badges,active\nM001,Maria G.,mentor,100099,false\n"
        let summary = try fixture.store.importParticipants(try fixture.reader.participants(Data(update.utf8), file: "p.csv"))
        #expect(summary == ImportSummary(inserted: 0, updated: 1))
        #expect(try fixture.store.participant(id: "M001") == Participant(id: "M001", name: "Maria G.", role: .mentor, isActive: false))
        #expect(try fixture.store.participant(badge: try fixture.hash("M001")) == nil)

        let groups = "group_id,name,kind,participant_id,member_role\nC9,Ghosts,circle,NOBODY,mentee\n"
        #expect {
            _ = try fixture.store.importGroups(try fixture.reader.groups(Data(groups.utf8), file: "g.csv"))
        } throws: { error in
            (error as? StoreError)?.description == "g.csv:2: column participant_id: no participant has the id NOBODY"
        }
        let sessions = "session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id\nS9,T,workshop,Lobby,2026-03-02 15:00,2026-03-02 16:00,NOPE,\n"
        #expect {
            _ = try fixture.store.importSessions(try fixture.reader.sessions(Data(sessions.utf8), file: "s.csv"))
        } throws: { error in
            (error as? StoreError)?.description == "s.csv:2: column group_id: no group has the id NOPE"
        }
        #expect(try fixture.store.counts()["session"] == before["session"])
    }

    @Test("tally and export read the same attendance")
    func tallyAndExport() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = fixture.desk.scan(fixture.badge("E004"), clock: fixture.clock(0))
        _ = fixture.desk.scan(fixture.badge("E005"), clock: fixture.clock(600))
        let tally = try #require(try fixture.store.tally(sessionID: "S-CIRCLE", timeZone: .gmt))
        #expect(tally.present.count == 2)
        #expect(tally.expectedCount == 4)
        #expect(tally.missing.map(\.participant.id).sorted() == ["E006", "M004"])
        let rows = try fixture.store.attendanceReport(
            from: fixture.now.addingTimeInterval(-3600), to: fixture.now.addingTimeInterval(3600), now: fixture.now.addingTimeInterval(3 * 3600), timeZone: .gmt)
        let circle = rows.filter { $0.sessionID == "S-CIRCLE" }
        #expect(circle.map(\.participantID) == ["E004", "E005", "E006", "M004"])
        #expect(circle.map(\.status) == [.onTime, .late, .absent, .absent])
        #expect(circle[0].checkOutKind == nil) // the report reads; closing sessions is the caller's step
    }
}

@Suite("Storage figures")
struct StorageUsageTests {
    @Test("database size includes the WAL; free space is real bytes, not zero")
    func usage() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let usage = fixture.store.storageUsage()
        var info = stat()
        stat(fixture.store.path, &info)
        #expect(usage.databaseBytes >= Int64(info.st_size))
        #expect((usage.freeBytes ?? 0) > 1 << 20, "a test machine has more than 1 MiB free")
        #expect(KioskStore.freeBytes(near: fixture.directory + "/not-yet-created.sqlite") != nil)
    }
}

@Suite("Time text")
struct DatabaseTimeTests {
    @Test("the check-in path's time text is exactly GRDB's, so both read back as the same Date")
    func sameAsGRDB() {
        var generator = SystemRandomNumberGenerator()
        var dates = [0, 1_772_463_600, 1_772_463_600.9996, 1_772_463_600.0004, 951_782_400.5, 4_102_444_799.999].map(Date.init(timeIntervalSince1970:))
        for _ in 0..<500 { dates.append(Date(timeIntervalSince1970: Double.random(in: 0..<4_102_444_800, using: &generator))) }
        for date in dates {
            #expect(DatabaseTime.text(date) == String.fromDatabaseValue(date.databaseValue), "\(date.timeIntervalSince1970)")
        }
    }

    @Test("the report's time reader gives the milliseconds of every text the kiosk writes, and nothing for other shapes")
    func millisecondsFromText() {
        var generator = SystemRandomNumberGenerator()
        var dates = [0, 951_782_400.5, 4_102_444_799.999, -62_135_596_800].map(Date.init(timeIntervalSince1970:))
        for _ in 0..<500 { dates.append(Date(timeIntervalSince1970: Double.random(in: -2_000_000_000..<4_102_444_800, using: &generator))) }
        func read(_ text: String) -> Int64? {
            var text = text
            return text.withUTF8 { DatabaseTime.milliseconds(utf8: $0) }
        }
        for date in dates {
            #expect(read(DatabaseTime.text(date)) == Int64((date.timeIntervalSince1970 * 1000).rounded()), "\(DatabaseTime.text(date))")
        }
        #expect(read("2026-03-02T10:00:00") == 1_772_445_600_000)
        for bad in ["2026-03-02 10:00:00.5", "2026-13-02 10:00:00.000", "2026-03-02 24:00:00.000", "2026-03-02 10:0a:00.000", "2026-03-02", ""] {
            #expect(read(bad) == nil, "\(bad)")
        }
    }
}
