import Foundation
import Testing
@testable import KioskCore

/// Pair health against hand counts: eight weekly sessions (Mondays 10:00 UTC from 2026-03-02)
/// of four pairs, reported on the Tuesday of the eighth week.
///
/// | pair | members | attendance | answers |
/// |---|---|---|---|
/// | P1 | M1, E1 | both in week 1, then E1 alone (the mentor stopped coming) | — |
/// | P2 | M2, E2 | both in weeks 1–3, then M2 alone (the mentee drifted away) | — |
/// | P3 | M3, E3 | both every week | M3 fit "still deciding" w1, "good fit" w2; E3 "not a fit" w2; goal 3 (w3), 2 (w6) |
/// | P4 | M4, E4 | both every week | fit "good fit" both w1; goal 2 (w3), 4 (w6); E4 on M4: 3, 4; M4 on E4: 2, 3 |
@Suite("Pair health against hand counts")
struct PairHealthTests {
    static let monday = Date(timeIntervalSince1970: 1_772_409_600) // 2026-03-02T00:00:00Z
    static func day(_ days: Double, hour: Double = 10) -> Date { monday.addingTimeInterval(days * 86_400 + hour * 3600) }
    static let now = day(50, hour: 12)
    static let cohorts = ["E3": "A", "E4": "B"]
    static let people = (1...4).flatMap { number in
        [
            Participant(id: "M\(number)", name: "Mentor \(number)", role: .mentor),
            Participant(id: "E\(number)", name: "Mentee \(number)", role: .mentee, cohort: cohorts["E\(number)"]),
        ]
    } + [Participant(id: "G", name: "Guest", role: .mentee)]
    static let groups = (1...4).map { number in
        MentoringGroup(id: "P\(number)", name: "Pair \(number)", kind: .pair, members: [
            .init(participantID: "M\(number)", role: .mentor), .init(participantID: "E\(number)", role: .mentee),
        ])
    }
    static func session(_ pair: Int, week: Int) -> Session {
        let start = day(Double(7 * week))
        return Session(
            id: "P\(pair)-w\(week + 1)", title: "Pair \(pair)", kind: .oneOnOne, location: "Lobby", startsAt: start,
            endsAt: start.addingTimeInterval(3600), groupID: "P\(pair)")
    }
    static let sessions = (1...4).flatMap { pair in (0..<8).map { session(pair, week: $0) } }

    static func arrival(_ who: String, _ session: Session) -> EngagementInput.Arrival {
        .init(participantID: who, sessionID: session.id, status: .onTime, checkOutKind: .badge, durationSeconds: 3000, rating: nil)
    }

    static let arrivals: [EngagementInput.Arrival] = (0..<8).flatMap { week in
        [
            week == 0 ? arrival("M1", session(1, week: week)) : nil, arrival("E1", session(1, week: week)),
            arrival("M2", session(2, week: week)), week < 3 ? arrival("E2", session(2, week: week)) : nil,
            arrival("M3", session(3, week: week)), arrival("E3", session(3, week: week)),
            arrival("M4", session(4, week: week)), arrival("E4", session(4, week: week)),
        ].compactMap { $0 }
    }

    static func answer(_ who: String, pair: Int, week: Int, _ question: CheckOutQuestion, _ value: Int, minutes: Double = 55) -> PairAnswer {
        let session = session(pair, week: week - 1)
        return PairAnswer(participantID: who, sessionID: session.id, question: question, value: value, answeredAt: session.startsAt.addingTimeInterval(minutes * 60))
    }

    static let answers = [
        answer("M3", pair: 3, week: 1, .pairFit, 2), answer("M3", pair: 3, week: 2, .pairFit, 1), answer("E3", pair: 3, week: 2, .pairFit, 3),
        answer("E3", pair: 3, week: 3, .goalProgress, 3), answer("M3", pair: 3, week: 6, .goalProgress, 2),
        answer("M4", pair: 4, week: 1, .pairFit, 1), answer("E4", pair: 4, week: 1, .pairFit, 1),
        answer("E4", pair: 4, week: 3, .goalProgress, 2), answer("E4", pair: 4, week: 6, .goalProgress, 4),
        answer("E4", pair: 4, week: 4, .mentorHelpful, 3), answer("E4", pair: 4, week: 5, .mentorHelpful, 4),
        answer("M4", pair: 4, week: 4, .menteeEngaged, 2), answer("M4", pair: 4, week: 5, .menteeEngaged, 3),
    ]

