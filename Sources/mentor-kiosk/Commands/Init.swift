import ArgumentParser
import KioskStore
import KioskSystem

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the kiosk database and the badge secret (safe to run again).")

    @OptionGroup var options: KioskOptions

    func run() throws {
        let context = try options.context()
        let created = try SecretFile.create(context.secretPath)
        _ = try KioskStore(path: context.databasePath, kioskID: context.config.kioskID)
        print("Database: \(context.databasePath)")
        print("Badge secret: \(context.secretPath)\(created ? " (new)" : " (kept)")")
        print("Kiosk \(context.config.kioskID) at \(context.config.location), times in \(context.config.timeZone.identifier)")
    }
}
