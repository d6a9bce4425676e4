import Foundation
import Testing
@testable import KioskCore

/// `EngagementMetrics` counts in one pass over indexed arrays, for speed. Here the metrics
/// are written the plain way, straight from their definitions in docs/metrics.md over the
/// attendance export's rows, and both must agree on many random programs: guests, unknown
/// people, cancelled, closed, running and future sessions, pairs whose member is unknown,
/// repeated arrivals, anonymous ratings, every filter; and program life: people who join late,
/// leave or are inactive, dated (and repeated) memberships, excused members — in a time zone
/// whose days are not UTC's; and pair health: one-sided sessions and the check-out answers
/// (some from people who did not come, twice, or out of range).
@Suite("Engagement metrics against a plain reference")
struct EngagementReferenceTests {
    @Test("the one-pass metrics equal the plain definitions on random programs", arguments: 0..<40)
    func agreesWithReference(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let program = RandomProgram(&random)
        let rows = program.rows
        for filter in [
            ReportFilter(), ReportFilter(role: .mentee), ReportFilter(role: .mentor), ReportFilter(groupID: "G1"), ReportFilter(groupID: "G4"),
            ReportFilter(cohort: "A"), ReportFilter(role: .mentee, cohort: "B"),
        ] {
            let fast = EngagementMetrics.report(
                program.input, from: program.from, to: program.to, now: program.now, timeZone: program.timeZone, filter: filter)
            let plain = ReferenceMetrics.report(
                rows: rows, groups: program.input.groups, people: program.input.participants, from: program.from, to: program.to, now: program.now,
                timeZone: program.timeZone, filter: filter, anonymousRatings: program.input.anonymousRatings, sessions: program.input.sessions,
                answers: program.input.answers)
            // The reference decides each pair's health; the words of its reasons are the fast code's alone.
            var withoutReasons = fast
            for index in withoutReasons.pairs.indices { withoutReasons.pairs[index].reasons = [] }
            #expect(withoutReasons == plain, "seed \(seed), filter \(filter)")
            #expect(fast.pairs.allSatisfy { ($0.health == .ok) == $0.reasons.isEmpty }, "seed \(seed): a reason for every health but ok")
            let listed = EngagementMetrics.report(
                program.input, from: program.from, to: program.to, now: program.now, timeZone: program.timeZone, filter: filter, listingRatings: true)
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

    @Test("the random programs hold every kind of program life the reference covers")
    func programLifeIsCovered() {
        var statuses = Set<ReportStatus>(), guestsWhoAreMembers = 0, leaversWithHistory = 0
        for seed in UInt64(0)..<40 {
            var random = SplitMix64(seed: seed)
            let program = RandomProgram(&random)
            let rows = program.rows
            statuses.formUnion(rows.map(\.status))
            guestsWhoAreMembers += rows.filter { !$0.expected && $0.memberRole != nil }.count
            let leavers = Set(program.input.participants.filter { $0.hasLeft(by: program.now, in: program.timeZone) }.map(\.id))
            leaversWithHistory += rows.filter { $0.expected && leavers.contains($0.participantID) }.count
        }
        #expect(statuses.isSuperset(of: [.excused, .absent, .onTime]))
        #expect(guestsWhoAreMembers > 0, "an inactive member who came anyway")
        #expect(leaversWithHistory > 0, "someone who left keeps the rows from before")
        var health = Set<PairHealthLevel>(), reasons = Set<String>(), oneSided = 0, fitAnswers = 0, goals = 0
        for seed in UInt64(0)..<40 {
            var random = SplitMix64(seed: seed)
            let program = RandomProgram(&random)
            let report = EngagementMetrics.report(program.input, from: program.from, to: program.to, now: program.now, timeZone: program.timeZone)
            health.formUnion(report.pairs.map(\.health))
            reasons.formUnion(report.pairs.flatMap(\.reasons).map { String($0.prefix { $0 != ":" }) })
            oneSided += report.pairs.map(\.oneSidedSessions.count).reduce(0, +)
            fitAnswers += report.pairs.map(\.fit.answers.count).reduce(0, +)
            goals += report.goalAchievement.pairs
        }
        #expect(health.isSuperset(of: [.ok, .atRisk]), "pairs ok and at risk")
        #expect(reasons == Set(PairHealthRules.Reason.allCases.map(\.rawValue)), "every reason: \(reasons)")
        #expect(oneSided > 0 && fitAnswers > 0 && goals > 0, "one-sided sessions \(oneSided), fit answers \(fitAnswers), pairs with goals \(goals)")
    }
}

/// A small random program around a fixed Monday.
private struct RandomProgram {
    let from = Date(timeIntervalSince1970: 1_772_409_600) // 2026-03-02T00:00:00Z
    var to: Date { from.addingTimeInterval(35 * 86_400) }
    let now: Date
    /// Six hours behind UTC: a program day begins at 06:00 UTC, and sessions fall on both sides.
    let timeZone = TimeZone(identifier: "America/Chicago")!
    var input: EngagementInput
    var attendances: [Attendance]

    /// The attendance export's rows of the program: what the reference counts.
    var rows: [AttendanceReportRow] {
        AttendanceReport.rows(
            sessions: input.sessions, groups: Dictionary(input.groups.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }),
            participants: Dictionary(input.participants.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }),
            attendances: attendances, excusals: input.excusals, now: now, timeZone: timeZone)
    }

