import ArgumentParser
import Foundation
import HubStore
import KioskCore

struct SettingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Show or set the program's check-in rules, which every kiosk takes with its directory.",
        discussion: "Options not given keep their current value (or the kiosk default). Without settings, each kiosk keeps its kiosk.toml's [check_in].")
    @OptionGroup var options: HubOptions
    @Option(help: "Minutes before the start a session's check-in opens (0–240).") var opensBeforeMinutes: Int?
    @Option(help: "Minutes after the start an arrival is still on time (0–240).") var onTimeGraceMinutes: Int?
    @Option(help: "Seconds within which a second scan repeats the first (0–300).") var duplicateWindowSeconds: Int?
    @Option(help: "Minutes after check-out a rating is still taken (1–1440).") var ratingWindowMinutes: Int?
    @Option(help: "Store ratings without who gave them (true or false).") var anonymousRatings: Bool?
    @Flag(help: "Remove the program's settings: each kiosk goes back to its own.") var clear = false

    func run() async throws {
        let changes = [opensBeforeMinutes, onTimeGraceMinutes, duplicateWindowSeconds, ratingWindowMinutes].contains { $0 != nil } || anonymousRatings != nil
        if clear && changes { throw ValidationError("--clear takes no other option") }
        let settings: ProgramSettings? = try await options.withStore { store in
            if clear {
                try await store.setSettings(nil)
                try await store.auditCommand("settings.clear")
                return nil
            }
            guard changes else { return try await store.settings() }
            var settings = try await store.settings() ?? ProgramSettings(rules: CheckInRules(), anonymousRatings: false)
            settings.opensBeforeMinutes = opensBeforeMinutes ?? settings.opensBeforeMinutes
            settings.onTimeGraceMinutes = onTimeGraceMinutes ?? settings.onTimeGraceMinutes
            settings.duplicateWindowSeconds = duplicateWindowSeconds ?? settings.duplicateWindowSeconds
            settings.ratingWindowMinutes = ratingWindowMinutes ?? settings.ratingWindowMinutes
            settings.anonymousRatings = anonymousRatings ?? settings.anonymousRatings
            if let problem = settings.problem { throw ValidationError(problem) }
            try await store.setSettings(settings)
            try await store.auditCommand(
                "settings.set",
                detail: "opens_before_minutes=\(settings.opensBeforeMinutes) on_time_grace_minutes=\(settings.onTimeGraceMinutes) duplicate_window_seconds=\(settings.duplicateWindowSeconds) rating_window_minutes=\(settings.ratingWindowMinutes) anonymous_ratings=\(settings.anonymousRatings)")
            return settings
        }
        guard let settings else {
            print("no program settings: each kiosk uses its kiosk.toml's [check_in]")
            return
        }
        print("""
            opens_before_minutes = \(settings.opensBeforeMinutes)
            on_time_grace_minutes = \(settings.onTimeGraceMinutes)
            duplicate_window_seconds = \(settings.duplicateWindowSeconds)
            rating_window_minutes = \(settings.ratingWindowMinutes)
            anonymous_ratings = \(settings.anonymousRatings)
            """)
    }
}
