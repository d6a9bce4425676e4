import ArgumentParser
import Foundation
import HubPostgres
import HubStore
import KioskStore

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a consistent backup of the hub's databases (PostgreSQL: pg_dump) and badge key, and keep the newest few.")
    @OptionGroup var options: HubOptions
    @Option(help: "Where backups go (default: backups in the state folder).") var directory: String?
    @Option(help: "How many backups to keep.") var keep: Int = 7

    func validate() throws {
        guard keep >= 1 else { throw ValidationError("--keep must be at least 1") }
    }

    func run() throws {
        let directory = directory ?? options.state + "/backups"
        let path: String
        if let database = options.database {
            path = try PostgresBackup.backup(try PostgresURL(database), state: options.state, into: directory, keep: keep, at: Date())
        } else {
            try options.requireState()
            path = try HubStore(folder: options.state).backup(into: directory, keep: keep, at: Date())
        }
        print("Backup written: \(path)")
    }
}

struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put a backup back in place of the hub's databases; `mentor-hub serve` must be stopped. SQLite keeps the replaced files beside them.")
    @OptionGroup var options: HubOptions
    @Argument(help: "The backup folder (hub-<time>, written by `mentor-hub backup`).") var backup: String

    func run() async throws {
        // The erasures made since the backup: the people it still holds are erased again (a
        // database too broken to open has none to give; its replacement is what a restore is for).
        let ledger = try? await options.withStore { try await $0.erasureLedger() }
        let restored: HubStore.Restored
        if let database = options.database {
            let url = try PostgresURL(database)
            restored = try PostgresBackup.restore(url, from: backup, state: options.state)
            print("Restored \(url) from \(backup)")
        } else {
            try options.requireState()
            restored = try HubStore.restore(from: backup, into: options.state, at: Date())
            print("Restored the hub in \(options.state) from \(backup)")
        }
        for kept in restored.kept { print("Kept the replaced database as \(kept)") }
        if restored.restoredKey { print("Restored the badge key from the backup") }
        if restored.keyDiffers {
            print("Warning: the state's badge key differs from the backup's: badges enrolled under the backup's key will not match until that key (\(backup)/badge.key) is back in \(options.secretPath)")
        }
        if let ledger = ledger ?? nil {
            let erased = try await options.withStore { try await $0.reapplyErasures(ledger, at: Date()) }
            if !erased.isEmpty { print("Erased again \(erased.count) participant\(erased.count == 1 ? "" : "s") the backup still held: \(erased.joined(separator: ", "))") }
        }
    }
}
