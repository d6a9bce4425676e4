import Foundation
import HubProtocol

/// How a pushed batch splits against what the hub already holds for that kiosk, the same for
/// every back-end: events already stored under the same id are duplicates (a retry); a
/// sequence number stored with another id, an event that breaks the rules, or one the kiosk
/// has no authority to send (`KioskAuthority`) is rejected with its reason; the rest is new.
/// Events are judged in order, so an undo may name a check-in of the same batch.
public struct IngestPlan: Sendable {
    /// The most refused events one kiosk may have waiting in quarantine: past it, a push that
    /// would add more is not taken (the kiosk keeps it and tries later), so a stolen token
    /// cannot fill the hub's disk with refusals.
    public static let maximumQuarantined = 50_000

    /// Whether keeping this batch's refusals would put more than `maximumQuarantined` of the
    /// kiosk's events in quarantine, `waiting` being there already.
    public func overfillsQuarantine(waiting: Int) -> Bool {
        !rejected.isEmpty && waiting + rejected.count > Self.maximumQuarantined
    }

    /// What became of one event of the batch.
    public enum Verdict: Sendable, Equatable {
        case fresh
        case duplicate
        case rejected(String)
    }

    public private(set) var fresh: [WireEvent] = []
    public private(set) var duplicates = 0
    public private(set) var rejected: [(event: WireEvent, reason: String)] = []
    /// One per event, in the batch's order.
    public private(set) var verdicts: [Verdict] = []

    /// - Parameters:
    ///   - known: the ids the hub holds for the batch's sequence numbers.
    ///   - facts: what the hub knows of the sessions, people and check-ins the batch names.
    public init(events: [WireEvent], known: [Int64: String], facts: AuthorityFacts) {
        var known = known
        var facts = facts
        for event in events {
            var problem = event.problem
            if let id = known[event.seq] {
                if id == event.id.lowercased() {
                    duplicates += 1
                    verdicts.append(.duplicate)
                    continue
                }
                problem = "seq \(event.seq) was already used by another event (\(id)): was the kiosk's database replaced?"
            }
            if problem == nil { problem = KioskAuthority.refusal(of: event, facts: facts) }
            if let problem {
                rejected.append((event, problem))
                verdicts.append(.rejected(problem))
            } else {
                verdicts.append(.fresh)
                fresh.append(event)
                known[event.seq] = event.id.lowercased()
                KioskAuthority.record(event, in: &facts)
            }
        }
    }
}
