import Foundation

/// The kiosk's words in English (the default, and what its command line prints).
public struct EnglishPhrases: KioskPhrasebook {
    public init() {}
    public var language: KioskLanguage { .english }

    public func day(weekday: Int, day: Int, month: Int) -> String {
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(weekdays[weekday - 1]) \(day) \(months[month - 1])"
    }

    public func duration(hours: Int, minutes: Int) -> String { hours > 0 ? "\(hours) h \(minutes) min" : "\(minutes) min" }

    public func unknownBadge() -> String { "✗ Unknown badge — please see the facilitator" }
    public func inactive(name: String) -> String { "✗ \(name) is not active in the program — please see the facilitator" }
    public func duplicateScan(name: String) -> String { "• \(name), your badge was read a moment ago" }
    func next(_ next: (title: String, at: String)?) -> String { next.map { " — next: \($0.title) at \($0.at)" } ?? "" }
    public func noSessionNow(next: (title: String, at: String)?) -> String { "✗ No session right now" + self.next(next) }
    public func sessionCancelled(title: String, next: (title: String, at: String)?) -> String { "✗ \(title) today was cancelled" + self.next(next) }
    public func chooseSession(name: String, choices: [String]) -> String {
        "? \(name), several sessions are open — choose one: \(choices.joined(separator: ", "))"
    }
    public func checkedIn(name: String, title: String, lateSince: String?) -> String {
        "✓ Welcome, \(name) — checked in to \(title) (\(lateSince.map { "late, started \($0)" } ?? "on time"))"
    }
    public func alreadyCheckedIn(name: String, title: String, at: String) -> String {
        "• \(name), you are already checked in to \(title) at \(at) — tap again to check out"
    }
    public func alreadyCheckedOut(name: String, title: String, at: String) -> String { "• \(name), you checked out of \(title) at \(at)" }
    public func sessionNotOpen(name: String, sessionID: String) -> String { "✗ Session \(sessionID) is not open to \(name) now" }
    public func firstSession() -> String { "★ Your first session — welcome to the program!" }
    public func milestone(count: Int) -> String { "★ That is your \(Self.ordinal(count)) session — well done!" }
    public func notCheckedIn(name: String) -> String { "✗ \(name), you are not checked in to any session" }
    public func checkedOut(name: String, title: String, after duration: String) -> String {
        "✓ Goodbye, \(name) — checked out of \(title) after \(duration)"
    }
    public func notARating(_ value: Int, scale: ClosedRange<Int>) -> String {
        "✗ \(value) is not a rating; rate from \(scale.lowerBound) to \(scale.upperBound)"
    }
    public func nothingToRate() -> String { "✗ Ratings follow a check-out; there is nothing to rate" }
    public func alreadyRated() -> String { "• This session is already rated — thank you" }
    public func ratingTooLate() -> String { "✗ The time to rate that session has passed" }
    public func rated(_ value: Int, of maximum: Int, anonymous: Bool) -> String {
        "✓ Thank you for rating \(value) of \(maximum)\(anonymous ? " (anonymous)" : "")"
    }
    public func question(_ question: CheckOutQuestion) -> (question: String, choices: [String]) {
        switch question {
        case .rating: ("How was the session?", ["poor", "okay", "good", "great"])
        case .pairFit: ("Is this pairing a good fit?", ["good fit", "still deciding", "not a fit", "skip"])
        case .goalProgress: ("Progress on your goal since last time?", ["none", "a little", "good", "great"])
        case .mentorHelpful: ("How helpful was your mentor today?", ["not really", "a little", "helpful", "very"])
        case .menteeEngaged: ("How engaged was your mentee today?", ["not really", "a little", "engaged", "very"])
        }
    }
    public func notAnAnswer(_ value: Int, question: String, answers: ClosedRange<Int>) -> String {
        "✗ \(value) is not an answer to \(question); answer from \(answers.lowerBound) to \(answers.upperBound)"
    }
    public func nothingToAnswer() -> String { "✗ Questions follow a check-out; there is nothing to answer" }
    public func answerTooLate() -> String { "✗ The time to answer for that session has passed" }
    public func notAsked(question: String) -> String { "• \(question) is not asked after this check-out (answered, or not due)" }
    public func answered(choice: String) -> String { "✓ Thank you — \(choice)" }
    public func notABadge(_ reason: String) -> String { "✗ Not a badge: \(reason)" }
    public func cannotRecord() -> String { "✗ Cannot record — please see the facilitator" }

    /// 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st.
    static func ordinal(_ number: Int) -> String {
        let suffix: String
        switch (number % 10, number % 100) {
        case (_, 11...13): suffix = "th"
        case (1, _): suffix = "st"
        case (2, _): suffix = "nd"
        case (3, _): suffix = "rd"
        default: suffix = "th"
        }
        return "\(number)\(suffix)"
    }
}
