import Foundation
import GRDB
import KioskCore

extension KioskStore {
    /// A badge scan at this kiosk's `location`: decides with `CheckInPolicy` and, for a
    /// check-in, commits the event and the attendance before returning.
    /// - Parameter timeZone: the program's, in which group memberships begin and end.
    public func scan(
        _ badge: BadgeHash, location: String, clock: ClockReading, rules: CheckInRules, timeZone: TimeZone,
        chosenSessionID: String? = nil
    ) throws -> ScanOutcome {
        try scanCounting(badge, location: location, clock: clock, rules: rules, timeZone: timeZone, chosenSessionID: chosenSessionID).outcome
    }

    /// `scan`, also returning, for a check-in, how many sessions the participant has now
    /// attended (counted in the same transaction, for the milestone line).
    public func scanCounting(
        _ badge: BadgeHash, location: String, clock: ClockReading, rules: CheckInRules, timeZone: TimeZone,
        chosenSessionID: String? = nil
    ) throws -> (outcome: ScanOutcome, attended: Int?) {
        try record { db in
            let context = try scanContext(db, badge: badge, location: location, now: clock.wall, timeZone: timeZone)
            let outcome = CheckInPolicy.decide(context, at: clock.wall, rules: rules, chosenSessionID: chosenSessionID)
            guard case .checkIn(let participant, let session, let status) = outcome else { return (outcome, nil) }
            try appendCheckIn(
                db, kind: .checkIn, participantID: participant.id, sessionID: session.id, actorID: participant.id,
                status: status, clock: clock)
            let attended = try Int.fetchOne(
                db.cachedStatement(sql: "SELECT count(*) FROM attendance WHERE participant_id = ?"), arguments: [participant.id])
            return (outcome, attended)
        }
    }

    /// A badge check-out: ends the participant's most recent open attendance.
    public func checkOut(_ badge: BadgeHash, clock: ClockReading, rules: CheckInRules) throws -> CheckOutOutcome {
        try checkOutAsking(badge, clock: clock, rules: rules, feedback: nil, timeZone: .gmt).outcome
    }

    /// `checkOut`, also choosing in the same transaction the questions to ask after it (the
    /// rating alone when `feedback` is nil), and the pair's goal text when they are shown.
    public func checkOutAsking(
        _ badge: BadgeHash, clock: ClockReading, rules: CheckInRules, feedback: FeedbackSettings?, timeZone: TimeZone
    ) throws -> (outcome: CheckOutOutcome, questions: [CheckOutQuestion], goal: String?) {
        try record { db in
            let participant = try participant(db, badge: badge)
            let open = try participant.map { try attendances(db, participantID: $0.id, openOnly: true) } ?? []
            let last = try participant.map { try lastBadgeActivity(db, participantID: $0.id) } ?? nil
            let outcome = CheckOutPolicy.decide(
                participant: participant, attendances: open, lastBadgeActivity: last, at: clock.wall, rules: rules)
            if case .checkOut(let participant, let session, _, let duration) = outcome {
                try append(db, EventDraft(
                    kind: .checkOut, participantID: participant.id, sessionID: session.id, actorID: participant.id,
                    clock: clock, details: EventDetails(durationSeconds: duration, viaBadge: true)))
                try closeAttendance(
                    db, participantID: participant.id, sessionID: session.id, at: clock.wall, trusted: clock.isTrusted, kind: .badge)
                guard let feedback else { return (outcome, [.rating], nil) }
                let pair = try pairCheckOutFacts(db, participantID: participant.id, session: session, timeZone: timeZone)
                return (outcome, CheckOutQuestions.choose(pair: pair, settings: feedback), feedback.showGoalText ? pair?.goal?.text : nil)
            }
            return (outcome, [], nil)
        }
    }

    /// A 1–4 rating of the session the participant last badged out of.
    public func rate(
        _ badge: BadgeHash, value: Int, clock: ClockReading, rules: CheckInRules, anonymous: Bool
    ) throws -> (Participant?, RatingOutcome) {
        try record { db in
            guard let participant = try participant(db, badge: badge) else { return (nil, .notCheckedOut) }
            let latest = try latestCheckedOut(db, participantID: participant.id)
            let outcome = RatingPolicy.decide(value: value, latest: latest, at: clock.wall, rules: rules, anonymous: anonymous)
            if case .record(let sessionID, let value, let anonymous) = outcome {
                try append(db, EventDraft(
                    kind: .rating, participantID: anonymous ? nil : participant.id, sessionID: sessionID,
                    actorID: anonymous ? nil : participant.id, clock: clock, details: EventDetails(rating: value)))
                try db.execute(
                    sql: "UPDATE attendance SET has_rated = 1, rating = ? WHERE participant_id = ? AND session_id = ?",
                    arguments: [anonymous ? nil : value, participant.id, sessionID])
            }
            return (participant, outcome)
        }
    }

