import Foundation
import HubStore
import Hummingbird
import KioskCore
import ProgramFiles

/// The program's settings from the browser: the check-in rules and check-out questions every
/// kiosk takes with its directory (`ProgramSettings`, the same limits as `mentor-hub
/// settings`), and the program's time zone.
extension HubServer {
    func addAdminSettings(to router: Router<HubRequestContext>) {
        router.get("admin/settings") { request, _ in
            try await adminPage(request) { visit in try await settingsPage(visit, shown: nil, error: nil) }
        }
        router.post("admin/settings") { request, _ in
            try await adminForm(request, SettingsForm.self) { visit, form in try await saveSettings(visit, form) }
        }
    }

    func saveSettings(_ visit: AdminVisit, _ form: SettingsForm) async throws -> Response {
        if form.values["action"] == "clear" {
            try await store.setSettings(nil)
            try await adminAudit(visit, "settings.clear")
            return adminMessage(visit, title: "Settings cleared", "Each kiosk goes back to its own kiosk.toml's [check_in] and [feedback] with its next directory.", back: "/admin/settings")
        }
        var settings = ProgramSettings(rules: CheckInRules(), anonymousRatings: false)
        var feedback = FeedbackSettings()
        func number(_ name: String) throws -> Int {
            guard let text = form.values[name]?.trimmingCharacters(in: .whitespaces), let value = Int(text) else {
                throw SettingsFormProblem(message: "\(SettingsField.label(name)) must be a whole number.")
            }
            return value
        }
        let zoneName = (form.values["time_zone"] ?? "").trimmingCharacters(in: .whitespaces)
        do {
            settings.opensBeforeMinutes = try number("opens_before_minutes")
            settings.onTimeGraceMinutes = try number("on_time_grace_minutes")
            settings.duplicateWindowSeconds = try number("duplicate_window_seconds")
            settings.ratingWindowMinutes = try number("rating_window_minutes")
            feedback.fitSessions = try number("fit_sessions")
            feedback.goalEvery = try number("goal_every")
            feedback.questionSeconds = try number("question_seconds")
            guard zoneName.isEmpty || TimeZone(identifier: zoneName) != nil else {
                throw SettingsFormProblem(message: "\(zoneName) is not a time zone; use an IANA name such as America/Chicago or Europe/Berlin.")
            }
        } catch let problem as SettingsFormProblem {
            return try await settingsPage(visit, shown: form.values, error: problem.message)
        }
        settings.anonymousRatings = form.values["anonymous_ratings"] == "on"
        feedback.pairFit = form.values["pair_fit"] == "on"
        feedback.directedFeedback = form.values["directed_feedback"] == "on"
        feedback.showGoalText = form.values["show_goal_text"] == "on"
        settings.feedback = feedback
        if let problem = settings.problem { return try await settingsPage(visit, shown: form.values, error: problem) }
        try await store.setSettings(settings)
        try await adminAudit(visit, "settings.set", detail: SettingsField.summary(settings))
        var message = "Every kiosk takes the new rules with its next directory."
        let zoneBefore = try await store.timeZoneIdentifier()
        if !zoneName.isEmpty, zoneName != zoneBefore {
            try await store.setTimeZoneIdentifier(zoneName)
            try await adminAudit(visit, "settings.time_zone", detail: zoneName)
            message += " The time zone is now \(zoneName): kiosks take it with their next directory; the hub's own pages and reports use it once mentor-hub serve restarts."
        }
        return adminMessage(visit, title: "Settings saved", message, back: "/admin/settings")
    }

