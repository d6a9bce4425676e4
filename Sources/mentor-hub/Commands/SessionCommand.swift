import ArgumentParser
import Foundation
import HubStore
import KioskCore
import ReportArguments

/// `mentor-hub session …`: changes to one session of the program's schedule.
struct SessionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session", abstract: "Change one session of the schedule.", subcommands: [CancelSession.self])
}

struct CancelSession: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a session that has not started: it is in no figure, and kiosks learn it with their next directory.")
    @OptionGroup var options: HubOptions
    @Argument(help: "The session's id.") var session: String
    @OptionGroup var why: ReasonOption
    @OptionGroup var time: ProgramTimeOptions

    func run() async throws {
        let cancelled = try await options.withStore { store in
            let cancelled: Session
            do {
                cancelled = try await store.cancelSession(id: session, reason: why.reason, at: try time.moment(in: try await time.zone(store)))
            } catch let refusal as SessionCancelRefusal {
                throw ValidationError(refusal.description)
            }
            try await store.auditCommand("session.cancel", subject: session, detail: why.reason)
            return cancelled
        }
        print("\(cancelled.id) (\(cancelled.title), \(ISO8601DateFormatter().string(from: cancelled.startsAt))) is cancelled")
    }
}

struct Excuse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Excuse an expected member from a session: outside the attendance rate, neither breaking nor extending an at-risk streak.")
    @OptionGroup var options: HubOptions
    @Argument(help: "The participant's id.") var participant: String
    @Option(help: "The session's id.") var session: String
    @OptionGroup var why: ReasonOption
    @OptionGroup var time: ProgramTimeOptions

    func run() async throws {
        try await options.withStore { store in
            do {
                let zone = try await time.zone(store)
                try await store.excuseExpected(
                    Excusal(participantID: participant, sessionID: session, reason: why.reason, excusedBy: "cli:\(CommandLineAccount.current)"),
                    at: try time.moment(in: zone), timeZone: zone)
            } catch let refusal as ExcusalRefusal {
                throw ValidationError(refusal.description)
            }
            try await store.auditCommand("excuse", subject: "\(participant) at \(session)", detail: why.reason)
        }
        print("\(participant) is excused from \(session)")
    }
}
