import Foundation
import HubProtocol

/// How a pushed batch splits against what the hub already holds for that kiosk, the same for
/// every back-end: events already stored under the same id are duplicates (a retry); a
/// sequence number stored with another id, or an event that breaks the rules, is rejected
/// with its reason; the rest is new.
public struct IngestPlan: Sendable {
    public private(set) var fresh: [WireEvent] = []
    public private(set) var duplicates = 0
    public private(set) var rejected: [(event: WireEvent, reason: String)] = []

    /// - Parameter known: the ids the hub holds for the batch's sequence numbers.
    public init(events: [WireEvent], known: [Int64: String]) {
        for event in events {
            var problem = event.problem
            if let id = known[event.seq] {
                if id == event.id.lowercased() {
                    duplicates += 1
                    continue
                }
                problem = "seq \(event.seq) was already used by another event (\(id)): was the kiosk's database replaced?"
            }
            if let problem { rejected.append((event, problem)) } else { fresh.append(event) }
        }
    }
}
