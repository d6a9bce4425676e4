import Foundation
import GRDB
import KioskCore

extension KioskStore {
    /// Imports participants all-or-nothing: existing ids are updated in place, and each
    /// listed participant's badges are replaced by the file's.
    public func importParticipants(_ entries: [ParticipantEntry]) throws -> ImportSummary {
        try importing { db in try Self.importParticipants(entries, db) }
    }

    static func importParticipants(_ entries: [ParticipantEntry], _ db: Database) throws -> ImportSummary {
        var summary = ImportSummary()
        for entry in entries {
            let record = ParticipantRecord(entry.participant)
            if try record.exists(db) { summary.updated += 1 } else { summary.inserted += 1 }
            try record.upsert(db)
            try db.execute(sql: "DELETE FROM badge WHERE participant_id = ?", arguments: [record.id])
        }
        for entry in entries {
            for hash in entry.badges {
                if let owner = try String.fetchOne(
                    db, sql: "SELECT participant_id FROM badge WHERE hash = ?", arguments: [hash.hex]) {
                    throw ImportError(
                        entry.position.column("badges"),
                        "a badge of \(entry.participant.id) already belongs to participant \(owner)")
                }
                try BadgeRecord(hash: hash.hex, participantId: entry.participant.id).insert(db)
            }
        }
        return summary
    }

    /// Imports groups all-or-nothing: each listed group's member list is replaced by the file's.
    public func importGroups(_ entries: [GroupEntry]) throws -> ImportSummary {
        try importing { db in try Self.importGroups(entries, db) }
    }

    static func importGroups(_ entries: [GroupEntry], _ db: Database) throws -> ImportSummary {
        var summary = ImportSummary()
        for entry in entries {
            let group = entry.group
            let record = GroupRecord(id: group.id, name: group.name, kind: group.kind)
            if try record.exists(db) { summary.updated += 1 } else { summary.inserted += 1 }
            try record.upsert(db)
            try db.execute(sql: "DELETE FROM group_member WHERE group_id = ?", arguments: [group.id])
            for (member, position) in zip(group.members, entry.memberPositions) {
                guard try ParticipantRecord.exists(db, key: member.participantID) else {
                    throw ImportError(
                        position.column("participant_id"), "no participant has the id \(member.participantID)")
                }
                try GroupMemberRecord(groupID: group.id, member).insert(db)
            }
        }
        return summary
    }

    /// Imports sessions all-or-nothing; existing ids are updated in place (a new time
    /// reschedules them). A row's `status` sets the session's (`cancelled`, or `scheduled` to
    /// restore one); a row without one keeps an existing session's status, so importing the
    /// term's file again revives no cancelled session. A session closed at a kiosk stays closed.
    ///
    /// A session people checked in to cannot be cancelled (the row is refused).
    ///
    /// - Parameters:
    ///   - now: when given, also cancel the sessions at the file's locations that start after it
    ///     and are not in the file (`--cancel-missing`; past and attended sessions are never touched).
    ///   - attendedAmong: which of these sessions someone checked in to; by default this
    ///     database's attendance (the hub passes its events').
    public func importSessions(
        _ entries: [SessionEntry], cancellingMissingAfter now: Date? = nil, attendedAmong: (([String]) throws -> Set<String>)? = nil
    ) throws -> ImportSummary {
        try importing { db in
            try Self.importSessions(entries, cancellingMissingAfter: now, db) { ids in try attendedAmong?(ids) ?? Self.attended(db, among: ids) }
        }
    }

