import Foundation

/// The kiosk's four physical buttons. On the box they sit in a row labelled 1–4; in a
/// terminal the keys 1–4 (or ↑ ↓ Enter Esc) stand in for them.
public enum KioskButton: Int, Sendable, CaseIterable {
    case up = 1, down, select, back

    /// The button's label on the box, which is also its value on the rating screen.
    public var number: Int { rawValue }
}

/// The sound and light that confirm an outcome (LEDs and buzzer on the box, nothing in a terminal).
public enum KioskSignal: String, Sendable, Equatable {
    case ok, late, already, error
}

/// Something that happened to the kiosk: a scan, a button, the result of an action, time passing.
public enum KioskInput: Sendable, Equatable {
    case badge([UInt8])
    case button(KioskButton)
    /// The result of an effect, for the badge that asked for it.
    case outcome(OutcomeReport, badge: [UInt8])
    case pinChecked(PINCheck)
    /// The active roster, asked for with `loadRoster`.
    case roster([Participant])
    /// The open sessions' tallies, asked for with `loadTallies`.
    case tallies([SessionTally])
    /// This location's sessions that have not started, asked for with `loadUpcoming`.
    case upcoming([Session])
    case tick
}

/// A participant at a session, as the facilitator picks them from a list.
public struct RosterChoice: Sendable, Equatable {
    public var participant: Participant
    public var session: Session

    public init(participant: Participant, session: Session) {
        self.participant = participant
        self.session = session
    }
}

/// The facilitator menu's entries, in order.
public enum FacilitatorAction: Int, Sendable, CaseIterable {
    case tally, checkIn, excuse, undo, linkBadge, adHoc, closeSession, cancelSession, status, leave
}

/// What a facilitator does to the person they pick from an open session's list.
public enum AttendeeAction: Sendable, Equatable {
    /// Check in an expected member who is missing.
    case checkIn
    /// Undo a check-in of someone present.
    case undo
    /// Excuse an expected member who is missing.
    case excuse

    /// The menu entry that leads here (and where "back" returns).
    var menuEntry: FacilitatorAction {
        switch self {
        case .checkIn: .checkIn
        case .undo: .undo
        case .excuse: .excuse
        }
    }
}

/// What a facilitator does to the session they pick.
public enum SessionAction: Sendable, Equatable {
    /// Close an open session now.
    case close
    /// Cancel a session that has not started.
    case cancel

    var menuEntry: FacilitatorAction { self == .close ? .closeSession : .cancelSession }
}

/// What the machine asks the edges to do. The store's answers come back as `.outcome`.
public enum KioskEffect: Sendable, Equatable {
    case scan(badge: [UInt8], chosenSessionID: String?)
    case checkOut(badge: [UInt8])
    case rate(badge: [UInt8], value: Int)
    /// An answer to a check-out question after the rating.
    case answer(badge: [UInt8], question: CheckOutQuestion, value: Int)
    case signal(KioskSignal)
    case checkPIN(Participant, ButtonPIN)
    case loadTallies
    case manualCheckIn(participantID: String, sessionID: String, actorID: String)
    case undoCheckIn(participantID: String, sessionID: String, actorID: String)
    case excuse(participantID: String, sessionID: String, actorID: String)
    case loadUpcoming
    case cancelSession(sessionID: String, actorID: String)
    case loadRoster
    case linkBadge(badge: [UInt8], participantID: String, actorID: String)
    case startAdHocSession(actorID: String)
    case closeSession(sessionID: String, actorID: String)
}

