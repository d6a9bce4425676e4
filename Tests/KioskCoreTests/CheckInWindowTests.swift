import Foundation
import Testing
@testable import KioskCore

@Suite("Check-in window: every boundary")
struct CheckInWindowTests {
    /// (seconds relative to a 15:00–16:00 session's start, expected phase)
    static let boundaries: [(Double, String)] = [
        (-15 * 60 - 1, "not_yet_open"),   // 14:44:59
        (-15 * 60, "on_time"),            // 14:45:00 opens
        (-60, "on_time"),
        (0, "on_time"),                   // 15:00 start
        (5 * 60, "on_time"),              // 15:05:00 still on time
        (5 * 60 + 1, "late"),             // 15:05:01 late
        (30 * 60, "late"),
        (60 * 60 - 1, "late"),            // 15:59:59
        (60 * 60, "closed"),              // 16:00 end
        (3 * 60 * 60, "closed"),
    ]

    @Test("phase at each boundary", arguments: boundaries)
    func phase(offset: Double, expected: String) {
        let phase = Fixture.circle.phase(at: Fixture.start.addingTimeInterval(offset), rules: CheckInRules())
        #expect(Self.name(phase) == expected)
    }

    @Test("configured window and grace move the boundaries")
    func configuredRules() {
        let rules = CheckInRules(opensBefore: 30 * 60, onTimeGrace: 0)
        #expect(Self.name(Fixture.circle.phase(at: Fixture.at(-30), rules: rules)) == "on_time")
        #expect(Self.name(Fixture.circle.phase(at: Fixture.at(-30, seconds: -1), rules: rules)) == "not_yet_open")
        #expect(Self.name(Fixture.circle.phase(at: Fixture.at(0), rules: rules)) == "on_time")
        #expect(Self.name(Fixture.circle.phase(at: Fixture.at(0, seconds: 1), rules: rules)) == "late")
    }

    @Test("closed and cancelled sessions take no check-ins", arguments: [SessionStatus.closed, .cancelled])
    func notScheduled(status: SessionStatus) {
        var session = Fixture.circle
        session.status = status
        #expect(session.phase(at: Fixture.at(1), rules: CheckInRules()) == .closed)
    }

    @Test("not yet open reports when it opens")
    func opensAt() {
        #expect(Fixture.circle.phase(at: Fixture.at(-20), rules: CheckInRules()) == .notYetOpen(opensAt: Fixture.at(-15)))
    }

    static func name(_ phase: WindowPhase) -> String {
        switch phase {
        case .notYetOpen: "not_yet_open"
        case .onTime: "on_time"
        case .late: "late"
        case .closed: "closed"
        }
    }
}
