import Foundation
import Testing
@testable import KioskCore

@Suite("Projection, tally and attendance report")
struct DerivedViewsTests {
    func event(_ sequence: Int64, _ kind: KioskEventKind, _ person: Participant?, _ session: Session, at minutes: Double, details: EventDetails = EventDetails()) -> RecordedEvent {
        RecordedEvent(
            sequence: sequence,
            draft: EventDraft(
                kind: kind, participantID: person?.id, sessionID: session.id, actorID: nil,
                clock: ClockReading(wall: Fixture.at(minutes), isTrusted: minutes < 30), details: details),
            kioskID: "k1")
    }

    @Test("replaying events yields attendance: check-in, undo, manual, check-out, auto, rating")
    func projection() {
        var projection = AttendanceProjection()
        let events = [
            event(1, .checkIn, Fixture.lena, Fixture.circle, at: 1, details: EventDetails(status: .onTime)),
            event(2, .checkIn, Fixture.omar, Fixture.circle, at: 2, details: EventDetails(status: .onTime)),
            event(3, .undo, Fixture.omar, Fixture.circle, at: 3),
            event(4, .manualCheckIn, Fixture.omar, Fixture.circle, at: 4, details: EventDetails(status: .manual)),
            event(5, .checkOut, Fixture.lena, Fixture.circle, at: 40),
            event(6, .rating, Fixture.lena, Fixture.circle, at: 41, details: EventDetails(rating: 3)),
            event(7, .rating, nil, Fixture.circle, at: 41, details: EventDetails(rating: 1)),
            event(8, .autoCheckOut, Fixture.omar, Fixture.circle, at: 65, details: EventDetails(effectiveAt: Fixture.at(60))),
            event(9, .checkIn, Fixture.lena, Fixture.circle, at: 62, details: EventDetails(status: .late)),
        ]
        events.forEach { projection.apply($0) }
        let lena = projection.attendances[.init(participantID: "E004", sessionID: "S-CIRCLE")]
        #expect(lena?.status == .onTime)
        #expect(lena?.checkedInAt == Fixture.at(1))
        #expect(lena?.checkedOutAt == Fixture.at(40))
        #expect(lena?.checkOutKind == .badge)
        #expect(lena?.rating == 3)
        #expect(lena?.clockTrusted == false)
        let omar = projection.attendances[.init(participantID: "E005", sessionID: "S-CIRCLE")]
        #expect(omar?.status == .manual)
        #expect(omar?.checkedOutAt == Fixture.at(60))
        #expect(omar?.checkOutKind == .auto)
        #expect(omar?.rating == nil)
        #expect(projection.attendances.count == 2)
    }

    @Test("tally: present, expected, late and missing")
    func tally() {
        var late = Fixture.attendance(Fixture.omar, Fixture.circle, at: 10)
        late.status = .late
        let tally = SessionTally(
            session: Fixture.circle, expected: [Fixture.lena, Fixture.omar, Fixture.retired],
            attendances: [(Fixture.omar, late), (Fixture.lena, Fixture.attendance(Fixture.lena, Fixture.circle, at: 1, out: 30))])
        #expect(tally.present.map(\.participant) == [Fixture.lena, Fixture.omar])
        #expect(tally.missing.map(\.participant) == [Fixture.retired])
        #expect(tally.expectedCount == 3)
        #expect(tally.late.map(\.participant) == [Fixture.omar])
        #expect(tally.checkedOut.map(\.participant) == [Fixture.lena])
        let open = SessionTally(session: Fixture.lunch, expected: [], attendances: [(Fixture.omar, late)])
        #expect(open.expectedCount == 1)
    }

    @Test("report rows: expected members absent after the end, pending before; guests included; future skipped")
    func report() {
        let group = MentoringGroup(id: "C1", name: "Circle", kind: .circle, members: [
            GroupMember(participantID: "E004", role: .mentee), GroupMember(participantID: "E005", role: .mentee),
        ])
        let participants = Dictionary(uniqueKeysWithValues: [Fixture.lena, Fixture.omar, Fixture.fatima].map { ($0.id, $0) })
        let attendances = [
            Fixture.attendance(Fixture.lena, Fixture.circle, at: 1, out: 30),
            Fixture.attendance(Fixture.fatima, Fixture.circle, at: -2),
        ]
        let during = AttendanceReport.rows(
            sessions: [Fixture.circle, Fixture.evening], groups: ["C1": group], participants: participants,
            attendances: attendances, now: Fixture.at(30), timeZone: .gmt)
        #expect(during.map(\.participantID) == ["E004", "E005", "F001"])
        #expect(during.map(\.status) == [.onTime, .pending, .onTime])
        #expect(during.map(\.expected) == [true, true, false])
        #expect(during[0].durationSeconds == 29 * 60)
        #expect(during[0].memberRole == .mentee)
        let after = AttendanceReport.rows(
            sessions: [Fixture.circle], groups: ["C1": group], participants: participants, attendances: attendances, now: Fixture.at(61), timeZone: .gmt)
        #expect(after.map(\.status) == [.onTime, .absent, .onTime])
    }
}

@Suite("Tally wording")
struct TallyWordingTests {
    @Test("guests are counted apart from expected members")
    func presence() {
        let tally = SessionTally(session: Fixture.circle, expected: [Fixture.lena, Fixture.omar], attendances: [
            (Fixture.lena, Fixture.attendance(Fixture.lena, Fixture.circle, at: 0)),
            (Fixture.fatima, Fixture.attendance(Fixture.fatima, Fixture.circle, at: 1)),
        ])
        #expect(tally.presence == "1 of 2 expected + 1 guest")
        #expect(SessionTally(session: Fixture.lunch, expected: [], attendances: [(Fixture.omar, Fixture.attendance(Fixture.omar, Fixture.lunch, at: 0))]).presence == "1 of 1 expected")
    }
}
