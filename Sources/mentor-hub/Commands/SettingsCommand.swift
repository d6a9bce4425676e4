import ArgumentParser
import Foundation
import HubStore
import KioskCore

struct SettingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Show or set the program's check-in rules and time zone, which every kiosk takes with its directory.",
        discussion: """
            Options not given keep their current value (or the kiosk default). Without settings, each kiosk keeps its kiosk.toml's [check_in]. \
            The public URL is the hub's own: it is not sent to kiosks. The time zone is the program's: every hub command reads days and local times in it unless given --time-zone, and \
            mentor-kiosk doctor warns when a kiosk.toml's time_zone differs. A running serve reads it when it starts: restart it. \
            The retention is the hub's own too: mentor-hub prune, run nightly after the backup, applies it (docs/retention.md).
            """)
    @OptionGroup var options: HubOptions
    @Option(help: "Minutes before the start a session's check-in opens (0-240).") var opensBeforeMinutes: Int?
    @Option(help: "Minutes after the start an arrival is still on time (0-240).") var onTimeGraceMinutes: Int?
    @Option(help: "Seconds within which a second scan repeats the first (0-300).") var duplicateWindowSeconds: Int?
    @Option(help: "Minutes after check-out a rating is still taken (1-1440).") var ratingWindowMinutes: Int?
    @Option(help: "Store ratings without who gave them (true or false).") var anonymousRatings: Bool?
    @Option(help: "Ask \"is this pairing a good fit?\" after a pair's first sessions (true or false).") var pairFit: Bool?
    @Option(help: "A member's first sessions of their pair after which the fit question is asked until answered (0-20).") var fitSessions: Int?
    @Option(help: "Ask for goal progress at every Nth pair session a member attends (0 never, up to 52).") var goalEvery: Int?
    @Option(help: "Ask a mentee about their mentor and a mentor about their mentee (true or false).") var directedFeedback: Bool?
    @Option(help: "Show a pair's goal text (goals.csv) on the goal question; only then do kiosks receive goal texts (true or false).")
    var showGoalText: Bool?
    @Option(help: "Seconds a question after the rating waits for a button (3-30).") var questionSeconds: Int?
    @Option(help: "The program's time zone (an IANA name such as America/Chicago).") var timeZone: String?
    @Option(help: "The address people reach the hub's pages at (https://hub.example.org): set-password links start with it, and an https one makes the login cookie Secure; an empty value clears it.")
    var publicURL: String?
    @Option(help: "Years the raw events of ended sessions are kept before `mentor-hub prune` deletes them, keeping their figures (1-50; 0 keeps every event).")
    var retentionYears: Int?
    @Flag(help: "Remove the program's check-in rules: each kiosk goes back to its own (the time zone stays).") var clear = false

    func validate() throws {
        if let timeZone { _ = try ProgramTimeOptions.zone(timeZone) }
        if let retentionYears, retentionYears != 0, !HubRetention.years.contains(retentionYears) {
            throw ValidationError("--retention-years must be 0 (keep every event) or 1–50")
        }
        if let publicURL, !publicURL.isEmpty, PublicURL.normalized(publicURL) == nil {
            throw ValidationError("--public-url must be an http or https address with a host and nothing after the path, such as https://hub.example.org")
        }
    }

    func run() async throws {
        let feedbackChanges = [fitSessions, goalEvery, questionSeconds].contains { $0 != nil } || pairFit != nil || directedFeedback != nil || showGoalText != nil
        let changes = [opensBeforeMinutes, onTimeGraceMinutes, duplicateWindowSeconds, ratingWindowMinutes].contains { $0 != nil } || anonymousRatings != nil
            || feedbackChanges
        if clear && changes { throw ValidationError("--clear takes no other option") }
        let zone = try await options.withStore { store in
            if let timeZone {
                try await store.setTimeZoneIdentifier(timeZone)
                try await store.auditCommand("settings.time_zone", detail: timeZone)
            }
            return try await store.timeZoneIdentifier()
        }
        print("time_zone = \(zone ?? "UTC (none set)")")
        let address = try await options.withStore { store in
            if let publicURL {
                let value = publicURL.isEmpty ? nil : PublicURL.normalized(publicURL)
                try await store.setHubSetting(.publicURL, to: value)
                try await store.auditCommand("settings.public_url", detail: value ?? "cleared")
            }
            return try await store.hubSetting(.publicURL)
        }
        print("public_url = \(address ?? "(none set: links name http://127.0.0.1:8080)")")
        let retention = try await options.withStore { store in
            if let retentionYears {
                try await store.setHubSetting(.retentionYears, to: retentionYears == 0 ? nil : String(retentionYears))
                try await store.auditCommand("settings.retention_years", detail: String(retentionYears))
            }
            return try await store.retentionYears()
        }
        print("retention_years = \(retention.map { "\($0) (mentor-hub prune deletes the events of sessions ended longer ago)" } ?? "0 (every event kept)")")
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
            if feedbackChanges {
                var feedback = settings.feedback ?? FeedbackSettings()
                feedback.pairFit = pairFit ?? feedback.pairFit
                feedback.fitSessions = fitSessions ?? feedback.fitSessions
                feedback.goalEvery = goalEvery ?? feedback.goalEvery
                feedback.directedFeedback = directedFeedback ?? feedback.directedFeedback
                feedback.showGoalText = showGoalText ?? feedback.showGoalText
                feedback.questionSeconds = questionSeconds ?? feedback.questionSeconds
                settings.feedback = feedback
            }
            if let problem = settings.problem { throw ValidationError(problem) }
            try await store.setSettings(settings)
            try await store.auditCommand("settings.set", detail: Self.lines(settings).joined(separator: " ").replacingOccurrences(of: " = ", with: "="))
            return settings
        }
        guard let settings else {
            print("no program settings: each kiosk uses its kiosk.toml's [check_in]")
            return
        }
        print(Self.lines(settings).joined(separator: "\n"))
    }

    /// The settings as `key = value` lines (the check-out questions only when the program sets them).
    static func lines(_ settings: ProgramSettings) -> [String] {
        [
            "opens_before_minutes = \(settings.opensBeforeMinutes)", "on_time_grace_minutes = \(settings.onTimeGraceMinutes)",
            "duplicate_window_seconds = \(settings.duplicateWindowSeconds)", "rating_window_minutes = \(settings.ratingWindowMinutes)",
            "anonymous_ratings = \(settings.anonymousRatings)",
        ] + (settings.feedback.map { feedback in
            [
                "feedback.pair_fit = \(feedback.pairFit)", "feedback.fit_sessions = \(feedback.fitSessions)",
                "feedback.goal_every = \(feedback.goalEvery)", "feedback.directed_feedback = \(feedback.directedFeedback)",
                "feedback.show_goal_text = \(feedback.showGoalText)",
                "feedback.question_seconds = \(feedback.questionSeconds)",
            ]
        } ?? [])
    }
}
