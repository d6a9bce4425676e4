import ArgumentParser
import Foundation
import KioskCore
import KioskStore
import KioskSystem
import ProgramFiles
import ReportArguments

/// The options every command shares: where the config and database are, and what time it is.
struct KioskOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The configuration file (TOML).",
        discussion: "Default: $MENTOR_KIOSK_CONFIG, else /etc/mentor-kiosk/kiosk.toml if it exists, else built-in defaults.",
        valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp(
        "The kiosk database.",
        discussion: "Default: $MENTOR_KIOSK_DATABASE, else kiosk.sqlite in the configured state directory.",
        valueName: "file"))
    var database: String?

    @Option(help: ArgumentHelp(
        "Start the clock at this time, for scripts and demos (2026-03-02T15:00:00+01:00, or local 2026-03-02 15:00).",
        valueName: "time"))
    var now: String?

    static let defaultConfigPath = "/etc/mentor-kiosk/kiosk.toml"

    /// Resolves the options into what commands work with; bad config or time is a clear error.
    func context() throws -> KioskContext {
        let environment = ProcessInfo.processInfo.environment
        var config = KioskConfig()
        if let path = self.config ?? environment["MENTOR_KIOSK_CONFIG"] {
            config = try ConfigLoader.load(path: path)
        } else if FileManager.default.fileExists(atPath: Self.defaultConfigPath) {
            config = try ConfigLoader.load(path: Self.defaultConfigPath)
        }
        let database = self.database ?? environment["MENTOR_KIOSK_DATABASE"] ?? config.databasePath
        var wall: Date?
        if let text = now ?? environment["MENTOR_KIOSK_NOW"] {
            guard let parsed = ProgramTime.parse(text, timeZone: config.timeZone) else {
                throw ValidationError("--now: \"\(text)\" is not a time; write 2026-03-02T15:00:00+01:00 or 2026-03-02 15:00")
            }
            wall = parsed
        }
        return KioskContext(config: config, databasePath: database, clock: SystemClock(startingAt: wall))
    }
}

/// A command's resolved environment: config, database location, clock, and openers.
struct KioskContext {
    var config: KioskConfig
    var databasePath: String
    var clock: SystemClock

    var wording: KioskWording { KioskWording(timeZone: config.timeZone, language: config.language) }
    var secretPath: String { config.secretPath(database: databasePath) }

    /// Opens an existing database (commands other than `init` never create one by accident).
    func openStore(verify: Bool = true) throws -> KioskStore {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw ValidationError("no database at \(databasePath); run `mentor-kiosk init` first, or pass --database")
        }
        return try KioskStore(path: databasePath, kioskID: config.kioskID, verify: verify)
    }

    func hasher() throws -> BadgeHasher { try SecretFile.load(secretPath) }

    func normalizer() -> BadgeNormalizer { BadgeNormalizer(rules: config.badgeRules) }

    func programReader(hasher: BadgeHasher? = nil) throws -> ProgramFileReader {
        ProgramFileReader(normalizer: normalizer(), hasher: try hasher ?? self.hasher(), timeZone: config.timeZone)
    }

    /// A period's bound: a day (its midnight) or a time, in the kiosk's time zone.
    func dayOrTime(_ text: String) throws -> Date {
        try ReportArguments.dayOrTime(text, timeZone: config.timeZone)
    }

    /// The check-in rules in effect: the program's, from the hub's directory, else kiosk.toml's.
    func settings(_ store: KioskStore) throws -> (settings: ProgramSettings, fromHub: Bool) {
        if let hub = try store.hubSettings() { return (hub, true) }
        var settings = ProgramSettings(rules: config.checkInRules, anonymousRatings: config.anonymousRatings)
        settings.feedback = config.feedback
        return (settings, false)
    }

    /// The check-in desk on `store` (default: the configured database, which must exist).
    func desk(store: KioskStore? = nil) throws -> CheckInDesk {
        let store = try store ?? openStore()
        let settings = try settings(store).settings
        var desk = CheckInDesk(
            store: store, normalizer: normalizer(), hasher: try hasher(), rules: settings.rules,
            location: config.location, anonymousRatings: settings.anonymousRatings, wording: wording)
        desk.feedback = settings.feedback ?? config.feedback
        return desk
    }
}

extension SecretFile.Failure: LocalizedError {
    public var errorDescription: String? { description }
}

extension StoreError: LocalizedError {
    public var errorDescription: String? { description }
}

extension ConfigError: LocalizedError {
    public var errorDescription: String? { description }
}

extension SupervisionRefusal: LocalizedError {
    public var errorDescription: String? { description }
}