    static func report(answers: [PairAnswer] = answers, arrivals: [EngagementInput.Arrival] = arrivals, excusals: [Excusal] = []) -> EngagementReport {
        EngagementMetrics.report(
            EngagementInput(sessions: sessions, groups: groups, participants: people, arrivals: arrivals, excusals: excusals, answers: answers),
            from: monday, to: day(56, hour: 0), now: now, timeZone: .gmt)
    }

    static func pair(_ id: String, in report: EngagementReport) throws -> EngagementReport.Pair {
        try #require(report.pairs.first { $0.groupID == id })
    }

    @Test("a mentor who stopped after week 1 and a mentee who drifted after week 3: one-sided, at risk")
    func oneSided() throws {
        let report = Self.report()
        let p1 = try Self.pair("P1", in: report)
        #expect(p1.meetings == 1)
        #expect(p1.oneSidedSessions.map(\.sessionID) == (2...8).map { "P1-w\($0)" })
        #expect(p1.oneSidedSessions.allSatisfy { $0.participantID == "E1" && $0.role == "mentee" })
        #expect(p1.oneSidedInARow == 7)
        #expect(p1.health == .atRisk)
        #expect(p1.reasons == [
            "one-sided: only one member came to the last 7 sessions (the mentee each time)", "quiet: no verified meeting in 21 days",
        ])
        let p2 = try Self.pair("P2", in: report)
        #expect(p2.meetings == 3)
        #expect(p2.oneSidedSessions.map(\.participantID) == Array(repeating: "M2", count: 5))
        #expect(p2.oneSidedInARow == 5 && p2.health == .atRisk)
        #expect(p2.reasons.first == "one-sided: only one member came to the last 5 sessions (the mentor each time)")
    }

    @Test("fit, goal progress and directed feedback: latest fit by role, trend, means, goal achievement by cohort")
    func answers() throws {
        let report = Self.report()
        let p3 = try Self.pair("P3", in: report)
        #expect(p3.fit.mentor == "good_fit" && p3.fit.mentee == "not_a_fit")
        #expect(p3.fit.answers.map(\.answer) == ["still_deciding", "not_a_fit", "good_fit"], "week 2: E3 before M3 at the same minute")
        #expect(p3.goalProgress == .init(answers: 2, latest: 2, previous: 3))
        #expect(p3.goalProgress.trend == "falling")
        #expect(p3.oneSidedSessions.isEmpty && p3.meetings == 8)
        #expect(p3.health == .atRisk)
        #expect(p3.reasons == ["not a fit: the mentee said so", "goal falling: progress 3 → 2"])
        let p4 = try Self.pair("P4", in: report)
        #expect(p4.fit.mentor == "good_fit" && p4.fit.mentee == "good_fit")
        #expect(p4.goalProgress.trend == "rising" && p4.goalProgress.latest == 4)
        #expect(p4.feedbackFromMentee == 3.5 && p4.feedbackFromMentor == 2.5)
        #expect(p4.health == .ok && p4.reasons.isEmpty)
        #expect(report.goalAchievement.pairs == 2 && report.goalAchievement.achieving == 1 && report.goalAchievement.share == 0.5)
        #expect(report.goalAchievement.byCohort["A"]?.share == 0 && report.goalAchievement.byCohort["B"]?.share == 1)
    }

    @Test("low directed feedback twice in a row is a watch; one low answer is not")
    func lowFeedback() throws {
        let once = Self.answers + [Self.answer("M4", pair: 4, week: 7, .menteeEngaged, 2)]
        #expect(try Self.pair("P4", in: Self.report(answers: once)).health == .ok)
        let twice = once + [Self.answer("M4", pair: 4, week: 8, .menteeEngaged, 1)]
        let p4 = try Self.pair("P4", in: Self.report(answers: twice))
        #expect(p4.health == .watch)
        #expect(p4.reasons == ["low feedback: the mentor rated the mentee's engagement ≤ 2 twice in a row"])
    }

    @Test("answers that do not count: from someone who did not come, a guest, a second answer, a value out of range, the wrong role")
    func ignoredAnswers() throws {
        let noise = [
            Self.answer("M1", pair: 1, week: 5, .pairFit, 3), // M1 did not come that week
            Self.answer("G", pair: 4, week: 2, .pairFit, 3), // not a member
            Self.answer("E4", pair: 4, week: 1, .pairFit, 3, minutes: 58), // a second fit answer for the session
            Self.answer("E4", pair: 4, week: 7, .goalProgress, 9), // out of range
            Self.answer("M4", pair: 4, week: 7, .mentorHelpful, 1), // a mentor cannot rate their mentor
            Self.answer("E4", pair: 4, week: 8, .pairFit, 3, minutes: -5), // before the session started
            Self.answer("M4", pair: 4, week: 8, .pairFit, 3, minutes: 60 + 24 * 60 + 1), // over a day after it ended
        ]
        #expect(try Self.pair("P4", in: Self.report(answers: Self.answers + noise)) == (try Self.pair("P4", in: Self.report())))
        #expect(try Self.pair("P1", in: Self.report(answers: noise)).fit.answers.isEmpty)
    }

    @Test("the latest answer is the latest session's, whatever time a kiosk wrote on an earlier one's; the first per question counts")
    func latestBySession() throws {
        // E3's "not a fit" of week 2 written with a time near the end of its window, after M3's week-3 answer…
        let answers = [
            Self.answer("E3", pair: 3, week: 2, .pairFit, 3, minutes: 60 + 23 * 60), Self.answer("E3", pair: 3, week: 3, .pairFit, 1),
            Self.answer("E3", pair: 3, week: 3, .pairFit, 3, minutes: 56),
        ]
        let p3 = try Self.pair("P3", in: Self.report(answers: answers))
        #expect(p3.fit.mentee == "good_fit", "week 3's is the latest; its second answer does not count")
        #expect(p3.fit.answers.map(\.sessionID) == ["P3-w2", "P3-w3"])
        #expect(p3.health == .ok)
    }

    @Test("a lobby screen names a pair's answers, and the level they set, only as a pointer to the hub")
    func onScreen() throws {
        let report = Self.report()
        #expect(PairHealthRules.onScreen(try Self.pair("P3", in: report)) == "P3 — a check-out answer needs a look (details at the hub)")
        #expect(PairHealthRules.onScreen(try Self.pair("P1", in: report)) == "P1 AT RISK — one-sided: only one member came to the last 7 sessions (the mentee each time)")
        #expect(PairHealthRules.onScreen(try Self.pair("P4", in: report)) == "P4")
    }

    @Test("an excused member's absence is not one-sided; a verified meeting starts the count again")
    func excusedAndReset() throws {
        let excusals = (4...7).map { Excusal(participantID: "E2", sessionID: "P2-w\($0 + 1)", reason: nil, excusedBy: "F1") }
        let p2 = try Self.pair("P2", in: Self.report(excusals: excusals))
        #expect(p2.oneSidedSessions.map(\.sessionID) == ["P2-w4"])
        #expect(p2.oneSidedInARow == 1)
        #expect(p2.health == .atRisk, "still quiet: no meeting in 21 days")
        #expect(p2.reasons == ["quiet: no verified meeting in 21 days", "one-sided: only one member came to the last session (the mentor)"])
        let back = Self.arrivals + [Self.arrival("E2", Self.session(2, week: 7))]
        let healed = try Self.pair("P2", in: Self.report(arrivals: back))
        #expect(healed.oneSidedSessions.count == 4 && healed.oneSidedInARow == 0 && healed.health == .ok)
    }
}
