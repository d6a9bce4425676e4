import Foundation
import Testing
@testable import KioskCore

/// What a facilitator signed in at the hub may see, and what their digest says.
@Suite("Facilitator scope and digest")
struct FacilitatorScopeTests {
    let circle = MentoringGroup(id: "C1", name: "Peer Circle A", kind: .circle, members: [
        GroupMember(participantID: "F001", role: .facilitator), GroupMember(participantID: "E004", role: .mentee),
    ])
    let pair = MentoringGroup(id: "P1", name: "Maria & Jonas", kind: .pair, members: [
        GroupMember(participantID: "M001", role: .mentor), GroupMember(participantID: "E001", role: .mentee),
    ])

    func pairSession(endingDaysAgo days: Double) -> Session {
        Session(
            id: "S-P1", title: "Pair", kind: .oneOnOne, location: "Lobby", startsAt: Fixture.start.addingTimeInterval(-days * 86_400 - 3_600),
            endsAt: Fixture.start.addingTimeInterval(-days * 86_400), groupID: "P1", facilitatorID: "F002")
    }

    @Test("a group is a facilitator's by membership, or while they run one of its sessions and for a week after the last")
    func handOver() {
        let now = Fixture.start
        let member = FacilitatorScope(participantID: "F001", groups: [circle, pair], sessions: [], at: now, timeZone: .gmt)
        #expect(member.groupIDs == ["C1"])
        for (days, sees) in [(-1.0, true), (3, true), (6.9, true), (7.1, false), (20, false)] {
            let runner = FacilitatorScope(participantID: "F002", groups: [circle, pair], sessions: [pairSession(endingDaysAgo: days)], at: now, timeZone: .gmt)
            #expect(runner.groupIDs.contains("P1") == sees, "a session ended \(days) days ago")
            #expect(runner.includes(pairSession(endingDaysAgo: days)), "the session they ran stays theirs")
        }
        let fatima = Participant(id: "F001", name: "Fatima", role: .facilitator)
        let program = ProgramSnapshot(participants: [fatima], groups: [circle, pair], sessions: [])
        #expect(FacilitatorScope.current(participantID: "F001", in: program, at: now, timeZone: .gmt).groupIDs == ["C1"])
        var gone = program
        gone.participants = [Participant(id: "F001", name: "Fatima", role: .facilitator, leftOn: ProgramDay(containing: now, in: .gmt))]
        #expect(FacilitatorScope.current(participantID: "F001", in: gone, at: now, timeZone: .gmt).groupIDs.isEmpty, "left: nothing")
        #expect(FacilitatorScope.current(participantID: "X9", in: program, at: now, timeZone: .gmt).groupIDs.isEmpty, "not on the roster: nothing")
    }

    @Test("narrowing keeps the facilitator's pairs and members only, and no ratings")
    func narrowing() {
        var report = EngagementMetrics.report(
            EngagementInput(sessions: [], groups: [circle, pair], participants: [Fixture.lena], arrivals: []),
            from: Fixture.at(-60 * 24 * 7), to: Fixture.start, now: Fixture.start, timeZone: .gmt)
        report.atRisk = [.init(participantID: "E004", name: "Lena Novak", reason: "r"), .init(participantID: "E001", name: "Jonas Weber", reason: "r")]
        report.ratings = []
        let scope = FacilitatorScope(participantID: "F001", groups: [circle, pair], sessions: [], at: Fixture.start, timeZone: .gmt)
        let narrowed = scope.narrow(report, groups: [circle, pair], at: Fixture.start, timeZone: .gmt)
        #expect(narrowed.atRisk.map(\.participantID) == ["E004"])
        #expect(narrowed.pairs.allSatisfy { $0.groupID != "P1" })
        #expect(narrowed.ratings == nil)
    }
}
