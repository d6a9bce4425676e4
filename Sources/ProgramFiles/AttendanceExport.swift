import CSV
import Foundation
import KioskCore

/// The machine formats of exports.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// RFC 4180: header row, CRLF line ends, UTF-8, quoted where needed.
    case csv
    /// One JSON object per line, every column present (null when empty), keys sorted.
    case jsonl
}

/// Keeps a CSV cell from being read as a formula when the file is opened in a spreadsheet
/// (OWASP's CSV injection rule): a text cell that begins with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a `'` in front. A cell that is a plain number (`-3`, `+0.5`) stays as
/// it is, and JSON Lines is never changed. A participant named `=HYPERLINK(…)` arrives as text.
public enum SpreadsheetSafety {
    static let triggers: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    public static func neutralised(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, triggers.contains(Character(first)) else { return cell }
        if isPlainNumber(cell) { return cell }
        return "'" + cell
    }

    /// `-12`, `+3.5`, `-0.25`: digits with an optional sign and one decimal point, nothing else.
    static func isPlainNumber(_ cell: String) -> Bool {
        cell.wholeMatch(of: /[+-]?[0-9]+(\.[0-9]+)?/) != nil
    }
}

/// Writes attendance exports in the documented column order (docs/exports.md).
public enum AttendanceExport {
    /// A typed cell: CSV writes its text, JSON keeps its type.
    enum Value {
        case text(String)
        case integer(Int)
        case decimal(Double)
        case boolean(Bool)
        case null

        var csvText: String {
            switch self {
            case .text(let text): SpreadsheetSafety.neutralised(text)
            case .integer(let number): String(number)
            case .decimal(let number): String(format: "%.4f", number)
            case .boolean(let flag): flag ? "true" : "false"
            case .null: ""
            }
        }

        var json: Any {
            switch self {
            case .text(let text): text
            case .integer(let number): number
            case .decimal(let number): (number * 10_000).rounded() / 10_000
            case .boolean(let flag): flag
            case .null: NSNull()
            }
        }
    }

    static func values(_ row: AttendanceReportRow) -> [Value] {
        let time = { (date: Date?) in date.map { Value.text(ProgramTime.format($0)) } ?? .null }
        let text = { (string: String?) in string.map(Value.text) ?? .null }
        return [
            .text(row.sessionID), .text(row.sessionTitle), .text(row.sessionKind.rawValue), .text(row.location),
            time(row.startsAt), time(row.endsAt), .text(row.participantID), .text(row.participantName),
            .text(row.role.rawValue), text(row.groupID), text(row.memberRole?.rawValue), .boolean(row.expected),
            .text(row.status.rawValue), time(row.checkedInAt), time(row.checkedOutAt), text(row.checkOutKind?.rawValue),
            row.durationSeconds.map(Value.integer) ?? .null, row.rating.map(Value.integer) ?? .null,
            row.clockTrusted.map(Value.boolean) ?? .null, text(row.kioskID), text(row.cohort),
        ]
    }

    /// Encodes `rows` completely; the caller writes the bytes where they belong.
    public static func encode(_ rows: [AttendanceReportRow], as format: ExportFormat) throws -> Data {
        try encode(columns: AttendanceReportRow.columns, rows: rows.map(values), as: format)
    }

    /// Any export table: its columns, then one row of typed cells per record.
    static func encode(columns: [String], rows: [[Value]], as format: ExportFormat) throws -> Data {
        switch format {
        case .csv:
            let stream = OutputStream(toMemory: ())
            stream.open()
            let writer = try CSVWriter(stream: stream, newline: .crlf)
            try writer.write(row: columns)
            for row in rows {
                try writer.write(row: row.map(\.csvText))
            }
            stream.close()
            guard var data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data else {
                throw CSVError.cannotWriteStream
            }
            data.append(contentsOf: [0x0D, 0x0A]) // CSVWriter separates records; end the last one too
            return data
        case .jsonl:
            var data = Data()
            for row in rows {
                let object = Dictionary(uniqueKeysWithValues: zip(columns, row.map(\.json)))
                data.append(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
                data.append(0x0A)
            }
            return data
        }
    }
}

/// How a report prints: the table for people, the machine formats for programs.
public enum ReportFormat: String, Sendable, CaseIterable {
    /// The readable table with weekly sparklines.
    case table
    /// The whole report as one JSON object.
    case json
    /// The participants' summary, RFC 4180.
    case csv
    /// The participants' summary, one JSON object per line.
    case jsonl
}

/// Which of a report's tables a machine format carries.
public enum ReportTable: String, Sendable, CaseIterable {
    case participants, weeks, pairs, ratings
    /// The attendance export's rows for the report's period and filters: not a table of the
    /// report, so the commands read it apart (`AttendanceExport`).
    case attendance
}

/// Asked a report for the attendance table, which is read from the attendance rows instead.
public struct NotInReport: Error, CustomStringConvertible {
    public var description: String { "the attendance table is the attendance export's rows, not a table of the report" }
}

/// The participants' engagement summary export (docs/metrics.md): one row per participant with
/// expected sessions or arrivals in the period, at-risk reason included.
public enum EngagementExport {
    public static let columns = [
        "participant_id", "name", "expected", "present", "attendance_rate", "last_arrival", "at_risk_reason",
    ]

