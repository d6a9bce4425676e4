import GRDB

/// How the kiosk keeps its write-ahead log short without making a participant wait for it.
///
/// SQLite copies the WAL back into the database ("checkpoints") inside the commit that takes the
/// log past 1,000 pages, and that commit then waits for the copy and an fsync of the database
/// file: a scan that lands there took 130–180 ms instead of half a millisecond. The kiosk's
/// writer therefore checkpoints by itself only past a much larger log (the safety valve, for a
/// process that is never quiet, such as `checkin --stdin`), and the screen's loop calls
/// ``checkpoint()`` when nobody has scanned for a moment. After a complete checkpoint the next
/// commit starts the log from its beginning again, and `journal_size_limit` gives back the space
/// a long log took.
extension KioskStore {
    /// The writer checkpoints by itself once the WAL holds this many pages (16 MiB at SQLite's
    /// 4 KiB pages; a scan writes a few pages, so some thousand scans without a quiet second).
    public static let walPagesBeforeCheckpointInCommit = 4_096
    /// The WAL file is cut back to this size when it is reset.
    public static let walBytesKept = 16 << 20

    static func moveCheckpointsOffTheScanPath(_ db: Database) throws {
        try db.execute(sql: "PRAGMA wal_autocheckpoint = \(walPagesBeforeCheckpointInCommit)")
        try db.execute(sql: "PRAGMA journal_size_limit = \(walBytesKept)")
    }

    /// What one checkpoint found and did.
    public struct CheckpointResult: Sendable, Equatable {
        /// Pages in the WAL when it ran.
        public var walPages: Int
        /// Of those, pages now in the database file (all of them unless a reader held some back).
        public var copiedPages: Int
    }

    /// Copies the WAL into the database file (a passive checkpoint: it never waits for a reader
    /// and lets readers go on). Call it when no participant is waiting: a scan that arrives
    /// meanwhile waits for it, as it would inside SQLite's own checkpoint.
    @discardableResult
    public func checkpoint() throws -> CheckpointResult {
        let (walPages, copiedPages) = try pool.writeWithoutTransaction { try $0.checkpoint(.passive) }
        return CheckpointResult(walPages: walPages, copiedPages: copiedPages)
    }
}