    init(_ random: inout SplitMix64) {
        now = from.addingTimeInterval(Double(Int.random(in: 20...40, using: &random)) * 86_400 + 36_000)
        let first = ProgramDay(year: 2026, month: 3, day: 1)
        let timeZone = timeZone
        func someDay(_ random: inout SplitMix64) -> ProgramDay {
            ProgramDay(containing: first.start(in: timeZone).addingTimeInterval(Double(Int.random(in: 0...36, using: &random)) * 86_400 + 43_200), in: timeZone)
        }
        // Cohorts A and B, and people in none; some join late, leave or are inactive.
        let people = (0..<12).map { index in
            let joined = Int.random(in: 0..<4, using: &random) == 0 ? someDay(&random) : nil
            let left = Int.random(in: 0..<4, using: &random) == 0 ? someDay(&random) : nil
            return Participant(
                id: "P\(index)", name: "Person \(index)", role: [.mentor, .mentee, .mentee][index % 3], isActive: Int.random(in: 0..<8, using: &random) > 0,
                cohort: [nil, "A", "B", "A"][index % 4], joinedOn: joined, leftOn: left.map { left in joined.map { max($0, left) } ?? left })
        }
        let known = people.map(\.id)
        let everyone = known + ["GHOST"]
        var groups: [MentoringGroup] = []
        for index in 0..<6 {
            let size = index < 4 ? 2 : Int.random(in: 0...5, using: &random)
            let members = Array(everyone.shuffled(using: &random).prefix(size))
            var rows: [GroupMember] = members.map { person in
                let from = Int.random(in: 0..<3, using: &random) == 0 ? someDay(&random) : nil
                let until = Int.random(in: 0..<3, using: &random) == 0 ? someDay(&random) : nil
                return GroupMember(
                    participantID: person, role: person == members.first ? .mentor : .mentee, from: from,
                    until: until.map { until in from.map { max($0, until) } ?? until })
            }
            // A member who left the group and came back: a second row of the same person.
            if let again = rows.first, let until = again.until, Bool.random(using: &random) {
                rows.append(GroupMember(participantID: again.participantID, role: again.role, from: max(until, someDay(&random))))
            }
            groups.append(MentoringGroup(id: "G\(index)", name: "Group \(index)", kind: index < 4 ? .pair : .circle, members: rows))
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
            for person in Set(members + (0..<2).map { _ in everyone.randomElement(using: &random)! }).sorted() where Bool.random(using: &random) {
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
        // Excused: often members (some of whom came anyway), sometimes anyone.
        let excusals = sessions.flatMap { session in
            let members = groups.first { $0.id == session.groupID }?.members.map(\.participantID) ?? []
            return (members + [everyone.randomElement(using: &random)!]).filter { _ in Int.random(in: 0..<3, using: &random) == 0 }
                .map { Excusal(participantID: $0, sessionID: session.id, reason: "apologies") }
        }
        // Answers at pair sessions: by members and by anyone, to each question, some twice, some
        // out of range, some outside the session's window.
        let answers = sessions.flatMap { session in
            let members = groups.first { $0.id == session.groupID && $0.kind == .pair }?.members.map(\.participantID) ?? []
            return (members + members + [everyone.randomElement(using: &random)!]).flatMap { person in
                CheckOutQuestion.answerQuestions.filter { _ in Int.random(in: 0..<3, using: &random) > 0 }.map { question in
                    PairAnswer(
                        participantID: person, sessionID: session.id, question: question, value: Int.random(in: 0...4, using: &random),
                        answeredAt: session.startsAt.addingTimeInterval([-3600, 0, 600, 1200, 3000, 5 * 86_400].randomElement(using: &random)!))
                }
            }
        }
        self.attendances = attendances
        input = EngagementInput(
            sessions: sessions, groups: groups, participants: people, arrivals: attendances.map(EngagementInput.Arrival.init),
            anonymousRatings: anonymous, excusals: excusals, answers: answers)
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
        completionThreshold: Double = 0.75, filter: ReportFilter, anonymousRatings: [AnonymousRating], sessions: [Session], answers: [PairAnswer]
    ) -> EngagementReport {
        let rows = allRows.filter {
            (filter.role == nil || $0.role == filter.role) && (filter.cohort == nil || $0.cohort == filter.cohort)
                && (filter.groupID == nil || $0.groupID == filter.groupID)
        }
        let groups = allGroups.filter { filter.groupID == nil || $0.id == filter.groupID }
        // Excused rows are expected, and outside every count of expected rows.
        let counted = { (row: AttendanceReportRow) in row.expected && row.status != .pending && row.status != .excused }
        let decided = rows.filter { $0.status != .pending && $0.status != .excused }
        let expected = decided.filter(\.expected)
        let arrivals = rows.filter(\.isPresent)
        let weekStarts = EngagementMetrics.weeks(from: from, to: to, timeZone: timeZone)
        let weekOf = { (date: Date) in weekStarts.last { $0 <= date } ?? from }
        let byWeek = Dictionary(grouping: rows) { weekOf($0.startsAt) }
        let weeks = weekStarts.map { start in
            let rows = byWeek[start] ?? []
            let expected = rows.filter(counted)
            return EngagementReport.Week(
                startsOn: start, sessions: Set(rows.map(\.sessionID)).count, expected: expected.count,
                present: expected.filter(\.isPresent).count, attendanceRate: ratio(expected.filter(\.isPresent).count, expected.count),
                activeParticipants: Set(rows.filter(\.isPresent).map(\.participantID)).count)
        }
        let activeByWeek = weekStarts.map { start in Set((byWeek[start] ?? []).filter(\.isPresent).map(\.participantID)) }
        let cohort = activeByWeek.prefix(2).reduce(into: Set<String>()) { $0.formUnion($1) }
        let retention = cohort.isEmpty ? [] : activeByWeek.map { Double($0.intersection(cohort).count) / Double(cohort.count) }
        let participants = Dictionary(grouping: rows, by: \.participantID).map { id, rows in
            let expected = rows.filter(counted)
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
            // Its members at the session: rows whose days hold the start, of people then in the
            // program (someone unknown is never present); at least two, all of whom came.
            let meetings = bySession.values.filter { rows in
                guard rows.first?.groupID == group.id else { return false }
                let members = group.members(at: rows[0].startsAt, timeZone: timeZone).filter { member in
                    person[member.participantID].map { $0.membership.instants(in: timeZone).contains(rows[0].startsAt) } ?? true
                }
                return members.count >= 2 && Set(members.map(\.participantID)).isSubset(of: Set(rows.map(\.participantID)))
            }.map { $0[0].startsAt }
            let last = meetings.max()
            var pair = EngagementReport.Pair(
                groupID: group.id, meetings: meetings.count,
                meetingsPerWeek: weekStarts.indices.map { index in
                    let end = index + 1 < weekStarts.count ? weekStarts[index + 1] : .distantFuture
                    return meetings.filter { $0 >= weekStarts[index] && $0 < end }.count
                },
                lastMeeting: last, quiet: last.map { now.timeIntervalSince($0) > Double(EngagementMetrics.quietDays) * 86_400 } ?? true)
            health(&pair, group: group, rows: allRows.filter { $0.groupID == group.id }, sessions: sessions, answers: answers, people: person, now: now,
                   timeZone: timeZone)
            return pair
        }
        let expectedByPerson = Dictionary(grouping: expected, by: \.participantID)
        let quietSince = now.addingTimeInterval(-Double(EngagementMetrics.quietDays) * 86_400)
        let atRisk = participants.compactMap { person -> EngagementReport.AtRisk? in
            guard let expected = expectedByPerson[person.participantID], !expected.isEmpty,
                !(self.person(person.participantID, in: people)?.hasLeft(by: now, in: timeZone) ?? false)
            else { return nil }
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
            pairs: pairs, goalAchievement: goalAchievement(pairs, groups: groups, people: person), atRisk: atRisk, participants: participants)
    }

    /// Of the pairs with a goal-progress answer, those whose latest is 3–4; by the cohort of the pair's (last listed) mentee.
    static func goalAchievement(
        _ pairs: [EngagementReport.Pair], groups: [MentoringGroup], people: [String: Participant]
    ) -> EngagementReport.GoalAchievement {
        let answered = pairs.filter { $0.goalProgress.latest != nil }
        let achieving = { (pairs: [EngagementReport.Pair]) in pairs.filter { (3...4).contains($0.goalProgress.latest!) }.count }
        let cohort = { (pair: EngagementReport.Pair) -> String in
            let mentee = groups.first { $0.id == pair.groupID }?.members.last { $0.role == .mentee && people[$0.participantID] != nil }
            return mentee.flatMap { people[$0.participantID]?.cohort } ?? ""
        }
        return .init(
            pairs: answered.count, achieving: achieving(answered), share: ratio(achieving(answered), answered.count),
            byCohort: Dictionary(grouping: answered, by: cohort).mapValues { pairs in
                .init(pairs: pairs.count, achieving: achieving(pairs), share: ratio(achieving(pairs), pairs.count))
            })
    }

    static func ratio(_ part: Int, _ whole: Int) -> Double? { whole == 0 ? nil : Double(part) / Double(whole) }

    /// docs/metrics.md's pair health, session by session over the export's rows of the pair.
    static func health(
        _ pair: inout EngagementReport.Pair, group: MentoringGroup, rows: [AttendanceReportRow], sessions: [Session], answers: [PairAnswer],
        people: [String: Participant], now: Date, timeZone: TimeZone
    ) {
        let status = Dictionary(sessions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let bySession = Dictionary(grouping: rows, by: \.sessionID).sorted { ($0.value[0].startsAt, $0.key) < ($1.value[0].startsAt, $1.key) }
        var inARow = 0
        for (sessionID, rows) in bySession {
            let session = status[sessionID]!
            guard session.endsAt <= now || session.status == .closed else { continue }
            let members = group.members(at: session.startsAt, timeZone: timeZone).filter { member in
                people[member.participantID].map { $0.membership.instants(in: timeZone).contains(session.startsAt) } ?? true
            }
            let memberRows = rows.filter { $0.memberRole != nil }
            guard Set(members.map(\.participantID)).count == 2, members.allSatisfy({ people[$0.participantID] != nil }),
                memberRows.filter(\.expected).count == 2, !memberRows.contains(where: { $0.status == .excused })
            else { continue }
            let came = memberRows.filter(\.isPresent)
            if came.count == 2 { inARow = 0 }
            if came.count == 1 {
                inARow += 1
                pair.oneSidedSessions.append(.init(
                    sessionID: sessionID, startsAt: session.startsAt, participantID: came[0].participantID, role: came[0].memberRole!.rawValue))
            }
        }
        pair.oneSidedInARow = inARow
        // The first answer per person, session and question; it counts if a member who came to
        // one of the pair's sessions gave it, in range, between the start and a day after the end.
        // "Latest" is of the latest session.
        var first: [PairAnswer] = []
        for answer in answers.sorted(by: { ($0.answeredAt, $0.participantID) < ($1.answeredAt, $1.participantID) })
        where !first.contains(where: { $0.participantID == answer.participantID && $0.sessionID == answer.sessionID && $0.question == answer.question }) {
            first.append(answer)
        }
        let taken = first.filter { answer in
            guard let row = rows.first(where: { $0.sessionID == answer.sessionID && $0.participantID == answer.participantID }),
                let session = status[answer.sessionID]
            else { return false }
            return row.isPresent && row.memberRole != nil && answer.question.answers.contains(answer.value) && answer.answeredAt >= session.startsAt
                && answer.answeredAt <= session.endsAt.addingTimeInterval(86_400)
        }.sorted {
            (status[$0.sessionID]!.startsAt, $0.sessionID, $0.answeredAt, $0.participantID)
                < (status[$1.sessionID]!.startsAt, $1.sessionID, $1.answeredAt, $1.participantID)
        }
        let role = { (answer: PairAnswer) in rows.first { $0.sessionID == answer.sessionID && $0.participantID == answer.participantID }!.memberRole! }
        let fits = taken.filter { $0.question == .pairFit }.map { answer in
            EngagementReport.FitAnswer(
                sessionID: answer.sessionID, participantID: answer.participantID, role: role(answer).rawValue,
                answer: PairFit(rawValue: answer.value)!.name, at: answer.answeredAt)
        }
        pair.fit = .init(mentor: fits.last { $0.role == "mentor" }?.answer, mentee: fits.last { $0.role == "mentee" }?.answer, answers: fits)
        let goals = taken.filter { $0.question == .goalProgress }.map(\.value)
        pair.goalProgress = .init(
            answers: goals.count, latest: goals.last, previous: goals.count > 1 ? goals[goals.count - 2] : nil,
            trend: goals.count < 2 ? nil : goals[goals.count - 1] > goals[goals.count - 2] ? "rising" : goals[goals.count - 1] < goals[goals.count - 2] ? "falling" : "steady")
        let fromMentee = taken.filter { $0.question == .mentorHelpful && role($0) == .mentee }.map(\.value)
        let fromMentor = taken.filter { $0.question == .menteeEngaged && role($0) == .mentor }.map(\.value)
        let mean = { (values: [Int]) in values.isEmpty ? nil : Double(values.reduce(0, +)) / Double(values.count) }
        (pair.feedbackFromMentee, pair.feedbackFromMentor) = (mean(fromMentee), mean(fromMentor))
        // at risk: two or more one-sided in a row, a "not a fit", 21 days without a meeting after a session;
        // watch: one one-sided, two low directed answers in a row, goal progress falling.
        let quietSince = now.addingTimeInterval(-21 * 86_400)
        let hadSession = sessions.contains { session in
            session.groupID == group.id && session.status != .cancelled && session.startsAt >= quietSince && session.startsAt <= now
                && (session.endsAt <= now || session.status == .closed)
        }
        let risky = inARow >= 2 || pair.fit.mentor == "not_a_fit" || pair.fit.mentee == "not_a_fit" || hadSession && (pair.lastMeeting ?? .distantPast) < quietSince
        let low = [fromMentee, fromMentor].contains { $0.count >= 2 && $0.suffix(2).allSatisfy { $0 <= 2 } }
        let watch = inARow == 1 || low || pair.goalProgress.trend == "falling"
        pair.health = risky ? .atRisk : watch ? .watch : .ok
    }

    static func person(_ id: String, in people: [Participant]) -> Participant? { people.first { $0.id == id } }

    static func median(_ seconds: [Int]) -> Double? {
        guard !seconds.isEmpty else { return nil }
        let sorted = seconds.sorted(), middle = sorted.count / 2
        return (sorted.count.isMultiple(of: 2) ? Double(sorted[middle - 1] + sorted[middle]) / 2 : Double(sorted[middle])) / 60
    }
}