    /// The settings form, showing the program's settings (or the kiosk defaults), or what was sent back with an error.
    func settingsPage(_ visit: AdminVisit, shown: [String: String]?, error: String?) async throws -> Response {
        let current = try await store.settings()
        let values = shown ?? SettingsField.values(current ?? ProgramSettings(rules: CheckInRules(), anonymousRatings: false))
        let zone = try await store.timeZoneIdentifier()
        var page: [String: Any] = [
            "numbers": SettingsField.numbers.map { field -> [String: Any] in
                ["name": field.name, "label": field.label, "min": field.limits.lowerBound, "max": field.limits.upperBound, "value": values[field.name] ?? ""]
            },
            "flags": SettingsField.flags.map { field -> [String: Any] in
                ["name": field.name, "label": field.label, "checked": values[field.name] == "on"]
            },
            "zone": shown?["time_zone"] ?? zone ?? "", "zoneInUse": timeZone.identifier, "programSet": current != nil,
        ]
        page["error"] = error
        return adminResponse("admin-settings", visit, title: "Program settings", page, status: error == nil ? .ok : .unprocessableContent)
    }
}

/// The settings form's fields, by their names in `mentor-hub settings`, with their labels and limits.
enum SettingsField {
    static let numbers: [(name: String, label: String, limits: ClosedRange<Int>)] = [
        ("opens_before_minutes", "Check-in opens, minutes before the start", ProgramSettings.opensBeforeLimits),
        ("on_time_grace_minutes", "Still on time, minutes after the start", ProgramSettings.onTimeGraceLimits),
        ("duplicate_window_seconds", "A second scan within these seconds repeats the first", ProgramSettings.duplicateWindowLimits),
        ("rating_window_minutes", "A rating is taken this many minutes after check-out", ProgramSettings.ratingWindowLimits),
        ("fit_sessions", "Ask about the pairing's fit after this many pair sessions", FeedbackSettings.fitSessionsLimits),
        ("goal_every", "Ask for goal progress every Nth pair session (0: never)", FeedbackSettings.goalEveryLimits),
        ("question_seconds", "Seconds a check-out question waits for a button", FeedbackSettings.questionSecondsLimits),
    ]
    static let flags: [(name: String, label: String)] = [
        ("anonymous_ratings", "Store ratings without who gave them"),
        ("pair_fit", "Ask \"is this pairing a good fit?\""),
        ("directed_feedback", "Ask a mentee about their mentor, and a mentor about their mentee"),
        ("show_goal_text", "Show a pair's goal on the goal question (kiosks then receive goal texts)"),
    ]

    static func label(_ name: String) -> String { numbers.first { $0.name == name }?.label ?? name }

    /// The settings as the form's values.
    static func values(_ settings: ProgramSettings) -> [String: String] {
        let feedback = settings.feedback ?? FeedbackSettings()
        func flag(_ value: Bool) -> String { value ? "on" : "" }
        return [
            "opens_before_minutes": "\(settings.opensBeforeMinutes)", "on_time_grace_minutes": "\(settings.onTimeGraceMinutes)",
            "duplicate_window_seconds": "\(settings.duplicateWindowSeconds)", "rating_window_minutes": "\(settings.ratingWindowMinutes)",
            "fit_sessions": "\(feedback.fitSessions)", "goal_every": "\(feedback.goalEvery)", "question_seconds": "\(feedback.questionSeconds)",
            "anonymous_ratings": flag(settings.anonymousRatings), "pair_fit": flag(feedback.pairFit),
            "directed_feedback": flag(feedback.directedFeedback), "show_goal_text": flag(feedback.showGoalText),
        ]
    }

    /// One line for the audit log: `name=value` of every setting.
    static func summary(_ settings: ProgramSettings) -> String {
        values(settings).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.isEmpty ? "off" : $0.value)" }.joined(separator: " ")
    }
}

/// A settings form's value that cannot be used, in words for the form.
struct SettingsFormProblem: Error {
    var message: String
}

/// The settings form: every field by name (`SettingsField`), the CSRF token, and `action`
/// (`save`, or `clear` to hand the rules back to the kiosks).
struct SettingsForm: AdminFormFields {
    var values: [String: String]
    var csrf: String? { values["csrf"] }

    struct Name: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Name.self)
        var values: [String: String] = [:]
        for key in container.allKeys where values.count < 64 {
            values[key.stringValue] = try container.decode(String.self, forKey: key)
        }
        self.values = values
    }
}
