import Foundation
import Testing
@testable import KioskCore

@Suite("Check-out, auto check-out, ratings, facilitator actions")
struct AttendanceActionsTests {
    let rules = CheckInRules()

    @Test("check-out ends the most recent open attendance and measures its duration")
    func checkOut() {
        let items = [
            SessionAttendance(session: Fixture.networking, attendance: Fixture.attendance(Fixture.omar, Fixture.networking, at: -8)),
            SessionAttendance(session: Fixture.lunch, attendance: Fixture.attendance(Fixture.omar, Fixture.lunch, at: -3)),
        ]
        let outcome = CheckOutPolicy.decide(participant: Fixture.omar, attendances: items, lastBadgeActivity: Fixture.at(-3), at: Fixture.at(27), rules: rules)
        #expect(outcome == .checkOut(Fixture.omar, Fixture.lunch, checkedInAt: Fixture.at(-3), duration: 30 * 60))
    }

    @Test("check-out refusals")
    func checkOutRefusals() {
        #expect(CheckOutPolicy.decide(participant: nil, attendances: [], lastBadgeActivity: nil, at: Fixture.at(0), rules: rules) == .unknownBadge)
        #expect(CheckOutPolicy.decide(participant: Fixture.omar, attendances: [], lastBadgeActivity: nil, at: Fixture.at(0), rules: rules) == .notCheckedIn(Fixture.omar))
        let open = [SessionAttendance(session: Fixture.lunch, attendance: Fixture.attendance(Fixture.omar, Fixture.lunch, at: 0))]
        #expect(CheckOutPolicy.decide(participant: Fixture.omar, attendances: open, lastBadgeActivity: Fixture.at(0), at: Fixture.at(0, seconds: 3), rules: rules) == .duplicateScan(Fixture.omar))
    }

    @Test("auto check-out happens at the session's end, only once the session has ended")
    func autoCheckOut() {
        let open = SessionAttendance(session: Fixture.circle, attendance: Fixture.attendance(Fixture.lena, Fixture.circle, at: 1))
        let done = SessionAttendance(session: Fixture.circle, attendance: Fixture.attendance(Fixture.omar, Fixture.circle, at: 1, out: 20))
        #expect(CheckOutPolicy.dueAutoCheckOuts([open, done], at: Fixture.at(59, seconds: 59)).isEmpty)
        let due = CheckOutPolicy.dueAutoCheckOuts([open, done], at: Fixture.at(60))
        #expect(due.count == 1)
        #expect(due.first?.0 == open)
        #expect(due.first?.at == Fixture.at(60))
        var closedEarly = open
        closedEarly.session.status = .closed
        #expect(CheckOutPolicy.dueAutoCheckOuts([closedEarly], at: Fixture.at(30)).first?.at == Fixture.at(30))
    }

    @Test("ratings: 1–4, once, after a badge check-out, within the window", arguments: [
        (4, 30.0, false, CheckOutKind.badge, "record"),
        (1, 30.0, false, .badge, "record"),
        (0, 30.0, false, .badge, "invalid"),
        (5, 30.0, false, .badge, "invalid"),
        (3, 30.0, true, .badge, "already"),
        (3, 30.0, false, .auto, "not_out"),
        (3, 60.0, false, .badge, "record"),
        (3, 60.0 + 1.0 / 60, false, .badge, "too_late"),
    ])
    func rating(value: Int, minutes: Double, rated: Bool, kind: CheckOutKind, expected: String) {
        var attendance = Fixture.attendance(Fixture.lena, Fixture.circle, at: 1, out: 30, kind: kind)
        attendance.hasRated = rated
        let outcome = RatingPolicy.decide(
            value: value, latest: SessionAttendance(session: Fixture.circle, attendance: attendance), at: Fixture.at(minutes),
            rules: rules, anonymous: false)
        let name: String = switch outcome {
        case .record: "record"
        case .invalidValue: "invalid"
        case .alreadyRated: "already"
        case .notCheckedOut: "not_out"
        case .tooLate: "too_late"
        }
        #expect(name == expected)
    }

    @Test("anonymous ratings are decided as anonymous")
    func anonymousRating() {
        let attendance = Fixture.attendance(Fixture.lena, Fixture.circle, at: 1, out: 30)
        let outcome = RatingPolicy.decide(
            value: 2, latest: SessionAttendance(session: Fixture.circle, attendance: attendance), at: Fixture.at(31), rules: rules, anonymous: true)
        #expect(outcome == .record(sessionID: "S-CIRCLE", value: 2, anonymous: true))
        #expect(RatingPolicy.decide(value: 2, latest: nil, at: Fixture.at(31), rules: rules, anonymous: true) == .notCheckedOut)
    }

    @Test("only active facilitators and admins supervise")
    func authorize() throws {
        #expect(throws: SupervisionRefusal.actorUnknown("X")) { try SupervisionPolicy.authorize(actor: nil, actorID: "X") }
        #expect(throws: SupervisionRefusal.actorNotAllowed(Fixture.lena)) { try SupervisionPolicy.authorize(actor: Fixture.lena, actorID: "E004") }
        #expect(try SupervisionPolicy.authorize(actor: Fixture.fatima, actorID: "F001") == Fixture.fatima)
        var admin = Fixture.fatima
        admin.role = .admin
        #expect(try SupervisionPolicy.authorize(actor: admin, actorID: "F001") == admin)
        admin.isActive = false
        #expect(throws: SupervisionRefusal.actorNotAllowed(admin)) { try SupervisionPolicy.authorize(actor: admin, actorID: "F001") }
    }

    @Test("manual check-in only while the session is open, and not twice")
    func manual() throws {
        try SupervisionPolicy.manualCheckIn(participant: Fixture.omar, session: Fixture.circle, existing: nil, at: Fixture.at(-15), rules: rules)
        #expect(throws: SupervisionRefusal.sessionNotOpen(Fixture.circle)) {
            try SupervisionPolicy.manualCheckIn(participant: Fixture.omar, session: Fixture.circle, existing: nil, at: Fixture.at(60), rules: rules)
        }
        let existing = Fixture.attendance(Fixture.omar, Fixture.circle, at: 2)
        #expect(throws: SupervisionRefusal.alreadyCheckedIn(Fixture.omar, Fixture.circle, at: Fixture.at(2))) {
            try SupervisionPolicy.manualCheckIn(participant: Fixture.omar, session: Fixture.circle, existing: existing, at: Fixture.at(3), rules: rules)
        }
        #expect(throws: SupervisionRefusal.participantInactive(Fixture.retired)) {
            try SupervisionPolicy.manualCheckIn(participant: Fixture.retired, session: Fixture.circle, existing: nil, at: Fixture.at(3), rules: rules)
        }
    }

    @Test("undo needs a check-in to undo")
    func undo() throws {
        #expect(throws: SupervisionRefusal.notCheckedIn(Fixture.omar, Fixture.circle)) {
            try SupervisionPolicy.undo(participant: Fixture.omar, session: Fixture.circle, existing: nil)
        }
        let existing = Fixture.attendance(Fixture.omar, Fixture.circle, at: 2)
        #expect(try SupervisionPolicy.undo(participant: Fixture.omar, session: Fixture.circle, existing: existing) == existing)
    }
}
