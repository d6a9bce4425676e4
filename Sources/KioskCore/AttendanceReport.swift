import Foundation

/// Status of a participant at a session in an attendance export: the three arrival kinds,
/// or why there is no arrival.
public enum ReportStatus: String, Sendable, Codable, CaseIterable {
    case onTime = "on_time"
    case late
    case manual
    /// Expected, the session has ended, and they never checked in.
    case absent
    /// Expected, the session has not ended yet, and they have not checked in (yet).
    case pending
    /// Expected, did not come, and a facilitator or admin excused them (`Excusal`).
    case excused

    init(_ status: AttendanceStatus) {
        switch status {
        case .onTime: self = .onTime
        case .late: self = .late
        case .manual: self = .manual
        }
    }
}

/// One row of the attendance export: one expected-or-actual attendance. The column set and
/// order are a stable, documented schema (docs/exports.md); add columns only at the end.
public struct AttendanceReportRow: Sendable, Equatable, Codable {
    public var sessionID: String
    public var sessionTitle: String
    public var sessionKind: SessionKind
    public var location: String
    public var startsAt: Date
    public var endsAt: Date
    public var participantID: String
    public var participantName: String
    public var role: Role
    /// The export's last column (it came after the others).
    public var cohort: String?
    public var groupID: String?
    public var memberRole: MemberRole?
    public var expected: Bool
    public var status: ReportStatus
    public var checkedInAt: Date?
    public var checkedOutAt: Date?
    public var checkOutKind: CheckOutKind?
    public var durationSeconds: Int?
    public var rating: Int?
    public var clockTrusted: Bool?
    public var kioskID: String?

    public static let columns = [
        "session_id", "session_title", "session_kind", "location", "starts_at", "ends_at",
        "participant_id", "participant_name", "role", "group_id", "member_role", "expected",
        "status", "checked_in_at", "checked_out_at", "check_out_kind", "duration_seconds",
        "rating", "clock_trusted", "kiosk_id", "cohort",
    ]
}

/// Builds the attendance export from the directory and the derived attendances.
public enum AttendanceReport {
    /// - Parameters:
    ///   - sessions: the sessions to report, already filtered by period and location.
    ///   - groups: groups by id, for expected members.
    ///   - participants: everyone who may appear, by id.
    ///   - attendances: the attendances at `sessions`.
    ///   - excusals: members excused from sessions; those who came anyway count as present.
    ///   - now: sessions not yet started are skipped; missing members of running sessions are `pending`.
    ///   - timeZone: the program's, in which joining, leaving and membership days begin.
    ///
    /// A group's members at a session are its member rows whose days hold the session's start,
    /// of participants who had joined and not yet left by then; of those, the active ones are
    /// expected. Anyone else who came is a row with `expected` false.
    public static func rows(
        sessions: [Session], groups: [String: MentoringGroup], participants: [String: Participant],
        attendances: [Attendance], excusals: [Excusal] = [], now: Date, timeZone: TimeZone
    ) -> [AttendanceReportRow] {
        let bySession = Dictionary(grouping: attendances, by: \.sessionID)
        let excused = Set(excusals.map { [$0.participantID, $0.sessionID] })
        let timeline = MembershipTimeline(groups: groups.values, participants: participants, timeZone: timeZone)
        var rows: [AttendanceReportRow] = []
        for session in sessions.sorted(by: { ($0.startsAt, $0.id) < ($1.startsAt, $1.id) })
        where session.startsAt <= now && session.status != .cancelled {
            let members = timeline.members(of: session)
            let memberRoles = Dictionary(members.map { ($0.participant.id, $0.role) }, uniquingKeysWith: { first, _ in first })
            let attended = Dictionary(
                (bySession[session.id] ?? []).map { ($0.participantID, $0) }, uniquingKeysWith: { first, _ in first })
            let expectedIDs = members.filter(\.participant.isActive).map(\.participant.id)
            let guestIDs = attended.keys.filter { !expectedIDs.contains($0) }.sorted()
            for participantID in expectedIDs + guestIDs {
                guard let participant = participants[participantID] else { continue }
                let attendance = attended[participantID]
                let status: ReportStatus = attendance.map { ReportStatus($0.status) }
                    ?? (excused.contains([participantID, session.id]) ? .excused
                        : session.endsAt <= now || session.status == .closed ? .absent : .pending)
                rows.append(AttendanceReportRow(
                    sessionID: session.id, sessionTitle: session.title, sessionKind: session.kind,
                    location: session.location, startsAt: session.startsAt, endsAt: session.endsAt,
                    participantID: participant.id, participantName: participant.name, role: participant.role,
                    cohort: participant.cohort, groupID: session.groupID, memberRole: memberRoles[participantID],
                    expected: participant.isActive && memberRoles[participantID] != nil, status: status,
                    checkedInAt: attendance?.checkedInAt, checkedOutAt: attendance?.checkedOutAt,
                    checkOutKind: attendance?.checkOutKind,
                    durationSeconds: attendance?.durationSeconds,
                    rating: attendance?.rating, clockTrusted: attendance?.clockTrusted,
                    kioskID: attendance?.kioskID))
            }
        }
        return rows
    }
}
