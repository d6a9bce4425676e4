import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// Puts backups back in place of live database files: the one designed way to replace a
/// database under a kiosk or a hub, so that it is never done to a database in use, never leaves
/// a stale WAL next to a new file, and never throws away the database it replaces.
///
/// A restore has two steps. `stage` copies the backup into a private file beside the database,
/// refusing anything that is not an SQLite database with the expected tables; the caller then
/// opens the staged copy with its store (which migrates and checks it). `replace` moves the
/// staged files in, under exclusive `DatabaseFileLock`s on every database at once.
public enum DatabaseRestore {
    /// Why nothing was restored. Nothing was changed.
    public enum Failure: Error, CustomStringConvertible {
        case inUse(database: String)
        case notABackup(path: String, reason: String)
        case failed(String)

        public var description: String {
            switch self {
            case .inUse(let database):
                "\(database) is in use (a running kiosk, sync loop, hub or command has it open): stop it first, then restore"
            case .notABackup(let path, let reason): "\(path) is not a backup of this database: \(reason)"
            case .failed(let reason): "restore failed: \(reason)"
            }
        }
    }

    /// Copies `backup` into a new private file at `staged` (on the database's file system),
    /// after checking that it is an undamaged SQLite database holding `requiredTables`.
    public static func stage(_ backup: String, as staged: String, requiredTables: [String]) throws {
        guard FileManager.default.fileExists(atPath: backup) else { throw Failure.notABackup(path: backup, reason: "no such file") }
        var configuration = Configuration()
        configuration.readonly = true
        discard(staged)
        do {
            let source = try DatabaseQueue(path: backup, configuration: configuration)
            try source.inDatabase { db in
                let findings = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                guard findings == ["ok"] else {
                    throw Failure.notABackup(path: backup, reason: "damaged: \(findings.prefix(3).joined(separator: "; "))")
                }
                let missing = try requiredTables.filter { try !db.tableExists($0) }
                guard missing.isEmpty else {
                    throw Failure.notABackup(path: backup, reason: "it has no \(missing.joined(separator: ", ")) table")
                }
                try KioskStore.prepareFile(at: staged)
                try db.execute(sql: "VACUUM INTO ?", arguments: [staged])
            }
            try source.close()
        } catch let failure as Failure {
            discard(staged)
            throw failure
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            discard(staged)
            throw Failure.notABackup(path: backup, reason: "not an SQLite database")
        } catch {
            discard(staged)
            throw Failure.failed("cannot copy \(backup): \(KioskStore.reason(error))")
        }
    }

    /// Folds a staged copy's write-ahead log into it after its store checked and migrated it
    /// (rollback-journal mode; the store switches back to WAL when it opens the database).
    public static func settle(_ staged: String) throws {
        do {
            let queue = try DatabaseQueue(path: staged)
            try queue.writeWithoutTransaction { db in
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
            }
            try queue.close()
        } catch {
            throw Failure.failed("cannot settle \(staged): \(KioskStore.reason(error))")
        }
    }

    /// Moves each staged file over its database. Refuses, changing nothing, if any of the
    /// databases is in use. Each replaced database is kept, with its WAL, as
    /// `<database>.replaced-<stamp>` (it opens as it was).
    /// - Returns: the kept files' paths.
    public static func replace(_ moves: [(staged: String, database: String)], stamp: String) throws -> [String] {
        var locks: [DatabaseFileLock] = []
        for move in moves {
            do throws(DatabaseFileLock.Refusal) {
                locks.append(try DatabaseFileLock(database: move.database, exclusive: true))
            } catch {
                switch error {
                case .inUse: throw Failure.inUse(database: move.database)
                case .cannotOpen: throw Failure.failed(error.description)
                }
            }
        }
        for move in moves where FileManager.default.fileExists(atPath: move.staged + "-wal") {
            throw Failure.failed("\(move.staged) still has a write-ahead log")
        }
        var kept: [String] = []
        for move in moves {
            let aside = move.database + ".replaced-" + stamp
            if access(move.database, F_OK) == 0 {
                // A hard link first: the database's name never points at nothing.
                guard link(move.database, aside) == 0 else { throw Failure.failed("cannot keep \(move.database) as \(aside): \(String(cString: strerror(errno)))") }
                if access(move.database + "-wal", F_OK) == 0, rename(move.database + "-wal", aside + "-wal") != 0 {
                    throw Failure.failed("cannot keep \(move.database)-wal: \(String(cString: strerror(errno)))")
                }
                unlink(move.database + "-shm")
                kept.append(aside)
            }
            guard rename(move.staged, move.database) == 0 else {
                throw Failure.failed("cannot move \(move.staged) to \(move.database): \(String(cString: strerror(errno)))")
            }
            discard(move.staged)
            KioskStore.syncDirectory((move.database as NSString).deletingLastPathComponent)
        }
        withExtendedLifetime(locks) {}
        return kept
    }

    /// Removes a staged copy and whatever SQLite or its lock left beside it.
    public static func discard(_ staged: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(staged + suffix) }
        unlink(DatabaseFileLock.lockPath(of: staged))
    }
}
