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
    @Option(help: "Time zone for --since without an offset.") var timeZone = "UTC"

    func run() async throws {
        guard let zone = TimeZone(identifier: timeZone) else { throw ValidationError("\(timeZone) is not a time zone") }
        guard format == "table" || format == "csv" else { throw ValidationError("--format is table or csv") }
        let start = try since.map { try ReportArguments.dayOrTime($0, timeZone: zone) }
        let entries = try await options.withStore { try await $0.auditLog(since: start) }
        if format == "csv" {
            FileHandle.standardOutput.write(try HubServer.auditCSV(entries))
            return
        }
        for entry in entries {
            print([ProgramTime.format(entry.at), entry.actor, entry.action, entry.subject ?? "", entry.detail ?? ""].joined(separator: "  "))
        }
    }
}
