import Foundation
@testable import KioskCore
import KioskTUI

/// Fixed states and surroundings for screen snapshots: 2026-03-02 15:01 UTC at Main Lobby.
enum ScreenFixtures {
    static let now = Date(timeIntervalSince1970: 1_772_463_660)
    static let wording = KioskWording(timeZone: TimeZone(identifier: "UTC")!)
    static let screens = KioskScreens(wording: wording)
    static let lena = Participant(id: "E004", name: "Lena Novak", role: .mentee)
    static let circle = Session(
        id: "S-CIRCLE", title: "Peer Circle A", kind: .group, location: "Main Lobby",
        startsAt: Date(timeIntervalSince1970: 1_772_463_480), endsAt: Date(timeIntervalSince1970: 1_772_467_080), groupID: "C1")
    static let networking = Session(
        id: "S-NETWORK", title: "Networking Hour", kind: .networking, location: "Main Lobby",
        startsAt: Date(timeIntervalSince1970: 1_772_463_000), endsAt: Date(timeIntervalSince1970: 1_772_466_600))

    static let fatima = Participant(id: "F001", name: "Fatima Okafor", role: .facilitator)
    static let omar = Participant(id: "E005", name: "Omar Haddad", role: .mentee)
    static let tally = {
        var tally = SessionTally(session: circle, expected: [lena, omar], attendances: [
            (lena, Attendance(participantID: "E004", sessionID: "S-CIRCLE", status: .onTime, checkedInAt: now, kioskID: "k1")),
            (fatima, Attendance(participantID: "F001", sessionID: "S-CIRCLE", status: .late, checkedInAt: now.addingTimeInterval(400), kioskID: "k1")),
        ])
        tally.atRisk = [.init(participantID: "E005", name: "Omar Haddad", reason: "missed the last 2 expected sessions")]
        return tally
    }()
    /// The tally of a pair's session whose pair, and another of its people's, need attention.
    static let tallyWithPairs = {
        var tally = SessionTally(session: pairSession, expected: [maria, jonas], attendances: [
            (jonas, Attendance(participantID: "E001", sessionID: "S-PAIR1", status: .onTime, checkedInAt: now, kioskID: "k1")),
        ])
        tally.atRisk = [.init(participantID: "M001", name: "Maria García", reason: "missed the last 3 expected sessions")]
        var p1 = EngagementReport.Pair(groupID: "P1", meetings: 1, meetingsPerWeek: [1, 0, 0, 0], lastMeeting: nil, quiet: true)
        p1.health = .atRisk
        p1.reasons = ["one-sided: only one member came to the last 3 sessions (the mentee each time)", "quiet: no verified meeting in 21 days"]
        var p7 = EngagementReport.Pair(groupID: "P7", meetings: 4, meetingsPerWeek: [1, 1, 1, 1], lastMeeting: now, quiet: false)
        p7.health = .watch
        p7.reasons = ["goal falling: progress 3 → 2"]
        tally.pairsNeedingAttention = [p1, p7]
        return tally
    }()
    static let maria = Participant(id: "M001", name: "Maria García", role: .mentor)
    static let jonas = Participant(id: "E001", name: "Jonas Weber", role: .mentee)
    static let pairSession = Session(
        id: "S-PAIR1", title: "Maria & Jonas — one-on-one", kind: .oneOnOne, location: "Main Lobby", startsAt: now.addingTimeInterval(-60),
        endsAt: now.addingTimeInterval(2640), groupID: "P1")
    static func pairCheckOut(_ wording: KioskWording) -> OutcomeReport {
        var report = wording.report(CheckOutOutcome.checkOut(jonas, pairSession, checkedInAt: now, duration: 2400))
        report.questions = [.rating, .pairFit]
        return report
    }
    static func rated(_ wording: KioskWording) -> OutcomeReport {
        wording.report(RatingOutcome.record(sessionID: "S-PAIR1", value: 3, anonymous: false), participant: jonas)
    }
    static let priya = Participant(id: "E006", name: "Priya Shah", role: .mentee)
    /// A tally with a member excused (they sent apologies).
    static let tallyWithExcused = SessionTally(
        session: circle, expected: [lena, omar, priya],
        attendances: [(lena, Attendance(participantID: "E004", sessionID: "S-CIRCLE", status: .onTime, checkedInAt: now, kioskID: "k1"))],
        excused: ["E006"])
    static let cancelledPair = Session(
        id: "S-PAIR3", title: "Pair 3 check-in", kind: .oneOnOne, location: "Main Lobby", startsAt: now.addingTimeInterval(-120),
        endsAt: now.addingTimeInterval(2400), groupID: "P3", status: .cancelled)

