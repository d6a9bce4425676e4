import Foundation

/// The program's engagement figures of DESIGN.md §8, computed in one place from the rows of
/// the attendance export (one per expected-or-actual attendance), so every report that shows
/// them counts alike. Pure: the period, the time zone and "now" are parameters. The
/// definitions are in docs/metrics.md; each property names its formula.
public struct EngagementReport: Codable, Sendable, Equatable {
    public var from: Date
    public var to: Date
    /// Sessions that started in the period and were not cancelled.
    public var sessions: Int
    /// Expected attendances whose session has ended (members of the session's group).
    public var expected: Int
    /// Of those, the ones present (on time, late or checked in by a facilitator).
    public var present: Int
    /// present ÷ expected; nil when nothing was expected.
    public var attendanceRate: Double?
    /// Every arrival, guests included.
    public var attended: Int
    /// on-time arrivals ÷ arrivals; nil without arrivals.
    public var punctuality: Double?
    /// Per week (Monday to Sunday in the program's time zone), oldest first.
    public var weeks: [Week]
    /// Of those active in the period's first two weeks, the share active in each week.
    public var retention: [Double]
    /// Participants whose attendance rate reached `completionThreshold`, ÷ participants with
    /// expected sessions.
    public var completion: Double?
    public var completionThreshold: Double
    public var satisfaction: Satisfaction
    public var timeInSession: TimeInSession
    public var pairs: [Pair]
    public var atRisk: [AtRisk]
    public var participants: [ParticipantFigures]

    /// One week's figures.
    public struct Week: Codable, Sendable, Equatable {
        public var startsOn: Date
        public var sessions: Int
        public var expected: Int
        public var present: Int
        public var attendanceRate: Double?
        /// Distinct participants with an arrival this week.
        public var activeParticipants: Int
    }

    /// Ratings given at check-out.
    public struct Satisfaction: Codable, Sendable, Equatable {
        /// Mean of the ratings 1–4; nil without ratings.
        public var mean: Double?
        /// How many of each rating, 1 to 4.
        public var distribution: [Int]
        /// ratings ÷ badge check-outs (automatic check-outs cannot rate); nil without check-outs.
        public var responseRate: Double?
    }

    /// How long people stay: badge check-outs, and automatic ones apart (their end is the session's).
    public struct TimeInSession: Codable, Sendable, Equatable {
        public var badgeCheckOuts: Int
        public var medianMinutes: Double?
        public var automaticCheckOuts: Int
        public var automaticMedianMinutes: Double?
    }

    /// A mentoring pair's verified meetings: sessions of the pair's group both members attended.
    public struct Pair: Codable, Sendable, Equatable {
        public var groupID: String
        public var meetings: Int
        /// Meetings in each of the report's weeks (the heat map's row).
        public var meetingsPerWeek: [Int]
        public var lastMeeting: Date?
        /// No verified meeting in the `quietDays` before now.
        public var quiet: Bool
    }

    /// Someone who may be drifting away, and why.
    public struct AtRisk: Codable, Sendable, Equatable {
        public var participantID: String
        public var name: String
        public var reason: String

        public init(participantID: String, name: String, reason: String) {
            self.participantID = participantID
            self.name = name
            self.reason = reason
        }
    }

    /// One participant's attendance over the period.
    public struct ParticipantFigures: Codable, Sendable, Equatable {
        public var participantID: String
        public var name: String
        public var expected: Int
        public var present: Int
        public var attendanceRate: Double?
        public var lastArrival: Date?
    }
}

/// Narrows a report to some of the program: a program role (mentees only, say) or one group.
/// Location and period are chosen when the rows are read.
public struct ReportFilter: Sendable, Equatable {
    public var role: Role?
    public var groupID: String?

    public init(role: Role? = nil, groupID: String? = nil) {
        self.role = role
        self.groupID = groupID
    }

    func keeps(_ row: AttendanceReportRow) -> Bool {
        (role == nil || row.role == role) && (groupID == nil || row.groupID == groupID)
    }
}

/// A rating given without a name (the program's anonymous ratings): it counts for the
/// session's satisfaction, and is nobody's.
public struct AnonymousRating: Sendable, Equatable {
    public var sessionID: String
    public var rating: Int

    public init(sessionID: String, rating: Int) {
        self.sessionID = sessionID
        self.rating = rating
    }
}

