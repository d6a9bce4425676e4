import Foundation
import Testing
@testable import KioskCore

/// `EngagementMetrics` counts in one pass over indexed arrays, for speed. Here the metrics
/// are written the plain way, straight from their definitions in docs/metrics.md over the
/// attendance export's rows, and both must agree on many random programs: guests, unknown
/// people, cancelled, closed, running and future sessions, pairs whose member is unknown,
/// repeated arrivals, anonymous ratings, every filter.
@Suite("Engagement metrics against a plain reference")
struct EngagementReferenceTests {
    @Test("the one-pass metrics equal the plain definitions on random programs", arguments: 0..<40)
    func agreesWithReference(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let program = RandomProgram(&random)
        let rows = AttendanceReport.rows(
            sessions: program.input.sessions, groups: Dictionary(program.input.groups.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }),
            participants: Dictionary(program.input.participants.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }),
            attendances: program.attendances, now: program.now)
        for filter in [
            ReportFilter(), ReportFilter(role: .mentee), ReportFilter(role: .mentor), ReportFilter(groupID: "G1"), ReportFilter(groupID: "G4"),
            ReportFilter(cohort: "A"), ReportFilter(role: .mentee, cohort: "B"),
        ] {
            let fast = EngagementMetrics.report(program.input, from: program.from, to: program.to, now: program.now, timeZone: .gmt, filter: filter)
            let plain = ReferenceMetrics.report(
                rows: rows, groups: program.input.groups, people: program.input.participants, from: program.from, to: program.to, now: program.now, timeZone: .gmt, filter: filter,
                anonymousRatings: program.input.anonymousRatings)
            #expect(fast == plain, "seed \(seed), filter \(filter)")
            let listed = EngagementMetrics.report(
                program.input, from: program.from, to: program.to, now: program.now, timeZone: .gmt, filter: filter, listingRatings: true)
            let ratings = try #require(listed.ratings)
            #expect((1...4).map { value in ratings.filter { $0.rating == value }.count } == plain.satisfaction.distribution, "seed \(seed)")
            let named = rows.filter { row in
                row.isPresent && row.rating != nil && (filter.role == nil || row.role == filter.role) && (filter.cohort == nil || row.cohort == filter.cohort)
                    && (filter.groupID == nil || row.groupID == filter.groupID)
            }
            #expect(ratings.filter { $0.participantID != nil }.count == named.count, "seed \(seed): every named rating of a shown row")
        }
        #expect(rows.count > 0, "seed \(seed) made an empty program")
    }
}

/// A small random program around a fixed Monday.
private struct RandomProgram {
    let from = Date(timeIntervalSince1970: 1_772_409_600) // 2026-03-02T00:00:00Z
    var to: Date { from.addingTimeInterval(35 * 86_400) }
    let now: Date
    var input: EngagementInput
    var attendances: [Attendance]

