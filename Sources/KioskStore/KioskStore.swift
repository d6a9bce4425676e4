import Foundation
import GRDB
import KioskCore

#if canImport(Glibc)
import Glibc
#endif

/// Why the store refused or failed. `code` is stable for scripts and logs.
public enum StoreError: Error, CustomStringConvertible {
    /// `PRAGMA quick_check` (or `integrity_check`) found damage.
    case corrupt(path: String, findings: [String])
    /// The write did not commit (disk full, I/O error, read-only medium). Nothing was recorded.
    case cannotRecord(String)
    case cannotOpen(path: String, reason: String)
    case importRefused(ImportError)
    case backupFailed(String)
    /// A row the schema allows but the program cannot read (edited by hand, say).
    case unreadableRow(table: String, key: String)

    public var code: String {
        switch self {
        case .corrupt: "corrupt"
        case .cannotRecord: "cannot_record"
        case .cannotOpen: "cannot_open"
        case .importRefused: "import_refused"
        case .backupFailed: "backup_failed"
        case .unreadableRow: "unreadable_row"
        }
    }

    public var description: String {
        switch self {
        case .corrupt(let path, let findings):
            "the database \(path) is damaged: \(findings.prefix(5).joined(separator: "; "))"
        case .cannotRecord(let reason): "cannot record: \(reason)"
        case .cannotOpen(let path, let reason): "cannot open the database \(path): \(reason)"
        case .importRefused(let error): error.description
        case .unreadableRow(let table, let key): "a row of the \(table) table (\(key)) cannot be read: a time or a name is not in the kiosk's format"
        case .backupFailed(let reason): "backup failed: \(reason)"
        }
    }
}

/// The kiosk's durable state: roster, schedule, the append-only event log and the attendance
/// derived from it, in one SQLite file (WAL, `synchronous=FULL`, mode 0600).
///
/// Every action reads what it needs, applies the pure rules of `KioskCore` and writes its
/// events in one write transaction; a method returns only after that transaction committed,
/// so whatever the kiosk shows as done is on disk.
public final class KioskStore: Sendable {
    public let path: String
    public let kioskID: String
    let pool: DatabasePool
    /// Held while the store lives: `restore` refuses to replace a database in use.
    let inUse: DatabaseFileLock

    /// Opens (creating if needed) the database at `path`, migrates it and checks it.
    /// - Parameters:
    ///   - verify: run `PRAGMA quick_check` before use (the default).
    ///   - countsDirectoryChanges: keep a `DirectoryGeneration` (the hub's program file; a
    ///     kiosk's database has no use for it).
    public init(path: String, kioskID: String, verify: Bool = true, countsDirectoryChanges: Bool = false) throws {
        self.path = path
        self.kioskID = kioskID
        try Self.prepareFile(at: path)
        inUse = try Self.markInUse(path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // DatabasePool switches its writer to synchronous=NORMAL when it enables WAL, after
            // `prepareDatabase` ran; only the writer commits, so FULL is set on it here.
            let synchronous = try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                try Self.moveCheckpointsOffTheScanPath(db)
                return try Int.fetchOne(db, sql: "PRAGMA synchronous")
            }
            guard synchronous == 2 else { throw StoreError.cannotOpen(path: path, reason: "cannot set synchronous=FULL") }
        } catch let error as DatabaseError where Self.isDamage(error) {
            throw StoreError.corrupt(path: path, findings: [Self.reason(error)])
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.cannotOpen(path: path, reason: Self.reason(error))
        }
        if verify {
            let findings: [String]
            do {
                findings = try pool.read { try String.fetchAll($0, sql: "PRAGMA quick_check") }
            } catch let error as DatabaseError where Self.isDamage(error) {
                throw StoreError.corrupt(path: path, findings: [Self.reason(error)])
            }
            guard findings == ["ok"] else { throw StoreError.corrupt(path: path, findings: findings) }
        }
        do {
            try KioskSchema.migrator(countingDirectoryChanges: countsDirectoryChanges).migrate(pool)
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "migration failed: \(Self.reason(error))")
        }
    }

    /// The shared lock every user of a database file holds (`DatabaseFileLock`).
    public static func markInUse(_ path: String) throws -> DatabaseFileLock {
        do throws(DatabaseFileLock.Refusal) {
            return try DatabaseFileLock(database: path, exclusive: false)
        } catch {
            switch error {
            case .inUse: throw StoreError.cannotOpen(path: path, reason: "a restore is replacing it; try again when it has finished")
            case .cannotOpen: throw StoreError.cannotOpen(path: path, reason: error.description)
            }
        }
    }

    /// Creates the file 0600 before SQLite does (its -wal and -shm files copy the mode), and
    /// tightens an existing file that is readable by others: private whatever the umask.
    public static func prepareFile(at path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var info = stat()
        if fstat(descriptor, &info) == 0, info.st_mode & 0o077 != 0 {
            _ = fchmod(descriptor, 0o600)
        }
        // WAL and shared-memory files an earlier run left readable by others.
        for companion in [path + "-wal", path + "-shm"] where stat(companion, &info) == 0 && info.st_mode & 0o077 != 0 {
            _ = chmod(companion, 0o600)
        }
    }

    /// Runs a write transaction and turns SQLite's storage failures into `cannotRecord`.
    func record<T>(_ work: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(work)
        } catch let error as DatabaseError where Self.isStorageFailure(error) {
            throw StoreError.cannotRecord(Self.reason(error))
        }
    }

    static func isStorageFailure(_ error: DatabaseError) -> Bool {
        switch error.resultCode {
        case .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_BUSY:
            true
        default:
            false
        }
    }

    static func isDamage(_ error: DatabaseError) -> Bool {
        error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? "\(error.resultCode)"
        }
        return "\(error)"
    }

    /// `PRAGMA integrity_check`: the thorough check `doctor` runs.
    public func integrityCheck() throws -> [String] {
        try pool.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
    }

    /// A raw write transaction on the store's own writer connection: for benchmarks that
    /// separate GRDB's cost from the rules' cost. Not for application code.
    @_spi(Benchmarks)
    public func benchmarkWrite<T>(_ work: (Database) throws -> T) throws -> T {
        try pool.write(work)
    }

    /// Appends `count` check-in events in one statement, for tests and benchmarks that need a
    /// large export queue (the kiosk's own path takes a transaction per check-in).
    @_spi(Benchmarks)
    public func seedCheckInEvents(count: Int, participantID: String = "E004", sessionID: String = "S-CIRCLE") throws {
        try pool.write { db in
            try db.execute(sql: """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                INSERT INTO event (id, kiosk_id, kind, participant_id, session_id, actor_id, wall_time, monotonic_ns,
                                   clock_trusted, status, via_badge)
                SELECT printf('%08x-0000-7000-8000-%012x', i, i), ?, 'check_in', ?, ?, ?, '2026-03-02 15:00:00.000', i, 1, 'on_time', 1
                FROM n
                """, arguments: [count, kioskID, participantID, sessionID, participantID])
        }
    }

    /// Runs a read with raw SQL access, for reports and tests.
    public func read<T>(_ work: (Database) throws -> T) throws -> T {
        try pool.read(work)
    }
}