/// What the participant sees.
public enum KioskScreen: Sendable, Equatable {
    case idle
    case result(OutcomeReport)
    case chooseSession(badge: [UInt8], participant: Participant, choices: [Session], selected: Int)
    /// A second tap while checked in: check out now?
    case offerCheckOut(badge: [UInt8], report: OutcomeReport)
    /// After a check-out: one button rates the session.
    case rating(badge: [UInt8], report: OutcomeReport)
    /// After the rating: one more question of the check-out (`report.questions`), one button
    /// answers it; `thanks` is what the rating's answer said.
    case question(badge: [UInt8], report: OutcomeReport, question: CheckOutQuestion, thanks: String)
    /// A facilitator or admin types their PIN with the buttons.
    case pinEntry(facilitator: Participant, digits: [Int])
    case menu(facilitator: Participant, selected: Int)
    case tally(facilitator: Participant, tallies: [SessionTally], index: Int)
    /// People of the open sessions to act on: expected members not yet here (to check in or
    /// excuse), or people checked in (to undo).
    case pickAttendee(facilitator: Participant, action: AttendeeAction, choices: [RosterChoice], selected: Int)
    case status(facilitator: Participant)
    /// Whose is the unknown badge that was just scanned?
    case pickParticipant(facilitator: Participant, badge: [UInt8], choices: [Participant], selected: Int)
    /// Which session to close (open ones) or cancel (ones not started)?
    case pickSession(facilitator: Participant, action: SessionAction, sessions: [Session], selected: Int)
    /// The result of a facilitator action; any button returns to the menu.
    case facilitatorResult(facilitator: Participant, report: OutcomeReport)

    /// The facilitator whose session this screen belongs to, if any.
    public var facilitator: Participant? {
        switch self {
        case .pinEntry(let person, _), .menu(let person, _), .tally(let person, _, _), .pickAttendee(let person, _, _, _),
             .status(let person), .facilitatorResult(let person, _), .pickParticipant(let person, _, _, _), .pickSession(let person, _, _, _):
            person
        default:
            nil
        }
    }

    /// The person this screen speaks to (in their language): the one who scanned, or the facilitator.
    public var person: Participant? {
        switch self {
        case .idle: nil
        case .result(let report), .offerCheckOut(_, let report), .rating(_, let report), .question(_, let report, _, _): report.participant
        case .chooseSession(_, let participant, _, _): participant
        default: facilitator
        }
    }
}

/// How long each screen stays before the kiosk returns to idle by itself.
public struct KioskTimeouts: Sendable, Equatable {
    public var result: TimeInterval = 5
    public var choice: TimeInterval = 20
    public var offer: TimeInterval = 10
    public var rating: TimeInterval = 15
    /// A question after the rating: short, so that the questions add little to a check-out.
    public var question: TimeInterval = 8
    /// Facilitator screens: left alone this long, the kiosk leaves facilitator mode.
    public var facilitator: TimeInterval = 60

    public init() {}

    func limit(for screen: KioskScreen) -> TimeInterval? {
        switch screen {
        case .idle: nil
        case .result: result
        case .chooseSession: choice
        case .offerCheckOut: offer
        case .rating: rating
        case .question: question
        default: facilitator
        }
    }
}

/// The participant-facing state of the kiosk.
public struct KioskState: Sendable, Equatable {
    public var screen: KioskScreen
    /// When the current screen appeared, for its timeout.
    public var shownAt: Date
    /// The last unknown badge scanned, which a facilitator may link to someone.
    public var unknownBadge: [UInt8]?

    public init(screen: KioskScreen = .idle, shownAt: Date, unknownBadge: [UInt8]? = nil) {
        self.screen = screen
        self.shownAt = shownAt
        self.unknownBadge = unknownBadge
    }

    /// The same kiosk showing another screen.
    func showing(_ screen: KioskScreen, at now: Date) -> KioskState {
        KioskState(screen: screen, shownAt: now, unknownBadge: unknownBadge)
    }
}

