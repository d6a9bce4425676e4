import Foundation
import Testing
@testable import KioskCore

/// Every figure against a count done by hand on a small program: three weeks from Monday
/// 2026-03-02 (UTC), a mentor M1, mentees E1 and E2, a guest G; pairs P1 (M1+E1) and P2
/// (M1+E2), a circle C1 (all three).
///
/// | session | when | group | M1 | E1 | E2 | G |
/// |---|---|---|---|---|---|---|
/// | S1 | w1 Mon 10:00 | P1 | on time, badge out 60 min, rated 4 | late, auto out 50 min | | |
/// | S2 | w1 Wed 10:00 | P2 | on time | | absent | |
/// | S3 | w2 Mon 10:00 | C1 | on time, badge out 30 min, rated 2 | absent | absent | on time, badge out 45 min |
/// | S4 | w3 Mon 10:00 | P2 | manual | | absent | |
/// | S5 | w3 Tue 10:00 | P1 | cancelled | | | |
@Suite("Engagement metrics against hand counts")
struct EngagementMetricsTests {
    static let monday = Date(timeIntervalSince1970: 1_772_409_600) // 2026-03-02T00:00:00Z
    static func day(_ days: Double, hour: Double = 10) -> Date { monday.addingTimeInterval(days * 86_400 + hour * 3600) }
    static let from = monday
    static let to = day(21, hour: 0)
    static let now = day(20, hour: 12)
    static let third: Double = 1.0 / 3
    static let twoThirds: Double = 2.0 / 3

    static let people = ["M1": Role.mentor, "E1": .mentee, "E2": .mentee, "G": .mentee]
    static let groups = [
        MentoringGroup(id: "P1", name: "P1", kind: .pair, members: [.init(participantID: "M1", role: .mentor), .init(participantID: "E1", role: .mentee)]),
        MentoringGroup(id: "P2", name: "P2", kind: .pair, members: [.init(participantID: "M1", role: .mentor), .init(participantID: "E2", role: .mentee)]),
        MentoringGroup(id: "C1", name: "C1", kind: .circle, members: ["M1", "E1", "E2"].map { .init(participantID: $0, role: $0 == "M1" ? .mentor : .mentee) }),
    ]

    static func session(_ id: String, _ start: Date, _ group: String, status: SessionStatus = .scheduled) -> Session {
        Session(id: id, title: id, kind: .group, location: "Lobby", startsAt: start, endsAt: start.addingTimeInterval(3600), groupID: group, status: status)
    }

    static func came(
        _ who: String, _ session: Session, _ status: AttendanceStatus, minutes: Double? = nil, out: CheckOutKind? = nil, rating: Int? = nil
    ) -> Attendance {
        Attendance(
            participantID: who, sessionID: session.id, status: status, checkedInAt: session.startsAt,
            checkedOutAt: minutes.map { session.startsAt.addingTimeInterval($0 * 60) }, checkOutKind: out, rating: rating,
            hasRated: rating != nil, kioskID: "k1")
    }

    static let sessions = [
        session("S1", day(0), "P1"), session("S2", day(2), "P2"), session("S3", day(7), "C1"), session("S4", day(14), "P2"),
        session("S5", day(15), "P1", status: .cancelled),
    ]
    static let attendances = [
        came("M1", sessions[0], .onTime, minutes: 60, out: .badge, rating: 4), came("E1", sessions[0], .late, minutes: 50, out: .auto),
        came("M1", sessions[1], .onTime),
        came("M1", sessions[2], .onTime, minutes: 30, out: .badge, rating: 2), came("G", sessions[2], .onTime, minutes: 45, out: .badge),
        came("M1", sessions[3], .manual),
    ]
    /// E1 and the guest G joined in spring, M1 in autumn; E2 is in no cohort.
    static let cohorts = ["E1": "2026 spring", "G": "2026 spring", "M1": "2025 autumn"]
    static let participants = people.map { Participant(id: $0.key, name: "Person \($0.key)", role: $0.value, cohort: cohorts[$0.key]) }

    static func input(sessions: [Session] = sessions, anonymousRatings: [AnonymousRating] = []) -> EngagementInput {
        EngagementInput(
            sessions: sessions, groups: groups, participants: participants, arrivals: attendances.map(EngagementInput.Arrival.init),
            anonymousRatings: anonymousRatings)
    }

    static func report(_ input: EngagementInput = input(), now: Date = now, filter: ReportFilter = ReportFilter()) -> EngagementReport {
        EngagementMetrics.report(input, from: from, to: to, now: now, timeZone: .gmt, filter: filter)
    }

