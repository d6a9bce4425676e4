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
    case tick
}

/// What the machine asks the edges to do. The store's answers come back as `.outcome`.
public enum KioskEffect: Sendable, Equatable {
    case scan(badge: [UInt8], chosenSessionID: String?)
    case checkOut(badge: [UInt8])
    case rate(badge: [UInt8], value: Int)
    case signal(KioskSignal)
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
}

/// How long each screen stays before the kiosk returns to idle by itself.
public struct KioskTimeouts: Sendable, Equatable {
    public var result: TimeInterval = 5
    public var choice: TimeInterval = 20
    public var offer: TimeInterval = 10
    public var rating: TimeInterval = 15

    public init() {}

    func limit(for screen: KioskScreen) -> TimeInterval? {
        switch screen {
        case .idle: nil
        case .result: result
        case .chooseSession: choice
        case .offerCheckOut: offer
        case .rating: rating
        }
    }
}

/// The participant-facing state of the kiosk.
public struct KioskState: Sendable, Equatable {
    public var screen: KioskScreen
    /// When the current screen appeared, for its timeout.
    public var shownAt: Date

    public init(screen: KioskScreen = .idle, shownAt: Date) {
        self.screen = screen
        self.shownAt = shownAt
    }
}

/// The kiosk as a state machine: state + input → state + effects. Pure; the clock is a parameter.
public enum KioskMachine {
    public static func handle(
        _ input: KioskInput, in state: KioskState, at now: Date, timeouts: KioskTimeouts = KioskTimeouts()
    ) -> (KioskState, [KioskEffect]) {
        switch input {
        case .tick:
            if let limit = timeouts.limit(for: state.screen), now.timeIntervalSince(state.shownAt) >= limit {
                return (KioskState(screen: .idle, shownAt: now), [])
            }
            return (state, [])
        case .badge(let badge):
            return (state, [.scan(badge: badge, chosenSessionID: nil)])
        case .outcome(let report, let badge):
            return outcome(report, badge: badge, state: state, now: now)
        case .button(let button):
            return press(button, state: state, now: now)
        }
    }

    private static func outcome(
        _ report: OutcomeReport, badge: [UInt8], state: KioskState, now: Date
    ) -> (KioskState, [KioskEffect]) {
        let show = { (screen: KioskScreen, signal: KioskSignal) in
            (KioskState(screen: screen, shownAt: now), [KioskEffect.signal(signal)])
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
        case "rated":
            return show(.result(report), .ok)
        default:
            return show(.result(report), report.verdict == .already ? .already : .error)
        }
    }

    private static func press(_ button: KioskButton, state: KioskState, now: Date) -> (KioskState, [KioskEffect]) {
        let idle = KioskState(screen: .idle, shownAt: now)
        switch state.screen {
        case .idle:
            return (state, [])
        case .result:
            return (idle, [])
        case .chooseSession(let badge, let participant, let choices, let selected):
            switch button {
            case .up, .down:
                let step = button == .up ? -1 : 1
                let next = (selected + step + choices.count) % choices.count
                return (KioskState(
                    screen: .chooseSession(badge: badge, participant: participant, choices: choices, selected: next),
                    shownAt: now), [])
            case .select:
                return (state, [.scan(badge: badge, chosenSessionID: choices[selected].id)])
            case .back:
                return (idle, [])
            }
        case .offerCheckOut(let badge, _):
            switch button {
            case .select: return (state, [.checkOut(badge: badge)])
            case .back: return (idle, [])
            case .up, .down: return (state, [])
            }
        case .rating(let badge, _):
            return (state, [.rate(badge: badge, value: button.number)])
        }
    }
}
