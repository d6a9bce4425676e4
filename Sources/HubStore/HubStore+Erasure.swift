import Foundation
import GRDB
import HubProtocol
import KioskCore
import KioskStore
import NIOCore

extension HubStore {
    public func eraseParticipant(_ id: String, reason: String?, actor: String, at now: Date) async throws -> ErasureOutcome {
        // hub.sqlite first: once its ledger holds the erasure, an event sent with the id is
        // stored under the pseudonym; a crash before program.sqlite follows leaves the person on
        // the roster, and erasing again finishes under the same pseudonym.
        guard let person = try program.participant(id: id) else {
            guard let pseudonym = try await erasureLedger()?.pseudonyms(of: [id])[id] else { throw ErasureRefusal.unknownParticipant(id) }
            try await foldWriteAheadLogs()
            return ErasureOutcome(pseudonym: pseudonym, events: 0, accounts: 0, alreadyErased: true)
        }
        let outcome = try await pool.write { db in
            try KioskStore.withSecureDelete(db) {
                let salt = try Self.erasureSalt(db)
                let digest = ErasureLedger.digest(of: id, salt: salt)
                let pseudonym = try String.fetchOne(db, sql: "SELECT pseudonym FROM hub_erasure WHERE digest = ?", arguments: [digest])
                    ?? Secrets.pseudonym()
                try db.execute(
                    sql: "INSERT INTO hub_erasure (digest, pseudonym, erased_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    arguments: [digest, pseudonym, now])
                let email = try String.fetchOne(db, sql: "SELECT email FROM participant_email WHERE participant_id = ?", arguments: [id])
                let accounts = try Row.fetchAll(
                    db, sql: "SELECT id, email FROM hub_user WHERE participant_id = ? OR email = ?", arguments: [id, email])
                let emails = Array(Set((email.map { [$0] } ?? []) + accounts.map { $0["email"] as String })).sorted()
                let erasure = ParticipantErasure(id: id, pseudonym: pseudonym, name: person.name, emails: emails)
                for account in accounts {
                    let userID: Int64 = account["id"]
                    for table in ["hub_user_session", "hub_password_link"] {
                        try db.execute(sql: "DELETE FROM \(table) WHERE user_id = ?", arguments: [userID])
                    }
                    try db.execute(sql: "DELETE FROM hub_user WHERE id = ?", arguments: [userID])
                }
                try db.execute(sql: "DELETE FROM participant_email WHERE participant_id = ?", arguments: [id])
                let events = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM hub_event WHERE participant_id = ?1 OR actor_id = ?1", arguments: [id]) ?? 0
                try KioskStore.pseudonymiseEvents(in: "hub_event", id, pseudonym, db)
                try db.execute(
                    sql: "UPDATE OR REPLACE hub_excusal SET participant_id = ?, reason = NULL WHERE participant_id = ?", arguments: [pseudonym, id])
                try Self.rewrite(db, erasure, table: "hub_excusal", keys: ["session_id", "participant_id"], columns: ["excused_by"])
                try Self.rewrite(db, erasure, table: "hub_notice", keys: ["rowid"], columns: ["key"])
                try Self.rewrite(db, erasure, table: "hub_event", keys: ["kiosk_id", "seq"], columns: ["note"])
                try Self.rewrite(db, erasure, table: "rejected_event", keys: ["id"], columns: ["reason"])
                let needles = erasure.needles.map { _ in "instr(body, ?) > 0" }.joined(separator: " OR ")
                for row in try Row.fetchAll(db, sql: "SELECT id, body FROM rejected_event WHERE \(needles)", arguments: StatementArguments(erasure.needles)) {
                    try db.execute(
                        sql: "UPDATE rejected_event SET body = ? WHERE id = ?", arguments: [erasure.quarantinedBody(row["body"]), row["id"] as Int64])
                }
                // Kept replays name the people of their sessions: the sessions' versions move on, so
                // a replay built from before the erasure is never taken as current, and they are due.
                let sessions = try Self.jsonArray(try String.fetchAll(db, sql: """
                    SELECT session_id FROM hub_event WHERE (participant_id = ?1 OR actor_id = ?1) AND session_id IS NOT NULL
                    UNION SELECT session_id FROM hub_session_replay WHERE instr(body, CAST(?2 AS BLOB)) > 0
                    """, arguments: [pseudonym, id]))
                for statement in [
                    "UPDATE hub_session_version SET version = version + 1 WHERE session_id IN (SELECT value FROM json_each(?))",
                    """
                    INSERT INTO hub_replay_due (session_id, kiosk_id, marks)
                    SELECT session_id, kiosk_id, version FROM hub_session_version WHERE session_id IN (SELECT value FROM json_each(?))
                    ON CONFLICT (session_id, kiosk_id) DO UPDATE SET marks = excluded.marks
                    """,
                    "DELETE FROM hub_session_replay WHERE session_id IN (SELECT value FROM json_each(?))",
                ] {
                    try db.execute(sql: statement, arguments: [sessions])
                }
                // A frozen replay (retention) is all that is left of its session: rewritten, not dropped.
                let named = erasure.needles.map { _ in "instr(body, CAST(? AS BLOB)) > 0" }.joined(separator: " OR ")
                for row in try Row.fetchAll(
                    db, sql: "SELECT session_id, body FROM hub_pruned_session WHERE \(named)", arguments: StatementArguments(erasure.needles)) {
                    let session: String = row["session_id"]
                    guard let body = erasure.frozenReplay(ByteBuffer(bytes: row["body"] as Data), of: session) else {
                        throw FrozenReplayUnreadable(sessionID: session)
                    }
                    try db.execute(
                        sql: "UPDATE hub_pruned_session SET body = ? WHERE session_id = ?", arguments: [Data(body.readableBytesView), session])
                }
                // The audit log's one designed exception to its append-only rule.
                try KioskStore.suspendingTriggers(["hub_audit_append_only_update", "hub_audit_append_only_delete"], db) {
                    try Self.rewrite(db, erasure, table: "hub_audit", keys: ["id"], columns: ["actor", "subject", "detail"])
                }
                try db.execute(
                    sql: "INSERT INTO hub_audit (at, actor, action, subject, detail) VALUES (?, ?, 'participant.erase', ?, ?)",
                    arguments: [now, actor, pseudonym, reason])
                return ErasureOutcome(pseudonym: pseudonym, events: events, accounts: accounts.count)
            }
        }
        try program.eraseParticipant(id, pseudonym: outcome.pseudonym)
        try await foldWriteAheadLogs()
        return outcome
    }

    /// Folds hub.sqlite's write-ahead log, which held pages before the erasure overwrote them,
    /// into the database and empties it; program.sqlite's is folded by its own erasure.
    func foldWriteAheadLogs() async throws {
        _ = try? await pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        try program.foldWriteAheadLog()
    }

    public func erasureLedger() async throws -> ErasureLedger? {
        try await pool.read { db in
            let erasures = try Row.fetchAll(db, sql: "SELECT digest, pseudonym FROM hub_erasure ORDER BY digest")
                .map { Erasure(digest: $0["digest"], pseudonym: $0["pseudonym"]) }
            guard !erasures.isEmpty, let salt = try String.fetchOne(db, sql: ParticipantErasure.saltQuery) else { return nil }
            return ErasureLedger(salt: salt, erasures: erasures)
        }
    }

    public func adoptErasures(_ ledger: ErasureLedger, at now: Date) async throws {
        try await pool.write { db in
            if let salt = try String.fetchOne(db, sql: ParticipantErasure.saltQuery) {
                guard salt == ledger.salt else { throw ForeignErasureSalt() }
            } else {
                try db.execute(sql: "INSERT INTO hub_setting (name, value) VALUES ('erasure_salt', ?)", arguments: [ledger.salt])
            }
            for erasure in ledger.erasures {
                try db.execute(
                    sql: "INSERT INTO hub_erasure (digest, pseudonym, erased_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    arguments: [erasure.digest, erasure.pseudonym, now])
            }
        }
    }

    /// The ids of `events` that were erased, with their pseudonyms (read in the ingest's
    /// transaction, so no event slips past an erasure that committed before it).
    static func erasedIDs(_ db: Database, in events: [WireEvent]) throws -> [String: String] {
        guard let salt = try String.fetchOne(db, sql: ParticipantErasure.saltQuery) else { return [:] }
        let digests = ErasureLedger.digests(of: events.flatMap { [$0.participantID, $0.actorID].compactMap { $0 } }, salt: salt)
        guard !digests.isEmpty else { return [:] }
        let rows = try Row.fetchAll(
            db, sql: "SELECT digest, pseudonym FROM hub_erasure WHERE digest IN (SELECT value FROM json_each(?))",
            arguments: [try jsonArray(Array(digests.keys))])
        return Dictionary(rows.compactMap { row in digests[row["digest"]].map { ($0, row["pseudonym"] as String) } }, uniquingKeysWith: { first, _ in first })
    }

    /// The hub's erasure salt, made at its first erasure.
    private static func erasureSalt(_ db: Database) throws -> String {
        if let salt = try String.fetchOne(db, sql: ParticipantErasure.saltQuery) { return salt }
        let salt = Secrets.hex(Secrets.randomBytes(32))
        try db.execute(sql: "INSERT INTO hub_setting (name, value) VALUES ('erasure_salt', ?)", arguments: [salt])
        return salt
    }

    /// Rewrites `columns` of the rows of `table` that hold one of the erasure's needles.
    private static func rewrite(_ db: Database, _ erasure: ParticipantErasure, table: String, keys: [String], columns: [String]) throws {
        let filter = columns.flatMap { column in erasure.needles.indices.map { _ in "instr(\(column), ?) > 0" } }.joined(separator: " OR ")
        let arguments = StatementArguments(columns.flatMap { _ in erasure.needles })
        let selected = (keys.enumerated().map { "\($1) AS key_\($0)" } + columns).joined(separator: ", ")
        for row in try Row.fetchAll(db, sql: "SELECT \(selected) FROM \(table) WHERE \(filter)", arguments: arguments) {
            let values: [(any DatabaseValueConvertible)?] = columns.map { erasure.text(row[$0] as String?) }
                + keys.indices.map { row["key_\($0)"] as DatabaseValue }
            try db.execute(
                sql: "UPDATE OR REPLACE \(table) SET \(columns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE \(keys.map { "\($0) = ?" }.joined(separator: " AND "))",
                arguments: StatementArguments(values))
        }
    }
}
