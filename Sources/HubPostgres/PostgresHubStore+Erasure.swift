import Foundation
import HubProtocol
import HubStore
import KioskCore
import PostgresNIO

extension PostgresHubStore {
    /// One transaction for the whole erasure (roster, events and logs share this database);
    /// then `VACUUM FULL` of the tables it changed, so their files no longer hold the old rows.
    public func eraseParticipant(_ id: String, reason: String?, actor: String, at now: Date) async throws -> ErasureOutcome {
        var erasureTransaction: Int64 = 0
        var outcome = try await transaction { db -> ErasureOutcome in
            // Held alone: every push and retry takes it shared (`ingest`), so none reads the
            // ledger before this erasure and stores the id after it.
            try await db.query("SELECT pg_advisory_xact_lock(\(Self.erasureLock))", logger: logger)
            guard let xid = try await rows("SELECT txid_current()", on: db).first?.decode(Int64.self) else {
                throw DatabaseUnavailable(database: name, reason: "no transaction id for the erasure")
            }
            erasureTransaction = xid
            guard let name = try await rows("SELECT name FROM participant WHERE id = \(id) FOR UPDATE", on: db).first?.decode(String.self) else {
                let salt = try await rows(PostgresQuery(unsafeSQL: ParticipantErasure.saltQuery), on: db).first?.decode(String.self) ?? ""
                let digest = ErasureLedger.digest(of: id, salt: salt)
                guard let pseudonym = try await rows("SELECT pseudonym FROM hub_erasure WHERE digest = \(digest)", on: db).first?.decode(String.self) else {
                    throw ErasureRefusal.unknownParticipant(id)
                }
                return ErasureOutcome(pseudonym: pseudonym, events: 0, accounts: 0, alreadyErased: true)
            }
            let salt = try await erasureSalt(on: db)
            let digest = ErasureLedger.digest(of: id, salt: salt)
            let pseudonym = try await rows("SELECT pseudonym FROM hub_erasure WHERE digest = \(digest)", on: db).first?.decode(String.self)
                ?? Secrets.pseudonym()
            try await db.query(
                "INSERT INTO hub_erasure (digest, pseudonym, erased_at) VALUES (\(digest), \(pseudonym), \(now)) ON CONFLICT DO NOTHING", logger: logger)
            let email = try await rows("SELECT email FROM participant_email WHERE participant_id = \(id)", on: db).first?.decode(String.self)
            let accounts = try await rows("SELECT id, email FROM hub_user WHERE participant_id = \(id) OR email = \(email)", on: db)
                .map { try $0.decode((Int64, String).self) }
            let emails = Array(Set((email.map { [$0] } ?? []) + accounts.map(\.1))).sorted()
            let erasure = ParticipantErasure(id: id, pseudonym: pseudonym, name: name, emails: emails)
            let userIDs = accounts.map(\.0)
            for statement: PostgresQuery in [
                "DELETE FROM hub_user_session WHERE user_id = ANY(\(userIDs))",
                "DELETE FROM hub_password_link WHERE user_id = ANY(\(userIDs))",
                "DELETE FROM hub_user WHERE id = ANY(\(userIDs))",
                "DELETE FROM participant_email WHERE participant_id = \(id)",
                """
                INSERT INTO participant (id, name, role, active, cohort, joined_on, left_on, language)
                SELECT \(pseudonym), \(ErasedParticipant.name), role, active, NULL, joined_on, left_on, NULL FROM participant WHERE id = \(id)
                ON CONFLICT (id) DO NOTHING
                """,
                "UPDATE group_member SET participant_id = \(pseudonym) WHERE participant_id = \(id)",
                "UPDATE session SET facilitator_id = \(pseudonym) WHERE facilitator_id = \(id)",
                "UPDATE hub_excusal SET participant_id = \(pseudonym), reason = NULL WHERE participant_id = \(id)",
            ] {
                try await db.query(statement, logger: logger)
            }
            let events = try await rows(
                "SELECT count(*) FROM hub_event WHERE participant_id = \(id) OR actor_id = \(id)", on: db).first?.decode(Int64.self) ?? 0
            // Two statements: one that changed a row twice would keep only one of the changes.
            try await db.query("""
                UPDATE hub_event SET participant_id = \(pseudonym),
                    badge_hash = CASE kind WHEN 'badge_link' THEN NULL ELSE badge_hash END,
                    note = CASE kind WHEN 'excuse' THEN NULL ELSE note END
                WHERE participant_id = \(id)
                """, logger: logger)
            try await db.query("UPDATE hub_event SET actor_id = \(pseudonym) WHERE actor_id = \(id)", logger: logger)
            // Kept replays name the people of their sessions: the sessions' versions move on, so a
            // replay built from before the erasure is never taken as current, and they are due.
            let sessions = try await rows("""
                SELECT session_id FROM hub_event WHERE (participant_id = \(pseudonym) OR actor_id = \(pseudonym)) AND session_id IS NOT NULL
                UNION SELECT session_id FROM hub_session_replay WHERE position(convert_to(\(id), 'UTF8') IN body) > 0
                """, on: db).map { try $0.decode(String.self) }
            for statement: PostgresQuery in [
                "UPDATE hub_session_version SET version = version + 1 WHERE session_id = ANY(\(sessions))",
                """
                INSERT INTO hub_replay_due (session_id, kiosk_id, marks)
                SELECT session_id, kiosk_id, version FROM hub_session_version WHERE session_id = ANY(\(sessions))
                ORDER BY session_id COLLATE "C", kiosk_id COLLATE "C"
                ON CONFLICT (session_id, kiosk_id) DO UPDATE SET marks = EXCLUDED.marks
                """,
                "DELETE FROM hub_session_replay WHERE session_id = ANY(\(sessions))",
            ] {
                try await db.query(statement, logger: logger)
            }
            // A frozen replay (retention) is all that is left of its session: rewritten, not dropped.
            for row in try await rows("""
                SELECT session_id, body FROM hub_pruned_session
                WHERE EXISTS (SELECT 1 FROM unnest(\(erasure.needles)::text[]) AS n(needle) WHERE position(convert_to(n.needle, 'UTF8') IN body) > 0)
                """, on: db) {
                let (session, body) = try row.decode((String, ByteBuffer).self)
                guard let rewritten = erasure.frozenReplay(body, of: session) else {
                    throw FrozenReplayUnreadable(sessionID: session)
                }
                try await db.query("UPDATE hub_pruned_session SET body = \(rewritten) WHERE session_id = \(session)", logger: logger)
            }
            try await rewrite(erasure, table: "hub_event", columns: ["note"], on: db)
            try await rewrite(erasure, table: "hub_excusal", columns: ["excused_by"], on: db)
            try await rewrite(erasure, table: "hub_notice", columns: ["key"], on: db)
            try await rewrite(erasure, table: "rejected_event", columns: ["reason"], on: db)
            for row in try await rows("SELECT id, body FROM rejected_event WHERE body LIKE ANY(\(erasure.needles.map { "%" + Self.likeEscaped($0) + "%" }))", on: db) {
                let (rowID, body) = try row.decode((Int64, String).self)
                try await db.query("UPDATE rejected_event SET body = \(erasure.quarantinedBody(body)) WHERE id = \(rowID)", logger: logger)
            }
            // The audit log's one designed exception to its append-only rule: ALTER TABLE locks the
            // table until the commit, so no other transaction sees it without its trigger.
            try await db.query("ALTER TABLE hub_audit DISABLE TRIGGER hub_audit_append_only", logger: logger)
            try await rewrite(erasure, table: "hub_audit", columns: ["actor", "subject", "detail"], on: db)
            try await db.query("ALTER TABLE hub_audit ENABLE TRIGGER hub_audit_append_only", logger: logger)
            try await db.query("DELETE FROM badge WHERE participant_id = \(id)", logger: logger)
            try await db.query("DELETE FROM participant WHERE id = \(id)", logger: logger)
            try await db.query("""
                INSERT INTO hub_audit (at, actor, action, subject, detail) VALUES (\(now), \(actor), 'participant.erase', \(pseudonym), \(reason))
                """, logger: logger)
            return ErasureOutcome(pseudonym: pseudonym, events: Int(events), accounts: accounts.count)
        }
        // Also after an erasure cut short before it: the files are cleaned again. ANALYZE
        // replaces the tables' statistics, whose sampled values named the person.
        // A transaction older than the erasure would keep the old rows through the rewrite, and
        // the rewrite's lock would queue every push behind it: then it waits for the next run.
        outcome.filesCleaned = try await snapshotsEnded(before: erasureTransaction)
        guard outcome.filesCleaned else { return outcome }
        for table in Self.erasedTables {
            try await client.query(PostgresQuery(unsafeSQL: "VACUUM (FULL, ANALYZE) \(table)"), logger: logger)
        }
        return outcome
    }

