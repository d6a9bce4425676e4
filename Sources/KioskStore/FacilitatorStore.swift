import Foundation
import GRDB
import KioskCore

extension KioskStore {
    /// Sets (or replaces) a facilitator's PIN hash and clears any lockout.
    public func setPIN(participantID: String, hash: String) throws {
        try record { db in
            guard let person = try participant(db, id: participantID) else {
                throw SupervisionRefusal.participantUnknown(participantID)
            }
            _ = try SupervisionPolicy.authorize(actor: person, actorID: participantID)
            try db.execute(sql: """
                INSERT INTO facilitator_pin (participant_id, pin_hash, failed_attempts, locked_until) VALUES (?, ?, 0, NULL)
                ON CONFLICT (participant_id) DO UPDATE SET pin_hash = excluded.pin_hash, failed_attempts = 0, locked_until = NULL
                """, arguments: [participantID, hash])
        }
    }

    /// Checks a PIN attempt and stores the attempt count and lockout it leads to; a wrong PIN, or
    /// a try while locked out, is a `pin_failed` event (the hub's audit trail sees it).
    public func checkPIN(participantID: String, enteredHash: String, clock: ClockReading, rules: PINRules = PINRules()) throws -> PINCheck {
        let now = clock.wall
        return try record { db in
            guard let person = try participant(db, id: participantID) else { return .notAllowed }
            let stored = try Row.fetchOne(db, sql: "SELECT * FROM facilitator_pin WHERE participant_id = ?", arguments: [participantID])
                .map { row in
                    StoredPIN(hash: row["pin_hash"], failedAttempts: row["failed_attempts"], lockedUntil: row["locked_until"])
                }
            let (check, update) = PINPolicy.check(participant: person, stored: stored, enteredHash: enteredHash, at: now, rules: rules)
            if let update {
                try db.execute(
                    sql: "UPDATE facilitator_pin SET failed_attempts = ?, locked_until = ? WHERE participant_id = ?",
                    arguments: [update.failedAttempts, update.lockedUntil.map(DatabaseTime.text), participantID])
            }
            let note: String? = switch check {
            case .wrong(let left): "wrong PIN; \(left) attempts left"
            case .locked(let until): "locked out until \(DatabaseTime.text(until))"
            case .accepted, .notAllowed: nil
            }
            if let note {
                try append(db, EventDraft(
                    kind: .pinFailed, participantID: participantID, sessionID: nil, actorID: participantID, clock: clock, details: EventDetails(note: note)))
            }
            return check
        }
    }
}

extension KioskStore {
    /// A facilitator closes a session early: no more check-ins, everyone still in is checked
    /// out (`auto`) now. - Returns: the session and how many were checked out.
    public func closeSession(sessionID: String, actorID: String, clock: ClockReading, rules: CheckInRules) throws -> (Session, Int) {
        try record { db in
            _ = try SupervisionPolicy.authorize(actor: try participant(db, id: actorID), actorID: actorID)
            guard var session = try SessionRecord.fetchOne(db, key: sessionID)?.session else {
                throw SupervisionRefusal.sessionUnknown(sessionID)
            }
            guard session.phase(at: clock.wall, rules: rules).acceptsCheckIns else { throw SupervisionRefusal.sessionNotOpen(session) }
            try db.execute(sql: "UPDATE session SET status = 'closed' WHERE id = ?", arguments: [sessionID])
            session.status = .closed
            try append(db, EventDraft(kind: .sessionClose, participantID: nil, sessionID: sessionID, actorID: actorID, clock: clock))
            return (session, try autoCheckOut(db, clock: clock))
        }
    }

