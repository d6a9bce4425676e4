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
    @OptionGroup var time: ProgramTimeOptions

    func run() async throws {
        let progress = ProgressLine()
        defer { progress.finish() }
        let location = report.location(defaultingTo: nil)
        let (figures, zone) = try await options.withStore { store -> (EngagementReport?, TimeZone) in
            let zone = try await time.zone(store)
            let current = try time.moment(in: zone)
            let (start, end) = try report.period(now: current, timeZone: zone)
            if report.wantsAttendance {
                try report.print(attendance: try await store.attendanceExport(from: start, to: end, location: location, now: current, timeZone: zone))
                return (nil, zone)
            }
            let figures = try await store.engagementReport(
                from: start, to: end, location: location, now: current, timeZone: zone, completionThreshold: report.completionThreshold,
                filter: report.filter, listingRatings: report.listsRatings, progress: progress.show)
            return (figures, zone)
        }
        progress.finish()
        if let figures { try report.print(figures, timeZone: zone) }
    }
}
