import Foundation
@testable import KioskCore

/// A small program around a fixed moment: a circle session at 15:00–16:00 UTC on 2026-03-02.
enum Fixture {
    static let start = Date(timeIntervalSince1970: 1_772_463_600) // 2026-03-02T15:00:00Z
    static func at(_ minutes: Double, seconds: Double = 0) -> Date { start.addingTimeInterval(minutes * 60 + seconds) }

    static let lena = Participant(id: "E004", name: "Lena Novak", role: .mentee)
    static let omar = Participant(id: "E005", name: "Omar Haddad", role: .mentee)
    static let fatima = Participant(id: "F001", name: "Fatima Okafor", role: .facilitator)
    static let retired = Participant(id: "E007", name: "Noah Fischer", role: .mentee, isActive: false)

    static let circle = Session(
        id: "S-CIRCLE", title: "Peer Circle A", kind: .group, location: "Lobby", startsAt: start,
        endsAt: at(60), groupID: "C1", facilitatorID: "F001")
    static let lunch = Session(
        id: "S-LUNCH", title: "Lunch & Learn", kind: .lunchAndLearn, location: "Lobby", startsAt: at(-5), endsAt: at(40))
    static let networking = Session(
        id: "S-NET", title: "Networking", kind: .networking, location: "Lobby", startsAt: at(-10), endsAt: at(50))
    static let otherPair = Session(
        id: "S-P9", title: "Someone else's pair", kind: .oneOnOne, location: "Lobby", startsAt: start, endsAt: at(45),
        groupID: "P9")
    static let evening = Session(
        id: "S-EVE", title: "Evening Workshop", kind: .workshop, location: "Lobby", startsAt: at(240), endsAt: at(300))

    static func attendance(_ person: Participant, _ session: Session, at minutes: Double, out: Double? = nil, kind: CheckOutKind? = nil) -> Attendance {
        Attendance(
            participantID: person.id, sessionID: session.id, status: .onTime, checkedInAt: at(minutes),
            checkedOutAt: out.map { at($0) }, checkOutKind: out == nil ? nil : (kind ?? .badge), kioskID: "k1")
    }
}
