import Foundation

/// The fixed words of the kiosk's screens: banners, footers, titles and labels. One case per
/// phrase so that `ScreenPhrases.text(_:)` is a switch the compiler checks is complete.
public enum ScreenText: String, Sendable, CaseIterable {
    // Result banners (big letters) for each kind of outcome.
    case welcome, late, thankYou, goodbye, alreadyOut, unknown, notABadge, noSession, cancelled, inactive, notOpen, error, done, sorry
    case chooseBanner, checkOutBanner, oneMoreBanner, pinBanner, tapBadgeBanner
    case tapBadgeLine, noSessionOpen, clockSynchronised, clockNotSynchronised
    case resultKeys, resultKeysFacilitator, facilitatorResultKeys
    case chooseKeys, offerLeaving, offerKeys, offerFacilitatorKey, ratingKeys, questionKeysSkip, questionKeys, pressOneButton
    case you, yourSession
    // The facilitator's screens.
    case facilitator, pinKeys, menuKeys, tallyTitle, noSessionOpenNow, backKey, tallyKeys, missing, excused, atRisk, pairsNeedingAttention
    case statusTitle, statusKeys
    case pickCheckIn, pickCheckInEmpty, pickCheckInVerb, pickUndo, pickUndoEmpty, pickUndoVerb, pickExcuse, pickExcuseEmpty, pickExcuseVerb
    case pickBadge, pickBadgeEmpty, pickBadgeVerb, pickClose, pickCloseEmpty, pickCloseVerb, pickCancel, pickCancelEmpty, pickCancelVerb
    case enlargeTerminal
}

/// A session's tally in numbers, for a phrasebook to put in words.
public struct TallyCounts: Sendable, Equatable {
    public var present: Int
    public var expected: Int
    public var guests: Int
    public var excused: Int
    public var late: Int
    public var checkedOut: Int

    public init(present: Int, expected: Int, guests: Int, excused: Int, late: Int, checkedOut: Int) {
        self.present = present
        self.expected = expected
        self.guests = guests
        self.excused = excused
        self.late = late
        self.checkedOut = checkedOut
    }
}

/// The kiosk's health in a few facts, for the start screen's footer.
public struct IdleStatus: Sendable, Equatable {
    /// Where the kiosk's events stand with the hub.
    public enum Export: Sendable, Equatable {
        /// Never enrolled, or never tried: the kiosk works alone.
        case offline
        case allAtHub
        case waiting(Int)
    }

    /// nil: the database could not be read.
    public var eventsStored: Int?
    public var export: Export
    /// Events the hub refused.
    public var refused: Int
    /// nil: speech off; false: on, but the last utterance failed.
    public var speechWorks: Bool?

    public init(eventsStored: Int?, export: Export = .offline, refused: Int = 0, speechWorks: Bool? = nil) {
        self.eventsStored = eventsStored
        self.export = export
        self.refused = refused
        self.speechWorks = speechWorks
    }
}

/// A facilitator's action on the kiosk that worked, for its confirmation.
public enum FacilitatorDone: Sendable, Equatable {
    case checkedIn(Participant, Session)
    case badgeLinked(Participant)
    case opened(Session)
    case closed(Session, checkedOut: Int)
    case excused(Participant, Session)
    case cancelled(Session)
    case undone(Participant, Session)
}

/// The words of the kiosk's screens in one language, besides the outcomes' own
/// (`KioskPhrasebook`): fixed texts by `ScreenText`, and the few that take a name, a time or a
/// count. Pure: names, titles and times come in already written.
public protocol ScreenPhrases: Sendable {
    func text(_ text: ScreenText) -> String
    func action(_ action: FacilitatorAction) -> String
    func status(_ status: AttendanceStatus) -> String
    func enterPIN(name: String) -> String
    /// "● Now: Peer Circle A  15:00–16:00  3/4 here".
    func openNow(title: String, times: String, present: Int, expected: Int?) -> String
    func nextSession(title: String, at: String) -> String
    func whichSession(name: String) -> String
    func youCheckedIn(name: String, title: String, at: String?) -> String
    func oneMoreQuestion(name: String) -> String
    func yourGoal(_ goal: String) -> String
    func tallyPosition(_ position: Int, of count: Int) -> String
    /// "Present 2 of 4 expected + 1 guest, 1 excused · 1 late · 0 checked out".
    func tallyCounts(_ counts: TallyCounts) -> String
    func arrivals(from: String) -> String
    /// "[1] up   [2] down   [3] VERB   [4] back".
    func pickKeys(verb: String) -> String
    // A facilitator's PIN refused, and actions' results.
    func wrongPIN(triesLeft: Int) -> String
    func pinLocked() -> String
    func noFacilitatorPIN(name: String) -> String
    func noUnknownBadge() -> String
    /// The confirmation of `done`; `when` is the opened session's end (clock) or the cancelled
    /// one's day, written by `KioskWording.confirmation`.
    func done(_ done: FacilitatorDone, when: String) -> String
    /// "12 events stored │ all at the hub │ speech on".
    func idleStatus(_ status: IdleStatus) -> String
}