    init(_ random: inout SplitMix64) {
        now = from.addingTimeInterval(Double(Int.random(in: 20...40, using: &random)) * 86_400 + 36_000)
        // Cohorts A and B, and people in none.
        let people = (0..<12).map {
            Participant(id: "P\($0)", name: "Person \($0)", role: [.mentor, .mentee, .mentee][$0 % 3], cohort: [nil, "A", "B", "A"][$0 % 4])
        }
        let known = people.map(\.id)
        let everyone = known + ["GHOST"]
        var groups: [MentoringGroup] = []
        for index in 0..<6 {
            let size = index < 4 ? 2 : Int.random(in: 0...5, using: &random)
            let members = Array(everyone.shuffled(using: &random).prefix(size)) // a group lists a person once (its key)
            groups.append(MentoringGroup(
                id: "G\(index)", name: "Group \(index)", kind: index < 4 ? .pair : .circle,
                members: members.map { GroupMember(participantID: $0, role: $0 == members.first ? .mentor : .mentee) }))
        }
        var sessions: [Session] = []
        for index in 0..<Int.random(in: 5...30, using: &random) {
            let start = from.addingTimeInterval(Double(Int.random(in: 0..<(35 * 24), using: &random)) * 3600)
            sessions.append(Session(
                id: "S\(index)", title: "Session \(index)", kind: .group, location: "Hall", startsAt: start, endsAt: start.addingTimeInterval(3600),
                groupID: Int.random(in: 0..<8, using: &random) < 7 ? "G\(Int.random(in: 0..<6, using: &random))" : nil,
                status: [.scheduled, .scheduled, .scheduled, .closed, .cancelled].randomElement(using: &random)!))
        }
        // Two sessions at the same time, so ties in time are covered.
        if sessions.count > 2 { sessions[1].startsAt = sessions[0].startsAt; sessions[1].endsAt = sessions[0].endsAt }
        var attendances: [Attendance] = []
        for session in sessions {
            let members = groups.first { $0.id == session.groupID }?.members.map(\.participantID) ?? []
            for person in Set(members + (0..<2).map { _ in everyone.randomElement(using: &random)! }) where Bool.random(using: &random) {
                let kind: CheckOutKind? = [nil, .badge, .badge, .auto].randomElement(using: &random)!
                let stay = Double(Int.random(in: 0...3_600_000, using: &random)) / 1000
                attendances.append(Attendance(
                    participantID: person, sessionID: session.id, status: AttendanceStatus.allCases.randomElement(using: &random)!,
                    checkedInAt: session.startsAt, checkedOutAt: kind.map { _ in session.startsAt.addingTimeInterval(stay) }, checkOutKind: kind,
                    rating: kind == .badge && Bool.random(using: &random) ? Int.random(in: 1...4, using: &random) : nil, kioskID: "k1"))
            }
        }
        let anonymous = (0..<Int.random(in: 0...4, using: &random)).map { _ in
            AnonymousRating(sessionID: sessions.randomElement(using: &random)!.id, rating: Int.random(in: 1...4, using: &random))
        }
        self.attendances = attendances
        input = EngagementInput(
            sessions: sessions, groups: groups, participants: people, arrivals: attendances.map(EngagementInput.Arrival.init),
            anonymousRatings: anonymous)
    }
}

