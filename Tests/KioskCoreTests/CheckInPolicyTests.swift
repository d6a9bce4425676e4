import Foundation
import Testing
@testable import KioskCore

@Suite("Check-in policy")
struct CheckInPolicyTests {
    let rules = CheckInRules()

    func context(
        _ person: Participant? = Fixture.lena, sessions: [Session], groups: Set<String> = ["C1"],
        attendances: [Attendance] = [], last: Date? = nil
    ) -> ScanContext {
        ScanContext(participant: person, sessionsHere: sessions, groupIDs: groups, attendances: attendances, lastBadgeActivity: last)
    }

    @Test("on time and late across the window", arguments: [
        (-15.0, AttendanceStatus.onTime), (0, .onTime), (5, .onTime), (5.0 + 1.0 / 60, .late), (59, .late),
    ])
    func status(minutes: Double, expected: AttendanceStatus) {
        let outcome = CheckInPolicy.decide(context(sessions: [Fixture.circle]), at: Fixture.at(minutes), rules: rules)
        #expect(outcome == .checkIn(Fixture.lena, Fixture.circle, expected))
    }

    @Test("outside every window: no session now, naming the next one")
    func noSessionNow() {
        let early = CheckInPolicy.decide(context(sessions: [Fixture.circle, Fixture.evening]), at: Fixture.at(-16), rules: rules)
        #expect(early == .noSessionNow(Fixture.lena, next: Fixture.circle))
        let after = CheckInPolicy.decide(context(sessions: [Fixture.circle, Fixture.evening]), at: Fixture.at(60), rules: rules)
        #expect(after == .noSessionNow(Fixture.lena, next: Fixture.evening))
        let nothing = CheckInPolicy.decide(context(sessions: [Fixture.circle]), at: Fixture.at(61), rules: rules)
        #expect(nothing == .noSessionNow(Fixture.lena, next: nil))
    }

    @Test("never falls back to someone else's pair meeting")
    func otherGroupsSessionIsNotOffered() {
        let outcome = CheckInPolicy.decide(context(sessions: [Fixture.otherPair]), at: Fixture.at(1), rules: rules)
        #expect(outcome == .noSessionNow(Fixture.lena, next: nil))
    }

    @Test("the participant's own group's session wins over open ones")
    func ownGroupWins() {
        let outcome = CheckInPolicy.decide(
            context(sessions: [Fixture.lunch, Fixture.circle, Fixture.networking]), at: Fixture.at(1), rules: rules)
        #expect(outcome == .checkIn(Fixture.lena, Fixture.circle, .onTime))
    }

    @Test("the session's facilitator counts it as their own")
    func facilitatorsOwnSession() {
        let outcome = CheckInPolicy.decide(
            context(Fixture.fatima, sessions: [Fixture.lunch, Fixture.circle], groups: []), at: Fixture.at(1), rules: rules)
        #expect(outcome == .checkIn(Fixture.fatima, Fixture.circle, .onTime))
    }

    @Test("several open sessions and none their own: the buttons choose, earliest first")
    func choose() {
        let outcome = CheckInPolicy.decide(
            context(Fixture.omar, sessions: [Fixture.lunch, Fixture.networking], groups: []), at: Fixture.at(1), rules: rules)
        #expect(outcome == .chooseSession(Fixture.omar, [Fixture.networking, Fixture.lunch]))
        let chosen = CheckInPolicy.decide(
            context(Fixture.omar, sessions: [Fixture.lunch, Fixture.networking], groups: []), at: Fixture.at(1), rules: rules,
            chosenSessionID: "S-LUNCH")
        #expect(chosen == .checkIn(Fixture.omar, Fixture.lunch, .late))
    }

    @Test("one open session is auto-selected")
    func single() {
        let outcome = CheckInPolicy.decide(context(Fixture.omar, sessions: [Fixture.lunch], groups: []), at: Fixture.at(-4), rules: rules)
        #expect(outcome == .checkIn(Fixture.omar, Fixture.lunch, .onTime))
    }

    @Test("choosing a session that is not open to them is refused")
    func chosenNotOpen() {
        let outcome = CheckInPolicy.decide(
            context(sessions: [Fixture.circle, Fixture.otherPair]), at: Fixture.at(1), rules: rules, chosenSessionID: "S-P9")
        #expect(outcome == .sessionNotOpen(Fixture.lena, sessionID: "S-P9"))
    }

    @Test("unknown badge and inactive participant change nothing")
    func refusals() {
        #expect(CheckInPolicy.decide(context(nil, sessions: [Fixture.circle]), at: Fixture.at(1), rules: rules) == .unknownBadge)
        #expect(CheckInPolicy.decide(context(Fixture.retired, sessions: [Fixture.circle]), at: Fixture.at(1), rules: rules)
            == .inactive(Fixture.retired))
    }

    @Test("the same badge within the duplicate window is one scan", arguments: [
        (0.0, true), (4.999, true), (5.0, false), (60.0, false),
    ])
    func duplicates(secondsLater: Double, isDuplicate: Bool) {
        let first = Fixture.at(1)
        let attendance = Fixture.attendance(Fixture.lena, Fixture.circle, at: 1)
        let outcome = CheckInPolicy.decide(
            context(sessions: [Fixture.circle], attendances: [attendance], last: first),
            at: first.addingTimeInterval(secondsLater), rules: rules)
        if isDuplicate {
            #expect(outcome == .duplicateScan(Fixture.lena))
        } else {
            #expect(outcome == .alreadyCheckedIn(Fixture.lena, Fixture.circle, at: first))
        }
    }

    @Test("after checking out of the only open session: already checked out")
    func alreadyOut() {
        let attendance = Fixture.attendance(Fixture.lena, Fixture.circle, at: 1, out: 30)
        let outcome = CheckInPolicy.decide(
            context(sessions: [Fixture.circle], attendances: [attendance], last: Fixture.at(30)), at: Fixture.at(31), rules: rules)
        #expect(outcome == .alreadyCheckedOut(Fixture.lena, Fixture.circle, at: Fixture.at(30)))
    }

    @Test("after checking out of one session, another open one is still offered")
    func nextSessionAfterCheckout() {
        let attendance = Fixture.attendance(Fixture.omar, Fixture.networking, at: -5, out: 2)
        let outcome = CheckInPolicy.decide(
            context(Fixture.omar, sessions: [Fixture.networking, Fixture.lunch], groups: [], attendances: [attendance], last: Fixture.at(2)),
            at: Fixture.at(3), rules: rules)
        #expect(outcome == .checkIn(Fixture.omar, Fixture.lunch, .late))
    }
}
