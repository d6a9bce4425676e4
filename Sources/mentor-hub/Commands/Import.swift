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

    @Flag(help: "Check the file against the hub's data and print what the import would change, changing nothing.")
    var dryRun = false

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
        let summary = try await options.withStore { store in
            let zone = try await time.zone(store)
            let reader = ProgramFileReader(normalizer: BadgeNormalizer(rules: BadgeRules()), hasher: try SecretFile.load(options.secretPath), timeZone: zone)
            guard let program = try reader.file(kind: kind, data, file: file, cancellingMissingAfter: cancelMissing ? try time.moment(in: zone) : nil) else {
                throw ValidationError("import \(ProgramFileReader.kinds.joined(separator: ", ")), not \(kind)")
            }
            let summary = try await store.importProgram(program, dryRun: dryRun)
            if !dryRun { try await store.auditCommand("import.\(kind)", subject: file, detail: "\(summary)") }
            return summary
        }
        print("\(file): \(summary)" + (dryRun ? " (dry run: nothing was changed)" : ""))
    }
}
