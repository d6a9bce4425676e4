import Foundation

/// A facilitator's digest: their members at risk, their pairs that need attention, and the
/// attendance of their sessions in the period just past (yesterday, or last week), as the text of
/// an email and the fields of a webhook's JSON. Pure: the figures come narrowed by
/// `FacilitatorScope`, the clock and zone as parameters.
public struct FacilitatorDigest: Sendable, Equatable, Codable {
    /// One session of the period: how many of those expected came, and who did not.
    public struct SessionLine: Sendable, Equatable, Codable {
        public var sessionID: String
        public var title: String
        public var startsAt: Date
        public var expected: Int
        public var came: Int
        public var absent: [String]
    }

    public struct PairLine: Sendable, Equatable, Codable {
        public var groupID: String
        public var name: String
        public var health: PairHealthLevel
        public var reasons: [String]
    }

    public var facilitatorID: String
    public var facilitatorName: String
    /// The period the attendance covers: `from..<to`.
    public var from: Date
    public var to: Date
    public var sessions: [SessionLine]
    public var atRisk: [EngagementReport.AtRisk]
    public var pairs: [PairLine]

    /// - Parameters:
    ///   - report: the facilitator's figures (`FacilitatorScope.narrow`).
    ///   - rows: the attendance rows of the facilitator's sessions in `from..<to`.
    ///   - groupNames: group names by id, for the pairs.
    public init(
        facilitatorID: String, facilitatorName: String, from: Date, to: Date, report: EngagementReport, rows: [AttendanceReportRow],
        groupNames: [String: String]
    ) {
        self.facilitatorID = facilitatorID
        self.facilitatorName = facilitatorName
        self.from = from
        self.to = to
        sessions = Dictionary(grouping: rows.filter { $0.startsAt >= from && $0.startsAt < to }, by: \.sessionID).values
            .map { rows in
                let expected = rows.filter(\.expected)
                return SessionLine(
                    sessionID: rows[0].sessionID, title: rows[0].sessionTitle, startsAt: rows[0].startsAt, expected: expected.count,
                    came: expected.filter { $0.checkedInAt != nil }.count,
                    absent: expected.filter { $0.status == .absent }.map(\.participantName).sorted())
            }
            .sorted { ($0.startsAt, $0.sessionID) < ($1.startsAt, $1.sessionID) }
        atRisk = report.atRisk.sorted { $0.name < $1.name }
        pairs = report.pairs.filter { $0.health != .ok }
            .map { PairLine(groupID: $0.groupID, name: groupNames[$0.groupID] ?? $0.groupID, health: $0.health, reasons: $0.reasons) }
            .sorted { ($0.health, $1.name) > ($1.health, $0.name) }
    }

    /// Whether there is anything to tell.
    public var isEmpty: Bool { sessions.isEmpty && atRisk.isEmpty && pairs.isEmpty }

    public func subject(timeZone: TimeZone) -> String {
        "Mentoring digest for \(facilitatorName), \(KioskWording(timeZone: timeZone).day(to.addingTimeInterval(-1)))"
    }

    /// The email's text; `link` is the facilitator's page at the hub.
    public func text(timeZone: TimeZone, link: String) -> String {
        let wording = KioskWording(timeZone: timeZone)
        let days = Int((to.timeIntervalSince(from) / 86_400).rounded())
        var lines = ["Hello \(facilitatorName),", ""]
        lines.append(days <= 1 ? "Your sessions yesterday (\(wording.day(from))):" : "Your sessions from \(wording.day(from)) to \(wording.day(to.addingTimeInterval(-1))):")
        if sessions.isEmpty { lines.append("  none") }
        for session in sessions {
            var line = "  \(wording.day(session.startsAt)) \(wording.clock(session.startsAt)) \(session.title): \(session.came) of \(session.expected) came"
            if !session.absent.isEmpty { line += " (absent: \(session.absent.joined(separator: ", ")))" }
            lines.append(line)
        }
        lines += ["", "Members at risk:"]
        if atRisk.isEmpty { lines.append("  none") }
        lines += atRisk.map { "  \($0.name) (\($0.participantID)): \($0.reason)" }
        lines += ["", "Pairs that need attention:"]
        if pairs.isEmpty { lines.append("  none") }
        lines += pairs.map { "  \($0.name) (\($0.groupID)): \($0.health.rawValue.replacingOccurrences(of: "_", with: " ")), \($0.reasons.joined(separator: "; "))" }
        lines += ["", "Your page: \(link)", "", "You receive this because you facilitate groups of the program. Your program's admin can turn the digest off."]
        return lines.joined(separator: "\n") + "\n"
    }
}
