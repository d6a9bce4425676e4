import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A database file's "in use" mark, so that a restore never replaces a database that a running
/// kiosk, sync loop, hub or command has open.
///
/// Every store holds a shared `flock` on `<database>.lock` for as long as it lives; a restore
/// takes it exclusively, without waiting, and refuses when it cannot. The lock is on a file of
/// its own, never on the database: closing another descriptor of the database file would drop
/// SQLite's own POSIX locks in this process. The file holds nothing and is opened read-only
/// (0644), so that one made by root (a command run with sudo) never keeps the service out.
public final class DatabaseFileLock: Sendable {
    /// Why a lock was not taken.
    public enum Refusal: Error, CustomStringConvertible {
        /// Someone else holds it (a restore, for a shared lock; any open store, for an exclusive one).
        case inUse(database: String)
        case cannotOpen(path: String, reason: String)

        public var description: String {
            switch self {
            case .inUse(let database): "\(database) is in use"
            case .cannotOpen(let path, let reason): "cannot open \(path): \(reason)"
            }
        }
    }

    private let descriptor: Int32

    /// Locks `database`'s lock file, shared (a store that uses the database) or exclusive (a
    /// restore). Never waits.
    public init(database: String, exclusive: Bool) throws(Refusal) {
        let path = Self.lockPath(of: database)
        let descriptor = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
            let failure = errno
            close(descriptor)
            if failure == EWOULDBLOCK { throw .inUse(database: database) }
            throw .cannotOpen(path: path, reason: String(cString: strerror(failure)))
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    public static func lockPath(of database: String) -> String { database + ".lock" }
}