    /// Waits (up to `within` seconds) until no transaction of the server that began before the
    /// erasure's (`erasure`, its `txid_current()`) still runs, and no other session of this
    /// database holds a snapshot from before it: `VACUUM FULL` keeps every old row such a
    /// transaction may still read. False when one outlasted the wait (a long report, say): its
    /// rows stay in the files until the erasure is run again.
    func snapshotsEnded(before erasure: Int64, within seconds: Int = 60) async throws -> Bool {
        let short = String(erasure % 4_294_967_296)
        for _ in 0..<(seconds * 10) {
            // Sessions of this database (or of none: a standby's feedback), prepared transactions,
            // replication slots, and the oldest transaction still running anywhere.
            let older = try await rows("""
                SELECT (SELECT count(*) FROM pg_stat_activity
                        WHERE (datname = current_database() OR datname IS NULL) AND pid <> pg_backend_pid()
                          AND (age(backend_xmin) >= age(\(short)::xid) OR age(backend_xid) >= age(\(short)::xid)))
                     + (SELECT count(*) FROM pg_prepared_xacts WHERE age(transaction) >= age(\(short)::xid))
                     + (SELECT count(*) FROM pg_replication_slots WHERE age(xmin) >= age(\(short)::xid))
                     + (CASE WHEN txid_snapshot_xmin(txid_current_snapshot()) <= \(erasure) THEN 1 ELSE 0 END)
                """).first?.decode(Int64.self) ?? 0
            if older == 0 { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// The tables an erasure changes: rewritten afterwards, so the old rows leave their files.
    static let erasedTables = [
        "participant", "badge", "group_member", "session", "participant_email", "hub_user", "hub_user_session", "hub_password_link",
        "hub_event", "hub_excusal", "hub_notice", "rejected_event", "hub_session_replay", "hub_pruned_session", "hub_audit",
    ]

    /// Taken by each erasure, so two never race to make the salt or a pseudonym.
    static let erasureLock: Int64 = 0x6572617365

    public func erasureLedger() async throws -> ErasureLedger? {
        try await erasureLedger(on: nil)
    }

    func erasureLedger(on db: PostgresConnection?) async throws -> ErasureLedger? {
        let erasures = try await rows("SELECT digest, pseudonym FROM hub_erasure ORDER BY digest COLLATE \"C\"", on: db).map { row in
            let (digest, pseudonym) = try row.decode((String, String).self)
            return Erasure(digest: digest, pseudonym: pseudonym)
        }
        guard !erasures.isEmpty, let salt = try await rows(PostgresQuery(unsafeSQL: ParticipantErasure.saltQuery), on: db).first?.decode(String.self)
        else { return nil }
        return ErasureLedger(salt: salt, erasures: erasures)
    }

    public func adoptErasures(_ ledger: ErasureLedger, at now: Date) async throws {
        try await transaction { db in
            try await db.query("SELECT pg_advisory_xact_lock(\(Self.erasureLock))", logger: logger)
            if let salt = try await rows(PostgresQuery(unsafeSQL: ParticipantErasure.saltQuery), on: db).first?.decode(String.self) {
                guard salt == ledger.salt else { throw ForeignErasureSalt() }
            } else {
                try await db.query("INSERT INTO hub_setting (name, value) VALUES ('erasure_salt', \(ledger.salt))", logger: logger)
            }
            for erasure in ledger.erasures {
                try await db.query("""
                    INSERT INTO hub_erasure (digest, pseudonym, erased_at) VALUES (\(erasure.digest), \(erasure.pseudonym), \(now)) ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
        }
    }

    /// The ids of `events` that were erased, with their pseudonyms, in the ingest's transaction.
    func erasedIDs(in events: [WireEvent], on db: PostgresConnection) async throws -> [String: String] {
        guard let salt = try await rows(PostgresQuery(unsafeSQL: ParticipantErasure.saltQuery), on: db).first?.decode(String.self) else { return [:] }
        let digests = ErasureLedger.digests(of: events.flatMap { [$0.participantID, $0.actorID].compactMap { $0 } }, salt: salt)
        guard !digests.isEmpty else { return [:] }
        var found: [String: String] = [:]
        for row in try await rows("SELECT digest, pseudonym FROM hub_erasure WHERE digest = ANY(\(Array(digests.keys)))", on: db) {
            let (digest, pseudonym) = try row.decode((String, String).self)
            if let id = digests[digest] { found[id] = pseudonym }
        }
        return found
    }

    private func erasureSalt(on db: PostgresConnection) async throws -> String {
        if let salt = try await rows(PostgresQuery(unsafeSQL: ParticipantErasure.saltQuery), on: db).first?.decode(String.self) { return salt }
        let salt = Secrets.hex(Secrets.randomBytes(32))
        try await db.query("INSERT INTO hub_setting (name, value) VALUES ('erasure_salt', \(salt))", logger: logger)
        return salt
    }

    /// Rewrites `columns` of the rows of `table` that hold one of the erasure's needles (each
    /// row found again by its `ctid`, in this transaction).
    private func rewrite(_ erasure: ParticipantErasure, table: String, columns: [String], on db: PostgresConnection) async throws {
        var select = PostgresQuery(unsafeSQL: "SELECT ctid::text, \(columns.map { "\($0)::text" }.joined(separator: ", ")) FROM \(table) WHERE ")
        var conditions: [String] = []
        for column in columns {
            for needle in erasure.needles {
                conditions.append("position($\(conditions.count + 1) IN coalesce(\(column), '')) > 0")
                select.binds.append(needle)
            }
        }
        select.sql += conditions.joined(separator: " OR ")
        for row in try await rows(select, on: db) {
            let cells = PostgresRandomAccessRow(row)
            var update = PostgresQuery(unsafeSQL: "UPDATE \(table) SET ")
            update.sql += columns.enumerated().map { index, column in "\(column) = $\(index + 1)" }.joined(separator: ", ")
            update.sql += " WHERE ctid = $\(columns.count + 1)::tid"
            for index in columns.indices { update.binds.append(erasure.text(try cells[index + 1].decode(String?.self))) }
            update.binds.append(try cells[0].decode(String.self))
            try await db.query(update, logger: logger)
        }
    }

    /// `text` for a LIKE pattern that matches it literally.
    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
