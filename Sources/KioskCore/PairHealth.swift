import Foundation

/// An answer to a check-out question other than the rating (an `answer` event), as the pair
/// health figures read it.
public struct PairAnswer: Sendable, Equatable {
    public var participantID: String
    public var sessionID: String
    public var question: CheckOutQuestion
    public var value: Int
    public var answeredAt: Date

    public init(participantID: String, sessionID: String, question: CheckOutQuestion, value: Int, answeredAt: Date) {
        self.participantID = participantID
        self.sessionID = sessionID
        self.question = question
        self.value = value
        self.answeredAt = answeredAt
    }
}

/// How a pair is doing, from its verified attendance and its members' answers: what a
/// self-logged mentoring platform cannot know. docs/metrics.md has the rules.
public enum PairHealthLevel: String, Sendable, Codable, Comparable, CaseIterable {
    case ok
    case watch
    case atRisk = "at_risk"

    private var severity: Int { self == .ok ? 0 : self == .watch ? 1 : 2 }

    public static func < (left: PairHealthLevel, right: PairHealthLevel) -> Bool { left.severity < right.severity }
}

/// The thresholds of the pair health rules, in one place.
public enum PairHealthRules {
    /// One-sided sessions in a row that put a pair at risk (one is a watch).
    public static let oneSidedInARow = 2
    /// A directed-feedback answer at or below this is low; two low ones in a row are a watch.
    public static let lowFeedback = 2
    /// A latest goal-progress answer in this range counts as achieving (goal achievement).
    public static let achieving = 3...4
    /// An answer counts when given from its session's start until this long after its end (the
    /// longest rating window a program may set): a kiosk's clock cannot move it elsewhere.
    public static let answerWindow: TimeInterval = 86_400

    /// Why a pair is not ok; each reason's text begins with its keyword ("one-sided: …").
    public enum Reason: String, Sendable, CaseIterable {
        case oneSided = "one-sided"
        case notAFit = "not a fit"
        case quiet
        case lowFeedback = "low feedback"
        case goalFalling = "goal falling"

        /// Whether it comes from members' answers (the pairing, the other member, their goal):
        /// the program office's, so a lobby screen shows none of them, nor the level they set.
        public var fromAnswers: Bool { self == .notAFit || self == .lowFeedback || self == .goalFalling }

        func text(_ detail: String) -> String { "\(rawValue): \(detail)" }

        /// The reason a report's text gives.
        public init?(of text: String) {
            guard let reason = Self.allCases.first(where: { text.hasPrefix($0.rawValue + ":") }) else { return nil }
            self = reason
        }
    }

    public static let answerReasonOnScreen = "a check-out answer needs a look (details at the hub)"

    /// The pair as a lobby screen may name it: the level and first reason, unless that reason
    /// comes from an answer (then neither: "AT RISK" beside it would tell "not a fit").
    public static func onScreen(_ pair: EngagementReport.Pair) -> String {
        guard let reason = pair.reasons.first else { return pair.groupID }
        if Reason(of: reason)?.fromAnswers == true { return "\(pair.groupID) — \(answerReasonOnScreen)" }
        return "\(pair.groupID) \(pair.health == .atRisk ? "AT RISK" : "watch") — \(reason)"
    }
}

/// One pair session as the health rules see it: who of the pair's members of that time came.
struct PairSessionLog {
    var sessionID: String
    var startsAt: Date
    var endsAt: Date
    /// Ended or closed: a session still running is not yet one-sided.
    var decided: Bool
    /// The pair's members of that time: two, known and expected (active), none excused.
    var countable: Bool
    /// The members who came, with their role at the session.
    var came: [(id: String, role: MemberRole)]
    /// The members of that time who may answer for this session: those who came.
    var roleOf: [String: MemberRole]
}

extension EngagementReport {
    /// A pair session only one member came to.
    public struct OneSidedSession: Codable, Sendable, Equatable {
        public var sessionID: String
        public var startsAt: Date
        /// Who came, and as which role.
        public var participantID: String
        public var role: String
    }

    /// The pair's fit answers: the latest of each role (`good_fit`, `still_deciding`, `not_a_fit`)
    /// and every answer in time order.
    public struct Fit: Codable, Sendable, Equatable {
        public var mentor: String?
        public var mentee: String?
        public var answers: [FitAnswer]
    }

