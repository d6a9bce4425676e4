import ArgumentParser
import Foundation
import HubStore
import KioskStore

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a consistent backup of the hub's databases and badge key, and keep the newest few (SQLite).")
    @OptionGroup var options: HubOptions
    @Option(help: "Where backups go (default: backups in the state folder).") var directory: String?
    @Option(help: "How many backups to keep.") var keep: Int = 7

    func validate() throws {
        guard keep >= 1 else { throw ValidationError("--keep must be at least 1") }
    }

    func run() throws {
        try options.requireSQLite(for: "backup")
        let store = try HubStore(folder: options.state)
        let path = try store.backup(into: directory ?? options.state + "/backups", keep: keep, at: Date())
        print("Backup written: \(path)")
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put a backup back in place of the hub's databases; `mentor-hub serve` must be stopped. The replaced ones are kept beside them.")
    @OptionGroup var options: HubOptions
    @Argument(help: "The backup folder (hub-<time>, written by `mentor-hub backup`).") var backup: String

    func run() throws {
        try options.requireSQLite(for: "restore")
        let restored = try HubStore.restore(from: backup, into: options.state, at: Date())
        print("Restored the hub in \(options.state) from \(backup)")
        for kept in restored.kept { print("Kept the replaced database as \(kept)") }
        if restored.restoredKey { print("Restored the badge key from the backup") }
        if restored.keyDiffers {
            print("Warning: the state's badge key differs from the backup's: badges enrolled under the backup's key will not match until that key (\(backup)/badge.key) is back in \(options.secretPath)")
        }
    }
}

extension HubOptions {
    /// The commands that work on the hub's SQLite files need them. On PostgreSQL those are
    /// pg_dump's and pg_restore's job (deploy/README.md, "Years of operation").
    func requireSQLite(for command: String) throws {
        if database != nil {
            throw ValidationError("`mentor-hub \(command)` works on the SQLite files in --state; on PostgreSQL use pg_dump and pg_restore (deploy/README.md, \"Years of operation\")")
        }
        guard FileManager.default.fileExists(atPath: state + "/hub.sqlite") else {
            throw ValidationError("no hub at \(state); run `mentor-hub init --state \(state)` first")
        }
    }
}
