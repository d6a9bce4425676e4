import Foundation

extension EnglishPhrases {
    public func text(_ text: ScreenText) -> String {
        switch text {
        case .welcome: "WELCOME"
        case .late: "LATE"
        case .thankYou: "THANK YOU"
        case .goodbye: "GOODBYE"
        case .alreadyOut: "ALREADY OUT"
        case .unknown: "UNKNOWN"
        case .notABadge: "NOT A BADGE"
        case .noSession: "NO SESSION"
        case .cancelled: "CANCELLED"
        case .inactive: "INACTIVE"
        case .notOpen: "NOT OPEN"
        case .error: "ERROR"
        case .done: "DONE"
        case .sorry: "SORRY"
        case .chooseBanner: "CHOOSE"
        case .checkOutBanner: "CHECK OUT?"
        case .oneMoreBanner: "ONE MORE"
        case .pinBanner: "PIN"
        case .tapBadgeBanner: "TAP BADGE"
        case .tapBadgeLine: "▶ Tap your badge to check in or out ◀"
        case .noSessionOpen: "No session is open right now"
        case .clockSynchronised: "clock ✓ synchronised"
        case .clockNotSynchronised: "clock ✗ NOT synchronised"
        case .resultKeys: "Any button returns to the start screen; it also returns by itself."
        case .resultKeysFacilitator: "[1] facilitator menu · other buttons: start screen"
        case .facilitatorResultKeys: "Any button returns to the facilitator menu."
        case .chooseKeys: "[1] up   [2] down   [3] check in here   [4] cancel"
        case .offerLeaving: "Leaving? Press [3] to check out."
        case .offerKeys: "[3] check out   [4] stay checked in"
        case .offerFacilitatorKey: "   [1] facilitator menu"
        case .ratingKeys: "No rating? The screen closes by itself."
        case .questionKeysSkip: "[4] skip · no answer? The screen closes by itself in a few seconds."
        case .questionKeys: "No answer? The screen closes by itself in a few seconds."
        case .pressOneButton: "Press one button:"
        case .you: "You"
        case .yourSession: "your session"
        case .facilitator: "FACILITATOR"
        case .pinKeys: "Four presses. Leaves by itself if nobody presses."
        case .menuKeys: "[1] up   [2] down   [3] choose   [4] leave"
        case .tallyTitle: "Tally"
        case .noSessionOpenNow: "No session is open right now."
        case .backKey: "[4] back"
        case .tallyKeys: "[1] [2] other session   [3] refresh   [4] back"
        case .missing: "missing"
        case .excused: "excused"
        case .atRisk: "At risk:"
        case .pairsNeedingAttention: "Pairs needing attention:"
        case .statusTitle: "Kiosk status"
        case .statusKeys: "Any button returns to the menu"
        case .pickCheckIn: "Check someone in"
        case .pickCheckInEmpty: "Everyone expected is here."
        case .pickCheckInVerb: "check in"
        case .pickUndo: "Undo a check-in"
        case .pickUndoEmpty: "Nobody is checked in."
        case .pickUndoVerb: "undo"
        case .pickExcuse: "Excuse someone missing"
        case .pickExcuseEmpty: "Nobody expected is missing."
        case .pickExcuseVerb: "excuse"
        case .pickBadge: "Whose badge is it?"
        case .pickBadgeEmpty: "The roster is empty."
        case .pickBadgeVerb: "link the badge"
        case .pickClose: "Close a session now"
        case .pickCloseEmpty: "No session is open."
        case .pickCloseVerb: "close it"
        case .pickCancel: "Cancel a session"
        case .pickCancelEmpty: "No session here is still to start."
        case .pickCancelVerb: "cancel it"
        case .enlargeTerminal: "Enlarge the terminal to at least 80×24"
        }
    }

