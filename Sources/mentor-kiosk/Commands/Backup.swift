import ArgumentParser
import Foundation
import KioskStore
import KioskSystem

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a consistent backup of the database and keep the newest few.")

    @OptionGroup var options: KioskOptions
    @Option(help: "Where backups go (default: the configured backup directory).") var directory: String?
    @Option(help: "How many backups to keep (default: the configured number).") var keep: Int?

    func run() throws {
        let context = try options.context()
        let store = try context.openStore()
        let path = try store.backup(
            into: directory ?? context.config.backupPath(database: context.databasePath),
            keep: keep ?? context.config.backupsKept, at: context.clock.read().wall)
        print("Backup written: \(path)")
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put a backup back in place of the database; the kiosk's services must be stopped. The replaced database is kept beside it.")

    @OptionGroup var options: KioskOptions
    @Argument(help: "The backup (a file `mentor-kiosk backup` wrote).") var backup: String

    func run() throws {
        let context = try options.context()
        let restored = try KioskStore.restore(
            from: backup, into: context.databasePath, kioskID: context.config.kioskID, at: context.clock.read().wall)
        print("Restored \(restored.database) from \(backup): \(restored.events) events, the newest at \(restored.lastEventAt ?? "none")")
        if let kept = restored.kept { print("The database it replaced is kept as \(kept)") }
        if FileManager.default.fileExists(atPath: HubEnrollment.path(database: context.databasePath)) {
            print("""
                Warning: this kiosk is enrolled at a hub. The hub holds the events it sent after this backup was written, \
                and the restored kiosk will number its next events again from where the backup stopped: the hub keeps \
                those apart as "replaced database" (mentor-hub rejected) until the kiosk is set up again under its id.
                """)
        }
    }
}
