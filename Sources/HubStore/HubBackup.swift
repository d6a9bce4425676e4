import Foundation
import KioskStore

#if canImport(Glibc)
import Glibc
#endif

/// The hub's SQLite state as one backup folder, and its way back: `mentor-hub backup` and
/// `mentor-hub restore`, run nightly by `mentor-hub-backup.timer`.
///
/// A backup is `hub-<time>/` holding `hub.sqlite`, `program.sqlite` and `badge.key`. Each
/// database is a consistent copy (`VACUUM INTO`); they are taken one after the other, so between
/// them they are as consistent as the two files after a power cut, which the hub already
/// survives (no write spans both files in one transaction).
extension HubStore {
    static let files = ["hub.sqlite", "program.sqlite"]

    /// Writes a backup folder into `directory` and keeps the `keep` newest.
    /// - Returns: the new backup's path.
    @discardableResult
    public func backup(into directory: String, keep: Int, at time: Date) throws -> String {
        guard keep >= 1 else { throw StoreError.backupFailed("keep must be at least 1") }
        let final = (directory as NSString).appendingPathComponent("hub-" + KioskStore.fileStamp(time))
        let partial = final + ".partial"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            if FileManager.default.fileExists(atPath: partial) { try FileManager.default.removeItem(atPath: partial) }
            try FileManager.default.createDirectory(atPath: partial, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            let key = folder + "/badge.key"
            if FileManager.default.fileExists(atPath: key) {
                try FileManager.default.copyItem(atPath: key, toPath: partial + "/badge.key")
                _ = chmod(partial + "/badge.key", 0o600)
            }
        } catch {
            throw StoreError.backupFailed("cannot prepare \(partial): \(error.localizedDescription)")
        }
        try program.writeCopy(to: partial + "/program.sqlite")
        try KioskStore.copy(pool, to: partial + "/hub.sqlite")
        if FileManager.default.fileExists(atPath: final) { try? FileManager.default.removeItem(atPath: final) }
        guard rename(partial, final) == 0 else {
            throw StoreError.backupFailed("cannot rename \(partial): \(String(cString: strerror(errno)))")
        }
        KioskStore.syncDirectory(directory)
        for stale in Self.backups(in: directory).dropLast(keep) {
            do { try FileManager.default.removeItem(atPath: stale) } catch {
                throw StoreError.backupFailed("cannot remove old backup \(stale): \(error.localizedDescription)")
            }
        }
        return final
    }

    /// Backup folders in `directory`, oldest first.
    public static func backups(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix("hub-") && !$0.hasSuffix(".partial") }.sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
    }

    /// What `restore` did.
    public struct Restored: Sendable {
        /// The replaced databases, kept beside them.
        public var kept: [String]
        /// The badge key, when the state had none and the backup's was put in place.
        public var restoredKey: Bool
        /// The state's badge key differs from the backup's (badges hashed under the backup's key
        /// will not match until the matching key is back).
        public var keyDiffers: Bool
    }

    /// Replaces the hub's databases in `folder` with the backup folder `backup`: both checked,
    /// migrated to this release's schema, and moved in only if no hub process has either open.
    public static func restore(from backup: String, into folder: String, at time: Date) throws -> Restored {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: backup, isDirectory: &isFolder), isFolder.boolValue else {
            throw DatabaseRestore.Failure.notABackup(path: backup, reason: "a hub backup is a folder (hub-<time>/) with hub.sqlite and program.sqlite")
        }
        let staging = folder + "/restoring"
        try? FileManager.default.removeItem(atPath: staging)
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: staging) }
        try DatabaseRestore.stage(backup + "/hub.sqlite", as: staging + "/hub.sqlite", requiredTables: ["kiosk", "hub_event"])
        try DatabaseRestore.stage(backup + "/program.sqlite", as: staging + "/program.sqlite", requiredTables: KioskStore.requiredTables)
        try HubStore(folder: staging).closeDatabases()
        for file in files { try DatabaseRestore.settle(staging + "/" + file) }
        let kept = try DatabaseRestore.replace(files.map { (staging + "/" + $0, folder + "/" + $0) }, stamp: KioskStore.fileStamp(time))
        let key = folder + "/badge.key", savedKey = backup + "/badge.key"
        var restored = Restored(kept: kept, restoredKey: false, keyDiffers: false)
        if let saved = FileManager.default.contents(atPath: savedKey) {
            if let current = FileManager.default.contents(atPath: key) {
                restored.keyDiffers = current != saved
            } else {
                // The state folder is 0700; the key is 0600 as `init` writes it.
                restored.restoredKey = FileManager.default.createFile(atPath: key, contents: saved, attributes: [.posixPermissions: 0o600])
            }
        }
        return restored
    }

    /// Closes both databases: their write-ahead logs are checkpointed and removed.
    public func closeDatabases() throws {
        try pool.close()
        try program.closeDatabase()
    }
}