/// Computes `EngagementReport`s.
public enum EngagementMetrics {
    /// A pair with no verified meeting, or a participant with no arrival, for this long is flagged.
    public static let quietDays = 21
    /// Missed expected sessions in a row that flag a participant.
    public static let missedInARow = 2

    /// - Parameters:
    ///   - rows: the attendance export's rows for sessions that started in `from..<to`.
    ///   - groups: the program's groups (pairs are the `.pair` ones).
    ///   - completionThreshold: the attendance rate that counts as completing (0–1).
    ///   - filter: only these participants' rows, or this group's sessions.
    ///   - anonymousRatings: ratings without a name; those of the rows' sessions count for
    ///     satisfaction (not under a role filter: they have no role).
    public static func report(
        rows allRows: [AttendanceReportRow], groups allGroups: [MentoringGroup], from: Date, to: Date, now: Date, timeZone: TimeZone,
        completionThreshold: Double = 0.75, filter: ReportFilter = ReportFilter(), anonymousRatings: [AnonymousRating] = []
    ) -> EngagementReport {
        let rows = allRows.filter(filter.keeps)
        let groups = allGroups.filter { filter.groupID == nil || $0.id == filter.groupID }
        let decided = rows.filter { $0.status != .pending }
        let expected = decided.filter(\.expected)
        let arrivals = rows.filter(\.isPresent)
        let weekStarts = weeks(from: from, to: to, timeZone: timeZone)
        let weekOf = { (date: Date) in weekStarts.last { $0 <= date } ?? from }
        let byWeek = Dictionary(grouping: rows) { weekOf($0.startsAt) }
        let weeks = weekStarts.map { start in
            let rows = byWeek[start] ?? []
            let expected = rows.filter { $0.expected && $0.status != .pending }
            return EngagementReport.Week(
                startsOn: start, sessions: Set(rows.map(\.sessionID)).count, expected: expected.count,
                present: expected.filter(\.isPresent).count, attendanceRate: ratio(expected.filter(\.isPresent).count, expected.count),
                activeParticipants: Set(rows.filter(\.isPresent).map(\.participantID)).count)
        }
        let activeByWeek = weekStarts.map { start in Set((byWeek[start] ?? []).filter(\.isPresent).map(\.participantID)) }
        let cohort = activeByWeek.prefix(2).reduce(into: Set<String>()) { $0.formUnion($1) }
        let retention = cohort.isEmpty ? [] : activeByWeek.map { Double($0.intersection(cohort).count) / Double(cohort.count) }

        let participants = participantFigures(rows: rows)
        let withExpectations = participants.filter { $0.expected > 0 }
        let completed = withExpectations.filter { ($0.attendanceRate ?? 0) >= completionThreshold }

        let badgeOuts = arrivals.filter { $0.checkOutKind == .badge }
        let automaticOuts = arrivals.filter { $0.checkOutKind == .auto }
        let sessionsShown = Set(rows.map(\.sessionID))
        let unnamed = filter.role == nil ? anonymousRatings.filter { sessionsShown.contains($0.sessionID) }.map(\.rating) : []
        let ratings = arrivals.compactMap(\.rating) + unnamed
        return EngagementReport(
            from: from, to: to, sessions: Set(rows.map(\.sessionID)).count, expected: expected.count,
            present: expected.filter(\.isPresent).count, attendanceRate: ratio(expected.filter(\.isPresent).count, expected.count),
            attended: arrivals.count, punctuality: ratio(arrivals.filter { $0.status == .onTime }.count, arrivals.count),
            weeks: weeks, retention: retention, completion: ratio(completed.count, withExpectations.count),
            completionThreshold: completionThreshold,
            satisfaction: .init(
                mean: ratings.isEmpty ? nil : Double(ratings.reduce(0, +)) / Double(ratings.count),
                distribution: (1...4).map { value in ratings.filter { $0 == value }.count },
                responseRate: ratio(ratings.count, badgeOuts.count)),
            timeInSession: .init(
                badgeCheckOuts: badgeOuts.count, medianMinutes: median(badgeOuts.compactMap(\.durationSeconds)),
                automaticCheckOuts: automaticOuts.count, automaticMedianMinutes: median(automaticOuts.compactMap(\.durationSeconds))),
            pairs: pairs(rows: rows, groups: groups, weekStarts: weekStarts, now: now),
            atRisk: atRisk(rows: decided, participants: participants, now: now),
            participants: participants)
    }

