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

/// The kiosk's words for outcomes, questions, times of day, days and durations, in one
/// language (`KioskPhrasebook`): the screens, the command line and the hub's pages share them.
public struct KioskWording: Sendable {
    public let timeZone: TimeZone
    public let phrases: any KioskPhrasebook
    private let calendar: Calendar

    public init(timeZone: TimeZone, language: KioskLanguage = .english) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.init(timeZone: timeZone, phrases: language.phrases, calendar: calendar)
    }

    private init(timeZone: TimeZone, phrases: any KioskPhrasebook, calendar: Calendar) {
        self.timeZone = timeZone
        self.phrases = phrases
        self.calendar = calendar
    }

    public var language: KioskLanguage { phrases.language }

    /// The same words in `participant`'s language, when they have one.
    public func speaking(to participant: Participant?) -> KioskWording {
        guard let language = participant?.language, language != self.language else { return self }
        // On the scan path: the calendar is kept, only the phrasebook changes.
        return KioskWording(timeZone: timeZone, phrases: language.phrases, calendar: calendar)
    }

    /// "15:05": the 24-hour clock, in every language.
    public func clock(_ date: Date) -> String {
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }

    /// "Tue 2 Mar", "mar 2 mar", "Di 2. März".
    public func day(_ date: Date) -> String {
        let parts = calendar.dateComponents([.weekday, .day, .month], from: date)
        return phrases.day(weekday: parts.weekday ?? 1, day: parts.day ?? 1, month: parts.month ?? 1)
    }

    public func duration(_ seconds: TimeInterval) -> String {
        let minutes = Int((seconds / 60).rounded())
        return phrases.duration(hours: minutes / 60, minutes: minutes % 60)
    }

    func next(_ session: Session?) -> (title: String, at: String)? { session.map { ($0.title, clock($0.startsAt)) } }

    public func report(_ outcome: ScanOutcome) -> OutcomeReport {
        switch outcome {
        case .unknownBadge:
            return OutcomeReport(code: "unknown_badge", verdict: .unknownBadge, message: phrases.unknownBadge())
        case .inactive(let person):
            return OutcomeReport(code: "inactive", verdict: .refused, message: phrases.inactive(name: person.name), participant: person)
        case .duplicateScan(let person):
            return OutcomeReport(code: "duplicate_scan", verdict: .already, message: phrases.duplicateScan(name: person.name), participant: person)
        case .noSessionNow(let person, let next):
            return OutcomeReport(
                code: "no_session", verdict: .noSession, message: phrases.noSessionNow(next: self.next(next)), participant: person,
                session: next, time: next?.startsAt)
        case .sessionCancelled(let person, let session, let next):
            return OutcomeReport(
                code: "session_cancelled", verdict: .noSession, message: phrases.sessionCancelled(title: session.title, next: self.next(next)),
                participant: person, session: session, time: next?.startsAt)
        case .chooseSession(let person, let sessions):
            let list = sessions.map { "\($0.id) (\($0.title), \(clock($0.startsAt))–\(clock($0.endsAt)))" }
            return OutcomeReport(
                code: "choose_session", verdict: .chooseSession, message: phrases.chooseSession(name: person.name, choices: list),
                participant: person, choices: sessions)
        case .checkIn(let person, let session, let status):
            return OutcomeReport(
                code: "checked_in", verdict: .done,
                message: phrases.checkedIn(name: person.name, title: session.title, lateSince: status == .late ? clock(session.startsAt) : nil),
                participant: person, session: session, status: status.rawValue)
        case .alreadyCheckedIn(let person, let session, let at):
            return OutcomeReport(
                code: "already_checked_in", verdict: .already, message: phrases.alreadyCheckedIn(name: person.name, title: session.title, at: clock(at)),
                participant: person, session: session, time: at)
        case .alreadyCheckedOut(let person, let session, let at):
            return OutcomeReport(
                code: "already_checked_out", verdict: .already, message: phrases.alreadyCheckedOut(name: person.name, title: session.title, at: clock(at)),
                participant: person, session: session, time: at)
        case .sessionNotOpen(let person, let sessionID):
            return OutcomeReport(
                code: "session_not_open", verdict: .refused, message: phrases.sessionNotOpen(name: person.name, sessionID: sessionID), participant: person)
        }
    }

    /// The milestone line for a participant's `count`th session, if that count earns one.
    public func milestone(sessionsAttended count: Int) -> String? {
        switch count {
        case 1: phrases.firstSession()
        case 5, 10, 25, 50, 75, 100, 150, 200: phrases.milestone(count: count)
        default: nil
        }
    }

    public func report(_ outcome: CheckOutOutcome) -> OutcomeReport {
        switch outcome {
        case .unknownBadge: return report(ScanOutcome.unknownBadge)
        case .inactive(let person): return report(ScanOutcome.inactive(person))
        case .duplicateScan(let person): return report(ScanOutcome.duplicateScan(person))
        case .notCheckedIn(let person):
            return OutcomeReport(code: "not_checked_in", verdict: .refused, message: phrases.notCheckedIn(name: person.name), participant: person)
        case .checkOut(let person, let session, _, let duration):
            return OutcomeReport(
                code: "checked_out", verdict: .done,
                message: phrases.checkedOut(name: person.name, title: session.title, after: self.duration(duration)),
                participant: person, session: session, durationSeconds: Int(duration.rounded()))
        }
    }

    public func report(_ outcome: RatingOutcome, participant: Participant?) -> OutcomeReport {
        switch outcome {
        case .invalidValue(let value):
            return OutcomeReport(code: "invalid_rating", verdict: .refused, message: phrases.notARating(value, scale: RatingPolicy.scale), participant: participant)
        case .notCheckedOut:
            return OutcomeReport(code: "not_checked_out", verdict: .refused, message: phrases.nothingToRate(), participant: participant)
        case .alreadyRated:
            return OutcomeReport(code: "already_rated", verdict: .already, message: phrases.alreadyRated(), participant: participant)
        case .tooLate:
            return OutcomeReport(code: "rating_too_late", verdict: .refused, message: phrases.ratingTooLate(), participant: participant)
        case .record(_, let value, let anonymous):
            return OutcomeReport(
                code: "rated", verdict: .done, message: phrases.rated(value, of: RatingPolicy.scale.upperBound, anonymous: anonymous),
                participant: anonymous ? nil : participant)
        }
    }

    /// The words of a check-out question and of its buttons, in order.
    public func prompt(_ question: CheckOutQuestion) -> (question: String, choices: [String]) {
        phrases.question(question)
    }

    public func report(_ outcome: AnswerOutcome, participant: Participant?) -> OutcomeReport {
        switch outcome {
        case .invalidValue(let question, let value):
            return OutcomeReport(
                code: "invalid_answer", verdict: .refused, message: phrases.notAnAnswer(value, question: question.rawValue, answers: question.answers),
                participant: participant)
        case .notCheckedOut:
            return OutcomeReport(code: "not_checked_out", verdict: .refused, message: phrases.nothingToAnswer(), participant: participant)
        case .tooLate:
            return OutcomeReport(code: "answer_too_late", verdict: .refused, message: phrases.answerTooLate(), participant: participant)
        case .notAsked(let question):
            return OutcomeReport(code: "not_asked", verdict: .already, message: phrases.notAsked(question: question.rawValue), participant: participant)
        case .record(_, let question, let value):
            return OutcomeReport(code: "answered", verdict: .done, message: phrases.answered(choice: prompt(question).choices[value - 1]), participant: participant)
        }
    }

    public func report(_ refusal: SupervisionRefusal) -> OutcomeReport {
        OutcomeReport(code: refusal.code, verdict: .refused, message: "✗ \(refusal)")
    }

    public func report(_ rejection: BadgeRejection) -> OutcomeReport {
        OutcomeReport(code: "badge_rejected", verdict: .badgeRejected, message: phrases.notABadge("\(rejection)"))
    }

    /// "• Lena Novak, you checked in to Peer Circle A at 15:00.": the check-out offer's line,
    /// on screen and spoken.
    public func youCheckedIn(_ report: OutcomeReport) -> String {
        phrases.youCheckedIn(
            name: report.participant?.name ?? phrases.text(.you), title: report.session?.title ?? phrases.text(.yourSession),
            at: report.time.map(clock))
    }

    /// "✓ Omar Haddad checked in to Peer Circle A": a facilitator's action that worked.
    public func confirmation(_ done: FacilitatorDone) -> String {
        let when = switch done {
        case .opened(let session): clock(session.endsAt)
        case .cancelled(let session): day(session.startsAt)
        default: ""
        }
        return "✓ " + phrases.done(done, when: when)
    }

    public func cannotRecord() -> OutcomeReport {
        OutcomeReport(code: "cannot_record", verdict: .cannotRecord, message: phrases.cannotRecord())
    }
}

extension ScanOutcome {
    /// The person the scan was of; nil for an unknown badge.
    public var participant: Participant? {
        switch self {
        case .unknownBadge: nil
        case .inactive(let person), .duplicateScan(let person), .noSessionNow(let person, _), .sessionCancelled(let person, _, _),
             .chooseSession(let person, _), .checkIn(let person, _, _), .alreadyCheckedIn(let person, _, _), .alreadyCheckedOut(let person, _, _),
             .sessionNotOpen(let person, _):
            person
        }
    }
}

extension CheckOutOutcome {
    /// The person the scan was of; nil for an unknown badge.
    public var participant: Participant? {
        switch self {
        case .unknownBadge: nil
        case .inactive(let person), .duplicateScan(let person), .notCheckedIn(let person), .checkOut(let person, _, _, _): person
        }
    }
}
