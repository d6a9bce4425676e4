import ArgumentParser
import Foundation
import KioskStore
import KioskSync
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

struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put a backup back in place of the database; the kiosk's services must be stopped. The replaced database is kept beside it.",
        discussion: """
            A kiosk enrolled at a hub asks the hub first how far it holds this kiosk's events, and continues \
            numbering after that: nothing it records later is refused there as a number used twice.
            """)

    @OptionGroup var options: KioskOptions
    @Argument(help: "The backup (a file `mentor-kiosk backup` wrote).") var backup: String
    @Flag(help: "Restore an enrolled kiosk without asking its hub (unreachable): its next events may then reuse numbers the hub holds, and the hub keeps those apart.")
    var offline = false

    func run() async throws {
        let context = try options.context()
        let enrollmentPath = HubEnrollment.path(database: context.databasePath)
        let enrolled = FileManager.default.fileExists(atPath: enrollmentPath)
        var hubCursor: Int64?
        if enrolled, !offline {
            do {
                guard let enrollment = try HubEnrollment.load(enrollmentPath) else { throw DatabaseRestore.Failure.failed("\(enrollmentPath) cannot be read") }
                let client = try HubClient(baseURL: enrollment.url, token: enrollment.token, trustedCA: enrollment.trustedCA, timeoutSeconds: 15)
                hubCursor = try await client.push([]).acknowledgedThrough
            } catch {
                throw DatabaseRestore.Failure.failed(
                    "this kiosk is enrolled at a hub, and asking it how far it holds this kiosk's events failed (\(error)); nothing was changed. Restore again when it answers, or pass --offline")
            }
        }
        let restored = try KioskStore.restore(
            from: backup, into: context.databasePath, kioskID: context.config.kioskID, at: context.clock.read().wall, hubCursor: hubCursor)
        print("Restored \(restored.database) from \(backup): \(restored.events) events, the newest at \(restored.lastEventAt ?? "none")")
        if let kept = restored.kept { print("The database it replaced is kept as \(kept)") }
        if let cursor = restored.continuesAfter {
            print("""
                The hub holds this kiosk's events through number \(cursor): the kiosk numbers its next events after that, \
                and those the hub acknowledged since the backup are at the hub (not in this kiosk's tally).
                """)
        } else if enrolled {
            print("""
                Warning: restored without asking the hub. It holds the events this kiosk sent after the backup was written, \
                and the kiosk's next events may reuse their numbers: the hub keeps those apart as "replaced database" \
                (mentor-hub rejected list).
                """)
        }
    }
}