    static let surroundings = KioskSurroundings(
        location: "Main Lobby", now: now,
        openSessions: [SessionLine(title: "Peer Circle A", startsAt: circle.startsAt, endsAt: circle.endsAt, present: 3, expected: 4)],
        nextSession: SessionLine(title: "CV Workshop", startsAt: now.addingTimeInterval(3 * 3600), endsAt: now.addingTimeInterval(4 * 3600), present: 0, expected: 0),
        clockTrusted: true, status: "hub: not configured (works offline)",
        hint: ["Demo badges: 200004 Lena · 100003 Priya · 999999 unknown", "Press s to simulate a scan"],
        statusDetails: ["Kiosk          kiosk-1 at Main Lobby", "Events stored  12", "Clock          ✓ synchronised"])

    static func state(_ screen: KioskScreen) -> KioskState { KioskState(screen: screen, shownAt: now) }

    static let states = states(wording)

    /// Every screen, its outcomes worded by `wording` (the kiosk's language).
    static func states(_ wording: KioskWording) -> [String: KioskState] {
        let pairCheckOut = pairCheckOut(wording), rated = rated(wording)
        return [
            "idle": state(.idle),
            "welcome": state(.result(wording.report(ScanOutcome.checkIn(lena, circle, .onTime)))),
            "late": state(.result(wording.report(ScanOutcome.checkIn(lena, circle, .late)))),
            "unknown": state(.result(wording.report(ScanOutcome.unknownBadge))),
            "no_session": state(.result(wording.report(ScanOutcome.noSessionNow(lena, next: circle)))),
            "session_cancelled": state(.result(wording.report(ScanOutcome.sessionCancelled(lena, cancelledPair, next: circle)))),
            "cannot_record": state(.result(wording.cannotRecord())),
            "choose": state(.chooseSession(badge: [], participant: lena, choices: [networking, circle], selected: 1)),
            "offer_checkout": state(.offerCheckOut(badge: [], report: wording.report(ScanOutcome.alreadyCheckedIn(lena, circle, at: now)))),
            "rating": state(.rating(badge: [], report: wording.report(CheckOutOutcome.checkOut(lena, circle, checkedInAt: now, duration: 2700)))),
            "facilitator_welcome": state(.result(wording.report(ScanOutcome.checkIn(fatima, circle, .onTime)))),
            "pin": state(.pinEntry(facilitator: fatima, digits: [1, 2])),
            "menu": state(.menu(facilitator: fatima, selected: 1)),
            "tally": state(.tally(facilitator: fatima, tallies: [tally], index: 0)),
            "tally_excused": state(.tally(facilitator: fatima, tallies: [tallyWithExcused], index: 0)),
            "tally_pairs": state(.tally(facilitator: fatima, tallies: [tallyWithPairs], index: 0)),
            "question_fit": state(.question(badge: [], report: pairCheckOut, question: .pairFit, thanks: rated.message)),
            "question_goal": state(.question(badge: [], report: {
                var report = pairCheckOut
                report.goal = "Finish the CV and send two applications"
                return report
            }(), question: .goalProgress, thanks: rated.message)),
            "question_mentor": state(.question(badge: [], report: pairCheckOut, question: .mentorHelpful, thanks: rated.message)),
            "answered": state(.result(wording.report(AnswerOutcome.record(sessionID: "S-PAIR1", question: .pairFit, value: 2), participant: jonas))),
            "pick_cancel": state(.pickSession(facilitator: fatima, action: .cancel, sessions: [cancelledPair, circle], selected: 0)),
            "pick_missing": state(.pickAttendee(facilitator: fatima, action: .checkIn, choices: [RosterChoice(participant: omar, session: circle)], selected: 0)),
            "status": state(.status(facilitator: fatima)),
            "facilitator_done": state(.facilitatorResult(facilitator: fatima, report: OutcomeReport(
                code: "manual_check_in", verdict: .done, message: "✓ Omar Haddad checked in to Peer Circle A"))),
        ]
    }
}