    static func importSessions(
        _ entries: [SessionEntry], cancellingMissingAfter now: Date? = nil, _ db: Database,
        attendedAmong: ([String]) throws -> Set<String> = { _ in [] }
    ) throws -> ImportSummary {
        var summary = ImportSummary()
        for entry in entries {
            var record = SessionRecord(entry.session)
            if let groupID = record.groupId, try !GroupRecord.exists(db, key: groupID) {
                throw ImportError(entry.position.column("group_id"), "no group has the id \(groupID)")
            }
            if let facilitatorID = record.facilitatorId, try !ParticipantRecord.exists(db, key: facilitatorID) {
                throw ImportError(entry.position.column("facilitator_id"), "no participant has the id \(facilitatorID)")
            }
            let existing = try SessionRecord.fetchOne(db, key: record.id)
            if let existing {
                if !entry.statusGiven || existing.status == .closed && record.status == .scheduled {
                    record.status = existing.status
                    record.cancelReason = existing.cancelReason
                }
                summary.updated += 1
            } else {
                summary.inserted += 1
            }
            if record.status == .cancelled && existing?.status != .cancelled {
                guard try attendedAmong([record.id]).isEmpty else {
                    throw ImportError(entry.position.column("status"), "session \(record.id) has check-ins: a session people came to cannot be cancelled")
                }
                summary.cancelled += 1
            }
            try record.upsert(db)
        }
        if let now {
            let encoder = JSONEncoder()
            let missing = try String.fetchAll(db, sql: """
                SELECT id FROM session WHERE starts_at > ? AND status = 'scheduled'
                  AND location IN (SELECT value FROM json_each(?)) AND id NOT IN (SELECT value FROM json_each(?))
                """, arguments: [
                    now, String(decoding: try encoder.encode(Set(entries.map(\.session.location)).sorted()), as: UTF8.self),
                    String(decoding: try encoder.encode(entries.map(\.session.id)), as: UTF8.self),
                ])
            let attended = try attendedAmong(missing)
            let cancelled = missing.filter { !attended.contains($0) }
            try db.execute(sql: """
                UPDATE session SET status = 'cancelled', cancel_reason = 'not in the imported schedule' WHERE id IN (SELECT value FROM json_each(?))
                """, arguments: [String(decoding: try encoder.encode(cancelled), as: UTF8.self)])
            summary.cancelled += db.changesCount
        }
        return summary
    }

    /// Which of these sessions someone checked in to here.
    static func attended(_ db: Database, among sessionIDs: [String]) throws -> Set<String> {
        Set(try String.fetchAll(db, sql: """
            SELECT DISTINCT session_id FROM attendance WHERE session_id IN (SELECT value FROM json_each(?))
            """, arguments: [String(decoding: try JSONEncoder().encode(sessionIDs), as: UTF8.self)]))
    }

    /// Cancels a session that has not started: the hub admin's `session cancel` (at a kiosk,
    /// `cancelSession(_:actorID:…)` also writes the event). Cancelling it again changes nothing.
    /// - Parameter attended: whether anyone checked in to it; by default, this database's attendance says.
    public func cancelScheduledSession(id: String, reason: String?, now: Date, attended: Bool? = nil) throws -> Session {
        try record { db in try Self.cancel(db, sessionID: id, reason: reason, now: now, attended: attended) }
    }

    static func cancel(_ db: Database, sessionID: String, reason: String?, now: Date, attended: Bool? = nil) throws -> Session {
        guard var record = try SessionRecord.fetchOne(db, key: sessionID) else { throw SessionCancelRefusal.unknown(sessionID) }
        let attended = try attended ?? !Self.attended(db, among: [sessionID]).isEmpty
        if let refusal = SessionCancelRefusal.refusal(record.session, at: now, attended: attended) { throw refusal }
        if record.status == .cancelled { return record.session }
        record.status = .cancelled
        record.cancelReason = reason
        try record.update(db)
        return record.session
    }

