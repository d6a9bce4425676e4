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
    /// `hub-20260302T150000Z`: only folders so named are rotated, never anything else in the directory.
    nonisolated(unsafe) static let backupName = /hub-[0-9]{8}T[0-9]{6}Z/

    /// Writes a backup folder into `directory` and keeps the `keep` newest.
    /// - Returns: the new backup's path.
    @discardableResult
    public func backup(into directory: String, keep: Int, at time: Date) throws -> String {
        try Self.writeBackup(into: directory, keep: keep, at: time, state: folder) { partial in
            try program.writeCopy(to: partial + "/program.sqlite")
            try KioskStore.copy(pool, to: partial + "/hub.sqlite")
        }
    }

    /// Writes `<directory>/hub-<time>/`: `databases` fills the folder (under a `.partial` name
    /// until it is complete), the state's badge key is copied in, and only the `keep` newest
    /// backups stay. Both back-ends' backups are written this way.
    public static func writeBackup(
        into directory: String, keep: Int, at time: Date, state: String, databases: (_ folder: String) throws -> Void
    ) throws -> String {
        guard keep >= 1 else { throw StoreError.backupFailed("keep must be at least 1") }
        let final = (directory as NSString).appendingPathComponent("hub-" + KioskStore.fileStamp(time))
        let partial = final + ".partial"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            if FileManager.default.fileExists(atPath: partial) { try FileManager.default.removeItem(atPath: partial) }
            try FileManager.default.createDirectory(atPath: partial, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            let key = state + "/badge.key"
            if FileManager.default.fileExists(atPath: key) {
                try FileManager.default.copyItem(atPath: key, toPath: partial + "/badge.key")
                _ = chmod(partial + "/badge.key", 0o600)
            }
        } catch {
            throw StoreError.backupFailed("cannot prepare \(partial): \(error.localizedDescription)")
        }
        try databases(partial)
        if FileManager.default.fileExists(atPath: final) { try? FileManager.default.removeItem(atPath: final) }
        guard rename(partial, final) == 0 else {
            throw StoreError.backupFailed("cannot rename \(partial): \(String(cString: strerror(errno)))")
        }
        KioskStore.syncDirectory(directory)
        for stale in backups(in: directory).dropLast(keep) {
            do { try FileManager.default.removeItem(atPath: stale) } catch {
                throw StoreError.backupFailed("cannot remove old backup \(stale): \(error.localizedDescription)")
            }
        }
        return final
    }

    /// Backup folders in `directory`, oldest first.
    public static func backups(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.wholeMatch(of: backupName) != nil }.sorted()
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

        public init(kept: [String], restoredKey: Bool, keyDiffers: Bool) {
            self.kept = kept
            self.restoredKey = restoredKey
            self.keyDiffers = keyDiffers
        }
    }

    /// Replaces the hub's databases in `folder` with the backup folder `backup`: both checked,
    /// migrated to this release's schema, and moved in only if no hub process has either open.
    public static func restore(from backup: String, into folder: String, at time: Date) throws -> Restored {
        try requireBackupFolder(backup, holding: files)
        let databases = files.map { folder + "/" + $0 }
        return try DatabaseRestore.exclusively(databases) {
            let staging = folder + "/restoring", reference = folder + "/restoring/reference"
            try? FileManager.default.removeItem(atPath: staging)
            try FileManager.default.createDirectory(atPath: reference, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            defer { try? FileManager.default.removeItem(atPath: staging) }
            try DatabaseRestore.stage(backup + "/hub.sqlite", as: staging + "/hub.sqlite", requiredTables: ["kiosk", "hub_event"])
            try DatabaseRestore.stage(backup + "/program.sqlite", as: staging + "/program.sqlite", requiredTables: KioskStore.requiredTables)
            try HubStore(folder: staging).closeDatabases()
            try HubStore(folder: reference).closeDatabases()
            for file in files {
                try DatabaseRestore.requireSchema(of: staging + "/" + file, like: reference + "/" + file, backup: backup + "/" + file)
            }
            let kept = try DatabaseRestore.replace(zip(files.map { staging + "/" + $0 }, databases).map { ($0, $1) }, stamp: KioskStore.fileStamp(time))
            let key = restoreKey(from: backup, into: folder)
            return Restored(kept: kept, restoredKey: key.restored, keyDiffers: key.differs)
        }
    }

    /// Refuses anything but a backup folder holding `files`.
    public static func requireBackupFolder(_ backup: String, holding files: [String]) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: backup, isDirectory: &isFolder), isFolder.boolValue else {
            throw DatabaseRestore.Failure.notABackup(path: backup, reason: "a hub backup is a folder (hub-<time>/) with \(files.joined(separator: " and "))")
        }
        if let missing = files.first(where: { !FileManager.default.fileExists(atPath: backup + "/" + $0) }) {
            throw DatabaseRestore.Failure.notABackup(path: backup, reason: "it has no \(missing)")
        }
    }

    /// Puts the backup's badge key in place where the state has none.
    /// - Returns: whether it did, and whether the state's key differs from the backup's.
    public static func restoreKey(from backup: String, into state: String) -> (restored: Bool, differs: Bool) {
        guard let saved = FileManager.default.contents(atPath: backup + "/badge.key") else { return (false, false) }
        if let current = FileManager.default.contents(atPath: state + "/badge.key") { return (false, current != saved) }
        // The state folder is 0700; the key is 0600 as `init` writes it.
        return (FileManager.default.createFile(atPath: state + "/badge.key", contents: saved, attributes: [.posixPermissions: 0o600]), false)
    }

    /// Closes both databases: their write-ahead logs are checkpointed and removed.
    public func closeDatabases() throws {
        try pool.close()
        try program.closeDatabase()
    }
}
