import Foundation
import KioskCore

/// The kiosk's settings, from one TOML file (`/etc/mentor-kiosk/kiosk.toml`). Every key is
/// optional and documented with its default in `deploy/kiosk.example.toml`.
public struct KioskConfig: Sendable, Equatable {
    public var kioskID = "kiosk-1"
    public var location = "Main Lobby"
    public var timeZone = TimeZone(identifier: "UTC")!
    /// The language the kiosk speaks by default (`[kiosk] language`); a participant's own, from
    /// participants.csv, wins after their scan.
    public var language = KioskLanguage.english
    public var stateDirectory = "/var/lib/mentor-kiosk"
    public var badgeRules = BadgeRules()
    /// Empty means `<state_directory>/badge.key`.
    public var secretFile = ""
    public var checkInRules = CheckInRules()
    public var anonymousRatings = false
    /// `[feedback]`: the questions after the rating (the hub's program settings win when set).
    public var feedback = FeedbackSettings()
    /// Empty means `<state_directory>/backups`.
    public var backupDirectory = ""
    public var backupsKept = 7
    /// `[retention] acknowledged_events_days`: events the hub acknowledged are deleted once this
    /// many days old (`mentor-kiosk prune`, nightly); 0 keeps every event.
    public var acknowledgedEventsDays = 0
    /// The shortest retention: a week keeps every screen's and a replacement's days with room.
    public static let acknowledgedEventsDaysLimits = 7...3650
    public var hardware = HardwareSettings()
    /// `[display]`: how long results stay, high contrast, large letters.
    public var display = DisplaySettings()
    /// `[speech]`: spoken confirmations.
    public var speech = SpeechSettings()

    public init() {}

    public var databasePath: String { (stateDirectory as NSString).appendingPathComponent("kiosk.sqlite") }

    /// The badge secret's file: the configured one, else beside the database.
    public func secretPath(database: String) -> String {
        secretFile.isEmpty ? ((database as NSString).deletingLastPathComponent as NSString).appendingPathComponent("badge.key") : secretFile
    }

    public func backupPath(database: String) -> String {
        backupDirectory.isEmpty ? ((database as NSString).deletingLastPathComponent as NSString).appendingPathComponent("backups") : backupDirectory
    }
}

/// A configuration file that cannot be used: names the key and the expected form.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var key: String?
    public var message: String

    public init(file: String, key: String?, message: String) {
        self.file = file
        self.key = key
        self.message = message
    }

    public var description: String {
        key.map { "\(file): \($0): \(message)" } ?? "\(file): \(message)"
    }
}
