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

    /// A scan as raw reader bytes (invalid UTF-8 is refused like any other non-badge).
    public func scan(bytes: some Collection<UInt8>, clock: ClockReading, chosenSessionID: String? = nil) -> OutcomeReport {
        hashing({ () throws(BadgeRejection) in try normalizer.normalize(bytes: bytes) }) { hash in
            let (outcome, attended) = try store.scanCounting(
                hash, location: location, clock: clock, rules: rules, chosenSessionID: chosenSessionID)
            var report = wording.report(outcome)
            report.milestone = attended.flatMap { wording.milestone(sessionsAttended: $0) }
            return report
        }
    }

    public func scan(_ raw: String, clock: ClockReading, chosenSessionID: String? = nil) -> OutcomeReport {
        scan(bytes: Array(raw.utf8), clock: clock, chosenSessionID: chosenSessionID)
    }

    public func checkOut(_ raw: String, clock: ClockReading) -> OutcomeReport {
        hashing({ () throws(BadgeRejection) in try normalizer.normalize(raw) }) { hash in
            wording.report(try store.checkOut(hash, clock: clock, rules: rules))
        }
    }

    public func rate(_ raw: String, value: Int, clock: ClockReading) -> OutcomeReport {
        hashing({ () throws(BadgeRejection) in try normalizer.normalize(raw) }) { hash in
            let (participant, outcome) = try store.rate(hash, value: value, clock: clock, rules: rules, anonymous: anonymousRatings)
            return wording.report(outcome, participant: participant)
        }
    }

    /// Refuses non-badges, and reports a failed commit as "cannot record" — never as success.
    private func hashing(
        _ normalize: () throws(BadgeRejection) -> NormalizedBadge, _ action: (BadgeHash) throws -> OutcomeReport
    ) -> OutcomeReport {
        let badge: NormalizedBadge
        do {
            badge = try normalize()
        } catch {
            return wording.report(error)
        }
        do {
            return try action(hasher.hash(badge))
        } catch {
            var report = wording.cannotRecord()
            report.message += " (\(error))"
            return report
        }
    }
}