/// The kiosk as a state machine: state + input → state + effects. Pure; the clock is a parameter.
public enum KioskMachine {
    public static func handle(
        _ input: KioskInput, in state: KioskState, at now: Date, timeouts: KioskTimeouts = KioskTimeouts(),
        phrases: any KioskPhrasebook = EnglishPhrases()
    ) -> (KioskState, [KioskEffect]) {
        switch input {
        case .tick:
            if let limit = timeouts.limit(for: state.screen), now.timeIntervalSince(state.shownAt) >= limit {
                return (state.showing(.idle, at: now), [])
            }
            return (state, [])
        case .badge(let badge):
            return (state, [.scan(badge: badge, chosenSessionID: nil)])
        case .outcome(let report, let badge):
            if let facilitator = state.screen.facilitator {
                return (state.showing(.facilitatorResult(facilitator: facilitator, report: report), at: now),
                        [.signal(report.verdict == .done ? .ok : .error)])
            }
            return outcome(report, badge: badge, state: state, now: now)
        case .button(let button):
            return press(button, state: state, now: now, phrases: phrases)
        case .pinChecked(let check):
            return pinChecked(check, state: state, now: now, phrases: phrases)
        case .tallies(let tallies):
            return (loaded(tallies, into: state), [])
        case .upcoming(let sessions):
            guard case .pickSession(let facilitator, .cancel, _, _) = state.screen else { return (state, []) }
            return (state.showing(.pickSession(facilitator: facilitator, action: .cancel, sessions: sessions, selected: 0), at: state.shownAt), [])
        case .roster(let people):
            guard case .pickParticipant(let facilitator, let badge, _, _) = state.screen else { return (state, []) }
            return (state.showing(.pickParticipant(facilitator: facilitator, badge: badge, choices: people, selected: 0), at: state.shownAt), [])
        }
    }

    private static func pinChecked(_ check: PINCheck, state: KioskState, now: Date, phrases: any KioskPhrasebook) -> (KioskState, [KioskEffect]) {
        guard case .pinEntry(let facilitator, _) = state.screen else { return (state, []) }
        let phrases = phrases.speaking(to: facilitator)
        let refuse = { (message: String) in
            (state.showing(.result(OutcomeReport(code: "pin_refused", verdict: .refused, message: message, participant: facilitator)), at: now),
             [KioskEffect.signal(.error)])
        }
        switch check {
        case .accepted(let person):
            return (state.showing(.menu(facilitator: person, selected: 0), at: now), [.signal(.ok)])
        case .wrong(let left):
            return refuse(phrases.wrongPIN(triesLeft: left))
        case .locked:
            return refuse(phrases.pinLocked())
        case .notAllowed:
            return refuse(phrases.noFacilitatorPIN(name: facilitator.name))
        }
    }

    /// Fills the screen waiting for tallies with the lists it shows.
    private static func loaded(_ tallies: [SessionTally], into state: KioskState) -> KioskState {
        var state = state
        switch state.screen {
        case .tally(let facilitator, _, let index):
            state.screen = .tally(facilitator: facilitator, tallies: tallies, index: min(index, max(0, tallies.count - 1)))
        case .pickAttendee(let facilitator, let action, _, _):
            state.screen = .pickAttendee(facilitator: facilitator, action: action, choices: tallies.flatMap { tally in
                let lines = action == .undo ? tally.present.filter { $0.attendance?.isCheckedOut == false } : tally.missing
                return lines.map { RosterChoice(participant: $0.participant, session: tally.session) }
            }, selected: 0)
        case .pickSession(let facilitator, .close, _, _):
            state.screen = .pickSession(facilitator: facilitator, action: .close, sessions: tallies.map(\.session), selected: 0)
        default:
            break
        }
        return state
    }

