import Foundation

/// The words and the machine code for an outcome, shared by the CLI and (later) the screens,
/// so a participant and a script are told the same thing.
public struct OutcomeReport: Sendable, Equatable {
    /// How a script should treat the outcome; also the CLI's exit status.
    public enum Verdict: Int32, Sendable {
        case done = 0
        case unknownBadge = 3
        case noSession = 4
        case already = 5
        case chooseSession = 6
        case badgeRejected = 7
        case refused = 8
        case cannotRecord = 9
    }

    /// A stable snake_case identifier (`checked_in`, `unknown_badge`, …).
    public var code: String
    public var verdict: Verdict
    /// One line for people.
    public var message: String
    public var participant: Participant?
    public var session: Session?
    public var status: String?
    /// The time the message refers to (check-in, check-out, next session start).
    public var time: Date?
    public var durationSeconds: Int?
    public var choices: [Session]
    /// A line celebrating a round number of sessions attended, when one is earned.
    public var milestone: String?
    /// After a check-out: the questions to ask, in order (the rating first).
    public var questions: [CheckOutQuestion] = []
    /// After a check-out: the pair's goal text, when the program shows it.
    public var goal: String?

    public init(
        code: String, verdict: Verdict, message: String, participant: Participant? = nil, session: Session? = nil,
        status: String? = nil, time: Date? = nil, durationSeconds: Int? = nil, choices: [Session] = []
    ) {
        self.code = code
        self.verdict = verdict
        self.message = message
        self.participant = participant
        self.session = session
        self.status = status
        self.time = time
        self.durationSeconds = durationSeconds
        self.choices = choices
    }
}

/// Formats times of day and durations the way the kiosk shows them.
public struct KioskWording: Sendable {
    public let timeZone: TimeZone
    private let calendar: Calendar

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    public func clock(_ date: Date) -> String {
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }

