import Foundation
import KioskCore

#if canImport(Glibc)
import Glibc
#endif

/// The deployment's badge secret on disk: raw bytes, mode 0600, created once by `init`.
public enum SecretFile {
    public enum Failure: Error, CustomStringConvertible {
        case missing(String)
        case unreadable(String, String)
        case unusable(String, BadgeSecretError)
        case cannotCreate(String, String)

        public var description: String {
            switch self {
            case .missing(let path): "the badge secret \(path) does not exist; run `mentor-kiosk init` first"
            case .unreadable(let path, let reason): "cannot read the badge secret \(path): \(reason)"
            case .unusable(let path, let error): "the badge secret \(path) is unusable: \(error)"
            case .cannotCreate(let path, let reason): "cannot create the badge secret \(path): \(reason)"
            }
        }
    }

    public static func load(_ path: String) throws(Failure) -> BadgeHasher {
        guard FileManager.default.fileExists(atPath: path) else { throw .missing(path) }
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path, "permission denied") }
        do {
            return try BadgeHasher(secret: data)
        } catch {
            throw .unusable(path, error)
        }
    }

    /// Creates a new random secret unless one exists. - Returns: whether a new one was made.
    @discardableResult
    public static func create(_ path: String) throws(Failure) -> Bool {
        if FileManager.default.fileExists(atPath: path) { return false }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .cannotCreate(path, String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let secret = BadgeHasher.generateSecret()
        let written = secret.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == secret.count, fsync(descriptor) == 0 else {
            unlink(path)
            throw .cannotCreate(path, String(cString: strerror(errno)))
        }
        return true
    }
}
