import ArgumentParser
import Foundation
import HubStore
import KioskCore
import KioskSystem
import ProgramFiles

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import the program's roster, groups, schedule or pairs' goals (the kiosk's CSV formats; all or nothing).")
    @OptionGroup var options: HubOptions
    @Argument(help: "participants, groups, sessions or goals") var kind: String
    @Argument(help: "The CSV file.") var file: String
    @OptionGroup var time: ProgramTimeOptions
    @Flag(help: "With sessions: cancel the sessions at the file's locations that start after now and are not in it (past and attended ones are never touched).")
    var cancelMissing = false

    func validate() throws {
        if cancelMissing && kind != "sessions" { throw ValidationError("--cancel-missing goes with import sessions") }
    }

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
        let summary = try await options.withStore { store in
            let zone = try await time.zone(store)
            let reader = ProgramFileReader(normalizer: BadgeNormalizer(rules: BadgeRules()), hasher: try SecretFile.load(options.secretPath), timeZone: zone)
            let summary: ImportSummary
            switch kind {
            case "participants": summary = try await store.importParticipants(try reader.participants(data, file: file))
            case "groups": summary = try await store.importGroups(try reader.groups(data, file: file))
            case "goals": summary = try await store.importGoals(try reader.goals(data, file: file))
            case "sessions":
                let entries = try reader.sessions(data, file: file)
                if cancelMissing && entries.isEmpty {
                    throw ValidationError("\(file) lists no session: --cancel-missing would cancel every session still to come")
                }
                summary = try await store.importSessions(entries, cancellingMissingAfter: cancelMissing ? try time.moment(in: zone) : nil)
            default: throw ValidationError("import participants, groups, sessions or goals, not \(kind)")
            }
            try await store.auditCommand("import.\(kind)", subject: file, detail: "\(summary)")
            return summary
        }
        print("\(file): \(summary)")
    }
}