    /// A facilitator checks a participant in by hand (forgotten badge, guest at a pair meeting).
    public func manualCheckIn(
        participantID: String, sessionID: String, actorID: String, clock: ClockReading, rules: CheckInRules
    ) throws -> (Participant, Session) {
        try record { db in
            _ = try SupervisionPolicy.authorize(actor: try participant(db, id: actorID), actorID: actorID)
            let (participant, session) = try participantAndSession(db, participantID: participantID, sessionID: sessionID)
            let existing = try AttendanceRecord.fetchOne(db, key: ["participant_id": participantID, "session_id": sessionID])
            try SupervisionPolicy.manualCheckIn(
                participant: participant, session: session, existing: existing?.attendance, at: clock.wall, rules: rules)
            try appendCheckIn(
                db, kind: .manualCheckIn, participantID: participantID, sessionID: sessionID, actorID: actorID,
                status: .manual, clock: clock)
            return (participant, session)
        }
    }

    /// A facilitator undoes a mistaken check-in; the participant may check in again.
    public func undoCheckIn(
        participantID: String, sessionID: String, actorID: String, clock: ClockReading
    ) throws -> (Participant, Session) {
        try record { db in
            _ = try SupervisionPolicy.authorize(actor: try participant(db, id: actorID), actorID: actorID)
            let (participant, session) = try participantAndSession(db, participantID: participantID, sessionID: sessionID)
            let existing = try AttendanceRecord.fetchOne(db, key: ["participant_id": participantID, "session_id": sessionID])
            _ = try SupervisionPolicy.undo(participant: participant, session: session, existing: existing?.attendance)
            try append(db, EventDraft(
                kind: .undo, participantID: participantID, sessionID: sessionID, actorID: actorID, clock: clock,
                details: EventDetails(undoesSequence: existing?.checkInSeq)))
            try db.execute(
                sql: "DELETE FROM attendance WHERE participant_id = ? AND session_id = ?",
                arguments: [participantID, sessionID])
            return (participant, session)
        }
    }

    /// Checks out, marked `auto`, everyone still in a session that has ended or was closed.
    /// Idempotent; the kiosk calls it on every command and periodically.
    @discardableResult
    public func closeEndedSessions(clock: ClockReading) throws -> Int {
        try record { db in try autoCheckOut(db, clock: clock) }
    }

    func autoCheckOut(_ db: Database, clock: ClockReading) throws -> Int {
        let rows = try Row.fetchAll(db, sql: """
            SELECT attendance.*, session.* FROM attendance
            JOIN session ON session.id = attendance.session_id
            WHERE attendance.checked_out_at IS NULL
              AND (session.ends_at <= ? OR session.status <> 'scheduled')
            """, arguments: [clock.wall], adapter: Self.attendanceWithSession)
        let due = CheckOutPolicy.dueAutoCheckOuts(try rows.map(Self.sessionAttendance), at: clock.wall)
        for (item, at) in due {
            let participantID = item.attendance.participantID
            try append(db, EventDraft(
                kind: .autoCheckOut, participantID: participantID, sessionID: item.session.id, actorID: nil,
                clock: clock,
                details: EventDetails(durationSeconds: at.timeIntervalSince(item.attendance.checkedInAt), effectiveAt: at)))
            try closeAttendance(
                db, participantID: participantID, sessionID: item.session.id, at: at, trusted: clock.isTrusted, kind: .auto)
        }
        return due.count
    }

    // MARK: - Writing

    @discardableResult
    func append(_ db: Database, _ draft: EventDraft) throws -> Int64 {
        try db.cachedStatement(sql: EventRecord.insertSQL).execute(arguments: EventRecord.insertArguments(draft, kioskID: kioskID))
        return db.lastInsertedRowID
    }

    private func appendCheckIn(
        _ db: Database, kind: KioskEventKind, participantID: String, sessionID: String, actorID: String,
        status: AttendanceStatus, clock: ClockReading
    ) throws {
        let seq = try append(db, EventDraft(
            kind: kind, participantID: participantID, sessionID: sessionID, actorID: actorID, clock: clock,
            details: EventDetails(status: status, viaBadge: kind == .checkIn)))
        try db.cachedStatement(sql: """
            INSERT INTO attendance (participant_id, session_id, status, checked_in_at, check_in_seq, has_rated, clock_trusted, kiosk_id)
            VALUES (?, ?, ?, ?, ?, 0, ?, ?)
            """).execute(arguments: [participantID, sessionID, status, DatabaseTime.text(clock.wall), seq, clock.isTrusted, kioskID])
    }

    private func closeAttendance(
        _ db: Database, participantID: String, sessionID: String, at time: Date, trusted: Bool, kind: CheckOutKind
    ) throws {
        try db.execute(sql: """
            UPDATE attendance SET checked_out_at = ?, check_out_kind = ?, clock_trusted = clock_trusted AND ?
            WHERE participant_id = ? AND session_id = ?
            """, arguments: [DatabaseTime.text(time), kind, trusted, participantID, sessionID])
    }

    // MARK: - Reading

    func participant(_ db: Database, badge: BadgeHash) throws -> Participant? {
        try ParticipantRecord.fetchOne(db.cachedStatement(sql: """
            SELECT participant.* FROM badge JOIN participant ON participant.id = badge.participant_id
            WHERE badge.hash = ?
            """), arguments: [badge.hex])?.participant
    }

