import Foundation
import HubProtocol

/// An event the hub keeps in quarantine: what the kiosk sent, why it was refused, and whether
/// a later `retry` took it in. Several may share a kiosk's sequence number (a replaced kiosk
/// database sends new events under used numbers): every one is kept.
public struct QuarantinedEvent: Sendable, Equatable {
    public var id: Int64
    public var kioskID: String
    public var seq: Int64
    public var eventID: String
    public var reason: String
    public var receivedAt: Date
    /// When a retry stored it (or found it stored); nil while it is still refused.
    public var resolvedAt: Date?
    /// The event as the kiosk sent it; nil if its kept body cannot be read.
    public var event: WireEvent?

    public init(id: Int64, kioskID: String, seq: Int64, eventID: String, reason: String, receivedAt: Date, resolvedAt: Date?, event: WireEvent?) {
        self.id = id
        self.kioskID = kioskID
        self.seq = seq
        self.eventID = eventID
        self.reason = reason
        self.receivedAt = receivedAt
        self.resolvedAt = resolvedAt
        self.event = event
    }
}

/// What a retry did with one quarantined event.
public struct RetryOutcome: Sendable, Equatable {
    public var id: Int64
    public var kioskID: String
    public var seq: Int64
    /// Nil: stored now (or already stored); else why it is still refused.
    public var stillRefused: String?

    public init(id: Int64, kioskID: String, seq: Int64, stillRefused: String?) {
        self.id = id
        self.kioskID = kioskID
        self.seq = seq
        self.stillRefused = stillRefused
    }
}

/// Judges quarantined events of one kiosk again, as a push would now, in sequence order.
public struct RetryPlan: Sendable {
    public private(set) var outcomes: [RetryOutcome] = []
    /// Those to store now.
    public private(set) var fresh: [WireEvent] = []

    public init(_ quarantined: [QuarantinedEvent], known: [Int64: String], facts: AuthorityFacts) {
        let readable = quarantined.filter { $0.event != nil }
        let plan = IngestPlan(events: readable.compactMap(\.event), known: known, facts: facts)
        fresh = plan.fresh
        for (item, verdict) in zip(readable, plan.verdicts) {
            var refusal: String?
            if case .rejected(let reason) = verdict { refusal = reason }
            outcomes.append(RetryOutcome(id: item.id, kioskID: item.kioskID, seq: item.seq, stillRefused: refusal))
        }
        for item in quarantined where item.event == nil {
            outcomes.append(RetryOutcome(id: item.id, kioskID: item.kioskID, seq: item.seq, stillRefused: "its kept body cannot be read"))
        }
    }

    /// Quarantined events kiosk by kiosk (by id), each kiosk's in the order given: how a retry walks them.
    public static func byKiosk(_ quarantined: [QuarantinedEvent]) -> [(kioskID: String, events: [QuarantinedEvent])] {
        Dictionary(grouping: quarantined, by: \.kioskID).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// Which of a kiosk's sequence numbers to read back: a push's are contiguous, so their range
/// says it all; a retry's may lie far apart, and are then named one by one (`sparse`).
public struct SequenceSelection: Sendable, Equatable {
    public var range: ClosedRange<Int64>
    /// Empty when every number of `range` is wanted.
    public var sparse: [Int64]

    /// Nil for no numbers.
    public init?(_ seqs: [Int64]) {
        let wanted = Set(seqs)
        guard let low = wanted.min(), let high = wanted.max() else { return nil }
        range = low...high
        sparse = wanted.count == range.count ? [] : wanted.sorted()
    }
}
