import Foundation

/// A question the kiosk asks at check-out, answered with one button. The rating is one; the
/// others ask a pair's members what no attendance can show: whether the pairing fits, how
/// their goal moves, and how the other member did. Every answer is an `answer` event (the
/// question's raw value in `note`, the button in `rating`), never anonymous, and never shown to
/// the other member.
public enum CheckOutQuestion: String, Sendable, Codable, CaseIterable {
    /// The session's 1–4 rating (a `rating` event, as before: it may be anonymous).
    case rating
    /// "Is this pairing a good fit?" 1 good fit, 2 still deciding, 3 not a fit.
    case pairFit = "pair_fit"
    /// "Progress on your goal since last time?" 1–4.
    case goalProgress = "goal_progress"
    /// Asked of a mentee: "How helpful was your mentor today?" 1–4.
    case mentorHelpful = "mentor_helpful"
    /// Asked of a mentor: "How engaged was your mentee today?" 1–4.
    case menteeEngaged = "mentee_engaged"

    /// The buttons that answer it.
    public var answers: ClosedRange<Int> { self == .pairFit ? 1...3 : 1...4 }

    /// Questions answered by an `answer` event (the rating has its own kind).
    public static let answerQuestions: [CheckOutQuestion] = [.pairFit, .goalProgress, .mentorHelpful, .menteeEngaged]
}

/// An answer to "Is this pairing a good fit?".
public enum PairFit: Int, Sendable, Codable, CaseIterable, Comparable {
    case goodFit = 1, stillDeciding = 2, notAFit = 3

    /// The word the reports use: `good_fit`, `still_deciding`, `not_a_fit`.
    public var name: String {
        switch self {
        case .goodFit: "good_fit"
        case .stillDeciding: "still_deciding"
        case .notAFit: "not_a_fit"
        }
    }

    public static func < (left: PairFit, right: PairFit) -> Bool { left.rawValue < right.rawValue }
}

/// Which check-out questions a program asks (`[feedback]` in kiosk.toml, or the program's
/// settings from the hub). At most one question follows the rating, so a check-out never asks
/// more than two.
public struct FeedbackSettings: Codable, Sendable, Equatable {
    /// Ask "is this pairing a good fit?" at a member's first `fitSessions` sessions of their pair
    /// (until they answer), and after every session while their latest answer is "still deciding".
    public var pairFit: Bool
    public var fitSessions: Int
    /// Ask for goal progress at every `goalEvery`th session of the pair a member attends (0: never).
    public var goalEvery: Int
    /// Ask a mentee about their mentor and a mentor about their mentee when nothing else is due.
    public var directedFeedback: Bool
    /// Show the pair's goal text (goals.csv) on the goal question; off, the screen says only
    /// "your goal" (it stands in a lobby), and the hub sends kiosks no goal texts.
    public var showGoalText: Bool
    /// How long a follow-up question waits for a button before the kiosk returns to its start
    /// screen (a scan is taken at any moment regardless).
    public var questionSeconds: Int

    public static let fitSessionsLimits = 0...20
    public static let goalEveryLimits = 0...52
    public static let questionSecondsLimits = 3...30

    public init(
        pairFit: Bool = true, fitSessions: Int = 2, goalEvery: Int = 3, directedFeedback: Bool = true, showGoalText: Bool = false,
        questionSeconds: Int = 8
    ) {
        self.pairFit = pairFit
        self.fitSessions = fitSessions
        self.goalEvery = goalEvery
        self.directedFeedback = directedFeedback
        self.showGoalText = showGoalText
        self.questionSeconds = questionSeconds
    }

    /// Why these settings cannot be used (nil: they can), naming the key as kiosk.toml spells it.
    public var problem: String? {
        for (name, value, limits) in [
            ("fit_sessions", fitSessions, Self.fitSessionsLimits), ("goal_every", goalEvery, Self.goalEveryLimits),
            ("question_seconds", questionSeconds, Self.questionSecondsLimits),
        ] where !limits.contains(value) {
            return "\(name) must be \(limits.lowerBound)–\(limits.upperBound), not \(value)"
        }
        return nil
    }
}

