import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How much room the kiosk's data takes and has left: for `doctor` and the status page.
public struct StorageUsage: Sendable, Equatable {
    /// The database file and its write-ahead log.
    public var databaseBytes: Int64
    /// Free space for unprivileged writers on the database's file system, if it can be read.
    public var freeBytes: UInt64?
}

extension KioskStore {
    public func storageUsage() -> StorageUsage {
        let size = { (file: String) in ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.int64Value ?? 0 }
        return StorageUsage(databaseBytes: size(path) + size(path + "-wal"), freeBytes: Self.freeBytes(near: path))
    }

    /// Free bytes on the file system holding `path` (a file that may not exist yet).
    public static func freeBytes(near path: String) -> UInt64? {
        var info = statvfs()
        let directory = (path as NSString).deletingLastPathComponent
        guard statvfs(directory.isEmpty ? "." : directory, &info) == 0 else { return nil }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }
}
