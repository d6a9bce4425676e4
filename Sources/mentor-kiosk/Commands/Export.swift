import ArgumentParser
import Foundation
import KioskCore
import KioskStore
import KioskSystem
import ProgramFiles
import ReportArguments

extension ExportFormat: ExpressibleByArgument {}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export attendance (expected and actual) as CSV or JSON Lines; see docs/exports.md.")

    @OptionGroup var options: KioskOptions
    @Option(help: "csv or jsonl.") var format: ExportFormat = .csv
    @Option(help: "Sessions starting at or after this time (default: all).") var from: String?
    @Option(help: "Sessions starting before this time (default: now).") var to: String?
    @Option(help: "Only sessions at this location, or all (default: the kiosk's own location).") var location: String?
    @Option(help: "Write to this file instead of standard output.") var output: String?

    func run() throws {
        let context = try options.context()
        let store = try context.openStore()
        let clock = context.clock.read()
        try store.closeEndedSessions(clock: clock)
        let start = try from.map(context.dayOrTime) ?? Date(timeIntervalSince1970: 0)
        let end = try to.map(context.dayOrTime) ?? clock.wall.addingTimeInterval(1)
        let place = location.map { $0 == ReportArguments.everyLocation ? nil : $0 } ?? context.config.location
        let rows = try store.attendanceReport(from: start, to: end, location: place, now: clock.wall, timeZone: context.config.timeZone)
        let data = try AttendanceExport.encode(rows, as: format)
        if let output {
            // Attendance is personal data: the file is 0600 whatever the umask.
            do {
                try PrivateFile.write(data, to: output)
            } catch {
                throw ValidationError(error.description)
            }
            FileHandle.standardError.write(Data("Wrote \(rows.count) rows to \(output)\n".utf8))
        } else {
            FileHandle.standardOutput.write(data)
        }
    }

}