    func participant(_ db: Database, id: String) throws -> Participant? {
        try ParticipantRecord.fetchOne(db, key: id)?.participant
    }

    private func participantAndSession(
        _ db: Database, participantID: String, sessionID: String
    ) throws -> (Participant, Session) {
        guard let participant = try participant(db, id: participantID) else {
            throw SupervisionRefusal.participantUnknown(participantID)
        }
        guard let session = try SessionRecord.fetchOne(db, key: sessionID)?.session else {
            throw SupervisionRefusal.sessionUnknown(sessionID)
        }
        return (participant, session)
    }

    /// Everything a scan needs in two indexed queries: the badge's owner with their last badge
    /// activity, then this location's sessions that have not ended, each with the owner's
    /// membership of its group and their attendance at it.
    private func scanContext(_ db: Database, badge: BadgeHash, location: String, now: Date, timeZone: TimeZone) throws -> ScanContext {
        guard let owner = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT participant.*,
              (SELECT wall_time FROM event WHERE event.participant_id = participant.id AND kind IN ('check_in', 'check_out')
               ORDER BY seq DESC LIMIT 1) AS last_badge_activity
            FROM badge JOIN participant ON participant.id = badge.participant_id
            WHERE badge.hash = ?
            """), arguments: [badge.hex])
        else { return ScanContext(participant: nil, sessionsHere: []) }
        let participant = try ParticipantRecord(row: owner).participant
        // The participant's memberships with their days: a re-matched mentee's old pair is not theirs.
        var memberships: [String: [DaySpan]] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT group_id, from_day, until_day FROM group_member WHERE participant_id = ?"), arguments: [participant.id]) {
            memberships[row[0], default: []].append(DaySpan(from: row[1], until: row[2]))
        }
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT session.*, attendance.*
            FROM session INDEXED BY session_location_end
            LEFT JOIN attendance ON attendance.participant_id = ?1 AND attendance.session_id = session.id
            WHERE session.location = ?2 AND session.ends_at > ?3 AND session.starts_at < ?4
            """), arguments: [
                participant.id, location, DatabaseTime.text(now), DatabaseTime.text(now.addingTimeInterval(7 * 24 * 3600)),
            ], adapter: Self.sessionWithAttendance)
        var sessions: [Session] = []
        var groupIDs: Set<String> = []
        var attendances: [Attendance] = []
        for row in rows {
            let session = try SessionRecord(row: row.scopes["session"]!).session
            sessions.append(session)
            if let groupID = session.groupID,
                memberships[groupID]?.contains(where: { $0.instants(in: timeZone).contains(session.startsAt) }) == true {
                groupIDs.insert(groupID)
            }
            if let attendanceRow = row.scopes["attendance"], attendanceRow["participant_id"] as String? != nil {
                attendances.append(try AttendanceRecord(row: attendanceRow).attendance)
            }
        }
        return ScanContext(
            participant: participant, sessionsHere: sessions, groupIDs: groupIDs, attendances: attendances,
            lastBadgeActivity: owner["last_badge_activity"])
    }

    /// `session.*` (its ten columns) then `attendance.*`.
    private static let sessionWithAttendance = ScopeAdapter([
        "session": RangeRowAdapter(0..<10), "attendance": SuffixRowAdapter(fromIndex: 10),
    ])

    private func lastBadgeActivity(_ db: Database, participantID: String) throws -> Date? {
        try Date.fetchOne(db.cachedStatement(sql: """
            SELECT wall_time FROM event WHERE participant_id = ? AND kind IN ('check_in', 'check_out')
            ORDER BY seq DESC LIMIT 1
            """), arguments: [participantID])
    }

    /// The attendance the participant last checked out of: what a rating or an answer is about.
    func latestCheckedOut(_ db: Database, participantID: String) throws -> SessionAttendance? {
        try attendances(db, participantID: participantID, openOnly: false)
            .filter { $0.attendance.checkedOutAt != nil }
            .max { $0.attendance.checkedOutAt! < $1.attendance.checkedOutAt! }
    }

    func attendances(_ db: Database, participantID: String, openOnly: Bool) throws -> [SessionAttendance] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT attendance.*, session.* FROM attendance JOIN session ON session.id = attendance.session_id
            WHERE attendance.participant_id = ? \(openOnly ? "AND attendance.checked_out_at IS NULL" : "")
            ORDER BY attendance.checked_in_at DESC LIMIT 50
            """, arguments: [participantID], adapter: Self.attendanceWithSession)
        return try rows.map(Self.sessionAttendance)
    }

    static let attendanceWithSession = ScopeAdapter([
        "attendance": RangeRowAdapter(0..<11), "session": SuffixRowAdapter(fromIndex: 11),
    ])

    static func sessionAttendance(_ row: Row) throws -> SessionAttendance {
        SessionAttendance(
            session: try SessionRecord(row: row.scopes["session"]!).session,
            attendance: try AttendanceRecord(row: row.scopes["attendance"]!).attendance)
    }
}
