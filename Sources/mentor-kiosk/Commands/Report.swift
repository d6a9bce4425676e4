import ArgumentParser
import Foundation
import KioskCore
import KioskStore
import ReportArguments

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Engagement figures for a period: attendance, punctuality, retention, pairs, satisfaction, who is at risk (docs/metrics.md).")

    @OptionGroup var options: KioskOptions
    @OptionGroup var report: ReportArguments

    func run() throws {
        let context = try options.context()
        let store = try context.openStore()
        let clock = context.clock.read()
        try store.closeEndedSessions(clock: clock)
        let zone = context.config.timeZone
        let (start, end) = try report.period(now: clock.wall, timeZone: zone)
        // The kiosk's own room by default: other rooms' attendance is recorded on their kiosks.
        var report = report
        report.location = report.location(defaultingTo: context.config.location) ?? ReportArguments.everyLocation
        let location = report.location(defaultingTo: nil)
        if report.wantsAttendance {
            return try report.print(attendance: try store.attendanceReport(from: start, to: end, location: location, now: clock.wall, timeZone: zone))
        }
        let progress = ProgressLine()
        defer { progress.finish() }
        progress.show(.reading)
        let input = try store.engagementInput(from: start, to: end, location: location)
        progress.show(.counting)
        let figures = EngagementMetrics.report(
            input, from: start, to: end, now: clock.wall, timeZone: zone, completionThreshold: report.completionThreshold, filter: report.filter,
            listingRatings: report.listsRatings)
        progress.finish()
        try report.print(figures, timeZone: zone)
    }
}