    private static func outcome(
        _ report: OutcomeReport, badge: [UInt8], state: KioskState, now: Date
    ) -> (KioskState, [KioskEffect]) {
        var remembering = state
        if report.code == "unknown_badge" { remembering.unknownBadge = badge }
        let show = { (screen: KioskScreen, signal: KioskSignal) in
            (remembering.showing(screen, at: now), [KioskEffect.signal(signal)])
        }
        switch report.code {
        case "duplicate_scan":
            return (state, [])
        case "checked_in":
            return show(.result(report), report.status == AttendanceStatus.late.rawValue ? .late : .ok)
        case "choose_session":
            guard let participant = report.participant, !report.choices.isEmpty else { return show(.result(report), .error) }
            return show(.chooseSession(badge: badge, participant: participant, choices: report.choices, selected: 0), .already)
        case "already_checked_in":
            return show(.offerCheckOut(badge: badge, report: report), .already)
        case "checked_out":
            return show(.rating(badge: badge, report: report), .ok)
        case "rated", "already_rated":
            // The next question of the check-out, if it asks one more.
            if case .rating(let rated, let checkOut) = state.screen, rated == badge,
                let next = checkOut.questions.first(where: { $0 != .rating })
            {
                return show(.question(badge: badge, report: checkOut, question: next, thanks: report.message), .ok)
            }
            return show(.result(report), report.code == "rated" ? .ok : .already)
        case "answered":
            return show(.result(report), .ok)
        default:
            return show(.result(report), report.verdict == .already ? .already : .error)
        }
    }

    /// Moves a list selection up or down, wrapping around.
    static func step(_ selected: Int, _ button: KioskButton, count: Int) -> Int {
        (selected + (button == .up ? -1 : 1) + count) % count
    }

