import Foundation
import Testing
@testable import KioskCore

@Suite("Facilitator access and menu")
struct FacilitatorTests {
    let now = Fixture.at(1)
    let rules = PINRules()

    @Test("PINs are four presses of buttons 1–4")
    func pins() {
        #expect(ButtonPIN("1234")?.digits == [1, 2, 3, 4])
        #expect(ButtonPIN("4 4 1 2")?.digits == [4, 4, 1, 2])
        #expect(ButtonPIN("1235") == nil)
        #expect(ButtonPIN("123") == nil)
        #expect(ButtonPIN("12345") == nil)
        #expect(ButtonPIN("12a4") == nil)
    }

    @Test("right PIN resets the count; wrong ones count down; the fifth locks for five minutes")
    func lockout() {
        var stored = StoredPIN(hash: "right")
        for left in [4, 3, 2, 1] {
            let (check, update) = PINPolicy.check(participant: Fixture.fatima, stored: stored, enteredHash: "wrong", at: now, rules: rules)
            #expect(check == .wrong(attemptsLeft: left))
            stored = update!
        }
        let (locked, update) = PINPolicy.check(participant: Fixture.fatima, stored: stored, enteredHash: "wrong", at: now, rules: rules)
        #expect(locked == .locked(until: now.addingTimeInterval(300)))
        stored = update!
        // Even the right PIN is refused while locked, and changes nothing.
        let during = PINPolicy.check(participant: Fixture.fatima, stored: stored, enteredHash: "right", at: now.addingTimeInterval(299), rules: rules)
        #expect(during.0 == .locked(until: now.addingTimeInterval(300)))
        #expect(during.1 == nil)
        let after = PINPolicy.check(participant: Fixture.fatima, stored: stored, enteredHash: "right", at: now.addingTimeInterval(300), rules: rules)
        #expect(after.0 == .accepted(Fixture.fatima))
        #expect(after.1 == StoredPIN(hash: "right"))
    }

    @Test("participants and people without a PIN are not let in")
    func notAllowed() {
        #expect(PINPolicy.check(participant: Fixture.lena, stored: StoredPIN(hash: "x"), enteredHash: "x", at: now, rules: rules).0 == .notAllowed)
        #expect(PINPolicy.check(participant: Fixture.fatima, stored: nil, enteredHash: "x", at: now, rules: rules).0 == .notAllowed)
    }

    @Test("from a facilitator's result: [1], four presses, PIN checked, menu")
    func enterMenu() {
        let wording = KioskWording(timeZone: TimeZone(identifier: "UTC")!)
        let result = wording.report(ScanOutcome.checkIn(Fixture.fatima, Fixture.circle, .onTime))
        var state = KioskState(screen: .result(result), shownAt: now)
        var effects: [KioskEffect] = []
        for button in [KioskButton.up, .up, .down, .select, .back] {
            (state, effects) = KioskMachine.handle(.button(button), in: state, at: now)
        }
        #expect(effects == [.checkPIN(Fixture.fatima, ButtonPIN("1234")!)])
        (state, effects) = KioskMachine.handle(.pinChecked(.accepted(Fixture.fatima)), in: state, at: now)
        #expect(state.screen == .menu(facilitator: Fixture.fatima, selected: 0))
        // A participant's result never opens the PIN screen.
        let lena = KioskState(screen: .result(wording.report(ScanOutcome.checkIn(Fixture.lena, Fixture.circle, .onTime))), shownAt: now)
        #expect(KioskMachine.handle(.button(.up), in: lena, at: now).0.screen == .idle)
    }

    @Test("a wrong PIN shows how many tries are left")
    func wrongPIN() {
        let state = KioskState(screen: .pinEntry(facilitator: Fixture.fatima, digits: [1, 1, 1, 1]), shownAt: now)
        let (next, effects) = KioskMachine.handle(.pinChecked(.wrong(attemptsLeft: 2)), in: state, at: now)
        guard case .result(let report) = next.screen else { Issue.record("no result"); return }
        #expect(report.message == "✗ Wrong PIN — 2 tries left")
        #expect(effects == [.signal(.error)])
        #expect(KioskMachine.handle(.button(.up), in: next, at: now).0.screen == .idle, "a refused PIN does not offer the PIN again at once")
    }

    @Test("check someone in: the missing members load, select asks for a manual check-in by the facilitator")
    func manualCheckIn() {
        var state = KioskState(screen: .menu(facilitator: Fixture.fatima, selected: 0), shownAt: now)
        var effects: [KioskEffect] = []
        (state, effects) = KioskMachine.handle(.button(.down), in: state, at: now)
        (state, effects) = KioskMachine.handle(.button(.select), in: state, at: now)
        #expect(effects == [.loadTallies])
        let tally = SessionTally(session: Fixture.circle, expected: [Fixture.lena, Fixture.omar], attendances: [
            (Fixture.lena, Fixture.attendance(Fixture.lena, Fixture.circle, at: 0)),
        ])
        (state, effects) = KioskMachine.handle(.tallies([tally]), in: state, at: now)
        #expect(state.screen == .pickAttendee(facilitator: Fixture.fatima, action: .checkIn, choices: [RosterChoice(participant: Fixture.omar, session: Fixture.circle)], selected: 0))
        (state, effects) = KioskMachine.handle(.button(.select), in: state, at: now)
        #expect(effects == [.manualCheckIn(participantID: "E005", sessionID: "S-CIRCLE", actorID: "F001")])
        let done = OutcomeReport(code: "manual_check_in", verdict: .done, message: "✓ Omar Haddad checked in to Peer Circle A")
        (state, effects) = KioskMachine.handle(.outcome(done, badge: []), in: state, at: now)
        #expect(state.screen == .facilitatorResult(facilitator: Fixture.fatima, report: done))
        #expect(KioskMachine.handle(.button(.back), in: state, at: now).0.screen == .menu(facilitator: Fixture.fatima, selected: 0))
    }

