import ArgumentParser
import Foundation
import HubStore
import KioskCore
import ProgramFiles
import ReportArguments

struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The program's engagement figures from every kiosk's events, as mentor-kiosk report prints them (docs/metrics.md).")
    @OptionGroup var options: HubOptions
    @OptionGroup var report: ReportArguments
    @Option(help: "Time zone for days, weeks and times written without an offset.") var timeZone = "UTC"
    @Option(help: "Report as of this time (default: now), for scripts and checks.") var now: String?

    func run() async throws {
        guard let zone = TimeZone(identifier: timeZone) else { throw ValidationError("\(timeZone) is not a time zone") }
        let current = try now.map { try ReportArguments.dayOrTime($0, timeZone: zone) } ?? Date()
        let (start, end) = try report.period(now: current, timeZone: zone)
        if report.wantsAttendance {
            let rows = try await options.withStore { store in
                try await store.attendanceExport(from: start, to: end, location: report.location, now: current)
            }
            return try report.print(attendance: rows)
        }
        let progress = ProgressLine()
        defer { progress.finish() }
        let figures = try await options.withStore { store in
            try await store.engagementReport(
                from: start, to: end, location: report.location, now: current, timeZone: zone, completionThreshold: report.completionThreshold,
                filter: report.filter, listingRatings: report.listsRatings, progress: progress.show)
        }
        progress.finish()
        try report.print(figures, timeZone: zone)
    }
}
