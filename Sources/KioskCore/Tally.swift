import Foundation

/// A session's live count for the facilitator: who is here, who is late, who is missing.
public struct SessionTally: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var participant: Participant
        public var attendance: Attendance?
    }

    public var session: Session
    /// Expected members who checked in, and guests, in arrival order.
    public var present: [Line]
    /// Expected members not (yet) checked in, by name.
    public var missing: [Line]
    /// Expected members a facilitator excused, who have not come, by name: counted in no figure.
    public var excused: [Line]
    /// The group's expected members, less the excused; when the session has no group, everyone who attended.
    public var expectedCount: Int
    /// People in this tally whom the program's figures flag (filled by the store from the
    /// last four weeks; empty until then).
    public var atRisk: [EngagementReport.AtRisk] = []
    /// The pairs of this session's people whose health is not ok (docs/metrics.md), worst first.
    public var pairsNeedingAttention: [EngagementReport.Pair] = []

    /// Check-ins per `minutes`-long step, from the start (or the first arrival, if earlier) to
    /// the last arrival: the facilitator's sparkline of how people came in.
    public func arrivalTrend(minutes: Int = 5) -> (from: Date, counts: [Int]) {
        let times = present.compactMap(\.attendance?.checkedInAt)
        let from = min(session.startsAt, times.min() ?? .distantFuture)
        guard let last = times.max() else { return (from, []) }
        let step = Double(minutes * 60)
        var counts = Array(repeating: 0, count: Int(last.timeIntervalSince(from) / step) + 1)
        for time in times { counts[Int(time.timeIntervalSince(from) / step)] += 1 }
        return (from, counts)
    }

    /// Expected members who are here.
    public var expectedPresent: Int { expectedCount - missing.count }
    /// People here who are not members of the session's group.
    public var guests: Int { present.count - expectedPresent }

    /// The tally's numbers, for the screen's words.
    public var counts: TallyCounts {
        TallyCounts(
            present: expectedPresent, expected: expectedCount, guests: guests, excused: excused.count, late: late.count,
            checkedOut: checkedOut.count)
    }

    /// "2 of 4 expected + 1 guest", "2 of 3 expected, 1 excused".
    public var presence: String { EnglishPhrases.presence(counts) }

    public var late: [Line] { present.filter { $0.attendance?.status == .late } }
    public var checkedOut: [Line] { present.filter { $0.attendance?.isCheckedOut == true } }

    /// - Parameters:
    ///   - expected: the session group's members (empty for a session without a group).
    ///   - attendances: the session's attendances, with their participants.
    ///   - excused: ids of members excused from the session (those who came count as present).
    public init(session: Session, expected: [Participant], attendances: [(Participant, Attendance)], excused: Set<String> = []) {
        self.session = session
        let attendedIDs = Set(attendances.map { $0.0.id })
        present = attendances
            .sorted { ($0.1.checkedInAt, $0.0.name) < ($1.1.checkedInAt, $1.0.name) }
            .map { Line(participant: $0.0, attendance: $0.1) }
        let absent = expected.filter { !attendedIDs.contains($0.id) }.sorted { $0.name < $1.name }
        missing = absent.filter { !excused.contains($0.id) }.map { Line(participant: $0, attendance: nil) }
        self.excused = absent.filter { excused.contains($0.id) }.map { Line(participant: $0, attendance: nil) }
        expectedCount = session.groupID == nil ? attendances.count : expected.count - self.excused.count
    }
}
