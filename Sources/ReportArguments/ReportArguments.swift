import ArgumentParser
import Foundation
import KioskCore
import ProgramFiles

extension ReportFormat: ExpressibleByArgument {}
extension Role: ExpressibleByArgument {}
extension ReportTable: ExpressibleByArgument {}

/// The options `mentor-kiosk report` and `mentor-hub report` share, so both take a period,
/// filters and a format alike and print the same report for the same data.
public struct ReportArguments: ParsableArguments {
    @Option(help: "table (default), json (the whole report), csv or jsonl (one row per participant).")
    public var format: ReportFormat = .table
    @Option(help: "With csv or jsonl: participants (default), weeks, pairs (verified meetings per week), ratings (each one counted) or attendance (the attendance export's rows).")
    public var table: ReportTable = .participants
    @Option(help: "Sessions starting at or after this day or time (default: 4 weeks before --to).") public var from: String?
    @Option(help: "Sessions starting before this day or time (default: now).") public var to: String?
    @Option(help: "Only sessions at this location, or all (default: all at the hub, the kiosk's own location at a kiosk).")
    public var location: String?
    @Option(help: "Only participants with this program role: mentee, mentor, facilitator or admin.") public var role: Role?
    @Option(help: "Only this group's sessions and members.") public var group: String?
    @Option(help: "Only participants of this cohort (participants.csv's cohort column).") public var cohort: String?
    @Option(help: "The attendance rate that counts as completing, in percent.") public var completion = 75

    public init() {}

    public func validate() throws {
        guard (1...100).contains(completion) else { throw ValidationError("--completion is a percentage from 1 to 100") }
        guard table == .participants || format == .csv || format == .jsonl else { throw ValidationError("--table goes with --format csv or jsonl") }
    }

    public var filter: ReportFilter { ReportFilter(role: role, groupID: group, cohort: cohort) }

    /// The location the report covers: the one given, every one for `all` (nil), else `here`.
    public func location(defaultingTo here: String?) -> String? {
        guard let location else { return here }
        return location == Self.everyLocation ? nil : location
    }

    /// What `--location` says for "every location".
    public static let everyLocation = "all"
    /// Whether the report must list every rating (the ratings table).
    public var listsRatings: Bool { table == .ratings }
    public var completionThreshold: Double { Double(completion) / 100 }
    /// What the report covers, for its heading: the location and every filter given.
    public var scope: String {
        ([location.flatMap { $0 == Self.everyLocation ? nil : $0 } ?? "all locations"] + [role.map { "role \($0.rawValue)" }, cohort.map { "cohort \($0)" }, group.map { "group \($0)" }].compactMap { $0 })
            .joined(separator: ", ")
    }

    /// The period `from..<to`: by default the four weeks up to `now`.
    public func period(now: Date, timeZone: TimeZone) throws -> (from: Date, to: Date) {
        let end = try to.map { try Self.dayOrTime($0, timeZone: timeZone) } ?? now.addingTimeInterval(1)
        let start = try from.map { try Self.dayOrTime($0, timeZone: timeZone) } ?? end.addingTimeInterval(-28 * 86_400)
        guard start < end else { throw ValidationError("--from must be before --to") }
        return (start, end)
    }

    /// A day (its midnight in `timeZone`) or a time, or a clear refusal.
    public static func dayOrTime(_ text: String, timeZone: TimeZone) throws -> Date {
        guard let date = ProgramTime.parseDayOrTime(text, timeZone: timeZone) else { throw ValidationError(ProgramTime.notADayOrTime(text)) }
        return date
    }

    /// Whether the command prints the attendance export's rows instead of a report.
    public var wantsAttendance: Bool { table == .attendance }

    /// Prints the attendance export's rows the filters keep, in the chosen machine format.
    public func print(attendance rows: [AttendanceReportRow]) throws {
        FileHandle.standardOutput.write(try AttendanceExport.encode(rows.filter(filter.keeps), as: format == .jsonl ? .jsonl : .csv))
    }

    /// Prints the report in the chosen format.
    public func print(_ report: EngagementReport, timeZone: TimeZone) throws {
        FileHandle.standardOutput.write(try EngagementExport.encode(report, as: format, table: table, scope: scope, timeZone: timeZone))
    }
}

/// Shows a report's `ReportStage` on one line of standard error, rewritten in place, and only
/// when standard error is a terminal: pipes, files and logs get nothing.
public struct ProgressLine: Sendable {
    let isShown: Bool

    public init(shown: Bool = isatty(STDERR_FILENO) == 1) {
        isShown = shown
    }

    public func show(_ stage: ReportStage) {
        guard isShown else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + stage.line).utf8))
    }

    /// Clears the line before the report is printed.
    public func finish() {
        guard isShown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
