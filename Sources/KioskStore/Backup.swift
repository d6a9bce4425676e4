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
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let name = "kiosk-\(formatter.string(from: time)).sqlite"
        let final = (directory as NSString).appendingPathComponent(name)
        let temporary = final + ".partial"
        unlink(temporary)
        do {
            // Private from its first byte: VACUUM INTO fills an empty file made 0600 here.
            try Self.prepareFile(at: temporary)
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM INTO ?", arguments: [temporary])
            }
        } catch {
            unlink(temporary)
            throw StoreError.backupFailed(Self.reason(error))
        }
        try Self.syncAndSeal(temporary)
        guard rename(temporary, final) == 0 else {
            throw StoreError.backupFailed("cannot rename \(temporary): \(String(cString: strerror(errno)))")
        }
        Self.syncDirectory(directory)
        try rotateBackups(in: directory, keep: keep)
        return final
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

    private static func syncAndSeal(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StoreError.backupFailed("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        guard fchmod(descriptor, 0o600) == 0, fsync(descriptor) == 0 else {
            throw StoreError.backupFailed("cannot sync \(path): \(String(cString: strerror(errno)))")
        }
    }

    private static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}