    public func action(_ action: FacilitatorAction) -> String {
        switch action {
        case .tally: "Tally of open sessions"
        case .checkIn: "Check someone in (forgot badge)"
        case .excuse: "Excuse someone missing (apologies)"
        case .undo: "Undo a check-in"
        case .linkBadge: "Link the last unknown badge"
        case .adHoc: "Start an ad-hoc session (1 hour)"
        case .closeSession: "Close a session now"
        case .cancelSession: "Cancel a session not yet started"
        case .status: "Kiosk status"
        case .leave: "Leave facilitator mode"
        }
    }

    public func status(_ status: AttendanceStatus) -> String {
        switch status {
        case .onTime: "on time"
        case .late: "late"
        case .manual: "manual"
        }
    }

    public func enterPIN(name: String) -> String { "\(name), enter your PIN with the buttons 1–4" }
    public func openNow(title: String, times: String, present: Int, expected: Int?) -> String {
        "● Now: \(title)  \(times)  \(expected.map { "\(present)/\($0)" } ?? "\(present)") here"
    }
    public func nextSession(title: String, at: String) -> String { "Next: \(title) at \(at)" }
    public func whichSession(name: String) -> String { "? \(name), several sessions are open. Which one are you here for?" }
    public func youCheckedIn(name: String, title: String, at: String?) -> String {
        "• \(name), you checked in to \(title)\(at.map { " at \($0)" } ?? "")."
    }
    public func oneMoreQuestion(name: String) -> String { "\(name), one more question, just for the program office:" }
    public func yourGoal(_ goal: String) -> String { "Your goal: \(goal)" }
    public func tallyPosition(_ position: Int, of count: Int) -> String { "(\(position) of \(count))" }
    public func tallyCounts(_ counts: TallyCounts) -> String {
        "Present \(Self.presence(counts)) · \(counts.late) late · \(counts.checkedOut) checked out"
    }

    /// "2 of 4 expected + 1 guest", "2 of 3 expected, 1 excused" (also the command line's tally).
    static func presence(_ counts: TallyCounts) -> String {
        "\(counts.present) of \(counts.expected) expected" + (counts.guests > 0 ? " + \(counts.guests) guest\(counts.guests == 1 ? "" : "s")" : "")
            + (counts.excused > 0 ? ", \(counts.excused) excused" : "")
    }
    public func arrivals(from: String) -> String { "Arrivals from \(from), 5 min steps:" }
    public func pickKeys(verb: String) -> String { "[1] up   [2] down   [3] \(verb)   [4] back" }
    public func wrongPIN(triesLeft: Int) -> String { "✗ Wrong PIN — \(triesLeft) \(triesLeft == 1 ? "try" : "tries") left" }
    public func pinLocked() -> String { "✗ Too many wrong PINs — facilitator mode is locked for a few minutes" }
    public func noFacilitatorPIN(name: String) -> String { "✗ \(name) has no facilitator PIN on this kiosk" }
    public func noUnknownBadge() -> String { "✗ No unknown badge to link: scan it first, then open this menu again" }
    public func idleStatus(_ status: IdleStatus) -> String {
        guard let events = status.eventsStored else { return "database unavailable — check-ins cannot be recorded" }
        let export = switch status.export {
        case .offline: "no hub: working offline"
        case .allAtHub: "all at the hub"
        case .waiting(let count): "\(count) waiting for the hub"
        }
        let refused = status.refused > 0 ? ", ✗ \(status.refused) refused by the hub" : ""
        let speech = status.speechWorks.map { $0 ? " │ speech on" : " │ speech ✗ see status" } ?? ""
        return "\(events) events stored │ \(export)\(refused)\(speech)"
    }

    public func done(_ done: FacilitatorDone, when: String) -> String {
        switch done {
        case .checkedIn(let person, let session): "\(person.name) checked in to \(session.title)"
        case .badgeLinked(let person): "\(person.name) now has this badge"
        case .opened(let session): "\(session.title) is open until \(when)"
        case .closed(let session, let checkedOut): "\(session.title) is closed; \(checkedOut) checked out"
        case .excused(let person, let session): "\(person.name) is excused from \(session.title)"
        case .cancelled(let session): "\(session.title) on \(when) is cancelled"
        case .undone(let person, let session): "\(person.name) is no longer checked in to \(session.title)"
        }
    }
}