    @Test("attendance, punctuality and completion")
    func attendance() {
        let report = Self.report()
        #expect(report.sessions == 4, "the cancelled session does not count")
        #expect(report.expected == 9 && report.present == 5 && report.attendanceRate == Double(5) / Double(9))
        #expect(report.attended == 6, "arrivals include the guest")
        #expect(report.punctuality == Self.twoThirds, "late and manual arrivals are not on time")
        #expect(report.participants.map(\.participantID) == ["E1", "E2", "G", "M1"])
        #expect(report.participants.map(\.attendanceRate) == [0.5, 0, nil, 1])
        #expect(report.completion == Self.third, "of M1, E1, E2 only M1 reached 75%")
    }

    @Test("weeks, active participants and the retention curve")
    func weeks() {
        let report = Self.report()
        #expect(report.weeks.map(\.startsOn) == [Self.day(0, hour: 0), Self.day(7, hour: 0), Self.day(14, hour: 0)])
        #expect(report.weeks.map(\.sessions) == [2, 1, 1])
        #expect(report.weeks.map(\.attendanceRate) == [0.75, Self.third, 0.5])
        #expect(report.weeks.map(\.activeParticipants) == [2, 2, 1])
        #expect(report.retention == [Self.twoThirds, Self.twoThirds, Self.third], "cohort M1, E1, G from the first two weeks")
    }

    @Test("satisfaction and time in session, automatic check-outs apart")
    func satisfaction() {
        let report = Self.report()
        #expect(report.satisfaction.mean == 3 && report.satisfaction.distribution == [0, 1, 0, 1])
        #expect(report.satisfaction.responseRate == Self.twoThirds, "two ratings from three badge check-outs")
        #expect(report.timeInSession.badgeCheckOuts == 3 && report.timeInSession.medianMinutes == 45)
        #expect(report.timeInSession.automaticCheckOuts == 1 && report.timeInSession.automaticMedianMinutes == 50)
    }

    @Test("anonymous ratings count for satisfaction, for the shown sessions only, and not under a role filter")
    func anonymousRatings() {
        let anonymous = [AnonymousRating(sessionID: "S1", rating: 1), AnonymousRating(sessionID: "S-ELSEWHERE", rating: 4)]
        let report = Self.report(Self.input(anonymousRatings: anonymous))
        #expect(report.satisfaction.mean == Double(4 + 2 + 1) / 3 && report.satisfaction.distribution == [1, 1, 0, 1])
        #expect(report.satisfaction.responseRate == 1, "three ratings from three badge check-outs")
        let mentors = Self.report(Self.input(anonymousRatings: anonymous), filter: ReportFilter(role: .mentor))
        #expect(mentors.satisfaction.distribution == [0, 1, 0, 1])
    }

