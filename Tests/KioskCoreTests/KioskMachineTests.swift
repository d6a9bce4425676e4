import Foundation
import Testing
@testable import KioskCore

@Suite("Kiosk state machine")
struct KioskMachineTests {
    let wording = KioskWording(timeZone: TimeZone(identifier: "UTC")!)
    let badge: [UInt8] = Array("200004".utf8)
    let t0 = Fixture.at(1)

    func run(_ inputs: [KioskInput], from screen: KioskScreen = .idle) -> (KioskState, [[KioskEffect]]) {
        var state = KioskState(screen: screen, shownAt: t0)
        var effects: [[KioskEffect]] = []
        for (offset, input) in inputs.enumerated() {
            let result = KioskMachine.handle(input, in: state, at: t0.addingTimeInterval(Double(offset)))
            state = result.0
            effects.append(result.1)
        }
        return (state, effects)
    }

    @Test("a badge asks for a scan; the answer shows with its signal")
    func checkIn() {
        let report = wording.report(ScanOutcome.checkIn(Fixture.lena, Fixture.circle, .late))
        let (state, effects) = run([.badge(badge), .outcome(report, badge: badge)])
        #expect(effects[0] == [.scan(badge: badge, chosenSessionID: nil)])
        #expect(effects[1] == [.signal(.late)])
        #expect(state.screen == .result(report))
    }

    @Test("every screen returns to idle by itself", arguments: [
        (KioskScreen.result(OutcomeReport(code: "x", verdict: .done, message: "")), 5.0),
        (.offerCheckOut(badge: [], report: OutcomeReport(code: "x", verdict: .done, message: "")), 10.0),
        (.rating(badge: [], report: OutcomeReport(code: "x", verdict: .done, message: "")), 15.0),
        (.chooseSession(badge: [], participant: Fixture.lena, choices: [Fixture.circle], selected: 0), 20.0),
    ])
    func timeouts(screen: KioskScreen, seconds: Double) {
        let state = KioskState(screen: screen, shownAt: t0)
        #expect(KioskMachine.handle(.tick, in: state, at: t0.addingTimeInterval(seconds - 0.001)).0.screen == screen)
        #expect(KioskMachine.handle(.tick, in: state, at: t0.addingTimeInterval(seconds)).0.screen == .idle)
    }

    @Test("choose a session with the buttons, wrapping around; back cancels")
    func choose() {
        let report = wording.report(ScanOutcome.chooseSession(Fixture.omar, [Fixture.networking, Fixture.lunch]))
        let (state, effects) = run([.outcome(report, badge: badge), .button(.up), .button(.select)])
        #expect(effects[2] == [.scan(badge: badge, chosenSessionID: "S-LUNCH")])
        guard case .chooseSession(_, _, _, let selected) = state.screen else { Issue.record("left the choice"); return }
        #expect(selected == 1)
        #expect(run([.outcome(report, badge: badge), .button(.back)]).0.screen == .idle)
    }

    @Test("second tap offers check-out; checking out leads to rating; one button rates")
    func checkOutAndRate() {
        let already = wording.report(ScanOutcome.alreadyCheckedIn(Fixture.lena, Fixture.circle, at: t0))
        let out = wording.report(CheckOutOutcome.checkOut(Fixture.lena, Fixture.circle, checkedInAt: t0, duration: 600))
        let (state, effects) = run([.outcome(already, badge: badge), .button(.select), .outcome(out, badge: badge), .button(.down)])
        #expect(effects[0] == [.signal(.already)])
        #expect(effects[1] == [.checkOut(badge: badge)])
        #expect(effects[3] == [.rate(badge: badge, value: 2)])
        #expect(state.screen == .rating(badge: badge, report: out))
        #expect(run([.outcome(already, badge: badge), .button(.back)]).0.screen == .idle)
    }

    @Test("a duplicate scan changes nothing; errors signal error; any button leaves a result")
    func others() {
        let welcome = wording.report(ScanOutcome.checkIn(Fixture.lena, Fixture.circle, .onTime))
        let duplicate = wording.report(ScanOutcome.duplicateScan(Fixture.lena))
        let (state, effects) = run([.outcome(welcome, badge: badge), .outcome(duplicate, badge: badge)])
        #expect(state.screen == .result(welcome))
        #expect(effects[1].isEmpty)
        let unknown = run([.outcome(wording.report(ScanOutcome.unknownBadge), badge: badge), .button(.select)])
        #expect(unknown.1[0] == [.signal(.error)])
        #expect(unknown.0.screen == .idle)
        #expect(run([.button(.select)]).1[0].isEmpty)
    }
}