    /// The Mondays (00:00 in `timeZone`) of the weeks that overlap `from..<to`.
    static func weeks(from: Date, to: Date, timeZone: TimeZone) -> [Date] {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        guard var start = calendar.dateInterval(of: .weekOfYear, for: from)?.start else { return [] }
        var starts: [Date] = []
        while start < to {
            starts.append(start)
            guard let next = calendar.date(byAdding: .weekOfYear, value: 1, to: start) else { break }
            start = next
        }
        return starts
    }

    static func participantFigures(rows: [AttendanceReportRow]) -> [EngagementReport.ParticipantFigures] {
        Dictionary(grouping: rows, by: \.participantID).map { id, rows in
            let expected = rows.filter { $0.expected && $0.status != .pending }
            return EngagementReport.ParticipantFigures(
                participantID: id, name: rows[0].participantName, expected: expected.count, present: expected.filter(\.isPresent).count,
                attendanceRate: ratio(expected.filter(\.isPresent).count, expected.count),
                lastArrival: rows.filter(\.isPresent).map(\.startsAt).max())
        }.sorted { $0.participantID < $1.participantID }
    }

    static func pairs(rows: [AttendanceReportRow], groups: [MentoringGroup], weekStarts: [Date], now: Date) -> [EngagementReport.Pair] {
        let bySession = Dictionary(grouping: rows.filter(\.isPresent), by: \.sessionID)
        return groups.filter { $0.kind == .pair }.sorted { $0.id.compare($1.id, options: .numeric) == .orderedAscending }.map { group in
            let members = Set(group.members.map(\.participantID))
            let meetings = bySession.values.filter { rows in
                rows.first?.groupID == group.id && members.isSubset(of: Set(rows.map(\.participantID)))
            }.map { $0[0].startsAt }
            let last = meetings.max()
            return EngagementReport.Pair(
                groupID: group.id, meetings: meetings.count,
                meetingsPerWeek: weekStarts.indices.map { index in
                    let end = index + 1 < weekStarts.count ? weekStarts[index + 1] : .distantFuture
                    return meetings.filter { $0 >= weekStarts[index] && $0 < end }.count
                },
                lastMeeting: last,
                quiet: last.map { now.timeIntervalSince($0) > Double(quietDays) * 86_400 } ?? true)
        }
    }

    static func atRisk(rows: [AttendanceReportRow], participants: [EngagementReport.ParticipantFigures], now: Date) -> [EngagementReport.AtRisk] {
        let expectedByPerson = Dictionary(grouping: rows.filter(\.expected), by: \.participantID)
        return participants.compactMap { person in
            guard let expected = expectedByPerson[person.participantID], !expected.isEmpty else { return nil }
            let latestFirst = expected.sorted { $0.startsAt > $1.startsAt }
            let missed = latestFirst.prefix { !$0.isPresent }.count
            if missed >= missedInARow {
                return .init(participantID: person.participantID, name: person.name, reason: "missed the last \(missed) expected sessions")
            }
            let quietSince = now.addingTimeInterval(-Double(quietDays) * 86_400)
            if (person.lastArrival ?? .distantPast) < quietSince, latestFirst.contains(where: { $0.startsAt >= quietSince }) {
                return .init(participantID: person.participantID, name: person.name, reason: "no attendance in \(quietDays) days")
            }
            return nil
        }
    }

    static func ratio(_ part: Int, _ whole: Int) -> Double? {
        whole == 0 ? nil : Double(part) / Double(whole)
    }

    /// The median of durations in seconds, in minutes.
    static func median(_ seconds: [Int]) -> Double? {
        guard !seconds.isEmpty else { return nil }
        let sorted = seconds.sorted()
        let middle = sorted.count / 2
        let value = sorted.count.isMultiple(of: 2) ? Double(sorted[middle - 1] + sorted[middle]) / 2 : Double(sorted[middle])
        return value / 60
    }
}

extension AttendanceReportRow {
    /// Checked in: on time, late, or by a facilitator.
    public var isPresent: Bool { status == .onTime || status == .late || status == .manual }
}
