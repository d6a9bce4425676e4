import Foundation
import KioskCore

/// Reads the program's CSV files — `participants.csv`, `groups.csv`, `sessions.csv` — into
/// validated entries, or refuses the whole file with the first error's file, line and column.
/// The kiosk and the hub read the same formats with this type.
public struct ProgramFileReader: Sendable {
    public static let participantColumns = ["id", "name", "role", "badges", "active"]
    /// Columns participants.csv may add: programs without cohorts leave `cohort` out; the days
    /// someone joined and left the program (in the program's time zone); an email address for the
    /// hub's notifications (kept at the hub only).
    public static let optionalParticipantColumns = ["cohort", "joined_on", "left_on", "email", "language"]
    public static let groupColumns = ["group_id", "name", "kind", "participant_id", "member_role"]
    /// The days of a member's row: re-matching ends one row and begins another.
    public static let optionalGroupColumns = ["from", "until"]
    public static let goalColumns = ["group_id", "goal"]
    public static let optionalGoalColumns = ["target_date"]
    public static let sessionColumns = [
        "session_id", "title", "kind", "location", "starts_at", "ends_at", "group_id", "facilitator_id",
    ]
    /// `scheduled` or `cancelled`; empty keeps an existing session's status (new ones are scheduled).
    public static let optionalSessionColumns = ["status"]

    public var normalizer: BadgeNormalizer
    public var hasher: BadgeHasher
    /// The zone of times written without an offset.
    public var timeZone: TimeZone

    public init(normalizer: BadgeNormalizer, hasher: BadgeHasher, timeZone: TimeZone) {
        self.normalizer = normalizer
        self.hasher = hasher
        self.timeZone = timeZone
    }

    /// The kinds of program file, as the import command and the upload page name them.
    public static let kinds = ["participants", "groups", "sessions", "goals"]

    /// Reads a program file of `kind` (one of `kinds`; nil for another word).
    /// - Parameter cancellingMissingAfter: with sessions, cancel those missing from the file
    ///   that start after this time (they must then list at least one session).
    public func file(kind: String, _ data: Data, file: String, cancellingMissingAfter now: Date? = nil) throws(ImportError) -> ProgramFile? {
        switch kind {
        case "participants": return .participants(try participants(data, file: file))
        case "groups": return .groups(try groups(data, file: file))
        case "goals": return .goals(try goals(data, file: file))
        case "sessions":
            let entries = try sessions(data, file: file)
            if now != nil && entries.isEmpty {
                throw ImportError(SourcePosition(file: file, line: 1), "the file lists no session: cancelling the missing ones would cancel every session still to come")
            }
            return .sessions(entries, cancellingMissingAfter: now)
        default: return nil
        }
    }