/// A seeded generator, so a failing seed can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// The metrics as docs/metrics.md defines them, row by row over the attendance export.
private enum ReferenceMetrics {
    static func report(
        rows allRows: [AttendanceReportRow], groups allGroups: [MentoringGroup], people: [Participant], from: Date, to: Date, now: Date,
        timeZone: TimeZone,
        completionThreshold: Double = 0.75, filter: ReportFilter, anonymousRatings: [AnonymousRating]
    ) -> EngagementReport {
        let rows = allRows.filter {
            (filter.role == nil || $0.role == filter.role) && (filter.cohort == nil || $0.cohort == filter.cohort)
                && (filter.groupID == nil || $0.groupID == filter.groupID)
        }
        let groups = allGroups.filter { filter.groupID == nil || $0.id == filter.groupID }
        let decided = rows.filter { $0.status != .pending }
        let expected = decided.filter(\.expected)
        let arrivals = rows.filter(\.isPresent)
        let weekStarts = EngagementMetrics.weeks(from: from, to: to, timeZone: timeZone)
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
        let participants = Dictionary(grouping: rows, by: \.participantID).map { id, rows in
            let expected = rows.filter { $0.expected && $0.status != .pending }
            return EngagementReport.ParticipantFigures(
                participantID: id, name: rows[0].participantName, expected: expected.count, present: expected.filter(\.isPresent).count,
                attendanceRate: ratio(expected.filter(\.isPresent).count, expected.count), lastArrival: rows.filter(\.isPresent).map(\.startsAt).max())
        }.sorted { $0.participantID < $1.participantID }
        let withExpectations = participants.filter { $0.expected > 0 }
        let completed = withExpectations.filter { ($0.attendanceRate ?? 0) >= completionThreshold }
        let badgeOuts = arrivals.filter { $0.checkOutKind == .badge }
        let automaticOuts = arrivals.filter { $0.checkOutKind == .auto }
        let sessionsShown = Set(rows.map(\.sessionID))
        let unnamed = filter.role == nil && filter.cohort == nil ? anonymousRatings.filter { sessionsShown.contains($0.sessionID) }.map(\.rating) : []
        let ratings = arrivals.compactMap(\.rating) + unnamed
        // A pair meets when both members arrive, whoever the filter chooses; under a role or a
        // cohort the pairs shown are those with a member it chooses.
        let bySession = Dictionary(grouping: allRows.filter { $0.isPresent && (filter.groupID == nil || $0.groupID == filter.groupID) }, by: \.sessionID)
        let person = Dictionary(people.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let chosen = { (id: String) in
            person[id].map { (filter.role == nil || $0.role == filter.role) && (filter.cohort == nil || $0.cohort == filter.cohort) } ?? false
        }
        let pairs = groups.filter { group in
            group.kind == .pair && (filter.role == nil && filter.cohort == nil || group.members.contains { chosen($0.participantID) })
        }.sorted { $0.id.compare($1.id, options: .numeric) == .orderedAscending }.map { group in
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
                lastMeeting: last, quiet: last.map { now.timeIntervalSince($0) > Double(EngagementMetrics.quietDays) * 86_400 } ?? true)
        }
        let expectedByPerson = Dictionary(grouping: expected, by: \.participantID)
        let quietSince = now.addingTimeInterval(-Double(EngagementMetrics.quietDays) * 86_400)
        let atRisk = participants.compactMap { person -> EngagementReport.AtRisk? in
            guard let expected = expectedByPerson[person.participantID], !expected.isEmpty else { return nil }
            let latestFirst = Array(expected.reversed()) // the export's rows are in (start, session id) order
            let missed = latestFirst.prefix { !$0.isPresent }.count
            if missed >= EngagementMetrics.missedInARow {
                return .init(participantID: person.participantID, name: person.name, reason: "missed the last \(missed) expected sessions")
            }
            if (person.lastArrival ?? .distantPast) < quietSince, latestFirst.contains(where: { $0.startsAt >= quietSince }) {
                return .init(participantID: person.participantID, name: person.name, reason: "no attendance in \(EngagementMetrics.quietDays) days")
            }
            return nil
        }
        return EngagementReport(
            from: from, to: to, sessions: sessionsShown.count, expected: expected.count,
            present: expected.filter(\.isPresent).count, attendanceRate: ratio(expected.filter(\.isPresent).count, expected.count),
            attended: arrivals.count, punctuality: ratio(arrivals.filter { $0.status == .onTime }.count, arrivals.count),
            weeks: weeks, retention: retention, completion: ratio(completed.count, withExpectations.count),
            completionThreshold: completionThreshold,
            satisfaction: .init(
                mean: ratings.isEmpty ? nil : Double(ratings.reduce(0, +)) / Double(ratings.count),
                distribution: (1...4).map { value in ratings.filter { $0 == value }.count }, responseRate: ratio(ratings.count, badgeOuts.count)),
            timeInSession: .init(
                badgeCheckOuts: badgeOuts.count, medianMinutes: median(badgeOuts.compactMap(\.durationSeconds)),
                automaticCheckOuts: automaticOuts.count, automaticMedianMinutes: median(automaticOuts.compactMap(\.durationSeconds))),
            pairs: pairs, atRisk: atRisk, participants: participants)
    }

    static func ratio(_ part: Int, _ whole: Int) -> Double? { whole == 0 ? nil : Double(part) / Double(whole) }

    static func median(_ seconds: [Int]) -> Double? {
        guard !seconds.isEmpty else { return nil }
        let sorted = seconds.sorted(), middle = sorted.count / 2
        return (sorted.count.isMultiple(of: 2) ? Double(sorted[middle - 1] + sorted[middle]) / 2 : Double(sorted[middle])) / 60
    }
}
