import ArgumentParser
import Foundation
import HubServer
import HubStore
import ProgramFiles
import ReportArguments

/// `audit`: the hub's append-only log of admin actions and failed admin logins.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Print the audit log: imports, settings, kiosk changes, retries, failed admin logins.")
    @OptionGroup var options: HubOptions
    @Option(help: "From this day or time on (2026-03-02, or ISO 8601).") var since: String?
    @Option(help: "table (default) or csv.") var format = "table"
    @OptionGroup var time: ProgramTimeOptions

    func run() async throws {
        guard format == "table" || format == "csv" else { throw ValidationError("--format is table or csv") }
        let entries = try await options.withStore { store in
            let zone = try await time.zone(store)
            return try await store.auditLog(since: try since.map { try ReportArguments.dayOrTime($0, timeZone: zone) })
        }
        if format == "csv" {
            FileHandle.standardOutput.write(try HubServer.auditCSV(entries))
            return
        }
        for entry in entries {
            print([ProgramTime.format(entry.at), entry.actor, entry.action, entry.subject ?? "", entry.detail ?? ""].joined(separator: "  "))
        }
    }
}