    public struct FitAnswer: Codable, Sendable, Equatable {
        public var sessionID: String
        public var participantID: String
        public var role: String
        public var answer: String
        public var at: Date
    }

    /// The pair's goal-progress answers (1–4, either member): how many, the latest two, and
    /// whether the latest rose, held or fell (`rising`, `steady`, `falling`; nil under two answers).
    public struct GoalProgress: Codable, Sendable, Equatable {
        public var answers: Int
        public var latest: Int?
        public var previous: Int?
        public var trend: String?
    }

    /// The share of pairs whose latest goal-progress answer is 3–4, of the pairs with one: for
    /// the program, and per cohort (a pair's cohort is its mentee's).
    public struct GoalAchievement: Codable, Sendable, Equatable {
        public var pairs: Int
        public var achieving: Int
        public var share: Double?
        public var byCohort: [String: CohortShare]
    }

    public struct CohortShare: Codable, Sendable, Equatable {
        public var pairs: Int
        public var achieving: Int
        public var share: Double?
    }
}

extension EngagementMetrics {
    /// Each pair's one-sided sessions, answers and health, and the goal achievement they add up to.
    static func assessPairs(
        _ report: inout EngagementReport, logs: [String: [PairSessionLog]], answers: [PairAnswer], program: IndexedProgram, now: Date
    ) {
        let quietSince = now.addingTimeInterval(-Double(quietDays) * 86_400)
        var pairOfSession: [String: String] = [:]
        for (groupID, pairLogs) in logs { for log in pairLogs { pairOfSession[log.sessionID] = groupID } }
        var answersOfPair: [String: [PairAnswer]] = [:]
        for answer in answers { if let pair = pairOfSession[answer.sessionID] { answersOfPair[pair, default: []].append(answer) } }
        var achievement = EngagementReport.GoalAchievement(pairs: 0, achieving: 0, share: nil, byCohort: [:])
        for index in report.pairs.indices {
            let id = report.pairs[index].groupID
            report.pairs[index].assess(logs[id] ?? [], answers: answersOfPair[id] ?? [], now: now, quietSince: quietSince)
            guard let latest = report.pairs[index].goalProgress.latest else { continue }
            let achieving = PairHealthRules.achieving.contains(latest) ? 1 : 0
            achievement.pairs += 1
            achievement.achieving += achieving
            let cohort = program.groups[id]?.cohort ?? ""
            var share = achievement.byCohort[cohort] ?? .init(pairs: 0, achieving: 0, share: nil)
            share.pairs += 1
            share.achieving += achieving
            share.share = ratio(share.achieving, share.pairs)
            achievement.byCohort[cohort] = share
        }
        achievement.share = ratio(achievement.achieving, achievement.pairs)
        report.goalAchievement = achievement
    }
}