    /// A facilitator cancels a session that has not started: it is in no figure, and the hub
    /// cancels it in the schedule when the event arrives. Cancelling it again changes nothing.
    public func cancelSession(sessionID: String, actorID: String, reason: String?, clock: ClockReading) throws -> Session {
        try record { db in
            _ = try SupervisionPolicy.authorize(actor: try participant(db, id: actorID), actorID: actorID)
            guard let session = try SessionRecord.fetchOne(db, key: sessionID)?.session else { throw SupervisionRefusal.sessionUnknown(sessionID) }
            if session.status == .cancelled { return session }
            let cancelled: Session
            do {
                cancelled = try Self.cancel(db, sessionID: sessionID, reason: reason, now: clock.wall)
            } catch let refusal as SessionCancelRefusal {
                throw SupervisionRefusal.cannotCancel(refusal)
            }
            try append(db, EventDraft(
                kind: .sessionCancel, participantID: nil, sessionID: sessionID, actorID: actorID, clock: clock, details: EventDetails(note: reason)))
            return cancelled
        }
    }

    /// A facilitator excuses an expected member from a session (they sent apologies): the row is
    /// `excused`, outside the figures' denominators.
    public func excuse(
        participantID: String, sessionID: String, actorID: String, reason: String?, clock: ClockReading, timeZone: TimeZone
    ) throws -> (Participant, Session) {
        try record { db in
            _ = try SupervisionPolicy.authorize(actor: try participant(db, id: actorID), actorID: actorID)
            guard let person = try participant(db, id: participantID) else { throw SupervisionRefusal.participantUnknown(participantID) }
            guard let session = try SessionRecord.fetchOne(db, key: sessionID)?.session else { throw SupervisionRefusal.sessionUnknown(sessionID) }
            let expected = try membershipTimeline(db, of: [session], timeZone: timeZone).expected(at: session)
                .contains { $0.participant.id == participantID }
            let existing = try AttendanceRecord.fetchOne(db, key: ["participant_id": participantID, "session_id": sessionID])?.attendance
            try SupervisionPolicy.excuse(participant: person, session: session, isExpected: expected, existing: existing)
            try append(db, EventDraft(
                kind: .excuse, participantID: participantID, sessionID: sessionID, actorID: actorID, clock: clock, details: EventDetails(note: reason)))
            return (person, session)
        }
    }

    /// A facilitator starts a session here and now (open to everyone, facilitated by them).
    public func startAdHocSession(actorID: String, location: String, minutes: Int, clock: ClockReading) throws -> Session {
        try record { db in
            let actor = try SupervisionPolicy.authorize(actor: try participant(db, id: actorID), actorID: actorID)
            let session = Session(
                // The whole UUID: its random bits make the id one no other kiosk can guess and open first.
                id: ProgramID.adHocSessionPrefix + TimeOrderedUUID.make(at: clock.wall).uuidString.lowercased(),
                title: "Ad-hoc session with \(actor.name)", kind: .other, location: location, startsAt: clock.wall,
                endsAt: clock.wall.addingTimeInterval(Double(minutes) * 60), facilitatorID: actorID)
            try SessionRecord(session).insert(db)
            try append(db, EventDraft(
                kind: .sessionOpen, participantID: nil, sessionID: session.id, actorID: actorID, clock: clock,
                details: EventDetails(effectiveAt: session.endsAt, note: session.title)))
            return session
        }
    }

    /// A facilitator links an unknown badge to a participant.
    public func linkBadge(_ badge: BadgeHash, participantID: String, actorID: String, clock: ClockReading) throws -> Participant {
        try record { db in
            _ = try SupervisionPolicy.authorize(actor: try participant(db, id: actorID), actorID: actorID)
            guard let person = try participant(db, id: participantID) else { throw SupervisionRefusal.participantUnknown(participantID) }
            if let owner = try participant(db, badge: badge) { throw SupervisionRefusal.badgeTaken(owner) }
            try BadgeRecord(hash: badge.hex, participantId: participantID).insert(db)
            try append(db, EventDraft(
                kind: .badgeLink, participantID: participantID, sessionID: nil, actorID: actorID, clock: clock,
                details: EventDetails(badgeHash: badge.hex)))
            return person
        }
    }

    /// Everyone on the roster who is active, by name: the facilitator's pick list.
    public func activeParticipants() throws -> [Participant] {
        try pool.read { db in
            try ParticipantRecord.fetchAll(db, sql: "SELECT * FROM participant WHERE active = 1 ORDER BY name").map(\.participant)
        }
    }
}
