import Foundation

/// The check-in rules a program's admin sets once at the hub for all its kiosks. A kiosk whose
/// directory carries them uses them instead of its own `[check_in]` section, so every kiosk
/// of the program counts "on time" and "late" alike. Whole minutes and seconds, as in
/// kiosk.toml, within the same limits.
public struct ProgramSettings: Codable, Sendable, Equatable {
    public var opensBeforeMinutes: Int
    public var onTimeGraceMinutes: Int
    public var duplicateWindowSeconds: Int
    public var ratingWindowMinutes: Int
    public var anonymousRatings: Bool
    /// The check-out questions; nil (a hub that sets none) leaves each kiosk's `[feedback]`.
    public var feedback: FeedbackSettings?

    /// The allowed values, shared with the kiosk's config reader.
    public static let opensBeforeLimits = 0...240
    public static let onTimeGraceLimits = 0...240
    public static let duplicateWindowLimits = 0...300
    public static let ratingWindowLimits = 1...1440

    public init(rules: CheckInRules, anonymousRatings: Bool) {
        opensBeforeMinutes = Int(rules.opensBefore / 60)
        onTimeGraceMinutes = Int(rules.onTimeGrace / 60)
        duplicateWindowSeconds = Int(rules.duplicateWindow)
        ratingWindowMinutes = Int(rules.ratingWindow / 60)
        self.anonymousRatings = anonymousRatings
    }

    public var rules: CheckInRules {
        CheckInRules(
            opensBefore: Double(opensBeforeMinutes) * 60, onTimeGrace: Double(onTimeGraceMinutes) * 60,
            duplicateWindow: Double(duplicateWindowSeconds), ratingWindow: Double(ratingWindowMinutes) * 60)
    }

    /// Why these settings cannot be used (nil: they can).
    public var problem: String? {
        for (name, value, limits) in [
            ("opens_before_minutes", opensBeforeMinutes, Self.opensBeforeLimits),
            ("on_time_grace_minutes", onTimeGraceMinutes, Self.onTimeGraceLimits),
            ("duplicate_window_seconds", duplicateWindowSeconds, Self.duplicateWindowLimits),
            ("rating_window_minutes", ratingWindowMinutes, Self.ratingWindowLimits),
        ] where !limits.contains(value) {
            return "\(name) must be \(limits.lowerBound)–\(limits.upperBound), not \(value)"
        }
        return feedback?.problem
    }
}