    /// "Tue 2 Mar".
    public func day(_ date: Date) -> String {
        let parts = calendar.dateComponents([.weekday, .day, .month], from: date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(weekdays[(parts.weekday ?? 1) - 1]) \(parts.day ?? 1) \(months[(parts.month ?? 1) - 1])"
    }

    public func duration(_ seconds: TimeInterval) -> String {
        let minutes = Int((seconds / 60).rounded())
        return minutes >= 60 ? "\(minutes / 60) h \(minutes % 60) min" : "\(minutes) min"
    }

    public func report(_ outcome: ScanOutcome) -> OutcomeReport {
        switch outcome {
        case .unknownBadge:
            return OutcomeReport(code: "unknown_badge", verdict: .unknownBadge, message: "✗ Unknown badge — please see the facilitator")
        case .inactive(let person):
            return OutcomeReport(
                code: "inactive", verdict: .refused,
                message: "✗ \(person.name) is not active in the program — please see the facilitator", participant: person)
        case .duplicateScan(let person):
            return OutcomeReport(
                code: "duplicate_scan", verdict: .already, message: "• \(person.name), your badge was read a moment ago",
                participant: person)
        case .noSessionNow(let person, let next):
            let tail = next.map { " — next: \($0.title) at \(clock($0.startsAt))" } ?? ""
            return OutcomeReport(
                code: "no_session", verdict: .noSession, message: "✗ No session right now\(tail)", participant: person,
                session: next, time: next?.startsAt)
        case .sessionCancelled(let person, let session, let next):
            let tail = next.map { " — next: \($0.title) at \(clock($0.startsAt))" } ?? ""
            return OutcomeReport(
                code: "session_cancelled", verdict: .noSession, message: "✗ \(session.title) today was cancelled\(tail)", participant: person,
                session: session, time: next?.startsAt)
        case .chooseSession(let person, let sessions):
            let list = sessions.map { "\($0.id) (\($0.title), \(clock($0.startsAt))–\(clock($0.endsAt)))" }
            return OutcomeReport(
                code: "choose_session", verdict: .chooseSession,
                message: "? \(person.name), several sessions are open — choose one: \(list.joined(separator: ", "))",
                participant: person, choices: sessions)
        case .checkIn(let person, let session, let status):
            let label = status == .late ? "late, started \(clock(session.startsAt))" : "on time"
            return OutcomeReport(
                code: "checked_in", verdict: .done, message: "✓ Welcome, \(person.name) — checked in to \(session.title) (\(label))",
                participant: person, session: session, status: status.rawValue)
        case .alreadyCheckedIn(let person, let session, let at):
            return OutcomeReport(
                code: "already_checked_in", verdict: .already,
                message: "• \(person.name), you are already checked in to \(session.title) at \(clock(at)) — tap again to check out",
                participant: person, session: session, time: at)
        case .alreadyCheckedOut(let person, let session, let at):
            return OutcomeReport(
                code: "already_checked_out", verdict: .already,
                message: "• \(person.name), you checked out of \(session.title) at \(clock(at))",
                participant: person, session: session, time: at)
        case .sessionNotOpen(let person, let sessionID):
            return OutcomeReport(
                code: "session_not_open", verdict: .refused,
                message: "✗ Session \(sessionID) is not open to \(person.name) now", participant: person)
        }
    }

    /// The milestone line for a participant's `count`th session, if that count earns one.
    public func milestone(sessionsAttended count: Int) -> String? {
        switch count {
        case 1: "★ Your first session — welcome to the program!"
        case 5, 10, 25, 50, 75, 100, 150, 200: "★ That is your \(count)th session — well done!"
        default: nil
        }
    }

    public func report(_ outcome: CheckOutOutcome) -> OutcomeReport {
        switch outcome {
        case .unknownBadge: return report(ScanOutcome.unknownBadge)
        case .inactive(let person): return report(ScanOutcome.inactive(person))
        case .duplicateScan(let person): return report(ScanOutcome.duplicateScan(person))
        case .notCheckedIn(let person):
            return OutcomeReport(
                code: "not_checked_in", verdict: .refused, message: "✗ \(person.name), you are not checked in to any session",
                participant: person)
        case .checkOut(let person, let session, _, let duration):
            return OutcomeReport(
                code: "checked_out", verdict: .done,
                message: "✓ Goodbye, \(person.name) — checked out of \(session.title) after \(self.duration(duration))",
                participant: person, session: session, durationSeconds: Int(duration.rounded()))
        }
    }

    public func report(_ outcome: RatingOutcome, participant: Participant?) -> OutcomeReport {
        switch outcome {
        case .invalidValue(let value):
            return OutcomeReport(
                code: "invalid_rating", verdict: .refused,
                message: "✗ \(value) is not a rating; rate from \(RatingPolicy.scale.lowerBound) to \(RatingPolicy.scale.upperBound)",
                participant: participant)
        case .notCheckedOut:
            return OutcomeReport(
                code: "not_checked_out", verdict: .refused, message: "✗ Ratings follow a check-out; there is nothing to rate",
                participant: participant)
        case .alreadyRated:
            return OutcomeReport(
                code: "already_rated", verdict: .already, message: "• This session is already rated — thank you",
                participant: participant)
        case .tooLate:
            return OutcomeReport(
                code: "rating_too_late", verdict: .refused, message: "✗ The time to rate that session has passed",
                participant: participant)
        case .record(_, let value, let anonymous):
            return OutcomeReport(
                code: "rated", verdict: .done,
                message: "✓ Thank you for rating \(value) of \(RatingPolicy.scale.upperBound)\(anonymous ? " (anonymous)" : "")",
                participant: anonymous ? nil : participant)
        }
    }

    /// The words of a check-out question and of its buttons, in order.
    public func prompt(_ question: CheckOutQuestion) -> (question: String, choices: [String]) {
        switch question {
        case .rating: ("How was the session?", ["poor", "okay", "good", "great"])
        case .pairFit: ("Is this pairing a good fit?", ["good fit", "still deciding", "not a fit", "skip"])
        case .goalProgress: ("Progress on your goal since last time?", ["none", "a little", "good", "great"])
        case .mentorHelpful: ("How helpful was your mentor today?", ["not really", "a little", "helpful", "very"])
        case .menteeEngaged: ("How engaged was your mentee today?", ["not really", "a little", "engaged", "very"])
        }
    }

    public func report(_ outcome: AnswerOutcome, participant: Participant?) -> OutcomeReport {
        switch outcome {
        case .invalidValue(let question, let value):
            return OutcomeReport(
                code: "invalid_answer", verdict: .refused,
                message: "✗ \(value) is not an answer to \(question.rawValue); answer from \(question.answers.lowerBound) to \(question.answers.upperBound)",
                participant: participant)
        case .notCheckedOut:
            return OutcomeReport(
                code: "not_checked_out", verdict: .refused, message: "✗ Questions follow a check-out; there is nothing to answer",
                participant: participant)
        case .tooLate:
            return OutcomeReport(
                code: "answer_too_late", verdict: .refused, message: "✗ The time to answer for that session has passed", participant: participant)
        case .notAsked(let question):
            return OutcomeReport(
                code: "not_asked", verdict: .already, message: "• \(question.rawValue) is not asked after this check-out (answered, or not due)",
                participant: participant)
        case .record(_, let question, let value):
            let choice = prompt(question).choices[value - 1]
            return OutcomeReport(code: "answered", verdict: .done, message: "✓ Thank you — \(choice)", participant: participant)
        }
    }

    public func report(_ refusal: SupervisionRefusal) -> OutcomeReport {
        OutcomeReport(code: refusal.code, verdict: .refused, message: "✗ \(refusal)")
    }

    public func report(_ rejection: BadgeRejection) -> OutcomeReport {
        OutcomeReport(code: "badge_rejected", verdict: .badgeRejected, message: "✗ Not a badge: \(rejection)")
    }

    public func cannotRecord() -> OutcomeReport {
        OutcomeReport(code: "cannot_record", verdict: .cannotRecord, message: "✗ Cannot record — please see the facilitator")
    }
}
