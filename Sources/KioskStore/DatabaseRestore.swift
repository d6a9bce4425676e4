import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// Puts backups back in place of live database files: the one designed way to replace a
/// database under a kiosk or a hub, so that it is never done to a database in use, never leaves
/// a stale WAL next to a new file, never lets a file in that this release would not have
/// written, and never throws away the database it replaces.
///
/// A restore runs `exclusively`, holding every database's `DatabaseFileLock`: refused at once
/// while anything has one open, and never two restores at a time. Inside, `stage` copies the
/// backup into a private file beside the database; the caller opens the staged copy with its
/// store (which migrates and checks it), `requireSchema` compares it with a fresh database of
/// this release, and `replace` folds its WAL in and moves it in.
public enum DatabaseRestore {
    /// Why nothing was restored. Nothing was changed, unless the reason says otherwise.
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

    /// Runs `body` holding every database's lock exclusively; refuses at once, changing
    /// nothing, if any is in use or is a symbolic link (its lock would not be the one its users
    /// hold, and the move would replace the link).
    public static func exclusively<Result>(_ databases: [String], _ body: () throws -> Result) throws -> Result {
        var locks: [DatabaseFileLock] = []
        for database in databases {
            var info = stat()
            if lstat(database, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
                throw Failure.failed("\(database) is a symbolic link: restore into the file it points to")
            }
            do throws(DatabaseFileLock.Refusal) {
                locks.append(try DatabaseFileLock(database: database, exclusive: true))
            } catch {
                switch error {
                case .inUse: throw Failure.inUse(database: database)
                case .cannotOpen: throw Failure.failed(error.description)
                }
            }
        }
        return try withExtendedLifetime(locks) { try body() }
    }

    /// Copies `backup` into a new private file at `staged` (on the database's file system),
    /// after checking that it is an undamaged SQLite database holding `requiredTables`. The
    /// backup is read with `trusted_schema` off: its views and triggers run no functions.
    public static func stage(_ backup: String, as staged: String, requiredTables: [String]) throws {
        guard FileManager.default.fileExists(atPath: backup) else { throw Failure.notABackup(path: backup, reason: "no such file") }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA trusted_schema = OFF") }
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

    /// Refuses a staged copy, once its store migrated it, whose schema is not exactly that of
    /// `reference`, a fresh database of this release: no table, index, view or trigger more or
    /// less (a backup without the event log's append-only triggers, with triggers of its own,
    /// or from a newer release).
    public static func requireSchema(of staged: String, like reference: String, backup: String) throws {
        let (have, want) = (try schema(of: staged), try schema(of: reference))
        guard have == want else {
            let extra = have.subtracting(want).map(\.name).sorted(), missing = want.subtracting(have).map(\.name).sorted()
            throw Failure.notABackup(
                path: backup,
                reason: "its schema is not this release's (" + [extra.isEmpty ? nil : "not expected: " + extra.joined(separator: ", "),
                                                                 missing.isEmpty ? nil : "missing or different: " + missing.joined(separator: ", ")]
                    .compactMap { $0 }.joined(separator: "; ") + ")")
        }
    }

    struct SchemaEntry: Hashable {
        var type: String
        var name: String
        var sql: String?
    }

    static func schema(of path: String) throws -> Set<SchemaEntry> {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            Set(try Row.fetchAll(db, sql: "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").map {
                SchemaEntry(type: $0["type"], name: $0["name"], sql: $0["sql"])
            })
        }
    }

    /// Folds a staged copy's write-ahead log into it after its store checked and migrated it
    /// (rollback-journal mode; the store switches back to WAL when it opens the database).
    static func settle(_ staged: String) throws {
        guard FileManager.default.fileExists(atPath: staged) else { throw Failure.failed("\(staged) is gone") }
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

    /// Settles each staged file and moves it over its database; call it inside `exclusively`. Each replaced
    /// database is kept as `<database>.replaced-<stamp>`: its WAL folded in first where it still
    /// opens, else moved aside with it. Run as root, the staged file takes the replaced one's
    /// owner. When a move fails, the databases already moved are put back.
    /// - Returns: the kept files' paths.
    public static func replace(_ moves: [(staged: String, database: String)], stamp: String) throws -> [String] {
        for move in moves { try settle(move.staged) }
        for move in moves where access(move.database, F_OK) == 0 {
            // With the WAL folded in, the kept file is whole on its own.
            try? settle(move.database)
            let aside = move.database + ".replaced-" + stamp
            guard link(move.database, aside) == 0 else { throw Failure.failed("cannot keep \(move.database) as \(aside): \(String(cString: strerror(errno)))") }
            for suffix in ["-wal", "-journal"] where access(move.database + suffix, F_OK) == 0 {
                guard rename(move.database + suffix, aside + suffix) == 0 else {
                    throw Failure.failed("cannot keep \(move.database)\(suffix): \(String(cString: strerror(errno)))")
                }
            }
            unlink(move.database + "-shm")
            var owner = stat()
            if geteuid() == 0, stat(move.database, &owner) == 0, chown(move.staged, owner.st_uid, owner.st_gid) != 0 {
                throw Failure.failed("cannot give \(move.staged) to the database's owner: \(String(cString: strerror(errno)))")
            }
        }
        var moved: [String] = []
        for move in moves {
            guard rename(move.staged, move.database) == 0 else {
                let reason = "cannot move \(move.staged) to \(move.database): \(String(cString: strerror(errno)))"
                let stuck = moved.filter { database in
                    let aside = database + ".replaced-" + stamp
                    return access(aside, F_OK) == 0 ? rename(aside, database) != 0 : unlink(database) != 0
                }
                throw Failure.failed(reason + (stuck.isEmpty ? "; nothing was replaced" : "; \(stuck.joined(separator: ", ")) could not be put back from .replaced-\(stamp)"))
            }
            moved.append(move.database)
            discard(move.staged)
            KioskStore.syncDirectory((move.database as NSString).deletingLastPathComponent)
        }
        return moves.map { $0.database + ".replaced-" + stamp }.filter { access($0, F_OK) == 0 }
    }

    /// Removes a staged copy and whatever SQLite or its lock left beside it.
    public static func discard(_ staged: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(staged + suffix) }
        unlink(DatabaseFileLock.lockPath(of: staged))
    }
}
