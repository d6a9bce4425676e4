import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

extension KioskStore {
    /// Writes a consistent copy of the database with `VACUUM INTO`, then keeps only the
    /// `keep` newest backups in `directory`. The copy is written under a temporary name,
    /// synced and renamed, so a power cut never leaves a half backup that looks whole.
    /// - Returns: the path of the new backup.
    @discardableResult
    public func backup(into directory: String, keep: Int, at time: Date) throws -> String {
        guard keep >= 1 else { throw StoreError.backupFailed("keep must be at least 1") }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError.backupFailed("cannot create \(directory): \(error.localizedDescription)")
        }
        let name = "kiosk-\(Self.fileStamp(time)).sqlite"
        let final = (directory as NSString).appendingPathComponent(name)
        let temporary = final + ".partial"
        try Self.copy(pool, to: temporary)
        guard rename(temporary, final) == 0 else {
            throw StoreError.backupFailed("cannot rename \(temporary): \(String(cString: strerror(errno)))")
        }
        Self.syncDirectory(directory)
        try rotateBackups(in: directory, keep: keep)
        return final
    }

    /// Writes a consistent, compacted, private (0600) and synced copy of the database behind
    /// `writer` to `path`, with `VACUUM INTO`.
    public static func copy(_ writer: some DatabaseWriter, to path: String) throws {
        unlink(path)
        do {
            // Private from its first byte: VACUUM INTO fills an empty file made 0600 here.
            try prepareFile(at: path)
            try writer.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM INTO ?", arguments: [path])
            }
        } catch {
            unlink(path)
            throw StoreError.backupFailed(reason(error))
        }
        try syncAndSeal(path)
    }

    /// The tables a file must hold to be restored as a kiosk database (or the hub's program file).
    public static let requiredTables = ["event", "participant", "session", "attendance"]

    /// `copy(_:to:)` of this store's database.
    public func writeCopy(to path: String) throws { try Self.copy(pool, to: path) }

    /// Closes the database: its write-ahead log is checkpointed and removed.
    public func closeDatabase() throws { try pool.close() }

    /// What `restore` put back.
    public struct Restored: Sendable {
        public var database: String
        public var events: Int
        /// The newest event's wall time, as stored.
        public var lastEventAt: String?
        /// The replaced database, kept beside it (nil when there was none).
        public var kept: String?
        /// The hub's cursor the restored kiosk continues after (nil: not asked).
        public var continuesAfter: Int64?
    }

    /// Replaces the database at `database` with the backup at `backup` (a file `backup`
    /// wrote, or any copy of a kiosk database): checked, migrated to this release's schema,
    /// and moved in only if no kiosk process has the database open. The replaced database is
    /// kept beside it.
    /// - Parameter hubCursor: for a kiosk enrolled at a hub, the hub's `acknowledgedThrough`:
    ///   the restored kiosk numbers its next events after it (so the hub never sees a number
    ///   used twice) and does not send again what the hub holds. Refused when the database
    ///   being replaced holds events past it (never sent: they would be stranded in the kept
    ///   file), or when it is not a number a hub could hold.
    public static func restore(from backup: String, into database: String, kioskID: String, at time: Date, hubCursor: Int64? = nil) throws -> Restored {
        if let hubCursor { try requirePlausible(hubCursor: hubCursor) }
        return try DatabaseRestore.exclusively([database]) {
            if let hubCursor, let unsent = try? unsentEvents(in: database, after: hubCursor), unsent > 0 {
                throw DatabaseRestore.Failure.failed(
                    "\(database) holds \(unsent) events the hub does not have yet (past its cursor \(hubCursor)): send them first (mentor-kiosk sync), or restore with --offline")
            }
            let staged = database + ".restoring", reference = database + ".reference"
            defer { for file in [staged, reference] { DatabaseRestore.discard(file) } }
            try DatabaseRestore.stage(backup, as: staged, requiredTables: requiredTables)
            let store = try KioskStore(path: staged, kioskID: kioskID)
            let (events, last, kiosks) = try store.pool.read { db in
                (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event") ?? 0, try String.fetchOne(db, sql: "SELECT MAX(wall_time) FROM event"),
                 try String.fetchAll(db, sql: "SELECT DISTINCT kiosk_id FROM event"))
            }
            if let hubCursor { try store.record { db in try continueNumbering(after: hubCursor, db) } }
            try store.closeDatabase()
            if let other = kiosks.first(where: { $0 != kioskID }) {
                throw DatabaseRestore.Failure.notABackup(path: backup, reason: "its events are kiosk \(other)'s, and this kiosk is \(kioskID)")
            }
            try KioskStore(path: reference, kioskID: kioskID).closeDatabase()
            try DatabaseRestore.requireSchema(of: staged, like: reference, backup: backup)
            let kept = try DatabaseRestore.replace([(staged, database)], stamp: fileStamp(time))
            return Restored(database: database, events: events, lastEventAt: last, kept: kept.first, continuesAfter: hubCursor)
        }
    }

    /// No hub holds more of one kiosk's events than this; a larger cursor would exhaust the
    /// event counter.
    static let maximumHubCursor: Int64 = 1 << 48

    static func requirePlausible(hubCursor: Int64) throws {
        guard (0...maximumHubCursor).contains(hubCursor) else {
            throw DatabaseRestore.Failure.failed("the hub answered \(hubCursor) as this kiosk's cursor, which no hub holds: nothing was changed")
        }
    }

    /// The next event is numbered after `cursor`, and everything up to it counts as at the hub.
    static func continueNumbering(after cursor: Int64, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) SELECT 'event', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'event')")
        try db.execute(sql: "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'event'", arguments: [cursor])
        try db.execute(sql: "UPDATE sync_state SET acknowledged_through = max(acknowledged_through, ?) WHERE id = 1", arguments: [cursor])
    }

    /// How many of the database's events are numbered past `cursor`; nil when it does not open.
    private static func unsentEvents(in database: String, after cursor: Int64) throws -> Int? {
        guard FileManager.default.fileExists(atPath: database) else { return nil }
        let queue = try DatabaseQueue(path: database)
        defer { try? queue.close() }
        return try queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM event WHERE seq > ?", arguments: [cursor]) }
    }

    /// `20260302T150000Z`: a moment in file names that sort by time.
    public static func fileStamp(_ time: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: time)
    }

    /// Backups in `directory`, oldest first.
    public static func backups(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix("kiosk-") && $0.hasSuffix(".sqlite") }.sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
    }

    private func rotateBackups(in directory: String, keep: Int) throws {
        for stale in Self.backups(in: directory).dropLast(keep) where unlink(stale) != 0 {
            throw StoreError.backupFailed("cannot remove old backup \(stale): \(String(cString: strerror(errno)))")
        }
    }

    static func syncAndSeal(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StoreError.backupFailed("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        guard fchmod(descriptor, 0o600) == 0, fsync(descriptor) == 0 else {
            throw StoreError.backupFailed("cannot sync \(path): \(String(cString: strerror(errno)))")
        }
    }

    public static func syncDirectory(_ directory: String) {
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}
