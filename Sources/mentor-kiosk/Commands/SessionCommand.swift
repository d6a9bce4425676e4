import ArgumentParser
import KioskCore
import KioskStore
import ReportArguments

/// `mentor-kiosk session …`: changes to one session of the schedule.
struct SessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session", abstract: "Change one session of the schedule (facilitator actions).", subcommands: [CancelSession.self])
}

struct CancelSession: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a session that has not started: nobody is expected, it is in no figure, and the hub cancels it too.")

    @OptionGroup var options: KioskOptions
    @Argument(help: "The session's id.") var session: String
    @Option(help: "The facilitator's (or admin's) participant id.") var by: String
    @OptionGroup var why: ReasonOption
    @Flag(help: "Print JSON instead of text.") var json = false

    func run() throws {
        let context = try options.context()
        let store = try context.openStore()
        let printer = OutcomePrinter(json: json)
        do {
            let cancelled = try store.cancelSession(sessionID: session, actorID: by, reason: why.reason, clock: context.clock.read())
            printer.print(OutcomeReport(
                code: "session_cancelled", verdict: .done,
                message: "✓ \(cancelled.title) (\(context.wording.clock(cancelled.startsAt))) is cancelled by \(by)", session: cancelled))
        } catch let refusal as SupervisionRefusal {
            let report = context.wording.report(refusal)
            printer.print(report)
            try OutcomePrinter.finish(report)
        }
    }
}