    @Test("verified pair meetings, a pair where one side never comes, and who is at risk")
    func pairsAndRisk() {
        let report = Self.report()
        // P2's two sessions had only its mentor: one-sided twice in a row, and never a meeting.
        var p2 = EngagementReport.Pair(groupID: "P2", meetings: 0, meetingsPerWeek: [0, 0, 0], lastMeeting: nil, quiet: true)
        p2.oneSidedSessions = [
            .init(sessionID: "S2", startsAt: Self.day(2), participantID: "M1", role: "mentor"),
            .init(sessionID: "S4", startsAt: Self.day(14), participantID: "M1", role: "mentor"),
        ]
        p2.oneSidedInARow = 2
        p2.health = .atRisk
        p2.reasons = ["one-sided: only one member came to the last 2 sessions (the mentor each time)", "quiet: no verified meeting in 21 days"]
        #expect(report.pairs == [.init(groupID: "P1", meetings: 1, meetingsPerWeek: [1, 0, 0], lastMeeting: Self.day(0), quiet: false), p2])
        #expect(report.atRisk == [.init(participantID: "E2", name: "Person E2", reason: "missed the last 3 expected sessions")])
        // Two days later P1's meeting is 22 days old, and E1 has had no attendance in 21 days.
        let later = Self.day(22)
        let laterReport = Self.report(now: later)
        #expect(laterReport.pairs.first?.quiet == true)
        #expect(laterReport.atRisk == [
            .init(participantID: "E1", name: "Person E1", reason: "no attendance in 21 days"),
            .init(participantID: "E2", name: "Person E2", reason: "missed the last 3 expected sessions"),
        ], "E1 was expected on day 7 and last came on day 0")
    }

    @Test("filters: mentees only, or one group's sessions")
    func filters() {
        let mentees = Self.report(filter: ReportFilter(role: .mentee))
        // E1: S1 late, S3 absent; E2: S2, S3, S4 absent; G: S3 guest.
        #expect(mentees.expected == 5 && mentees.present == 1 && mentees.attended == 2)
        #expect(mentees.participants.map(\.participantID) == ["E1", "E2", "G"])
        let pairTwo = Self.report(filter: ReportFilter(groupID: "P2"))
        #expect(pairTwo.sessions == 2 && pairTwo.expected == 4 && pairTwo.present == 2)
        #expect(pairTwo.pairs.map(\.groupID) == ["P2"])
    }

    @Test("filters: one cohort, without anonymous ratings (they are nobody's)")
    func cohortFilter() {
        let anonymous = [AnonymousRating(sessionID: "S1", rating: 1)]
        let spring = Self.report(Self.input(anonymousRatings: anonymous), filter: ReportFilter(cohort: "2026 spring"))
        // E1: S1 late, S3 absent; G: S3 guest.
        #expect(spring.expected == 2 && spring.present == 1 && spring.attended == 2)
        #expect(spring.participants.map(\.participantID) == ["E1", "G"])
        #expect(spring.satisfaction.distribution == [0, 0, 0, 0], "neither rated; the anonymous rating is left out")
        #expect(spring.pairs.map(\.groupID) == ["P1"] && spring.pairs.first?.meetings == 1, "E1's pair, met at S1 with M1 (autumn)")
        let autumnMentors = Self.report(filter: ReportFilter(role: .mentor, cohort: "2025 autumn"))
        #expect(autumnMentors.expected == 4 && autumnMentors.present == 4 && autumnMentors.participants.map(\.participantID) == ["M1"])
        #expect(Self.report(filter: ReportFilter(role: .mentee, cohort: "2025 autumn")).attended == 0)
    }

    @Test("an empty period has no rates rather than zeros")
    func emptyPeriod() {
        let report = Self.report(Self.input(sessions: []))
        #expect(report.sessions == 0 && report.attendanceRate == nil && report.punctuality == nil && report.completion == nil)
        #expect(report.weeks.count == 3 && report.weeks.allSatisfy { $0.attendanceRate == nil && $0.activeParticipants == 0 })
        #expect(report.retention.isEmpty && report.satisfaction.mean == nil && report.satisfaction.responseRate == nil)
        #expect(report.pairs.allSatisfy { $0.quiet && $0.meetings == 0 } && report.atRisk.isEmpty)
    }
}

@Suite("Report progress line")
struct ReportProgressTests {
    @Test("the replay's bar fills with the share done and never overflows")
    func bar() {
        #expect(ReportStage.replaying(done: 0, total: 2_400_000).line == "replaying sessions ░░░░░░░░░░░░░░░░░░░░ 0% of 2400000")
        #expect(ReportStage.replaying(done: 912_345, total: 2_400_000).line == "replaying sessions ███████░░░░░░░░░░░░░ 38% of 2400000")
        #expect(ReportStage.replaying(done: 5, total: 4).line == "replaying sessions ████████████████████ 100% of 4")
        #expect(ReportStage.replaying(done: 0, total: 0).line.hasSuffix("100% of 0"))
        #expect([ReportStage.reading, .counting, .replaying(done: 1, total: 3)].allSatisfy { $0.line.count <= 60 })
    }
}

@Suite("Report table over a long period")
struct LongReportTextTests {
    @Test("a year shows the last week and the range, and lists 25 people at risk with a pointer to the rest")
    func year() {
        let monday = Date(timeIntervalSince1970: 1_772_409_600)
        var report = EngagementMetrics.report(
            EngagementInput(sessions: [], groups: [], participants: [], arrivals: []), from: monday, to: monday.addingTimeInterval(53 * 7 * 86_400),
            now: monday.addingTimeInterval(53 * 7 * 86_400), timeZone: .gmt)
        for index in report.weeks.indices { report.weeks[index].activeParticipants = index == 0 ? 0 : 8000 }
        report.weeks[report.weeks.count - 1].activeParticipants = 1700
        report.retention = report.weeks.indices.map { $0 == 0 ? 0 : 1 }
        report.atRisk = (0..<30).map { .init(participantID: "P\($0)", name: "Person \($0)", reason: "missed the last 2 expected sessions") }
        let text = EngagementText.render(report, scope: "all locations", timeZone: .gmt)
        #expect(text.contains("active participants 1700 in the last week (0–8000 over 53 weeks)"), "\(text)")
        #expect(text.contains("retention           100% in the last week (0%–100% over 53 weeks)"), "\(text)")
        #expect(text.contains("  P24      Person 24 — ") && !text.contains("P25 "), "25 listed")
        #expect(text.contains("  … and 5 more: --format csv lists everyone, with at_risk_reason"))
        let short = EngagementMetricsTests.report()
        #expect(EngagementText.render(short, scope: "all", timeZone: .gmt).contains("active participants 2 2 1 per week"), "three weeks spelled out")
    }
}
