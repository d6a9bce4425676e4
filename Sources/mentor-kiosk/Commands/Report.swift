import ArgumentParser
import Foundation
import KioskCore
import KioskStore
import ProgramFiles

extension ReportFormat: ExpressibleByArgument {}
extension Role: ExpressibleByArgument {}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Engagement figures for a period: attendance, punctuality, retention, pairs, satisfaction, who is at risk (docs/metrics.md).")

    @OptionGroup var options: KioskOptions
    @Option(help: "table (default), json (the whole report), csv or jsonl (one row per participant).") var format: ReportFormat = .table
    @Option(help: "Sessions starting at or after this day or time (default: 4 weeks before --to).") var from: String?
    @Option(help: "Sessions starting before this day or time (default: now).") var to: String?
    @Option(help: "Only sessions at this location (default: all).") var location: String?
    @Option(help: "The attendance rate that counts as completing, in percent.") var completion = 75
    @Option(help: "Only participants with this program role: mentee, mentor, facilitator or admin.") var role: Role?
    @Option(help: "Only this group's sessions and members.") var group: String?

    func validate() throws {
        guard (1...100).contains(completion) else { throw ValidationError("--completion is a percentage from 1 to 100") }
    }

    func run() throws {
        let context = try options.context()
        let store = try context.openStore()
        let clock = context.clock.read()
        try store.closeEndedSessions(clock: clock)
        let end = try to.map(context.dayOrTime) ?? clock.wall.addingTimeInterval(1)
        let start = try from.map(context.dayOrTime) ?? end.addingTimeInterval(-28 * 86_400)
        guard start < end else { throw ValidationError("--from must be before --to") }
        let report = EngagementMetrics.report(
            rows: try store.attendanceReport(from: start, to: end, location: location, now: clock.wall), groups: try store.groups(),
            from: start, to: end, now: clock.wall, timeZone: context.config.timeZone, completionThreshold: Double(completion) / 100,
            filter: ReportFilter(role: role, groupID: group))
        FileHandle.standardOutput.write(try EngagementExport.encode(report, as: format, scope: location ?? "all locations", timeZone: context.config.timeZone))
    }
}
