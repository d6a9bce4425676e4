import Foundation
import Testing
@testable import HubServer

@Suite("Pacing a kiosk's history reads")
struct KioskHistoryThrottleTests {
    @Test("a kiosk reads a whole history at once, then a page every 6 seconds; each kiosk alone; an enrollment starts afresh")
    func pacing() async {
        let throttle = KioskHistoryThrottle()
        let start = Date(timeIntervalSince1970: 1_772_409_600.25)
        #expect(KioskHistoryThrottle.burst == 110, "100 full pages of the most a kiosk takes back, and 10 to spare")
        for _ in 0..<110 { #expect(await throttle.wait(kioskID: "lobby-1", at: start) == nil) }
        #expect(await throttle.wait(kioskID: "lobby-1", at: start) == 6)
        #expect(await throttle.wait(kioskID: "lobby-1", at: start.addingTimeInterval(4.5)) == 2)
        #expect(await throttle.wait(kioskID: "lobby-1", at: start.addingTimeInterval(6)) == nil, "waiting as told is enough")
        #expect(await throttle.wait(kioskID: "lobby-1", at: start.addingTimeInterval(6)) == 6)
        #expect(await throttle.wait(kioskID: "lab-1", at: start) == nil)
        // A clock set back earns nothing.
        #expect(await throttle.wait(kioskID: "lobby-1", at: start.addingTimeInterval(-3_600)) == 3_612)
        // A day later the whole history is there again, and no more.
        let later = start.addingTimeInterval(86_400)
        for _ in 0..<110 { #expect(await throttle.wait(kioskID: "lobby-1", at: later) == nil) }
        #expect(await throttle.wait(kioskID: "lobby-1", at: later) == 6)
        await throttle.enrolled(kioskID: "lobby-1")
        #expect(await throttle.wait(kioskID: "lobby-1", at: later) == nil)
    }
}