    /// Replaces this kiosk's directory with the hub's in one transaction: participants, their
    /// badges, groups and sessions are upserted (the hub's cancellations and restorations are
    /// taken; a session closed here stays closed, and one cancelled here stays cancelled until
    /// the hub has the cancellation);
    /// participants the hub no longer lists are made inactive (their history stays); the
    /// directory's version and the program's settings (nil: none) are kept with it. The
    /// participants the hub erased are erased here first (`erase(_:)`).
    public func applyDirectory(
        version: String, participants: [ParticipantEntry], groups: [GroupEntry], sessions: [SessionEntry], settings: ProgramSettings?,
        timeZone: String? = nil, excusals: [Excusal] = [], erasures: ErasureLedger? = nil
    ) throws {
        var erased = false
        _ = try importing { db in
            if let erasures { erased = try !Self.erase(erasures, db).isEmpty }
            try db.execute(
                sql: "UPDATE sync_state SET directory_version = ?, hub_settings = ?, hub_time_zone = ? WHERE id = 1",
                arguments: [version, try settings.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }, timeZone])
            let listed = participants.map(\.participant.id)
            try db.execute(
                sql: "UPDATE participant SET active = 0 WHERE id NOT IN (SELECT value FROM json_each(?))",
                arguments: [String(decoding: try JSONEncoder().encode(listed), as: UTF8.self)])
            try db.execute(sql: "DELETE FROM badge")
            _ = try Self.importParticipants(participants, db)
            _ = try Self.importGroups(groups, db)
            // The hub's goals (it sends them only when the program shows goal texts).
            for entry in groups { try Self.setGoal(entry.group.goal, of: entry.group.id, db) }
            let acknowledged = try Int64.fetchOne(db, sql: "SELECT acknowledged_through FROM sync_state WHERE id = 1") ?? 0
            let cancelledHere = Set(try String.fetchAll(db, sql: """
                SELECT session_id FROM event WHERE kind = 'session_cancel' AND seq > ? AND session_id IS NOT NULL
                """, arguments: [acknowledged]))
            // A session people checked in to here took place: a cancellation the hub made before it
            // had those check-ins never hides them on this kiosk.
            let attendedHere = try Self.attended(db, among: sessions.filter { $0.session.status == .cancelled }.map(\.session.id))
            let summary = try Self.importSessions(sessions.map { entry in
                var entry = entry
                entry.statusGiven = !cancelledHere.contains(entry.session.id) && !attendedHere.contains(entry.session.id)
                return entry
            }, db)
            // The hub's word on who is excused from the sessions it served; other sessions keep theirs.
            let served = String(decoding: try JSONEncoder().encode(sessions.map(\.session.id)), as: UTF8.self)
            try db.execute(sql: "DELETE FROM hub_excusal WHERE session_id IN (SELECT value FROM json_each(?))", arguments: [served])
            let servedIDs = Set(sessions.map(\.session.id))
            for excusal in excusals where servedIDs.contains(excusal.sessionID) {
                try db.execute(sql: """
                    INSERT OR REPLACE INTO hub_excusal (participant_id, session_id, reason, excused_by) VALUES (?, ?, ?, ?)
                    """, arguments: [excusal.participantID, excusal.sessionID, excusal.reason, excusal.excusedBy])
            }
            try Self.relinkBadges(db)
            return summary
        }
        if erased { try foldWriteAheadLog() }
    }

    /// Badges a facilitator linked here stay linked until the hub's directory gives the badge to
    /// someone (the hub keeps the link event; it does not add it to its roster).
    static func relinkBadges(_ db: Database) throws {
        try db.execute(sql: """
            INSERT OR IGNORE INTO badge (hash, participant_id)
            SELECT badge_hash, participant_id FROM event
            WHERE kind = 'badge_link' AND badge_hash IS NOT NULL AND participant_id IN (SELECT id FROM participant)
            ORDER BY seq
            """)
    }

    /// What a hub serves a kiosk at `location`: every participant with badge hashes, every
    /// group, and the location's sessions between `from` and `to`.
    public func directorySnapshot(location: String, from: Date, to: Date) throws -> (
        participants: [(Participant, [String])], groups: [MentoringGroup], sessions: [Session]
    ) {
        try read { db in
            let hashes = Dictionary(grouping: try BadgeRecord.fetchAll(db), by: \.participantId).mapValues { $0.map(\.hash).sorted() }
            let participants = try ParticipantRecord.fetchAll(db, sql: "SELECT * FROM participant ORDER BY id")
                .map { ($0.participant, hashes[$0.id] ?? []) }
            let groups = try Self.groups(db)
            let sessions = try SessionRecord.fetchAll(db, sql: """
                SELECT * FROM session WHERE location = ? AND ends_at >= ? AND starts_at <= ? ORDER BY starts_at, id
                """, arguments: [location, from, to]).map(\.session)
            return (participants, groups, sessions)
        }
    }

    /// The program file's `DirectoryGeneration`: moved by every change to its participants,
    /// badges, groups and sessions.
    public func directoryGeneration() throws -> Int64 {
        try read { db in try DirectoryGeneration.read(db, table: "directory_generation") }
    }

    /// When the first session at `location` after `moment` starts (nil: none does).
    public func firstSessionStart(location: String, after moment: Date) throws -> Date? {
        try read { db in try Date.fetchOne(db, sql: "SELECT min(starts_at) FROM session WHERE location = ? AND starts_at > ?", arguments: [location, moment]) }
    }

    /// What a report of sessions starting in `from..<to` needs: everyone, every group, and
    /// those sessions (at `location`, or everywhere).
    public func programSnapshot(startingFrom from: Date, before to: Date, location: String?) throws -> ProgramSnapshot {
        try read { db in
            ProgramSnapshot(
                participants: try ParticipantRecord.fetchAll(db, sql: "SELECT * FROM participant ORDER BY id").map(\.participant),
                groups: try Self.groups(db),
                sessions: try SessionRecord.fetchAll(db, sql: """
                    SELECT * FROM session WHERE starts_at >= ? AND starts_at < ? AND (? IS NULL OR location = ?) ORDER BY starts_at, id
                    """, arguments: [from, to, location, location]).map(\.session))
        }
    }

    /// The sessions with these ids (any status, any time).
    public func sessions(ids sessionIDs: [String]) throws -> [Session] {
        try read { db in try SessionRecord.fetchAll(db, keys: sessionIDs).map(\.session) }
    }

    /// One write transaction for a whole file: any error rolls every row back.
    /// Imports one program file all-or-nothing; with `dryRun`, every check runs and the
    /// transaction is rolled back: the summary tells what the import would change.
    public func importProgram(
        _ file: ProgramFile, dryRun: Bool, attendedAmong: (([String]) throws -> Set<String>)? = nil
    ) throws -> ImportSummary {
        do {
            return try importing { db in
                let summary: ImportSummary
                switch file {
                case .participants(let entries): summary = try Self.importParticipants(entries, db)
                case .groups(let entries): summary = try Self.importGroups(entries, db)
                case .goals(let entries): summary = try Self.importGoals(entries, db)
                case .sessions(let entries, let now):
                    summary = try Self.importSessions(entries, cancellingMissingAfter: now, db) { ids in
                        try attendedAmong?(ids) ?? Self.attended(db, among: ids)
                    }
                }
                if dryRun { throw ImportPreviewRollback(summary) }
                return summary
            }
        } catch let preview as ImportPreviewRollback {
            return preview.summary
        }
    }

    func importing(_ work: (Database) throws -> ImportSummary) throws -> ImportSummary {
        do {
            return try record(work)
        } catch let error as ImportError {
            throw StoreError.importRefused(error)
        }
    }
}

extension KioskStore {
    /// The roles of those of `participantIDs` on the roster, and the locations of those of
    /// `sessionIDs` in the schedule: what the hub checks a kiosk's events against.
    public func rosterFacts(participantIDs: [String], sessionIDs: [String]) throws -> (roles: [String: Role], locations: [String: String]) {
        let encoder = JSONEncoder()
        let participants = String(decoding: try encoder.encode(participantIDs), as: UTF8.self)
        let sessions = String(decoding: try encoder.encode(sessionIDs), as: UTF8.self)
        return try read { db in
            var roles: [String: Role] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, role FROM participant WHERE id IN (SELECT value FROM json_each(?))", arguments: [participants]) {
                if let role = Role(rawValue: row["role"]) { roles[row["id"]] = role }
            }
            let locations = try Dictionary(
                Row.fetchAll(db, sql: "SELECT id, location FROM session WHERE id IN (SELECT value FROM json_each(?))", arguments: [sessions])
                    .map { ($0["id"] as String, $0["location"] as String) },
                uniquingKeysWith: { first, _ in first })
            return (roles, locations)
        }
    }
}