    public func participants(_ data: Data, file: String) throws(ImportError) -> [ParticipantEntry] {
        let table = try CSVTable(data: data, file: file, columns: Self.participantColumns, optional: Self.optionalParticipantColumns)
        var seen: [String: Int] = [:]
        var badgeOwners: [BadgeHash: String] = [:]
        var entries: [ParticipantEntry] = []
        for record in table.records {
            let id = try identifier(record, "id")
            if let first = seen[id] { throw record.error("id", "participant \(id) is listed twice (first on line \(first))") }
            seen[id] = record.position.line
            let name = try text(record, "name")
            guard let role = Role(rawValue: record["role"].lowercased()) else {
                throw record.error("role", "\"\(record["role"])\" is not a role; use one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let active = try flag(record, "active")
            let cohort = record["cohort"].isEmpty ? nil : try text(record, "cohort")
            let joinedOn = try day(record, "joined_on"), leftOn = try day(record, "left_on")
            if let problem = DaySpan(from: joinedOn, until: leftOn).problem { throw record.error("left_on", "the participant's time in the program \(problem)") }
            var hashes: [BadgeHash] = []
            let codes = record["badges"].split(separator: ";", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            for (index, code) in codes.enumerated() {
                let badge: NormalizedBadge
                do {
                    badge = try normalizer.normalize(code)
                } catch {
                    throw record.error("badges", "badge \(index + 1) of \(codes.count) is refused: \(error)")
                }
                let hash = hasher.hash(badge)
                if let owner = badgeOwners[hash] {
                    throw record.error("badges", "badge \(index + 1) of \(codes.count) is also listed for \(owner)")
                }
                badgeOwners[hash] = id
                if !hashes.contains(hash) { hashes.append(hash) }
            }
            var language: KioskLanguage?
            if !record["language"].isEmpty {
                guard let known = KioskLanguage(rawValue: record["language"].lowercased()) else {
                    throw record.error(
                        "language", "\"\(record["language"])\" is not a kiosk language; use one of \(KioskLanguage.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                language = known
            }
            var email: String?
            if !record["email"].isEmpty {
                guard let address = EmailAddress.normalized(record["email"]) else {
                    throw record.error("email", "\"\(record["email"])\" is not an email address")
                }
                email = address
            }
            entries.append(ParticipantEntry(
                participant: Participant(
                    id: id, name: name, role: role, isActive: active, cohort: cohort, joinedOn: joinedOn, leftOn: leftOn, language: language),
                badges: hashes,
                position: record.position, email: email, emailGiven: record.fields["email"] != nil))
        }
        return entries
    }

    /// goals.csv: one row per pair, `group_id,goal[,target_date]`; an empty goal clears the pair's.
    public func goals(_ data: Data, file: String) throws(ImportError) -> [GoalEntry] {
        let table = try CSVTable(data: data, file: file, columns: Self.goalColumns, optional: Self.optionalGoalColumns)
        var entries: [GoalEntry] = []
        var lineOf: [String: Int] = [:]
        for record in table.records {
            let id = try identifier(record, "group_id")
            if let first = lineOf[id] { throw record.error("group_id", "group \(id) has a goal on line \(first) already; one goal per pair") }
            lineOf[id] = record.position.line
            // An empty goal clears the pair's (after a re-match, say).
            let goal = record["goal"].isEmpty ? nil : PairGoal(text: try text(record, "goal"), targetOn: try day(record, "target_date"))
            entries.append(GoalEntry(groupID: id, goal: goal, position: record.position))
        }
        return entries
    }

    public func groups(_ data: Data, file: String) throws(ImportError) -> [GroupEntry] {
        let table = try CSVTable(data: data, file: file, columns: Self.groupColumns, optional: Self.optionalGroupColumns)
        var order: [String] = []
        var entries: [String: GroupEntry] = [:]
        for record in table.records {
            let id = try identifier(record, "group_id")
            let name = try text(record, "name")
            guard let kind = GroupKind(rawValue: record["kind"].lowercased()) else {
                throw record.error("kind", "\"\(record["kind"])\" is not a group kind; use pair or circle")
            }
            let participantID = try identifier(record, "participant_id")
            guard let role = MemberRole(rawValue: record["member_role"].lowercased()) else {
                throw record.error("member_role", "\"\(record["member_role"])\" is not a member role; use mentor, mentee or facilitator")
            }
            let member = GroupMember(participantID: participantID, role: role, from: try day(record, "from"), until: try day(record, "until"))
            if let problem = member.span.problem { throw record.error("until", "the membership \(problem)") }
            if var entry = entries[id] {
                guard entry.group.name == name else {
                    throw record.error("name", "group \(id) is named \"\(entry.group.name)\" on line \(entry.position.line)")
                }
                guard entry.group.kind == kind else {
                    throw record.error("kind", "group \(id) is a \(entry.group.kind.rawValue) on line \(entry.position.line)")
                }
                // A member may come back: a second row of the same person for days the first does not hold.
                if let index = entry.group.members.firstIndex(where: { $0.participantID == participantID && $0.span.overlaps(member.span) }) {
                    throw record.error(
                        "participant_id",
                        "\(participantID) is listed twice in group \(id) for the same days (first on line \(entry.memberPositions[index].line)); give the rows from and until days that do not overlap")
                }
                entry.group.members.append(member)
                entry.memberPositions.append(record.position)
                entries[id] = entry
            } else {
                order.append(id)
                entries[id] = GroupEntry(
                    group: MentoringGroup(id: id, name: name, kind: kind, members: [member]),
                    memberPositions: [record.position])
            }
        }
        for id in order {
            let entry = entries[id]!
            if entry.group.kind == .pair {
                // At any one time, one mentor and one mentee: each role's rows hold disjoint days.
                let roles = Set(entry.group.members.map(\.role))
                let overlapping = entry.group.members.enumerated().contains { first in
                    entry.group.members.enumerated().contains { second in
                        first.offset < second.offset && first.element.role == second.element.role && first.element.span.overlaps(second.element.span)
                    }
                }
                guard roles == [.mentee, .mentor], !overlapping else {
                    throw ImportError(
                        entry.position,
                        "pair \(id) must have exactly one mentor and one mentee; it has \(entry.group.members.map(\.role.rawValue).joined(separator: ", "))")
                }
            }
        }
        return order.map { entries[$0]! }
    }

    public func sessions(_ data: Data, file: String) throws(ImportError) -> [SessionEntry] {
        let table = try CSVTable(data: data, file: file, columns: Self.sessionColumns, optional: Self.optionalSessionColumns)
        var seen: [String: Int] = [:]
        var entries: [SessionEntry] = []
        for record in table.records {
            let id = try identifier(record, "session_id")
            if ProgramID.isAdHocSession(id) {
                throw record.error("session_id", "\(id) begins with \(ProgramID.adHocSessionPrefix), which only ad-hoc sessions opened at a kiosk use; choose another id")
            }
            if let first = seen[id] { throw record.error("session_id", "session \(id) is listed twice (first on line \(first))") }
            seen[id] = record.position.line
            let title = try text(record, "title")
            guard let kind = SessionKind(lenient: record["kind"]) else {
                throw record.error("kind", "\"\(record["kind"])\" is not a session kind; use one of \(SessionKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let location = try text(record, "location")
            let startsAt = try time(record, "starts_at")
            let endsAt = try time(record, "ends_at")
            guard endsAt > startsAt else { throw record.error("ends_at", "the session ends before it starts") }
            let groupID = try optionalIdentifier(record, "group_id")
            let facilitatorID = try optionalIdentifier(record, "facilitator_id")
            let status: SessionStatus
            switch record["status"].lowercased() {
            case "", "scheduled": status = .scheduled
            case "cancelled", "canceled": status = .cancelled
            default: throw record.error("status", "\"\(record["status"])\" is not a session status; use scheduled or cancelled, or leave it empty")
            }
            entries.append(SessionEntry(
                session: Session(
                    id: id, title: title, kind: kind, location: location, startsAt: startsAt, endsAt: endsAt,
                    groupID: groupID, facilitatorID: facilitatorID, status: status),
                position: record.position, statusGiven: !record["status"].isEmpty))
        }
        return entries
    }

    // MARK: - Fields

    private func identifier(_ record: CSVTable.Record, _ column: String) throws(ImportError) -> String {
        let value = record[column]
        guard !value.isEmpty else { throw record.error(column, "\(column) is empty") }
        guard ProgramID.isValid(value) else {
            throw record.error(column, "\"\(value)\" is not a valid id; use up to 64 letters, digits, '.', '_' or '-'")
        }
        return value
    }

    private func optionalIdentifier(_ record: CSVTable.Record, _ column: String) throws(ImportError) -> String? {
        record[column].isEmpty ? nil : try identifier(record, column)
    }

    private func text(_ record: CSVTable.Record, _ column: String) throws(ImportError) -> String {
        let value = record[column]
        guard !value.isEmpty else { throw record.error(column, "\(column) is empty") }
        guard value.count <= ProgramText.maximumLength else {
            throw record.error(column, "\(column) is longer than \(ProgramText.maximumLength) characters")
        }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw record.error(column, "\(column) contains a control character")
        }
        return value
    }

    private func flag(_ record: CSVTable.Record, _ column: String) throws(ImportError) -> Bool {
        switch record[column].lowercased() {
        case "", "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw record.error(column, "\"\(record[column])\" is not true or false")
        }
    }

    private func day(_ record: CSVTable.Record, _ column: String) throws(ImportError) -> ProgramDay? {
        let value = record[column]
        guard !value.isEmpty else { return nil }
        guard let day = ProgramDay(value) else { throw record.error(column, "\"\(value)\" is not a day; write 2026-03-02 (a day in \(timeZone.identifier))") }
        return day
    }

    private func time(_ record: CSVTable.Record, _ column: String) throws(ImportError) -> Date {
        let value = record[column]
        if let date = ProgramTime.parse(value, timeZone: timeZone) { return date }
        throw record.error(
            column,
            "\"\(value)\" is not a time; write 2026-03-02T15:00:00+01:00, or 2026-03-02 15:00 in \(timeZone.identifier)")
    }

}

/// The time formats the program files accept, and the one the exports write.
public enum ProgramTime {
    /// ISO 8601 with an offset or `Z`, or a local time (`2026-03-02T15:00`, `2026-03-02 15:00:00`)
    /// in `timeZone`.
    public static func parse(_ text: String, timeZone: TimeZone) -> Date? {
        let offsetFormatter = ISO8601DateFormatter()
        offsetFormatter.formatOptions = [.withInternetDateTime]
        if let date = offsetFormatter.date(from: text) { return date }
        offsetFormatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = offsetFormatter.date(from: text) { return date }
        let local = DateFormatter()
        local.locale = Locale(identifier: "en_US_POSIX")
        local.timeZone = timeZone
        local.isLenient = false
        for format in ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm"] {
            local.dateFormat = format
            if let date = local.date(from: text) { return date }
        }
        return nil
    }

    /// A period's bound on the command line: a day (its midnight in `timeZone`) or a time.
    public static func parseDayOrTime(_ text: String, timeZone: TimeZone) -> Date? {
        parse(text, timeZone: timeZone) ?? parse(text + " 00:00", timeZone: timeZone)
    }

    /// What a bad period bound is told.
    public static func notADayOrTime(_ text: String) -> String {
        "\"\(text)\" is not a time; write 2026-03-02, 2026-03-02 15:00 or 2026-03-02T15:00:00+01:00"
    }

    /// `2026-03-02T14:00:00Z`: UTC, second precision.
    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
