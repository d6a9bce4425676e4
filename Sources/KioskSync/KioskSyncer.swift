import Foundation
import HubProtocol
import KioskCore
import KioskStore

/// When to try again after a failed exchange: exponential back-off with full jitter, never
/// sooner than the hub's `Retry-After`, at most `maximum` seconds.
public struct SyncBackoff: Sendable, Equatable {
    public var base: Double = 1
    public var maximum: Double = 300

    public init(base: Double = 1, maximum: Double = 300) {
        self.base = base
        self.maximum = maximum
    }

    /// - Parameters:
    ///   - failures: consecutive failures so far (1 after the first).
    ///   - random: a number in 0..<1 (the jitter).
    public func delay(afterFailures failures: Int, retryAfter: Double?, random: Double) -> Double {
        let ceiling = min(maximum, base * pow(2, Double(min(max(failures - 1, 0), 30))))
        return min(maximum, max(retryAfter ?? 0, ceiling * random))
    }
}

/// Exports this kiosk's events to the hub and brings its directory back. The cursor lives in
/// the kiosk's database and moves only on a 2xx answer, so a lost answer means a resend, which
/// the hub counts as duplicates; nothing is lost and nothing is stored twice.
public final class KioskSyncer: Sendable {
    public let store: KioskStore
    public let client: HubClient
    public let batchSize: Int
    let clock: @Sendable () -> Date

    public init(store: KioskStore, client: HubClient, batchSize: Int = 500, clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.client = client
        self.batchSize = batchSize
        self.clock = clock
    }

    /// What one `pushAll` did.
    public struct PushSummary: Sendable, Equatable {
        public var batches = 0
        public var stored = 0
        public var duplicates = 0
        public var rejected = 0
        public var acknowledgedThrough: Int64 = 0
    }

    /// Sends every event after the cursor, batch by batch, until none is left.
    public func pushAll() async throws -> PushSummary {
        var summary = PushSummary()
        var size = batchSize
        while true {
            let cursor = try store.syncCursor().acknowledgedThrough
            summary.acknowledgedThrough = cursor
            let events = try store.events(after: cursor, limit: size)
            guard let last = events.last else { return summary }
            do {
                let receipt = try await client.push(events.map(WireEvent.init))
                // Never past what was sent, whatever the answer says.
                try store.recordPush(
                    acknowledgedThrough: min(receipt.acknowledgedThrough, last.sequence),
                    rejections: receipt.rejected.map { ($0.seq, $0.reason) }, at: clock())
                summary.batches += 1
                summary.stored += receipt.stored
                summary.duplicates += receipt.duplicates
                summary.rejected += receipt.rejected.count
                guard receipt.acknowledgedThrough > cursor else {
                    throw HubClient.Failure.refused(status: 200, code: "no_progress", message: "the hub acknowledged nothing new after \(cursor)")
                }
            } catch HubClient.Failure.gap(let through) where through < cursor {
                try store.resetCursor(to: through)
            } catch HubClient.Failure.refused(413, _, _) where size > 1 {
                size = max(1, size / 2)  // too large for the hub: smaller batches
            }
        }
    }

    /// Fetches the directory if it changed and applies it in one transaction; returns whether it did.
    @discardableResult
    public func pullDirectory() async throws -> Bool {
        let known = try store.syncCursor().directoryVersion
        guard let directory = try await client.directory(ifNoneMatch: known) else { return false }
        let origin = "hub directory \(directory.version)"
        try store.applyDirectory(
            version: directory.version,
            participants: directory.participants.enumerated().map { index, entry in
                ParticipantEntry(
                    participant: entry.participant, badges: entry.badgeHashes.map(BadgeHash.init(hex:)),
                    position: SourcePosition(file: origin, line: index + 1))
            },
            groups: directory.groups.enumerated().map { index, group in
                GroupEntry(group: group, memberPositions: Array(repeating: SourcePosition(file: origin, line: index + 1), count: max(1, group.members.count)))
            },
            sessions: directory.sessions.enumerated().map { index, session in
                SessionEntry(session: session, position: SourcePosition(file: origin, line: index + 1))
            },
            settings: directory.settings, timeZone: directory.timeZone, excusals: directory.excusals ?? [], erasures: directory.erasures)
        return true
    }

    /// Takes back what the hub holds of the kiosk this one replaces (`enroll --replace`): its
    /// recent events, and numbering after the hub's cursor (as its enrollment answered it).
    /// Pull the directory first.
    public func adoptRecentHistory(acknowledgedThrough cursor: Int64, location: String) async throws -> KioskStore.AdoptedHistory {
        let history = try await client.recentHistory(acknowledgedThrough: cursor)
        let events = try history.events.map { wire in
            guard let event = RecordedEvent(wire: wire, kioskID: store.kioskID) else {
                throw HubClient.Failure.unavailable(status: 200, retryAfter: nil, message: "the hub sent event \(wire.seq) in a form this kiosk cannot read")
            }
            return event
        }
        return try store.adoptHistory(events, acknowledgedThrough: history.acknowledgedThrough, location: location)
    }

    /// Tells the hub how this kiosk is doing.
    public func reportStatus(clockTrusted: Bool, softwareVersion: String) async throws {
        let state = try store.syncState()
        try await client.report(KioskStatusReport(
            lastSequence: try store.numberedThrough(), queueLength: state.queueLength, rejected: state.rejections.count,
            clockTrusted: clockTrusted, softwareVersion: softwareVersion))
    }

    /// One round: push everything, refresh the directory, report; failures are recorded in the
    /// database (the status screen shows them) and rethrown for the back-off.
    public func syncOnce(clockTrusted: Bool, softwareVersion: String) async throws -> PushSummary {
        // A push that fails must not keep the directory and the status report from the hub.
        var summary = PushSummary()
        var failure: (any Error)?
        do { summary = try await pushAll() } catch { failure = error }
        do {
            try await pullDirectory()
            try await reportStatus(clockTrusted: clockTrusted, softwareVersion: softwareVersion)
        } catch {
            failure = failure ?? error
        }
        if let failure {
            try? store.recordSyncFailure("\(failure)", at: clock())
            throw failure
        }
        return summary
    }
}
