import ArgumentParser
import Foundation
import HubStore
import KioskCore
import ReportArguments

/// `mentor-hub participant …`: what is done to one person of the program rather than to a file.
struct ParticipantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "participant", abstract: "Act on one participant of the program.", subcommands: [EraseParticipant.self])
}

struct EraseParticipant: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a participant (a request under GDPR article 17, or the program's data policy): figures keep their counts.",
        discussion: """
            The participant's name, cohort, language, badges, email and web accounts are removed, and their id is replaced by a \
            random pseudonym (erased-...) in every stored event, attendance, membership, excusal, notice and audit entry, at the hub \
            and, with their next directory, on every kiosk. Reports show them as "\(ErasedParticipant.name)". This cannot be undone. \
            Backups made before the erasure still hold the person until they are rotated out (docs/erasure.md).
            """)
    @OptionGroup var options: HubOptions
    @Argument(help: "The participant's id.") var participant: String
    @OptionGroup var why: ReasonOption

    func run() async throws {
        let outcome = try await options.withStore { store in
            do {
                return try await store.eraseParticipant(participant, reason: why.reason, actor: "cli:\(CommandLineAccount.current)", at: Date())
            } catch let refusal as ErasureRefusal {
                throw ValidationError(refusal.description)
            }
        }
        if !outcome.filesCleaned {
            FileHandle.standardError.write(Data("""
                warning: a transaction older than the erasure was still open: the database's files may hold the old rows until \
                `mentor-hub participant erase \(participant)` is run again\n
                """.utf8))
        }
        if outcome.alreadyErased {
            print("\(participant) was erased before (now \(outcome.pseudonym)); its database files were cleaned again")
            return
        }
        let accounts = outcome.accounts == 0 ? "" : "; \(outcome.accounts) web account\(outcome.accounts == 1 ? "" : "s") deleted"
        print("\(participant) is erased: \(outcome.pseudonym) in \(outcome.events) stored event\(outcome.events == 1 ? "" : "s")\(accounts)")
        print("Kiosks erase it with their next directory; backups made before now still hold it until they are rotated out.")
    }
}