    private static func press(_ button: KioskButton, state: KioskState, now: Date, phrases: any KioskPhrasebook) -> (KioskState, [KioskEffect]) {
        let idle = state.showing(.idle, at: now)
        let show = { (screen: KioskScreen) in state.showing(screen, at: now) }
        switch state.screen {
        case .idle:
            return (state, [])
        case .result(let report):
            if button == .up, let person = report.participant, person.role.maySupervise, report.code != "pin_refused" {
                return (show(.pinEntry(facilitator: person, digits: [])), [])
            }
            return (idle, [])
        case .pinEntry(let facilitator, let digits):
            let entered = digits + [button.number]
            guard let pin = ButtonPIN(digits: entered) else {
                return (show(.pinEntry(facilitator: facilitator, digits: entered)), [])
            }
            return (state, [.checkPIN(facilitator, pin)])
        case .menu(let facilitator, let selected):
            let count = FacilitatorAction.allCases.count
            switch button {
            case .up, .down:
                return (show(.menu(facilitator: facilitator, selected: step(selected, button, count: count))), [])
            case .back:
                return (idle, [])
            case .select:
                switch FacilitatorAction(rawValue: selected)! {
                case .tally: return (show(.tally(facilitator: facilitator, tallies: [], index: 0)), [.loadTallies])
                case .checkIn: return (show(.pickAttendee(facilitator: facilitator, action: .checkIn, choices: [], selected: 0)), [.loadTallies])
                case .excuse: return (show(.pickAttendee(facilitator: facilitator, action: .excuse, choices: [], selected: 0)), [.loadTallies])
                case .undo: return (show(.pickAttendee(facilitator: facilitator, action: .undo, choices: [], selected: 0)), [.loadTallies])
                case .status: return (show(.status(facilitator: facilitator)), [])
                case .leave: return (idle, [])
                case .adHoc: return (state, [.startAdHocSession(actorID: facilitator.id)])
                case .closeSession: return (show(.pickSession(facilitator: facilitator, action: .close, sessions: [], selected: 0)), [.loadTallies])
                case .cancelSession: return (show(.pickSession(facilitator: facilitator, action: .cancel, sessions: [], selected: 0)), [.loadUpcoming])
                case .linkBadge:
                    guard let badge = state.unknownBadge else {
                        return (show(.facilitatorResult(facilitator: facilitator, report: OutcomeReport(
                            code: "no_unknown_badge", verdict: .refused,
                            message: phrases.speaking(to: facilitator).noUnknownBadge()))), [])
                    }
                    return (show(.pickParticipant(facilitator: facilitator, badge: badge, choices: [], selected: 0)), [.loadRoster])
                }
            }
        case .tally(let facilitator, let tallies, let index):
            switch button {
            case .up, .down:
                guard !tallies.isEmpty else { return (state, []) }
                let next = step(index, button, count: tallies.count)
                return (show(.tally(facilitator: facilitator, tallies: tallies, index: next)), [])
            case .select: return (state, [.loadTallies])
            case .back: return (show(.menu(facilitator: facilitator, selected: FacilitatorAction.tally.rawValue)), [])
            }
        case .pickAttendee(let facilitator, let action, let choices, let selected):
            switch button {
            case .up, .down:
                guard !choices.isEmpty else { return (state, []) }
                let next = step(selected, button, count: choices.count)
                return (show(.pickAttendee(facilitator: facilitator, action: action, choices: choices, selected: next)), [])
            case .select:
                guard choices.indices.contains(selected) else { return (state, []) }
                let (person, session) = (choices[selected].participant.id, choices[selected].session.id)
                let effect: KioskEffect = switch action {
                case .checkIn: .manualCheckIn(participantID: person, sessionID: session, actorID: facilitator.id)
                case .undo: .undoCheckIn(participantID: person, sessionID: session, actorID: facilitator.id)
                case .excuse: .excuse(participantID: person, sessionID: session, actorID: facilitator.id)
                }
                return (state, [effect])
            case .back:
                return (show(.menu(facilitator: facilitator, selected: action.menuEntry.rawValue)), [])
            }
        case .pickParticipant(let facilitator, let badge, let choices, let selected):
            switch button {
            case .up, .down:
                guard !choices.isEmpty else { return (state, []) }
                let next = step(selected, button, count: choices.count)
                return (show(.pickParticipant(facilitator: facilitator, badge: badge, choices: choices, selected: next)), [])
            case .select:
                guard choices.indices.contains(selected) else { return (state, []) }
                var linked = state
                linked.unknownBadge = nil
                return (linked, [.linkBadge(badge: badge, participantID: choices[selected].id, actorID: facilitator.id)])
            case .back:
                return (show(.menu(facilitator: facilitator, selected: FacilitatorAction.linkBadge.rawValue)), [])
            }
        case .pickSession(let facilitator, let action, let sessions, let selected):
            switch button {
            case .up, .down:
                guard !sessions.isEmpty else { return (state, []) }
                let next = step(selected, button, count: sessions.count)
                return (show(.pickSession(facilitator: facilitator, action: action, sessions: sessions, selected: next)), [])
            case .select:
                guard sessions.indices.contains(selected) else { return (state, []) }
                let session = sessions[selected].id
                return (state, [action == .close
                    ? .closeSession(sessionID: session, actorID: facilitator.id) : .cancelSession(sessionID: session, actorID: facilitator.id)])
            case .back:
                return (show(.menu(facilitator: facilitator, selected: action.menuEntry.rawValue)), [])
            }
        case .status(let facilitator):
            return (show(.menu(facilitator: facilitator, selected: FacilitatorAction.status.rawValue)), [])
        case .facilitatorResult(let facilitator, _):
            return (show(.menu(facilitator: facilitator, selected: 0)), [])
        case .chooseSession(let badge, let participant, let choices, let selected):
            switch button {
            case .up, .down:
                let next = step(selected, button, count: choices.count)
                return (KioskState(
                    screen: .chooseSession(badge: badge, participant: participant, choices: choices, selected: next),
                    shownAt: now), [])
            case .select:
                return (state, [.scan(badge: badge, chosenSessionID: choices[selected].id)])
            case .back:
                return (idle, [])
            }
        case .offerCheckOut(let badge, let report):
            switch button {
            case .select: return (state, [.checkOut(badge: badge)])
            case .back: return (idle, [])
            case .up:
                guard let person = report.participant, person.role.maySupervise else { return (state, []) }
                return (show(.pinEntry(facilitator: person, digits: [])), [])
            case .down: return (state, [])
            }
        case .rating(let badge, _):
            return (state, [.rate(badge: badge, value: button.number)])
        case .question(let badge, _, let question, _):
            guard question.answers.contains(button.number) else { return (idle, []) }
            return (state, [.answer(badge: badge, question: question, value: button.number)])
        }
    }
}