    @Test("undo lists those still in; leave and inactivity end facilitator mode")
    func undoAndLeave() {
        var state = KioskState(screen: .pickAttendee(facilitator: Fixture.fatima, action: .undo, choices: [], selected: 0), shownAt: now)
        let tally = SessionTally(session: Fixture.circle, expected: [], attendances: [
            (Fixture.lena, Fixture.attendance(Fixture.lena, Fixture.circle, at: 0)),
            (Fixture.omar, Fixture.attendance(Fixture.omar, Fixture.circle, at: 0, out: 20)),
        ])
        state = KioskMachine.handle(.tallies([tally]), in: state, at: now).0
        let (_, effects) = KioskMachine.handle(.button(.select), in: state, at: now)
        #expect(effects == [.undoCheckIn(participantID: "E004", sessionID: "S-CIRCLE", actorID: "F001")])
        let menu = KioskState(screen: .menu(facilitator: Fixture.fatima, selected: FacilitatorAction.leave.rawValue), shownAt: now)
        #expect(KioskMachine.handle(.button(.select), in: menu, at: now).0.screen == .idle)
        #expect(KioskMachine.handle(.tick, in: menu, at: now.addingTimeInterval(60)).0.screen == .idle)
        #expect(KioskMachine.handle(.tick, in: menu, at: now.addingTimeInterval(59)).0.screen == menu.screen)
    }
}

@Suite("Facilitator: link a badge, ad-hoc and closed sessions")
struct FacilitatorSessionTests {
    let now = Fixture.at(1)
    let unknown: [UInt8] = Array("999999".utf8)

    @Test("an unknown badge is remembered and can be linked to someone from the roster")
    func linkBadge() {
        let wording = KioskWording(timeZone: TimeZone(identifier: "UTC")!)
        var state = KioskMachine.handle(.outcome(wording.report(ScanOutcome.unknownBadge), badge: unknown), in: KioskState(shownAt: now), at: now).0
        #expect(state.unknownBadge == unknown)
        state = state.showing(.menu(facilitator: Fixture.fatima, selected: FacilitatorAction.linkBadge.rawValue), at: now)
        var effects: [KioskEffect]
        (state, effects) = KioskMachine.handle(.button(.select), in: state, at: now)
        #expect(effects == [.loadRoster])
        (state, effects) = KioskMachine.handle(.roster([Fixture.lena, Fixture.omar]), in: state, at: now)
        (state, effects) = KioskMachine.handle(.button(.down), in: state, at: now)
        (state, effects) = KioskMachine.handle(.button(.select), in: state, at: now)
        #expect(effects == [.linkBadge(badge: unknown, participantID: "E005", actorID: "F001")])
        #expect(state.unknownBadge == nil)
    }

    @Test("with no unknown badge scanned, linking says so")
    func nothingToLink() {
        let menu = KioskState(screen: .menu(facilitator: Fixture.fatima, selected: FacilitatorAction.linkBadge.rawValue), shownAt: now)
        let (state, effects) = KioskMachine.handle(.button(.select), in: menu, at: now)
        #expect(effects.isEmpty)
        guard case .facilitatorResult(_, let report) = state.screen else { Issue.record("no result"); return }
        #expect(report.message.hasPrefix("✗ No unknown badge to link"))
    }

    @Test("ad-hoc session and closing a session are effects with the facilitator as actor")
    func sessions() {
        let adHoc = KioskState(screen: .menu(facilitator: Fixture.fatima, selected: FacilitatorAction.adHoc.rawValue), shownAt: now)
        #expect(KioskMachine.handle(.button(.select), in: adHoc, at: now).1 == [.startAdHocSession(actorID: "F001")])
        var state = KioskState(screen: .menu(facilitator: Fixture.fatima, selected: FacilitatorAction.closeSession.rawValue), shownAt: now)
        var effects: [KioskEffect]
        (state, effects) = KioskMachine.handle(.button(.select), in: state, at: now)
        #expect(effects == [.loadTallies])
        let tallies = [Fixture.lunch, Fixture.circle].map { SessionTally(session: $0, expected: [], attendances: []) }
        (state, effects) = KioskMachine.handle(.tallies(tallies), in: state, at: now)
        (state, effects) = KioskMachine.handle(.button(.up), in: state, at: now)
        (state, effects) = KioskMachine.handle(.button(.select), in: state, at: now)
        #expect(effects == [.closeSession(sessionID: "S-CIRCLE", actorID: "F001")])
    }
}
