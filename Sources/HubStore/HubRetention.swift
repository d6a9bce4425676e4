import Foundation
import KioskCore

/// The hub's retention (`mentor-hub settings --retention-years N`, `mentor-hub prune`): the raw
/// events of sessions that ended more than N years ago are deleted, and each such session's
/// replay is kept frozen in their place, so every report over any period keeps its figures.
/// What is kept and what goes is in docs/retention.md.
public enum HubRetention {
    /// The years an admin may set; 0 (or none) keeps every event.
    public static let years = 1...50

    /// Sessions frozen per transaction: a push waits for at most one page.
    public static let page = 200

    /// The moment before which sessions must have ended to be pruned: midnight, in the program's
    /// time zone, `years` years before `now`'s day.
    public static func cutoff(years: Int, now: Date, timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.startOfDay(for: now)
        return calendar.date(byAdding: .year, value: -years, to: today) ?? .distantPast
    }

    /// `sessions` in pages of `page`.
    static func pages(_ sessions: [String]) -> [[String]] {
        stride(from: 0, to: sessions.count, by: page).map { Array(sessions[$0..<min($0 + page, sessions.count)]) }
    }
}

/// What a prune would freeze (`mentor-hub prune --dry-run`), counted without changing anything.
public struct HubPrunePreview: Sendable, Equatable {
    public var cutoff: Date
    /// Scheduled sessions that ended before the cutoff, not frozen yet.
    public var scheduled = 0
    /// A kiosk's own sessions opened (by the hub's clock) before the cutoff, not frozen yet. Those
    /// with an event received since wait, so this is the most a prune would freeze of them.
    public var kioskOwn = 0

    public init(cutoff: Date) { self.cutoff = cutoff }
}

/// What one `pruneHistory` did.
public struct HubPruneOutcome: Sendable, Equatable {
    public var cutoff: Date
    /// Sessions frozen by this run (their events deleted).
    public var sessions = 0
    /// Events deleted: those of the frozen sessions, and the sessionless ones.
    public var events = 0
    /// Quarantined events deleted.
    public var quarantined = 0
    /// Sessions left for a later run: an event of theirs arrived while this run replayed them, or
    /// (a kiosk's own session) the hub received one after the cutoff.
    public var skipped = 0

    public init(cutoff: Date) { self.cutoff = cutoff }
}

/// A frozen replay (retention pruned its session's events) could not be read: the figures of that
/// session cannot be rebuilt, so the report stops rather than show it empty.
public struct FrozenReplayUnreadable: Error, Sendable, Equatable, CustomStringConvertible {
    public var sessionID: String

    public init(sessionID: String) { self.sessionID = sessionID }

    public var description: String {
        "the frozen figures of session \(sessionID) (its events were pruned by retention) are in a layout this release cannot read: run the release that pruned them or a later one"
    }
}

extension HubStorage {
    /// Freezes every session that ended before `cutoff` and is not frozen yet: its replay is made
    /// current, then kept as its figures while its events go (`freezeSessions`). A scheduled
    /// session ends when the schedule says. A kiosk's own session is frozen once the hub has held
    /// its opening and every event of it since before `cutoff`, by the hub's clock: a kiosk's
    /// clock (set back, set ahead, or lying) neither hurries nor holds it back. Then the
    /// sessionless events and the quarantine received before `cutoff` go.
    public func pruneHistory(before cutoff: Date, at now: Date) async throws -> HubPruneOutcome {
        var outcome = HubPruneOutcome(cutoff: cutoff)
        let candidates = try await pruneCandidates(before: cutoff)
        for (sessions, receivedBefore) in [(candidates.scheduled, nil), (candidates.kioskOwn, cutoff)] as [([String], Date?)] {
            for page in HubRetention.pages(sessions) {
                let open = try await storedReplays(ofSessions: page).filter { !$0.frozen }
                guard !open.isEmpty else { continue }
                let versions = Dictionary(open.map { ($0.sessionID, $0.version) }, uniquingKeysWith: { first, _ in first })
                let replays = try await currentReplays(ofSessions: open.map(\.sessionID))
                let frozen = try await freezeSessions(
                    replays.map { StoredReplay(sessionID: $0.sessionID, version: versions[$0.sessionID] ?? 0, body: $0.encoded(), frozen: true) },
                    receivedBefore: receivedBefore, at: now)
                outcome.sessions += frozen.sessions
                outcome.events += frozen.events
                outcome.skipped += replays.count - frozen.sessions
            }
        }
        let sessionless = try await pruneSessionless(receivedBefore: cutoff)
        outcome.events += sessionless.events
        outcome.quarantined = sessionless.quarantined
        return outcome
    }

    /// What `pruneHistory(before: cutoff, …)` would freeze now, counted page by page as it would
    /// read them; nothing is written.
    public func prunePreview(before cutoff: Date) async throws -> HubPrunePreview {
        var preview = HubPrunePreview(cutoff: cutoff)
        let candidates = try await pruneCandidates(before: cutoff)
        for page in HubRetention.pages(candidates.scheduled) {
            preview.scheduled += try await storedReplays(ofSessions: page).filter { !$0.frozen }.count
        }
        for page in HubRetention.pages(candidates.kioskOwn) {
            preview.kioskOwn += try await storedReplays(ofSessions: page).filter { !$0.frozen }.count
        }
        return preview
    }

    /// The sessions a prune before `cutoff` tries: the scheduled ones that ended before it, and
    /// a kiosk's own ones whose opening the hub received before it.
    private func pruneCandidates(before cutoff: Date) async throws -> (scheduled: [String], kioskOwn: [String]) {
        let scheduled = try await programSnapshot(startingFrom: .distantPast, before: cutoff, location: nil).sessions
            .filter { $0.endsAt < cutoff }.map(\.id)
        let known = Set(scheduled)
        return (scheduled, try await sessionsOpened(receivedBefore: cutoff).filter { !known.contains($0) })
    }
}