    /// The report in `format`, as `mentor-kiosk report` and `mentor-hub report` print it.
    public static func encode(
        _ report: EngagementReport, as format: ReportFormat, table: ReportTable = .participants, scope: String, timeZone: TimeZone
    ) throws -> Data {
        switch format {
        case .table:
            return Data(EngagementText.render(report, scope: scope, timeZone: timeZone).utf8)
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.dateEncodingStrategy = .iso8601
            return try encoder.encode(report) + Data("\n".utf8)
        case .csv: return try encode(report, table: table, as: .csv)
        case .jsonl: return try encode(report, table: table, as: .jsonl)
        }
    }

    static func encode(_ report: EngagementReport, table: ReportTable, as format: ExportFormat) throws -> Data {
        switch table {
        case .participants: try participants(report, as: format)
        case .weeks: try weeks(report, as: format)
        case .pairs: try pairs(report, as: format)
        case .ratings: try ratings(report, as: format)
        case .attendance: throw NotInReport()
        }
    }

    /// Every rating the satisfaction figures count (the report must list them: `listingRatings`);
    /// an anonymous rating has no participant.
    public static func ratings(_ report: EngagementReport, as format: ExportFormat) throws -> Data {
        try AttendanceExport.encode(
            columns: ["session_id", "session_title", "starts_at", "location", "participant_id", "rating"],
            rows: (report.ratings ?? []).map { rating in
                [
                    .text(rating.sessionID), .text(rating.sessionTitle), .text(ProgramTime.format(rating.startsAt)), .text(rating.location),
                    rating.participantID.map(AttendanceExport.Value.text) ?? .null, .integer(rating.rating),
                ]
            }, as: format)
    }

    /// Any small table of text cells (nil: empty) in an export format: the dashboard's downloads.
    public static func table(columns: [String], rows: [[String?]], as format: ExportFormat) throws -> Data {
        try AttendanceExport.encode(columns: columns, rows: rows.map { $0.map { $0.map(AttendanceExport.Value.text) ?? .null } }, as: format)
    }

    /// The report's weeks: attendance and active participants per week.
    public static func weeks(_ report: EngagementReport, as format: ExportFormat) throws -> Data {
        try AttendanceExport.encode(
            columns: ["week_starts", "sessions", "expected", "present", "attendance_rate", "active_participants", "retention"],
            rows: report.weeks.enumerated().map { index, week in
                [
                    .text(ProgramTime.format(week.startsOn)), .integer(week.sessions), .integer(week.expected), .integer(week.present),
                    week.attendanceRate.map(AttendanceExport.Value.decimal) ?? .null, .integer(week.activeParticipants),
                    index < report.retention.count ? .decimal(report.retention[index]) : .null,
                ]
            }, as: format)
    }

    /// The pairs' verified meetings, one column per week, then their health (docs/metrics.md).
    public static func pairs(_ report: EngagementReport, as format: ExportFormat) throws -> Data {
        let text = { (value: String?) in value.map(AttendanceExport.Value.text) ?? .null }
        return try AttendanceExport.encode(
            columns: ["group_id", "meetings", "last_meeting", "quiet"] + report.weeks.map { "week_" + ProgramTime.format($0.startsOn).prefix(10) }
                + [
                    "one_sided_sessions", "one_sided_in_a_row", "fit_mentor", "fit_mentee", "goal_progress", "goal_trend", "feedback_from_mentee",
                    "feedback_from_mentor", "health", "reasons",
                ],
            rows: report.pairs.map { pair in
                [
                    .text(pair.groupID), .integer(pair.meetings), pair.lastMeeting.map { .text(ProgramTime.format($0)) } ?? .null, .boolean(pair.quiet),
                ] + pair.meetingsPerWeek.map(AttendanceExport.Value.integer) + [
                    .integer(pair.oneSidedSessions.count), .integer(pair.oneSidedInARow), text(pair.fit.mentor), text(pair.fit.mentee),
                    pair.goalProgress.latest.map(AttendanceExport.Value.integer) ?? .null, text(pair.goalProgress.trend),
                    pair.feedbackFromMentee.map(AttendanceExport.Value.decimal) ?? .null,
                    pair.feedbackFromMentor.map(AttendanceExport.Value.decimal) ?? .null, .text(pair.health.rawValue),
                    pair.reasons.isEmpty ? .null : .text(pair.reasons.joined(separator: "; ")),
                ]
            }, as: format)
    }

    public static func participants(_ report: EngagementReport, as format: ExportFormat) throws -> Data {
        let reasons = Dictionary(report.atRisk.map { ($0.participantID, $0.reason) }, uniquingKeysWith: { first, _ in first })
        return try AttendanceExport.encode(columns: columns, rows: report.participants.map { person in
            [
                .text(person.participantID), .text(person.name), .integer(person.expected), .integer(person.present),
                person.attendanceRate.map(AttendanceExport.Value.decimal) ?? .null,
                person.lastArrival.map { .text(ProgramTime.format($0)) } ?? .null,
                reasons[person.participantID].map(AttendanceExport.Value.text) ?? .null,
            ]
        }, as: format)
    }
}
