import ArgumentParser
import KioskCore
import KioskStore
import ReportArguments

/// The options of a facilitator action: who does it to whom, at which session.
struct SupervisionOptions: ParsableArguments {
    @Argument(help: "The participant's id.") var participant: String
    @Option(help: "The session's id.") var session: String
    @Option(help: "The facilitator's (or admin's) participant id.") var by: String
    @Flag(help: "Print JSON instead of text.") var json = false

    /// Runs the action and reports it, or the refusal with exit status 8.
    func perform(
        _ options: KioskOptions, code: String, verb: String,
        _ action: (KioskStore, KioskContext) throws -> (Participant, Session)
    ) throws {
        let context = try options.context()
        let store = try context.openStore()
        try store.closeEndedSessions(clock: context.clock.read())
        let printer = OutcomePrinter(json: json)
        do {
            let (person, session) = try action(store, context)
            printer.print(OutcomeReport(
                code: code, verdict: .done, message: "✓ \(person.name) \(verb) \(session.title) by \(by)",
                participant: person, session: session))
        } catch let refusal as SupervisionRefusal {
            let report = context.wording.report(refusal)
            printer.print(report)
            try OutcomePrinter.finish(report)
        }
    }
}

struct ManualCheckIn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manual-checkin", abstract: "Check a participant in by hand (facilitator action).")

    @OptionGroup var options: KioskOptions
    @OptionGroup var action: SupervisionOptions

    func run() throws {
        try action.perform(options, code: "manual_check_in", verb: "checked in to") { store, context in
            try store.manualCheckIn(
                participantID: action.participant, sessionID: action.session, actorID: action.by,
                clock: context.clock.read(), rules: try context.settings(store).settings.rules)
        }
    }
}

struct Undo: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Undo a mistaken check-in (facilitator action).")

    @OptionGroup var options: KioskOptions
    @OptionGroup var action: SupervisionOptions

    func run() throws {
        try action.perform(options, code: "undone", verb: "is no longer checked in to") { store, context in
            try store.undoCheckIn(
                participantID: action.participant, sessionID: action.session, actorID: action.by, clock: context.clock.read())
        }
    }
}

struct Excuse: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Excuse an expected member from a session: they sent apologies (facilitator action).",
        discussion: "An excused row is outside the attendance rate and neither breaks nor extends an at-risk streak (docs/metrics.md).")

    @OptionGroup var options: KioskOptions
    @OptionGroup var action: SupervisionOptions
    @OptionGroup var why: ReasonOption

    func run() throws {
        try action.perform(options, code: "excused", verb: "is excused from") { store, context in
            try store.excuse(
                participantID: action.participant, sessionID: action.session, actorID: action.by, reason: why.reason, clock: context.clock.read(),
                timeZone: context.config.timeZone)
        }
    }
}

struct SetPIN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-pin",
        abstract: "Set a facilitator's kiosk PIN: four presses of the buttons 1-4 (stored only as a hash).")

    @OptionGroup var options: KioskOptions
    @Argument(help: "The facilitator's (or admin's) participant id.") var participant: String
    @Argument(help: "Four digits from 1 to 4, e.g. 1342.") var pin: String

    func run() throws {
        guard let buttons = ButtonPIN(pin) else { throw ValidationError("the PIN must be four digits from 1 to 4, e.g. 1342") }
        let context = try options.context()
        let store = try context.openStore()
        do {
            try store.setPIN(participantID: participant, hash: try context.hasher().pinHash(participantID: participant, pin: buttons))
        } catch let refusal as SupervisionRefusal {
            throw ValidationError("\(refusal)")
        }
        print("PIN set for \(participant)")
    }
}
