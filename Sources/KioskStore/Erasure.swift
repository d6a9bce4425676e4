import Foundation
import GRDB
import KioskCore

extension KioskStore {
    /// Erases the participants of `ledger` this database holds (the hub's directory carries
    /// it): each one's id becomes the pseudonym in every event, attendance, membership,
    /// session and excusal; their name, cohort, language, badges and PIN go (`eraseParticipant`).
    /// Returns the pseudonyms of the participants it erased.
    @discardableResult
    public func erase(_ ledger: ErasureLedger) throws -> [String] {
        guard !ledger.isEmpty else { return [] }
        let erased = try record { db in try Self.erase(ledger, db) }
        if !erased.isEmpty { try foldWriteAheadLog() }
        return erased
    }

    static func erase(_ ledger: ErasureLedger, _ db: Database) throws -> [String] {
        if let problem = ledger.problem { throw StoreError.cannotRecord("the hub's erasures were refused: \(problem)") }
        // A kiosk never deletes a participant row (one the hub stops listing turns inactive), so
        // every id its events name is one of these.
        let pseudonyms = ledger.pseudonyms(of: try String.fetchAll(db, sql: "SELECT id FROM participant"))
        var erased: [String] = []
        for (id, pseudonym) in pseudonyms.sorted(by: { $0.key < $1.key }) where id != pseudonym {
            if try eraseParticipant(id, pseudonym: pseudonym, db) { erased.append(pseudonym) }
        }
        return erased.sorted()
    }

    /// Erases one participant (the hub's program file, `mentor-hub participant erase`): see
    /// `erase(_:)`. The event log's append-only rule has exactly this exception (and pruning's):
    /// its update trigger is dropped and re-created with its own text inside the transaction.
    public func eraseParticipant(_ id: String, pseudonym: String) throws {
        guard try record({ db in try Self.eraseParticipant(id, pseudonym: pseudonym, db) }) else {
            throw StoreError.cannotRecord("\(pseudonym) is someone else's id here: \(id) was not erased")
        }
        try foldWriteAheadLog()
    }

    /// - Returns: false, changing nothing, when the pseudonym belongs to someone who is not an
    ///   erased participant: erasing would merge two people's figures (a hub's ledger that a
    ///   kiosk must not follow). An erased participant's row under it (the id imported again
    ///   after the erasure) takes the id's rows.
    @discardableResult
    static func eraseParticipant(_ id: String, pseudonym: String, _ db: Database) throws -> Bool {
        if let holder = try String.fetchOne(db, sql: "SELECT name FROM participant WHERE id = ?", arguments: [pseudonym]),
            holder != ErasedParticipant.name {
            return false
        }
        return try withSecureDelete(db) {
            // The pseudonym's row first: memberships and attendance point at a participant.
            try db.execute(sql: """
                INSERT INTO participant (id, name, role, active, cohort, joined_on, left_on, language)
                SELECT ?2, ?3, role, active, NULL, joined_on, left_on, NULL FROM participant WHERE id = ?1
                ON CONFLICT (id) DO NOTHING
                """, arguments: [id, pseudonym, ErasedParticipant.name])
            for (table, column) in [("group_member", "participant_id"), ("attendance", "participant_id"), ("session", "facilitator_id")] {
                // OR IGNORE: an attendance the pseudonym has already (the id came back and came
                // to the same session) stays, and the id's is deleted below.
                try db.execute(sql: "UPDATE OR IGNORE \(table) SET \(column) = ? WHERE \(column) = ?", arguments: [pseudonym, id])
            }
            try db.execute(sql: "DELETE FROM attendance WHERE participant_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM facilitator_pin WHERE participant_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM badge WHERE participant_id = ?", arguments: [id])
            try db.execute(
                sql: "UPDATE OR REPLACE hub_excusal SET participant_id = ?, reason = NULL WHERE participant_id = ?", arguments: [pseudonym, id])
            try db.execute(sql: "UPDATE hub_excusal SET excused_by = ? WHERE excused_by = ?", arguments: [pseudonym, id])
            try suspendingTriggers(["event_no_update"], db) {
                try pseudonymiseEvents(in: "event", id, pseudonym, db)
            }
            for row in try Row.fetchAll(db, sql: "SELECT seq, reason FROM sync_rejection WHERE instr(reason, ?) > 0", arguments: [id]) {
                try db.execute(sql: "UPDATE sync_rejection SET reason = ? WHERE seq = ?", arguments: [
                    ErasedParticipant.replacing(id, with: pseudonym, in: row["reason"]), row["seq"] as Int64,
                ])
            }
            try db.execute(sql: "DELETE FROM participant WHERE id = ?", arguments: [id])
            return true
        }
    }

    /// Gives an erased participant's events, in the kiosk's `event` or the hub's `hub_event`, the
    /// pseudonym in place of the id (as participant or actor); a badge link's badge and an
    /// excuse's reason go with the id (`WireEvent.pseudonymised`'s rule).
    public static func pseudonymiseEvents(in table: String, _ id: String, _ pseudonym: String, _ db: Database) throws {
        try db.execute(sql: """
            UPDATE \(table) SET participant_id = ?1,
                badge_hash = CASE kind WHEN 'badge_link' THEN NULL ELSE badge_hash END,
                note = CASE kind WHEN 'excuse' THEN NULL ELSE note END
            WHERE participant_id = ?2
            """, arguments: [pseudonym, id])
        try db.execute(sql: "UPDATE \(table) SET actor_id = ? WHERE actor_id = ?", arguments: [pseudonym, id])
    }

    /// Runs `work` with append-only triggers dropped, and re-creates each from its own text
    /// before the transaction commits: no other connection ever sees the table without them, and
    /// `restore`'s schema comparison sees the same schema. The designed exceptions to an
    /// append-only rule (pruning, erasure) go through here.
    public static func suspendingTriggers<T>(_ names: [String], _ db: Database, _ work: () throws -> T) throws -> T {
        var triggers: [String] = []
        for name in names {
            guard let trigger = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", arguments: [name]) else {
                throw StoreError.cannotRecord("the append-only trigger \(name) is missing (run doctor): nothing changed")
            }
            triggers.append(trigger)
            try db.execute(sql: "DROP TRIGGER \(name)")
        }
        let result = try work()
        for trigger in triggers { try db.execute(sql: trigger) }
        return result
    }

    /// Runs `work` with SQLite's secure delete on (freed content overwritten with zeros), and
    /// restores the setting it found.
    public static func withSecureDelete<T>(_ db: Database, _ work: () throws -> T) throws -> T {
        let secureDelete = try Int.fetchOne(db, sql: "PRAGMA secure_delete") ?? 0
        try db.execute(sql: "PRAGMA secure_delete = ON")
        defer { try? db.execute(sql: "PRAGMA secure_delete = \(secureDelete)") }
        return try work()
    }

    /// Folds the write-ahead log, which held pages before they were overwritten, into the
    /// database and empties it (a reader that holds it open leaves that to the next checkpoint).
    public func foldWriteAheadLog() throws {
        _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }
}
