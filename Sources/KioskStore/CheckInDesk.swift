import Foundation
import KioskCore

/// The whole path of a badge at the kiosk — normalise, hash, decide, commit — ending in the
/// words to show. The CLI and the screens both go through here, so they cannot disagree.
public struct CheckInDesk: Sendable {
    public var store: KioskStore
    public var normalizer: BadgeNormalizer
    public var hasher: BadgeHasher
    public var rules: CheckInRules
    public var location: String
    public var anonymousRatings: Bool
    public var wording: KioskWording
    /// The questions after a check-out; nil asks the rating alone.
    public var feedback: FeedbackSettings? = FeedbackSettings()

    public init(
        store: KioskStore, normalizer: BadgeNormalizer, hasher: BadgeHasher, rules: CheckInRules, location: String,
        anonymousRatings: Bool, wording: KioskWording
    ) {
        self.store = store
        self.normalizer = normalizer
        self.hasher = hasher
        self.rules = rules
        self.location = location
        self.anonymousRatings = anonymousRatings
        self.wording = wording
    }

    /// The stored form of a badge as a reader sent it: normalised and hashed, or why it is
    /// not a badge (invalid UTF-8 included). Every badge path goes through here.
    public func badgeHash(_ bytes: some Collection<UInt8>) throws(BadgeRejection) -> BadgeHash {
        hasher.hash(try normalizer.normalize(bytes: bytes))
    }

    /// A scan as raw reader bytes.
    public func scan(bytes: some Collection<UInt8>, clock: ClockReading, chosenSessionID: String? = nil) -> OutcomeReport {
        recording(bytes) { hash in
            let (outcome, attended) = try store.scanCounting(
                hash, location: location, clock: clock, rules: rules, timeZone: wording.timeZone, chosenSessionID: chosenSessionID)
            let words = wording.speaking(to: outcome.participant)
            var report = words.report(outcome)
            report.milestone = attended.flatMap { words.milestone(sessionsAttended: $0) }
            return report
        }
    }

    public func scan(_ raw: String, clock: ClockReading, chosenSessionID: String? = nil) -> OutcomeReport {
        scan(bytes: Array(raw.utf8), clock: clock, chosenSessionID: chosenSessionID)
    }

    /// A check-out, its report listing the questions to ask next (`questions`).
    public func checkOut(bytes: some Collection<UInt8>, clock: ClockReading) -> OutcomeReport {
        recording(bytes) { hash in
            let (outcome, questions, goal) = try store.checkOutAsking(
                hash, clock: clock, rules: rules, feedback: feedback, timeZone: wording.timeZone)
            var report = wording.speaking(to: outcome.participant).report(outcome)
            report.questions = questions
            report.goal = goal
            return report
        }
    }

    public func checkOut(_ raw: String, clock: ClockReading) -> OutcomeReport {
        checkOut(bytes: Array(raw.utf8), clock: clock)
    }

    public func rate(bytes: some Collection<UInt8>, value: Int, clock: ClockReading) -> OutcomeReport {
        recording(bytes) { hash in
            let (participant, outcome) = try store.rate(hash, value: value, clock: clock, rules: rules, anonymous: anonymousRatings)
            return wording.speaking(to: participant).report(outcome, participant: participant)
        }
    }

    public func rate(_ raw: String, value: Int, clock: ClockReading) -> OutcomeReport {
        rate(bytes: Array(raw.utf8), value: value, clock: clock)
    }

    /// An answer to a check-out question; the rating goes through `rate`.
    public func answer(bytes: some Collection<UInt8>, question: CheckOutQuestion, value: Int, clock: ClockReading) -> OutcomeReport {
        if question == .rating { return rate(bytes: bytes, value: value, clock: clock) }
        return recording(bytes) { hash in
            let (participant, outcome) = try store.answer(
                hash, question: question, value: value, clock: clock, rules: rules, feedback: feedback,
                timeZone: wording.timeZone)
            return wording.speaking(to: participant).report(outcome, participant: participant)
        }
    }

    public func answer(_ raw: String, question: CheckOutQuestion, value: Int, clock: ClockReading) -> OutcomeReport {
        answer(bytes: Array(raw.utf8), question: question, value: value, clock: clock)
    }

    /// Refuses non-badges, and reports a failed commit as "cannot record" — never as success.
    private func recording(_ bytes: some Collection<UInt8>, _ action: (BadgeHash) throws -> OutcomeReport) -> OutcomeReport {
        let hash: BadgeHash
        do {
            hash = try badgeHash(bytes)
        } catch {
            return wording.report(error)
        }
        do {
            return try action(hash)
        } catch {
            var report = wording.cannotRecord()
            report.message += " (\(error))"
            return report
        }
    }
}