extension EngagementReport.Pair {
    /// Fills in one-sided sessions, answers and health from the pair's session logs (in time
    /// order) and the answers to those sessions: the first of each member to each question of a
    /// session, if a member who came gave it in the session's answer window; "latest" means of
    /// the latest session.
    mutating func assess(_ logs: [PairSessionLog], answers: [PairAnswer], now: Date, quietSince: Date) {
        var inARow = 0
        for log in logs where log.decided && log.countable {
            if log.came.count == 2 {
                inARow = 0
            } else if let member = log.came.first {
                inARow += 1
                oneSidedSessions.append(.init(sessionID: log.sessionID, startsAt: log.startsAt, participantID: member.id, role: member.role.rawValue))
            }
        }
        oneSidedInARow = inARow
        let logOfSession = Dictionary(logs.map { ($0.sessionID, $0) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<String>()
        var fits: [EngagementReport.FitAnswer] = []
        var goals: [Int] = []
        var fromMentee: [Int] = [], fromMentor: [Int] = []
        // The first answer of each member to each question of a session (as the hub's replay keeps
        // it), if it came in the session's window and was given by a member who came.
        let counted = answers.sorted { ($0.answeredAt, $0.participantID) < ($1.answeredAt, $1.participantID) }
            .filter { seen.insert("\($0.participantID)\u{1F}\($0.sessionID)\u{1F}\($0.question.rawValue)").inserted }
            .compactMap { answer -> (log: PairSessionLog, role: MemberRole, answer: PairAnswer)? in
                guard let log = logOfSession[answer.sessionID], let role = log.roleOf[answer.participantID],
                    answer.question.answers.contains(answer.value), answer.answeredAt >= log.startsAt,
                    answer.answeredAt <= log.endsAt.addingTimeInterval(PairHealthRules.answerWindow)
                else { return nil }
                return (log, role, answer)
            }.sorted { left, right in
                (left.log.startsAt, left.log.sessionID, left.answer.answeredAt, left.answer.participantID)
                    < (right.log.startsAt, right.log.sessionID, right.answer.answeredAt, right.answer.participantID)
            }
        for (_, role, answer) in counted {
            switch answer.question {
            case .pairFit:
                if let fit = PairFit(rawValue: answer.value) {
                    fits.append(.init(sessionID: answer.sessionID, participantID: answer.participantID, role: role.rawValue, answer: fit.name, at: answer.answeredAt))
                }
            case .goalProgress: goals.append(answer.value)
            case .mentorHelpful where role == .mentee: fromMentee.append(answer.value)
            case .menteeEngaged where role == .mentor: fromMentor.append(answer.value)
            default: break
            }
        }
        fit = .init(
            mentor: fits.last { $0.role == MemberRole.mentor.rawValue }?.answer, mentee: fits.last { $0.role == MemberRole.mentee.rawValue }?.answer,
            answers: fits)
        goalProgress = .init(answers: goals.count, latest: goals.last, previous: goals.dropLast().last)
        feedbackFromMentee = Self.mean(fromMentee)
        feedbackFromMentor = Self.mean(fromMentor)

        var risks: [String] = [], watches: [String] = []
        if inARow >= PairHealthRules.oneSidedInARow {
            risks.append(PairHealthRules.Reason.oneSided.text("only one member came to the last \(inARow) sessions (\(Self.whoCame(oneSidedSessions.suffix(inARow))))"))
        } else if inARow == 1 {
            watches.append(PairHealthRules.Reason.oneSided.text("only one member came to the last session (\(Self.whoCame(oneSidedSessions.suffix(1))))"))
        }
        let notAFit = [("mentor", fit.mentor), ("mentee", fit.mentee)].filter { $0.1 == PairFit.notAFit.name }.map(\.0)
        if !notAFit.isEmpty { risks.append(PairHealthRules.Reason.notAFit.text("the \(notAFit.joined(separator: " and ")) said so")) }
        let pairHadSessions = logs.contains { $0.decided && $0.startsAt >= quietSince }
        if pairHadSessions, (lastMeeting ?? .distantPast) < quietSince {
            risks.append(PairHealthRules.Reason.quiet.text("no verified meeting in \(EngagementMetrics.quietDays) days"))
        }
        for (answers, words) in [(fromMentee, "the mentee rated the mentor's help"), (fromMentor, "the mentor rated the mentee's engagement")]
        where answers.count >= 2 && answers.suffix(2).allSatisfy({ $0 <= PairHealthRules.lowFeedback }) {
            watches.append(PairHealthRules.Reason.lowFeedback.text("\(words) ≤ \(PairHealthRules.lowFeedback) twice in a row"))
        }
        if goalProgress.trend == "falling", let latest = goalProgress.latest, let previous = goalProgress.previous {
            watches.append(PairHealthRules.Reason.goalFalling.text("progress \(previous) → \(latest)"))
        }
        health = !risks.isEmpty ? .atRisk : !watches.isEmpty ? .watch : .ok
        reasons = risks + watches
    }

    static func mean(_ values: [Int]) -> Double? {
        values.isEmpty ? nil : Double(values.reduce(0, +)) / Double(values.count)
    }

    /// "the mentee each time", "mentor 1, mentee 2".
    static func whoCame(_ sessions: ArraySlice<EngagementReport.OneSidedSession>) -> String {
        let counts = Dictionary(sessions.map { ($0.role, 1) }, uniquingKeysWith: +)
        if counts.count == 1, let role = counts.keys.first { return "the \(role)" + (sessions.count > 1 ? " each time" : "") }
        return counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}

extension EngagementReport.GoalProgress {
    init(answers: Int, latest: Int?, previous: Int?) {
        self.answers = answers
        self.latest = latest
        self.previous = previous
        trend = switch (previous, latest) {
        case let (previous?, latest?) where latest > previous: "rising"
        case let (previous?, latest?) where latest < previous: "falling"
        case (_?, _?): "steady"
        default: nil
        }
    }
}
