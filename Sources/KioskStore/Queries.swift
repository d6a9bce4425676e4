import Foundation
import GRDB
import KioskCore

/// A session with its live counts, for the `sessions` listing.
public struct SessionSummary: Sendable, Equatable {
    public var session: Session
    public var present: Int
    /// The group's member count; nil for a session without a group (open to all, nobody expected).
    public var expected: Int?

    /// "3/4 here" for a group's session, "3 here" for one open to all.
    public var presence: String { expected.map { "\(present)/\($0)" } ?? "\(present)" }
}

extension KioskStore {
    /// Sessions overlapping `[from, to)`, optionally at one location, by start time.
    /// - Parameter timeZone: the program's, in which membership days begin.
    public func sessions(from: Date, to: Date, location: String? = nil, timeZone: TimeZone) throws -> [SessionSummary] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT session.*, (SELECT count(*) FROM attendance WHERE attendance.session_id = session.id) AS present
                FROM session
                WHERE ends_at > ? AND starts_at < ? AND (? IS NULL OR location = ?)
                ORDER BY starts_at, id
                """, arguments: [from, to, location, location])
            let sessions = try rows.map { try SessionRecord(row: $0).session }
            let timeline = try membershipTimeline(db, of: sessions, timeZone: timeZone)
            return zip(sessions, rows).map { session, row in
                SessionSummary(session: session, present: row["present"], expected: session.groupID == nil ? nil : timeline.expected(at: session).count)
            }
        }
    }

    /// Who belonged to the groups of `sessions` when, read in two queries (their member rows and
    /// those members), for `MembershipTimeline`'s rule.
    func membershipTimeline(_ db: Database, of sessions: [Session], timeZone: TimeZone) throws -> MembershipTimeline {
        let groupIDs = String(decoding: try JSONEncoder().encode(Set(sessions.compactMap(\.groupID)).sorted()), as: UTF8.self)
        let rows = try GroupMemberRecord.fetchAll(db, sql: """
            SELECT * FROM group_member WHERE group_id IN (SELECT value FROM json_each(?)) ORDER BY rowid
            """, arguments: [groupIDs])
        let people = try ParticipantRecord.fetchAll(db, keys: Set(rows.map(\.participantId))).map(\.participant)
        let groups = Dictionary(grouping: rows, by: \.groupId).map { id, rows in
            MentoringGroup(id: id, name: "", kind: .circle, members: rows.map(\.member))
        }
        return MembershipTimeline(
            groups: groups, participants: Dictionary(people.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }), timeZone: timeZone)
    }

    /// The scheduled sessions at `location` that start after `now`, in the coming two weeks:
    /// those a facilitator may still cancel.
    public func sessionsToStart(location: String, after now: Date) throws -> [Session] {
        try pool.read { db in
            try SessionRecord.fetchAll(db, sql: """
                SELECT * FROM session INDEXED BY session_location_end
                WHERE location = ? AND ends_at > ? AND starts_at > ? AND starts_at < ? AND status = 'scheduled' ORDER BY starts_at, id
                """, arguments: [location, now, now, now.addingTimeInterval(14 * 86_400)]).map(\.session)
        }
    }

    public func session(id: String) throws -> Session? {
        try pool.read { try SessionRecord.fetchOne($0, key: id)?.session }
    }

    public func participant(id: String) throws -> Participant? {
        try pool.read { try ParticipantRecord.fetchOne($0, key: id)?.participant }
    }

    public func participant(badge: BadgeHash) throws -> Participant? {
        try pool.read { try participant($0, badge: badge) }
    }

    /// The facilitator's tally of one session.
    public func tally(sessionID: String, timeZone: TimeZone) throws -> SessionTally? {
        try pool.read { db in
            try SessionRecord.fetchOne(db, key: sessionID).map { try tally(db, session: $0.session, timeZone: timeZone) }
        }
    }

    /// The tallies of the sessions at `location` whose check-in window is open at `now`, in one read.
    public func openTallies(location: String, at now: Date, rules: CheckInRules, timeZone: TimeZone) throws -> [SessionTally] {
        var tallies = try pool.read { db in
            try SessionRecord.fetchAll(db, sql: """
                SELECT * FROM session INDEXED BY session_location_end WHERE location = ? AND ends_at > ? AND starts_at < ?
                ORDER BY starts_at, id
                """, arguments: [location, now, now.addingTimeInterval(rules.opensBefore)])
                .map(\.session)
                .filter { $0.phase(at: now, rules: rules).acceptsCheckIns }
                .map { try tally(db, session: $0, timeZone: timeZone) }
        }
        guard !tallies.isEmpty else { return tallies }
        // Who is drifting away, by the program's own definition, over the last four weeks here.
        let from = now.addingTimeInterval(-28 * 86_400)
        let input = try engagementInput(from: from, to: now, location: location)
        let report = EngagementMetrics.report(input, from: from, to: now, now: now, timeZone: timeZone)
        let groups = Dictionary(input.groups.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let needingAttention = report.pairs.filter { $0.health != .ok }.sorted { $0.health > $1.health }
        for index in tallies.indices {
            let here = Set((tallies[index].present + tallies[index].missing).map(\.participant.id))
            let startsAt = tallies[index].session.startsAt
            tallies[index].atRisk = report.atRisk.filter { here.contains($0.participantID) }
            // The pairs whose members at this session's start include someone of it.
            tallies[index].pairsNeedingAttention = needingAttention.filter { pair in
                let members = groups[pair.groupID]?.members(at: startsAt, timeZone: timeZone).map(\.participantID) ?? []
                return pair.groupID == tallies[index].session.groupID || members.contains(where: here.contains)
            }
        }
        return tallies
    }

    private func tally(_ db: Database, session: Session, timeZone: TimeZone) throws -> SessionTally {
        let expected = try membershipTimeline(db, of: [session], timeZone: timeZone).expected(at: session).map(\.participant)
        let rows = try Row.fetchAll(db, sql: """
            SELECT participant.id, participant.name, participant.role, participant.active, participant.cohort, attendance.* FROM attendance
            JOIN participant ON participant.id = attendance.participant_id
            WHERE attendance.session_id = ?
            """, arguments: [session.id], adapter: ScopeAdapter([
                "participant": RangeRowAdapter(0..<5), "attendance": SuffixRowAdapter(fromIndex: 5),
            ]))
        let attendances = try rows.map { row in
            (try ParticipantRecord(row: row.scopes["participant"]!).participant,
             try AttendanceRecord(row: row.scopes["attendance"]!).attendance)
        }
        let excused = Set(try Self.excusals(db, sessionIDs: [session.id]).map(\.participantID))
        return SessionTally(session: session, expected: expected, attendances: attendances, excused: excused)
    }

    /// The attendance export for sessions starting in `[from, to)`, days in `timeZone`.
    public func attendanceReport(from: Date, to: Date, location: String? = nil, now: Date, timeZone: TimeZone) throws -> [AttendanceReportRow] {
        try pool.read { db in
            let sessions = try SessionRecord.fetchAll(db, sql: """
                SELECT * FROM session WHERE starts_at >= ? AND starts_at < ? AND (? IS NULL OR location = ?)
                """, arguments: [from, to, location, location]).map(\.session)
            let sessionIDs = sessions.map(\.id)
            let groupIDs = Set(sessions.compactMap(\.groupID))
            var groups: [String: MentoringGroup] = [:]
            for record in try GroupRecord.fetchAll(db, keys: groupIDs) {
                groups[record.id] = MentoringGroup(id: record.id, name: record.name, kind: record.kind, members: [])
            }
            for member in try GroupMemberRecord.filter(groupIDs.contains(Column("group_id"))).order(Column("participant_id"), Column.rowID).fetchAll(db) {
                groups[member.groupId]?.members.append(member.member)
            }
            let participants = Dictionary(
                uniqueKeysWithValues: try ParticipantRecord.fetchAll(db).map { ($0.id, $0.participant) })
            let attendances = try AttendanceRecord
                .filter(sessionIDs.contains(Column("session_id")))
                .fetchAll(db).map(\.attendance)
            return AttendanceReport.rows(
                sessions: sessions, groups: groups, participants: participants, attendances: attendances,
                excusals: try Self.excusals(db, sessionIDs: sessionIDs), now: now, timeZone: timeZone)
        }
    }

    /// What the engagement report counts, for sessions starting in `[from, to)` (at
    /// `location`, or all). Read for speed over a long history: through the C API (`RawRow`),
    /// sessions in the order the metrics walk them, and — when the period holds a good share
    /// of all sessions — the attendance table straight through, since looking each row up
    /// through the session index costs more than reading the rows the report then ignores.
    public func engagementInput(from: Date, to: Date, location: String? = nil) throws -> EngagementInput {
        try pool.read { db in
            let period: StatementArguments = [from, to, location, location]
            let inPeriod = "starts_at >= ? AND starts_at < ? AND (? IS NULL OR location = ?)"
            var sessions: [Session] = []
            try db.forEachRawRow(
                sql: "SELECT id, title, kind, location, starts_at, ends_at, group_id, facilitator_id, status FROM session WHERE \(inPeriod) ORDER BY starts_at, id",
                arguments: period
            ) { row in
                guard let id = row.text(0), let title = row.text(1), let kind = row.value(2, as: SessionKind.self), let place = row.text(3),
                      let startsAt = row.date(4), let endsAt = row.date(5), let status = row.value(8, as: SessionStatus.self)
                else { throw StoreError.unreadableRow(table: "session", key: row.text(0) ?? "?") }
                sessions.append(Session(
                    id: id, title: title, kind: kind, location: place, startsAt: startsAt, endsAt: endsAt, groupID: row.text(6),
                    facilitatorID: row.text(7), status: status))
            }
            let readAll = try sessions.count * 4 >= (Int.fetchOne(db, sql: "SELECT count(*) FROM session") ?? 0)
            var arrivals: [EngagementInput.Arrival] = []
            arrivals.reserveCapacity(readAll ? try Int.fetchOne(db, sql: "SELECT count(*) FROM attendance") ?? 0 : 0)
            try db.forEachRawRow(
                sql: """
                    SELECT participant_id, session_id, checked_in_at, checked_out_at,
                      CASE status WHEN 'on_time' THEN 0 WHEN 'late' THEN 1 ELSE 2 END
                      + 4 * CASE check_out_kind WHEN 'badge' THEN 1 WHEN 'auto' THEN 2 ELSE 0 END + 16 * coalesce(rating, 0)
                    FROM attendance \(readAll ? "" : "WHERE session_id IN (SELECT id FROM session WHERE \(inPeriod))")
                    """,
                arguments: readAll ? [] : period
            ) { row in
                guard let participantID = row.text(0), let sessionID = row.text(1), let checkedIn = row.milliseconds(2) else {
                    throw StoreError.unreadableRow(table: "attendance", key: "\(row.text(0) ?? "?") at \(row.text(1) ?? "?")")
                }
                // Status, check-out kind and rating come packed in one number: each column read
                // through the C API takes SQLite's connection mutex.
                let packed = row.int(4)
                arrivals.append(EngagementInput.Arrival(
                    participantID: participantID, sessionID: sessionID, status: Self.arrivalStatuses[packed % 4],
                    checkOutKind: packed / 4 % 4 == 1 ? .badge : packed / 4 % 4 == 2 ? .auto : nil,
                    durationSeconds: row.milliseconds(3).map { Attendance.wholeSeconds(milliseconds: $0 - checkedIn) },
                    rating: packed >= 16 ? packed / 16 : nil))
            }
            return EngagementInput(
                sessions: sessions, groups: try Self.groups(db), participants: try ParticipantRecord.fetchAll(db).map(\.participant),
                arrivals: arrivals, anonymousRatings: try Self.anonymousRatings(db, from: from, to: to, location: location),
                excusals: try Self.excusals(db, from: from, to: to, location: location),
                answers: try Self.pairAnswers(db, from: from, to: to, location: location))
        }
    }

    /// `engagementInput`'s status numbers (its SQL's CASE), in order.
    private static let arrivalStatuses: [AttendanceStatus] = [.onTime, .late, .manual]

    /// Ratings given anonymously at sessions starting in `[from, to)` (at `location`, or all).
    static func anonymousRatings(_ db: Database, from: Date, to: Date, location: String?) throws -> [AnonymousRating] {
        try Row.fetchAll(db, sql: """
            SELECT e.session_id, e.rating FROM event e JOIN session s ON s.id = e.session_id
            WHERE e.kind = 'rating' AND e.participant_id IS NULL AND e.rating IS NOT NULL
              AND s.starts_at >= ? AND s.starts_at < ? AND (? IS NULL OR s.location = ?)
            ORDER BY e.seq
            """, arguments: [from, to, location, location]).map { AnonymousRating(sessionID: $0[0], rating: $0[1]) }
    }

    /// Members excused from sessions starting in `[from, to)` (at `location`, or all): the
    /// kiosk's own `excuse` events, and those the hub's directory carried.
    static func excusals(_ db: Database, from: Date, to: Date, location: String?) throws -> [Excusal] {
        try Row.fetchAll(db, sql: """
            SELECT e.participant_id, e.session_id, e.reason, e.excused_by FROM (\(excusalsSQL)) e JOIN session s ON s.id = e.session_id
            WHERE s.starts_at >= ? AND s.starts_at < ? AND (? IS NULL OR s.location = ?)
            """, arguments: [from, to, location, location]).map(Self.excusal)
    }

    static func excusals(_ db: Database, sessionIDs: [String]) throws -> [Excusal] {
        try Row.fetchAll(db, sql: """
            SELECT participant_id, session_id, reason, excused_by FROM (\(excusalsSQL)) WHERE session_id IN (SELECT value FROM json_each(?))
            """, arguments: [String(decoding: try JSONEncoder().encode(sessionIDs), as: UTF8.self)]).map(Self.excusal)
    }

    /// Every excusal the kiosk knows: its own events, then the hub's.
    private static let excusalsSQL = """
        SELECT participant_id, session_id, note AS reason, actor_id AS excused_by FROM event WHERE kind = 'excuse' AND participant_id IS NOT NULL
        UNION ALL SELECT participant_id, session_id, reason, excused_by FROM hub_excusal
        """

    private static func excusal(_ row: Row) -> Excusal {
        Excusal(participantID: row[0], sessionID: row[1], reason: row[2], excusedBy: row[3])
    }

    /// Every group with its members (for pair meetings in reports).
    public func groups() throws -> [MentoringGroup] {
        try read { db in try Self.groups(db) }
    }

    static func groups(_ db: Database) throws -> [MentoringGroup] {
        let members = Dictionary(grouping: try GroupMemberRecord.fetchAll(db, sql: "SELECT * FROM group_member ORDER BY participant_id, rowid"), by: \.groupId)
        let goals = try Self.goals(db)
        return try GroupRecord.fetchAll(db, sql: "SELECT * FROM mentoring_group ORDER BY id").map { group in
            MentoringGroup(id: group.id, name: group.name, kind: group.kind, members: (members[group.id] ?? []).map(\.member), goal: goals[group.id])
        }
    }

    /// Row counts for `doctor` and the status page.
    public func counts() throws -> [String: Int] {
        try pool.read { db in
            var counts: [String: Int] = [:]
            for table in ["participant", "badge", "mentoring_group", "session", "event", "attendance"] {
                counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
            }
            return counts
        }
    }

    /// The newest event's sequence number (0 when none): how many events this kiosk has made.
    public func lastSequence() throws -> Int64 {
        try pool.read { try Int64.fetchOne($0, sql: "SELECT max(seq) FROM event") ?? 0 }
    }

    /// How far this database has numbered events: its newest, or further when a restore or a
    /// replacement continued after a hub's cursor. What it tells a hub it enrolls at.
    public func numberedThrough() throws -> Int64 {
        try pool.read { db in
            try Int64.fetchOne(db, sql: """
                SELECT max(coalesce((SELECT max(seq) FROM event), 0), coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'event'), 0),
                           coalesce((SELECT acknowledged_through FROM sync_state WHERE id = 1), 0))
                """) ?? 0
        }
    }

    /// All events in sequence order.
    public func events(after sequence: Int64 = 0, limit: Int = .max) throws -> [RecordedEvent] {
        try pool.read { db in
            try EventRecord.fetchAll(db, sql: "SELECT * FROM event WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [sequence, limit])
                .map(\.recorded)
        }
    }

    /// Replays the event log through `AttendanceProjection` and lists every attendance that
    /// differs from the stored table. Empty means the table is exactly what the events say.
    /// Sessions that ended before the retention's cutoff (`prunedBefore`) are left out: their
    /// events may be gone, their attendance kept.
    public func projectionMismatches() throws -> [String] {
        try pool.read { db in
            let pruned = try Date.fetchOne(db, sql: "SELECT pruned_before FROM sync_state WHERE id = 1").map { before in
                Set(try String.fetchAll(db, sql: "SELECT id FROM session WHERE ends_at < ?", arguments: [before]))
            } ?? []
            var projection = AttendanceProjection()
            let cursor = try EventRecord.fetchCursor(db, sql: "SELECT * FROM event ORDER BY seq")
            while let event = try cursor.next() { projection.apply(event.recorded) }
            var stored: [AttendanceProjection.Key: Attendance] = [:]
            for record in try AttendanceRecord.fetchAll(db) {
                stored[.init(participantID: record.participantId, sessionID: record.sessionId)] = record.attendance
            }
            var mismatches: [String] = []
            for key in Set(stored.keys).union(projection.attendances.keys).sorted() where !pruned.contains(key.sessionID) {
                let replayed = projection.attendances[key].map(Self.comparable)
                if replayed != stored[key].map(Self.comparable) {
                    mismatches.append("\(key.participantID) at \(key.sessionID): events say \(replayed.map { "\($0)" } ?? "absent"), table says \(stored[key].map { "\(Self.comparable($0))" } ?? "absent")")
                }
            }
            return mismatches
        }
    }

    /// The facts the events determine; `hasRated` is left out (anonymous ratings carry no participant).
    private static func comparable(_ attendance: Attendance) -> String {
        let millisecond = { (date: Date?) in date.map { Int(($0.timeIntervalSince1970 * 1000).rounded()) } }
        return "\(attendance.status.rawValue) in=\(millisecond(attendance.checkedInAt)!) out=\(millisecond(attendance.checkedOutAt).map(String.init) ?? "-") \(attendance.checkOutKind?.rawValue ?? "-") rating=\(attendance.rating.map(String.init) ?? "-")"
    }
}