/// What the kiosk knows, at a check-out, of the participant's pair: enough to choose the
/// follow-up question. Nil when the session is not a pair's or they are not its mentor or mentee.
public struct PairCheckOutFacts: Sendable, Equatable {
    public var role: MemberRole
    /// The pair's sessions this member has attended, this one included (none that started later:
    /// an answer given after another check-in is judged as at its own check-out).
    public var sessionsAttended: Int
    /// Their latest answer to the fit question for this pair.
    public var latestFit: PairFit?
    /// The questions they already answered for this session: after one, no follow-up is asked again.
    public var answeredHere: Set<CheckOutQuestion>
    /// The pair's goal, if the kiosk knows it.
    public var goal: PairGoal?

    public init(
        role: MemberRole, sessionsAttended: Int, latestFit: PairFit? = nil, answeredHere: Set<CheckOutQuestion> = [],
        goal: PairGoal? = nil
    ) {
        self.goal = goal
        self.role = role
        self.sessionsAttended = sessionsAttended
        self.latestFit = latestFit
        self.answeredHere = answeredHere
    }
}

/// Chooses the check-out questions and decides whether an answer is taken. Pure.
public enum CheckOutQuestions {
    /// The questions for a badge check-out, the rating first: at most one more, the first due of
    /// pairing fit, goal progress, directed feedback; none once one was answered for the session.
    public static func choose(pair: PairCheckOutFacts?, settings: FeedbackSettings) -> [CheckOutQuestion] {
        guard let pair, pair.role != .facilitator, pair.answeredHere.isEmpty else { return [.rating] }
        let fitDue = settings.pairFit
            && (pair.latestFit == nil ? pair.sessionsAttended <= settings.fitSessions : pair.latestFit == .stillDeciding)
        let goalDue = settings.goalEvery > 0 && pair.sessionsAttended > 0 && pair.sessionsAttended % settings.goalEvery == 0
        let directed: CheckOutQuestion? = settings.directedFeedback ? (pair.role == .mentee ? .mentorHelpful : .menteeEngaged) : nil
        let next = [fitDue ? .pairFit : nil, goalDue ? .goalProgress : nil, directed].compactMap { $0 }.first
        return [.rating] + (next.map { [$0] } ?? [])
    }

    /// Whether an answer to `question` is taken: a question this check-out asked, once, within
    /// the rating window after a badge check-out, with a button the question has.
    /// - Parameters:
    ///   - latest: the participant's latest checked-out attendance.
    ///   - asked: the questions `choose` gives for that check-out now.
    public static func decide(
        _ question: CheckOutQuestion, value: Int, latest: SessionAttendance?, asked: [CheckOutQuestion], at now: Date, rules: CheckInRules
    ) -> AnswerOutcome {
        guard question != .rating else { return .notAsked(question) }
        guard question.answers.contains(value) else { return .invalidValue(question, value) }
        guard let latest, let checkedOutAt = latest.attendance.checkedOutAt, latest.attendance.checkOutKind == .badge else {
            return .notCheckedOut
        }
        guard now.timeIntervalSince(checkedOutAt) <= rules.ratingWindow else { return .tooLate }
        guard asked.contains(question) else { return .notAsked(question) }
        return .record(sessionID: latest.session.id, question: question, value: value)
    }
}

/// What became of an answer to a check-out question.
public enum AnswerOutcome: Sendable, Equatable {
    case invalidValue(CheckOutQuestion, Int)
    case notCheckedOut
    case tooLate
    /// Not a question this check-out asks (already answered, or not due).
    case notAsked(CheckOutQuestion)
    case record(sessionID: String, question: CheckOutQuestion, value: Int)
}
