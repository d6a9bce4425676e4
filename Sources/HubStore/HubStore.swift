import Crypto
import Foundation
import GRDB
import HubProtocol
import KioskCore
import KioskStore
import NIOCore

/// The hub's state: enrolled kiosks and their token hashes, every event each kiosk pushed
/// (exactly once per kiosk and sequence number), events it could not take, and the program's
/// directory. Embedded SQLite: `hub.sqlite` for kiosks and events, and `program.sqlite` — the
/// kiosk's own schema, filled by the same CSV imports — for participants, groups and sessions.
public final class HubStore: HubStorage {
    public let folder: String
    public let program: KioskStore
    let pool: DatabasePool
    let inUse: DatabaseFileLock

    /// Opens (or creates) the hub's databases in `folder`.
    public init(folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        self.folder = folder
        let programPath = folder + "/program.sqlite"
        program = try KioskStore(path: programPath, kioskID: "hub", countsDirectoryChanges: true)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        configuration.busyMode = .timeout(10)
        try KioskStore.prepareFile(at: folder + "/hub.sqlite")
        inUse = try KioskStore.markInUse(folder + "/hub.sqlite")
        pool = try DatabasePool(path: folder + "/hub.sqlite", configuration: configuration)
        let migrator = Self.migrator
        let (applied, known) = try pool.read { db in (try migrator.appliedIdentifiers(db), migrator.migrations) }
        let unknown = applied.subtracting(known)
        guard unknown.isEmpty else { throw NewerDatabase(unknownMigrations: Array(unknown)) }
        try migrator.migrate(pool)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE kiosk (
                    id TEXT PRIMARY KEY,
                    location TEXT NOT NULL,
                    token_hash TEXT UNIQUE,
                    enrollment_code_hash TEXT UNIQUE,
                    revoked INTEGER NOT NULL DEFAULT 0,
                    acknowledged_through INTEGER NOT NULL DEFAULT 0,
                    created_at TEXT NOT NULL,
                    last_seen_at TEXT,
                    last_status TEXT
                );
                CREATE TABLE hub_event (
                    kiosk_id TEXT NOT NULL REFERENCES kiosk(id),
                    seq INTEGER NOT NULL,
                    id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    participant_id TEXT,
                    session_id TEXT,
                    actor_id TEXT,
                    wall_time TEXT NOT NULL,
                    monotonic_ns INTEGER NOT NULL,
                    clock_trusted INTEGER NOT NULL,
                    status TEXT,
                    duration_seconds REAL,
                    rating INTEGER,
                    undoes_seq INTEGER,
                    via_badge INTEGER,
                    effective_at TEXT,
                    badge_hash TEXT,
                    note TEXT,
                    received_at TEXT NOT NULL,
                    PRIMARY KEY (kiosk_id, seq)
                ) WITHOUT ROWID;
                CREATE TABLE rejected_event (
                    kiosk_id TEXT NOT NULL REFERENCES kiosk(id),
                    seq INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    body TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    PRIMARY KEY (kiosk_id, seq)
                );
                """)
        }
        migrator.registerMigration("v2-settings") { db in
            try db.execute(sql: "CREATE TABLE program_settings (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL)")
        }
        migrator.registerMigration("v3-report-indexes") { db in
            try db.execute(sql: """
                CREATE INDEX hub_event_session ON hub_event(session_id);
                CREATE INDEX hub_event_opened ON hub_event(wall_time) WHERE kind = 'session_open';
                """)
        }
        // Kept per session so a report replays only what changed; counted at ingest so listing the
        // kiosks does not count every event.
        migrator.registerMigration("v4-kept-replays-and-counts") { db in
            try db.execute(sql: """
                CREATE TABLE hub_session_version (
                    session_id TEXT NOT NULL, kiosk_id TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (session_id, kiosk_id)) WITHOUT ROWID;
                CREATE TABLE hub_session_replay (session_id TEXT PRIMARY KEY, version INTEGER NOT NULL, body BLOB NOT NULL);
                ALTER TABLE kiosk ADD COLUMN events_stored INTEGER NOT NULL DEFAULT 0;
                UPDATE kiosk SET events_stored = (SELECT count(*) FROM hub_event e WHERE e.kiosk_id = kiosk.id);
                """)
        }
        // Quarantine rows of their own (a later event under the same seq no longer replaces an
        // earlier one), retries that take them back, and the append-only audit log.
        migrator.registerMigration("v5-quarantine-and-audit") { db in
            try db.execute(sql: """
                CREATE TABLE rejected_event_kept (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kiosk_id TEXT NOT NULL REFERENCES kiosk(id),
                    seq INTEGER NOT NULL,
                    event_id TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    body TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    resolved_at TEXT);
                INSERT INTO rejected_event_kept (kiosk_id, seq, event_id, reason, body, received_at)
                    SELECT kiosk_id, seq, coalesce(json_extract(body, '$.id'), ''), reason, body, received_at FROM rejected_event ORDER BY kiosk_id, seq;
                DROP TABLE rejected_event;
                ALTER TABLE rejected_event_kept RENAME TO rejected_event;
                CREATE UNIQUE INDEX rejected_event_once ON rejected_event(kiosk_id, seq, event_id);
                CREATE INDEX hub_event_session_opened ON hub_event(session_id) WHERE kind = 'session_open';
                CREATE TABLE hub_audit (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    subject TEXT,
                    detail TEXT);
                CREATE TRIGGER hub_audit_append_only_update BEFORE UPDATE ON hub_audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER hub_audit_append_only_delete BEFORE DELETE ON hub_audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                """)
        }
        // The program's one time zone, and the admin's excusals (a kiosk's are its events).
        migrator.registerMigration("v6-program-life") { db in
            try db.execute(sql: """
                CREATE TABLE program_time_zone (id INTEGER PRIMARY KEY CHECK (id = 1), identifier TEXT NOT NULL);
                CREATE TABLE hub_excusal (
                    participant_id TEXT NOT NULL,
                    session_id TEXT NOT NULL,
                    reason TEXT,
                    excused_by TEXT NOT NULL,
                    excused_at TEXT NOT NULL,
                    PRIMARY KEY (session_id, participant_id)) WITHOUT ROWID;
                CREATE INDEX hub_event_excuse ON hub_event(session_id) WHERE kind = 'excuse';
                """)
        }
        // People's accounts at the web pages (AccountStorage), and the hub's own settings.
        migrator.registerMigration("v7-accounts") { db in
            try db.execute(sql: """
                CREATE TABLE hub_user (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    email TEXT NOT NULL UNIQUE,
                    role TEXT NOT NULL CHECK (role IN ('admin', 'facilitator')),
                    participant_id TEXT,
                    password_hash TEXT,
                    disabled_at TEXT,
                    failed_logins INTEGER NOT NULL DEFAULT 0,
                    locked_until TEXT,
                    last_login_at TEXT,
                    created_at TEXT NOT NULL);
                CREATE TABLE hub_password_link (
                    token_hash TEXT PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES hub_user(id),
                    expires_at TEXT NOT NULL);
                CREATE INDEX hub_password_link_user ON hub_password_link(user_id);
                CREATE TABLE hub_user_session (
                    token_hash TEXT PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES hub_user(id),
                    started_at TEXT NOT NULL,
                    last_seen_at TEXT NOT NULL);
                CREATE INDEX hub_user_session_user ON hub_user_session(user_id);
                CREATE TABLE hub_setting (name TEXT PRIMARY KEY, value TEXT NOT NULL);
                """)
        }
        // Notifications (NoticeStorage): participants' emails, kept here and never sent to a
        // kiosk, and the notices sent.
        migrator.registerMigration("v8-notices") { db in
            try db.execute(sql: """
                CREATE TABLE participant_email (participant_id TEXT PRIMARY KEY, email TEXT NOT NULL);
                CREATE TABLE hub_notice (key TEXT PRIMARY KEY, sent_at TEXT NOT NULL);
                """)
        }
        // The sessions an ingest made stale, for the hub's ReplayKeeper: per session and kiosk, as
        // the versions are. Every session with events starts due once, to check its kept replay.
        // A mark is the version it was marked at: versions only grow, so a mark read, cleared and
        // made again is never mistaken for the one read.
        migrator.registerMigration("v9-replays-due") { db in
            try db.execute(sql: """
                CREATE TABLE hub_replay_due (
                    session_id TEXT NOT NULL, kiosk_id TEXT NOT NULL, marks INTEGER NOT NULL, PRIMARY KEY (session_id, kiosk_id)) WITHOUT ROWID;
                INSERT INTO hub_replay_due (session_id, kiosk_id, marks) SELECT DISTINCT session_id, kiosk_id, 0 FROM hub_event WHERE session_id IS NOT NULL;
                """)
        }
        // What a directory takes from hub.sqlite: the settings, the time zone and the excusals
        // (the admin's, and kiosks' excuse events). program.sqlite has its own counter.
        migrator.registerMigration("v10-directory-generation") { db in
            try db.execute(sql: DirectoryGeneration.sqliteCounter(
                "hub_directory_generation", movedBy: ["program_settings", "program_time_zone", "hub_excusal"],
                rowsWhere: [("hub_event", "ROW.kind = 'excuse'")]))
        }
        // Erasures (`eraseParticipant`): the salted digest of each erased id, never the id.
        migrator.registerMigration("v11-erasures") { db in
            try db.execute(sql: """
                CREATE TABLE hub_erasure (digest TEXT PRIMARY KEY, pseudonym TEXT NOT NULL UNIQUE, erased_at TEXT NOT NULL) WITHOUT ROWID;
                """)
        }
        // Retention (`freezeSessions`): the figures of sessions whose events were pruned.
        migrator.registerMigration("v12-retention") { db in
            try db.execute(sql: "CREATE TABLE hub_pruned_session (session_id TEXT PRIMARY KEY, body BLOB NOT NULL, pruned_at TEXT NOT NULL) WITHOUT ROWID")
        }
        return migrator
    }

    // MARK: Kiosks

    /// Adds a kiosk; returns its one-time enrollment code (only its hash is stored).
    public func addKiosk(id: String, location: String, at now: Date) async throws -> String {
        let code = Secrets.enrollmentCode()
        try await pool.write { db in
            guard try !Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM kiosk WHERE id = ?)", arguments: [id])! else {
                throw KioskFailure.exists(id)
            }
            try db.execute(
                sql: "INSERT INTO kiosk (id, location, enrollment_code_hash, created_at) VALUES (?, ?, ?, ?)",
                arguments: [id, location, Secrets.hash(Secrets.normalizedCode(code)), now])
        }
        return code
    }

    /// A new enrollment code for a kiosk (a replaced box, a lost token); the current token
    /// works until the code is used. Un-revokes nothing: revoked stays revoked until re-enrolled.
    public func rotateEnrollment(kioskID: String) async throws -> String {
        let code = Secrets.enrollmentCode()
        try await pool.write { db in
            try db.execute(sql: "UPDATE kiosk SET enrollment_code_hash = ? WHERE id = ?", arguments: [Secrets.hash(Secrets.normalizedCode(code)), kioskID])
            guard db.changesCount == 1 else { throw KioskFailure.notFound(kioskID) }
        }
        return code
    }

    /// Revokes a kiosk's token and any unused enrollment code.
    public func revoke(kioskID: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE kiosk SET revoked = 1, token_hash = NULL, enrollment_code_hash = NULL WHERE id = ?", arguments: [kioskID])
            guard db.changesCount == 1 else { throw KioskFailure.notFound(kioskID) }
        }
    }

    /// Exchanges an enrollment code for a new device token; nil when the code is unknown or used.
    public func enroll(code: String, knownThrough: Int64?, at now: Date) async throws -> EnrollmentOutcome {
        let token = Secrets.token()
        return try await pool.write { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT id, location, acknowledged_through FROM kiosk WHERE enrollment_code_hash = ?",
                arguments: [Secrets.hash(Secrets.normalizedCode(code))])
            else { return .refused }
            let id: String = row["id"], cursor: Int64 = row["acknowledged_through"]
            if let knownThrough, cursor > knownThrough { return .behind(kioskID: id, acknowledgedThrough: cursor) }
            try db.execute(
                sql: "UPDATE kiosk SET token_hash = ?, enrollment_code_hash = NULL, revoked = 0, last_seen_at = ? WHERE id = ?",
                arguments: [Secrets.hash(token), now, id])
            return .enrolled(AuthenticatedKiosk(id: id, location: row["location"]), token: token, acknowledgedThrough: cursor)
        }
    }

    public func kiosk(token: String) async throws -> AuthenticatedKiosk? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT id, location FROM kiosk WHERE token_hash = ? AND revoked = 0", arguments: [Secrets.hash(token)])
                .map { AuthenticatedKiosk(id: $0["id"], location: $0["location"]) }
        }
    }

    public func kiosks() async throws -> [KioskSummary] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT k.*, json_extract(k.last_status, '$.queue_length') AS queue_length,
                       json_extract(k.last_status, '$.clock_trusted') AS clock_trusted,
                       json_extract(k.last_status, '$.software_version') AS software_version,
                       k.events_stored AS stored,
                       (SELECT count(*) FROM rejected_event r WHERE r.kiosk_id = k.id AND r.resolved_at IS NULL) AS rejected
                FROM kiosk k ORDER BY k.id
                """).map { row in
                KioskSummary(
                    kioskID: row["id"], location: row["location"], enrolled: (row["token_hash"] as String?) != nil,
                    revoked: row["revoked"], acknowledgedThrough: row["acknowledged_through"], lastSeenAt: row["last_seen_at"],
                    eventsStored: row["stored"], eventsRejected: row["rejected"], queueLength: row["queue_length"],
                    clockTrusted: row["clock_trusted"], softwareVersion: row["software_version"])
            }
        }
    }

    public func recordStatus(kioskID: String, report: KioskStatusReport, at now: Date) async throws {
        let text = String(decoding: try HubJSON.encoder().encode(report), as: UTF8.self)
        try await pool.write { db in
            try db.execute(sql: "UPDATE kiosk SET last_status = ?, last_seen_at = ? WHERE id = ?", arguments: [text, now, kioskID])
        }
    }

    // MARK: Events

    /// Stores a batch (ascending, contiguous sequence numbers) in one transaction: each
    /// (kiosk, seq) once; a sequence number seen before with a different event id, an event
    /// that breaks the rules, or one the kiosk has no authority to send, is kept as rejected
    /// with its reason.
    public func ingest(kioskID: String, events: [WireEvent], at now: Date) async throws -> IngestResult {
        let encoder = HubJSON.encoder()
        return try await pool.write { db in
            let kiosk = try Row.fetchOne(db, sql: "SELECT acknowledged_through, location FROM kiosk WHERE id = ?", arguments: [kioskID])
            let cursor: Int64 = kiosk?["acknowledged_through"] ?? 0
            guard let first = events.first, let last = events.last else {
                return .accepted(PushReceipt(acknowledgedThrough: cursor, stored: 0, duplicates: 0, rejected: []))
            }
            if first.seq > cursor + 1 { return .gap(acknowledgedThrough: cursor) }
            // An event sent after an erasure, by a kiosk that had not heard of it, takes the pseudonym.
            let erased = try Self.erasedIDs(db, in: events)
            let events = erased.isEmpty ? events : events.map { $0.pseudonymised(erased) }
            let known = try Self.storedIDs(db, kioskID: kioskID, SequenceSelection(events.map(\.seq)))
            let facts = try authorityFacts(db, kioskID: kioskID, location: kiosk?["location"] ?? "", events: events, at: now)
            let plan = IngestPlan(events: events, known: known, facts: facts)
            if !plan.rejected.isEmpty {
                let waiting = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM rejected_event WHERE kiosk_id = ? AND resolved_at IS NULL", arguments: [kioskID]) ?? 0
                if plan.overfillsQuarantine(waiting: waiting) { return .quarantineFull(waiting: waiting) }
            }
            // The schedule lives in program.sqlite: cancelled there first, so a crash before this
            // transaction commits leaves a cancellation that the kiosk's retry repeats harmlessly.
            try applyCancellations(db, plan.fresh, kioskID: kioskID, at: now)
            var receipt = PushReceipt(acknowledgedThrough: cursor, stored: 0, duplicates: plan.duplicates, rejected: [])
            let quarantine = try db.cachedStatement(sql: """
                INSERT INTO rejected_event (kiosk_id, seq, event_id, reason, body, received_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """)
            for (event, reason) in plan.rejected {
                try quarantine.execute(arguments: [kioskID, event.seq, event.id.lowercased(), reason, String(decoding: try encoder.encode(event), as: UTF8.self), now])
                receipt.rejected.append(RejectedEvent(seq: event.seq, reason: reason))
            }
            let stored = try Self.store(db, kioskID: kioskID, events: plan.fresh, receivedAt: now)
            receipt.stored = stored
            receipt.duplicates += plan.fresh.count - stored
            try db.execute(
                sql: "UPDATE kiosk SET acknowledged_through = ?, last_seen_at = ? WHERE id = ?",
                arguments: [max(cursor, last.seq), now, kioskID])
            // The kiosk moves its cursor to this: never past what it sent. (A replaced kiosk
            // database restarts at 1 below the hub's cursor: its events are quarantined one by
            // one as "seq reused", never skipped.)
            receipt.acknowledgedThrough = last.seq
            return .accepted(receipt)
        }
    }

    /// The ids the hub holds for these sequence numbers of a kiosk.
    static func storedIDs(_ db: Database, kioskID: String, _ selection: SequenceSelection?) throws -> [Int64: String] {
        guard let selection else { return [:] }
        return try Dictionary(
            Row.fetchAll(db, sql: """
                SELECT seq, id FROM hub_event WHERE kiosk_id = ?1 AND seq BETWEEN ?2 AND ?3
                    AND (json_array_length(?4) = 0 OR seq IN (SELECT value FROM json_each(?4)))
                """, arguments: [kioskID, selection.range.lowerBound, selection.range.upperBound, try Self.jsonArray(selection.sparse)])
                .map { ($0["seq"] as Int64, $0["id"] as String) },
            uniquingKeysWith: { first, _ in first })
    }

    /// What the hub knows of the sessions, people and check-ins `events` name (`KioskAuthority`).
    func authorityFacts(_ db: Database, kioskID: String, location: String, events: [WireEvent], at now: Date) throws -> AuthorityFacts {
        let named = NamedInBatch(events)
        let roster = try program.rosterFacts(participantIDs: named.participantIDs, sessionIDs: named.sessionIDs)
        var facts = AuthorityFacts(kioskID: kioskID, location: location, scheduled: roster.locations, roles: roster.roles)
        facts.frozenSessions = try Self.frozen(db, among: named.sessionIDs)
        if !named.cancelledSessionIDs.isEmpty {
            facts.scheduledStarts = try program.sessions(ids: named.cancelledSessionIDs).reduce(into: [:]) { $0[$1.id] = $1.startsAt }
            facts.attendedSessions = try Self.attended(db, among: named.cancelledSessionIDs)
            facts.receivedAt = now
        }
        let adHoc = named.adHocSessionIDs
        if !adHoc.isEmpty {
            for row in try Row.fetchAll(db, sql: """
                SELECT session_id, kiosk_id FROM hub_event INDEXED BY hub_event_session_opened
                WHERE kind = 'session_open' AND session_id IN (SELECT value FROM json_each(?)) ORDER BY received_at, kiosk_id, seq
                """, arguments: [try Self.jsonArray(adHoc)]) where facts.adHocOpeners[row["session_id"]] == nil {
                facts.adHocOpeners[row["session_id"]] = row["kiosk_id"]
            }
        }
        if !named.undoneSeqs.isEmpty {
            for row in try Row.fetchAll(db, sql: """
                SELECT seq, participant_id, session_id FROM hub_event
                WHERE kiosk_id = ? AND seq IN (SELECT value FROM json_each(?)) AND kind IN ('check_in', 'manual_check_in')
                """, arguments: [kioskID, try Self.jsonArray(named.undoneSeqs)]) {
                facts.checkIns[row["seq"]] = AuthorityFacts.CheckIn(participantID: row["participant_id"], sessionID: row["session_id"])
            }
        }
        return facts
    }

    /// Cancels the sessions of accepted `session_cancel` events (the authority checked them) and
    /// audits each. A failure to write the schedule fails the whole push (nothing is acknowledged,
    /// the kiosk sends it again); only a refusal by the schedule's own rules is passed over.
    func applyCancellations(_ db: Database, _ events: [WireEvent], kioskID: String, at now: Date) throws {
        for event in events where event.kind == KioskEventKind.sessionCancel.rawValue {
            guard let session = event.sessionID else { continue }
            do {
                _ = try program.cancelScheduledSession(id: session, reason: event.note, now: event.wallTime, attended: false)
            } catch is SessionCancelRefusal {
                continue
            }
            try db.execute(
                sql: "INSERT INTO hub_audit (at, actor, action, subject, detail) VALUES (?, ?, 'session.cancel', ?, ?)",
                arguments: [now, "kiosk:\(kioskID)", session, "by \(event.actorID ?? "?")" + (event.note.map { ": \($0)" } ?? "")])
        }
    }

    /// Which of these sessions someone checked in to, at any kiosk (the hub's attendance is its
    /// events), or whose figures retention froze (their check-ins are gone; nothing changes them).
    static func attended(_ db: Database, among sessionIDs: [String]) throws -> Set<String> {
        guard !sessionIDs.isEmpty else { return [] }
        return Set(try String.fetchAll(db, sql: """
            SELECT DISTINCT session_id FROM hub_event INDEXED BY hub_event_session
            WHERE session_id IN (SELECT value FROM json_each(?)) AND kind IN ('check_in', 'manual_check_in')
            """, arguments: [try Self.jsonArray(sessionIDs)])).union(try frozen(db, among: sessionIDs))
    }

    /// Which of these sessions retention froze (`freezeSessions`).
    static func frozen(_ db: Database, among sessionIDs: [String]) throws -> Set<String> {
        guard !sessionIDs.isEmpty else { return [] }
        return Set(try String.fetchAll(
            db, sql: "SELECT session_id FROM hub_pruned_session WHERE session_id IN (SELECT value FROM json_each(?))",
            arguments: [try Self.jsonArray(sessionIDs)]))
    }

    /// Inserts events judged fresh, raises the versions of their sessions and the kiosk's count.
    /// - Returns: how many were new (a row already there is left alone).
    static func store(_ db: Database, kioskID: String, events: [WireEvent], receivedAt now: Date) throws -> Int {
        let insert = try db.cachedStatement(sql: """
            INSERT INTO hub_event (kiosk_id, seq, id, kind, participant_id, session_id, actor_id, wall_time, monotonic_ns,
                clock_trusted, status, duration_seconds, rating, undoes_seq, via_badge, effective_at, badge_hash, note, received_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """)
        let receivedAt = DatabaseTime.text(now)
        var stored = 0
        var touchedSessions = Set<String>()
        for event in events {
            // Times in the database's text form through the kiosk's fast formatter (GRDB's own
            // Date conversion costs more than the rest of the row).
            try insert.execute(arguments: [
                kioskID, event.seq, event.id.lowercased(), event.kind, event.participantID, event.sessionID, event.actorID,
                DatabaseTime.text(event.wallTime), event.monotonicNs, event.clockTrusted, event.status, event.durationSeconds,
                event.rating, event.undoesSeq, event.viaBadge, event.effectiveAt.map(DatabaseTime.text), event.badgeHash, event.note,
                receivedAt,
            ])
            if db.changesCount == 1 {
                stored += 1
                if let session = event.sessionID { touchedSessions.insert(session) }
            }
        }
        let bump = try db.cachedStatement(sql: """
            INSERT INTO hub_session_version (session_id, kiosk_id, version) VALUES (?, ?, 1)
            ON CONFLICT (session_id, kiosk_id) DO UPDATE SET version = version + 1
            """)
        let due = try db.cachedStatement(sql: """
            INSERT INTO hub_replay_due (session_id, kiosk_id, marks)
            SELECT session_id, kiosk_id, version FROM hub_session_version WHERE session_id = ?1 AND kiosk_id = ?2
            ON CONFLICT (session_id, kiosk_id) DO UPDATE SET marks = excluded.marks
            """)
        for session in touchedSessions {
            try bump.execute(arguments: [session, kioskID])
            try due.execute(arguments: [session, kioskID])
        }
        try db.execute(sql: "UPDATE kiosk SET events_stored = events_stored + ? WHERE id = ?", arguments: [stored, kioskID])
        return stored
    }

    // MARK: Quarantine

    public func rejectedEvents(kioskID: String?, includingResolved: Bool) async throws -> [QuarantinedEvent] {
        try await pool.read { db in
            try Self.quarantined(db, sql: """
                SELECT * FROM rejected_event WHERE (?1 IS NULL OR kiosk_id = ?1) AND (?2 OR resolved_at IS NULL) ORDER BY kiosk_id, seq, id
                """, arguments: [kioskID, includingResolved])
        }
    }

    /// Judges the quarantined events again (all still refused, or those with these ids), kiosk by
    /// kiosk in sequence order, against today's roster and schedule; stores those that pass.
    public func retryRejected(ids: [Int64]?, at now: Date) async throws -> [RetryOutcome] {
        try await pool.write { db in
            let waiting = try Self.quarantined(db, sql: """
                SELECT * FROM rejected_event WHERE resolved_at IS NULL AND (?1 IS NULL OR id IN (SELECT value FROM json_each(?1)))
                ORDER BY kiosk_id, seq, id
                """, arguments: [try ids.map(Self.jsonArray)])
            var outcomes: [RetryOutcome] = []
            for (kioskID, items) in RetryPlan.byKiosk(waiting) {
                let location = try String.fetchOne(db, sql: "SELECT location FROM kiosk WHERE id = ?", arguments: [kioskID]) ?? ""
                let plan = RetryPlan(
                    items, known: try Self.storedIDs(db, kioskID: kioskID, SequenceSelection(items.map(\.seq))),
                    facts: try authorityFacts(db, kioskID: kioskID, location: location, events: items.compactMap(\.event), at: now))
                try applyCancellations(db, plan.fresh, kioskID: kioskID, at: now)
                _ = try Self.store(db, kioskID: kioskID, events: plan.fresh, receivedAt: now)
                for outcome in plan.outcomes where outcome.stillRefused == nil {
                    try db.execute(sql: "UPDATE rejected_event SET resolved_at = ? WHERE id = ?", arguments: [now, outcome.id])
                }
                outcomes += plan.outcomes
            }
            return outcomes
        }
    }

    static func quarantined(_ db: Database, sql: String, arguments: StatementArguments) throws -> [QuarantinedEvent] {
        let decoder = HubJSON.decoder()
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            QuarantinedEvent(
                id: row["id"], kioskID: row["kiosk_id"], seq: row["seq"], eventID: row["event_id"], reason: row["reason"],
                receivedAt: row["received_at"], resolvedAt: row["resolved_at"],
                event: try? decoder.decode(WireEvent.self, from: Data((row["body"] as String).utf8)))
        }
    }

    // MARK: Audit

    public func audit(_ entry: AuditEntry) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO hub_audit (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
                arguments: [entry.at, entry.actor, entry.action, entry.subject, entry.detail])
        }
    }

    public func auditLog(since: Date?) async throws -> [AuditEntry] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM hub_audit WHERE ?1 IS NULL OR at >= ?1 ORDER BY id", arguments: [since]).map { row in
                AuditEntry(at: row["at"], actor: row["actor"], action: row["action"], subject: row["subject"], detail: row["detail"])
            }
        }
    }

    /// Stored events in (kiosk, seq) order, for exports and checks.
    public func events(kioskID: String?, after position: EventPosition?, limit: Int) async throws -> [(kioskID: String, event: WireEvent)] {
        try await events(
            where: "(?1 IS NULL OR kiosk_id = ?1) AND (kiosk_id, seq) > (?2, ?3) ORDER BY kiosk_id, seq LIMIT ?4",
            arguments: [kioskID, position?.kioskID ?? "", position?.seq ?? 0, limit])
    }

    public func sessionsOpened(from: Date, before to: Date) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT session_id FROM hub_event WHERE kind = 'session_open' AND session_id IS NOT NULL AND wall_time >= ? AND wall_time < ?",
                arguments: [from, to])
        }
    }

    public func events(ofSessions sessionIDs: [String]) async throws -> [(kioskID: String, event: WireEvent)] {
        try await events(where: "session_id IN (SELECT value FROM json_each(?))", arguments: [Self.jsonArray(sessionIDs)])
    }

    public func storedReplays(ofSessions sessionIDs: [String]) async throws -> [StoredReplay] {
        let ids = try Self.jsonArray(sessionIDs)
        return try await pool.read { db in
            var replays: [StoredReplay] = []
            replays.reserveCapacity(sessionIDs.count)
            // A session's version: the sum of its kiosks' versions (each only grows), looked up
            // through the primary key per session.
            // A frozen session's replay (retention) is its figures, whatever its version.
            let rows = try Row.fetchCursor(db, sql: """
                SELECT s.value, (SELECT coalesce(sum(v.version), 0) FROM hub_session_version v WHERE v.session_id = s.value), r.version, r.body,
                    p.body, p.session_id IS NOT NULL
                FROM json_each(?) s LEFT JOIN hub_session_replay r ON r.session_id = s.value LEFT JOIN hub_pruned_session p ON p.session_id = s.value
                """, arguments: [ids])
            while let row = try rows.next() {
                let version: Int64 = row[1]
                let frozen: Bool = row[5]
                let column = frozen ? 4 : (row[2] as Int64?) == version ? 3 : nil
                let body = try column.flatMap { index in try row.withUnsafeData(atIndex: index) { data in data.map { ByteBuffer(bytes: $0) } } }
                replays.append(StoredReplay(sessionID: row[0], version: version, body: body, frozen: frozen))
            }
            return replays
        }
    }

    public func storeReplays(_ replays: [StoredReplay]) async throws {
        // A few thousand per transaction: kiosks' pushes wait for the writer meanwhile.
        for start in stride(from: 0, to: replays.count, by: 2_000) {
            try await pool.write { db in
                // Never beside a frozen replay (retention): the keeper may have read before the freeze.
                let store = try db.cachedStatement(sql: """
                    INSERT INTO hub_session_replay (session_id, version, body) SELECT ?1, ?2, ?3 WHERE NOT EXISTS (SELECT 1 FROM hub_pruned_session WHERE session_id = ?1)
                    ON CONFLICT (session_id) DO UPDATE SET version = excluded.version, body = excluded.body WHERE version <= excluded.version
                    """)
                for replay in replays[start..<min(start + 2_000, replays.count)] {
                    guard let body = replay.body else { continue }
                    try store.execute(arguments: [replay.sessionID, replay.version, Data(body.readableBytesView)])
                }
            }
        }
    }

    public func replaysDue(after position: ReplayDue?, limit: Int) async throws -> [ReplayDue] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT session_id, kiosk_id, marks FROM hub_replay_due WHERE (session_id, kiosk_id) > (?, ?) ORDER BY session_id, kiosk_id LIMIT ?
                """, arguments: [position?.sessionID ?? "", position?.kioskID ?? "", limit]
            ).map { ReplayDue(sessionID: $0[0], kioskID: $0[1], marks: $0[2]) }
        }
    }

    public func clearReplaysDue(_ marks: [ReplayDue]) async throws {
        try await pool.write { db in
            let clear = try db.cachedStatement(sql: "DELETE FROM hub_replay_due WHERE session_id = ? AND kiosk_id = ? AND marks = ?")
            for mark in marks { try clear.execute(arguments: [mark.sessionID, mark.kioskID, mark.marks]) }
        }
    }

    public func markReplaysDue(unlessStartingWith header: [UInt8]) async throws -> Int {
        // Found in a read, marked in short writes: kiosks' pushes do not wait for the scan.
        let outdated = try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT session_id FROM hub_session_replay WHERE substr(body, 1, ?) <> ?", arguments: [header.count, Data(header)])
        }
        for start in stride(from: 0, to: outdated.count, by: 2_000) {
            try await pool.write { db in
                let mark = try db.cachedStatement(sql: "INSERT INTO hub_replay_due (session_id, kiosk_id, marks) VALUES (?, '', 0) ON CONFLICT DO NOTHING")
                for session in outdated[start..<min(start + 2_000, outdated.count)] { try mark.execute(arguments: [session]) }
            }
        }
        return outdated.count
    }

    /// Values as one JSON array, for `json_each(?)`.
    static func jsonArray(_ values: [some Encodable]) throws -> String {
        String(decoding: try JSONEncoder().encode(values), as: UTF8.self)
    }

    /// Through the SQLite C API (`RawRow`): a first report over a long history reads millions.
    private func events(where filter: String, arguments: StatementArguments) async throws -> [(kioskID: String, event: WireEvent)] {
        try await pool.read { db in
            var events: [(kioskID: String, event: WireEvent)] = []
            try db.forEachRawRow(sql: """
                SELECT kiosk_id, seq, id, kind, participant_id, session_id, actor_id, wall_time, monotonic_ns, clock_trusted, status,
                       duration_seconds, rating, undoes_seq, via_badge, effective_at, badge_hash, note
                FROM hub_event WHERE
                """ + " " + filter, arguments: arguments
            ) { row in
                events.append((row.text(0) ?? "", WireEvent(
                    seq: Int64(row.int(1)), id: row.text(2) ?? "", kind: row.text(3) ?? "", participantID: row.text(4), sessionID: row.text(5),
                    actorID: row.text(6), wallTime: row.date(7) ?? .distantPast, monotonicNs: Int64(row.int(8)), clockTrusted: row.int(9) != 0,
                    status: row.text(10), durationSeconds: row.optionalDouble(11), rating: row.optionalInt64(12).map(Int.init),
                    undoesSeq: row.optionalInt64(13), viaBadge: row.optionalInt64(14).map { $0 != 0 }, effectiveAt: row.date(15),
                    badgeHash: row.text(16), note: row.text(17))))
            }
            return events
        }
    }

    // MARK: Directory

    /// The directory of `location`: everyone, every group, the location's sessions from a day
    /// ago to `Directory.servedDays` ahead.
    public func directory(location: String, at now: Date) async throws -> Directory {
        let window = Directory.servedWindow(at: now)
        let snapshot = try program.directorySnapshot(location: location, from: window.lowerBound, to: window.upperBound)
        return try Directory.versioned(
            location: location, participants: snapshot.participants.map { DirectoryParticipant(participant: $0.0, badgeHashes: $0.1) },
            groups: snapshot.groups, sessions: snapshot.sessions, settings: try await settings(), timeZone: try await timeZoneIdentifier(),
            excusals: try await excusals(ofSessions: snapshot.sessions.map(\.id)).map(\.withoutDetails), erasures: try await erasureLedger())
    }

    public func directoryGeneration() async throws -> [Int64] {
        // program.sqlite's first: a write to either file after its read moves it again.
        let program = try program.directoryGeneration()
        return [program, try await pool.read { db in try DirectoryGeneration.read(db, table: "hub_directory_generation") }]
    }

    public func firstSessionStart(location: String, after moment: Date) async throws -> Date? {
        try program.firstSessionStart(location: location, after: moment)
    }

    public func timeZoneIdentifier() async throws -> String? {
        try await pool.read { db in try String.fetchOne(db, sql: "SELECT identifier FROM program_time_zone") }
    }

    public func setTimeZoneIdentifier(_ identifier: String?) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM program_time_zone")
            if let identifier { try db.execute(sql: "INSERT INTO program_time_zone (id, identifier) VALUES (1, ?)", arguments: [identifier]) }
        }
    }

    public func settings() async throws -> ProgramSettings? {
        try await pool.read { db in try String.fetchOne(db, sql: "SELECT body FROM program_settings") }
            .map { try HubJSON.decoder().decode(ProgramSettings.self, from: Data($0.utf8)) }
    }

    public func setSettings(_ settings: ProgramSettings?) async throws {
        let body = try settings.map { String(decoding: try HubJSON.encoder().encode($0), as: UTF8.self) }
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM program_settings")
            if let body { try db.execute(sql: "INSERT INTO program_settings (id, body) VALUES (1, ?)", arguments: [body]) }
        }
    }

    // MARK: Program

    public func importProgram(_ file: ProgramFile, dryRun: Bool) async throws -> ImportSummary {
        try await erasureLedger()?.refuseErased(file)
        do {
            let summary = try program.importProgram(file, dryRun: dryRun) { ids in try self.pool.read { try Self.attended($0, among: ids) } }
            // The emails live in hub.sqlite, beside the program's file: written once the roster is.
            if !dryRun, case .participants(let entries) = file {
                try await pool.write { db in
                    for entry in entries where entry.emailGiven {
                        if let email = entry.email {
                            try db.execute(
                                sql: "INSERT INTO participant_email (participant_id, email) VALUES (?, ?) ON CONFLICT (participant_id) DO UPDATE SET email = excluded.email",
                                arguments: [entry.participant.id, email])
                        } else {
                            try db.execute(sql: "DELETE FROM participant_email WHERE participant_id = ?", arguments: [entry.participant.id])
                        }
                    }
                }
            }
            return summary
        } catch StoreError.importRefused(let refusal) {
            // The same refusal as PostgreSQL's, with its file, line and column.
            throw refusal
        }
    }

    public func programSnapshot(startingFrom from: Date, before to: Date, location: String?) async throws -> ProgramSnapshot {
        try program.programSnapshot(startingFrom: from, before: to, location: location)
    }

    public func session(id: String) async throws -> Session? {
        try program.session(id: id)
    }

    public func cancelSession(id: String, reason: String?, at now: Date) async throws -> Session {
        let attended = try await pool.read { try Self.attended($0, among: [id]) }
        return try program.cancelScheduledSession(id: id, reason: reason, now: now, attended: !attended.isEmpty)
    }

    public func excuse(_ excusal: Excusal, at now: Date) async throws {
        guard let session = try program.session(id: excusal.sessionID) else { throw ExcusalRefusal.unknownSession(excusal.sessionID) }
        guard try program.participant(id: excusal.participantID) != nil else { throw ExcusalRefusal.unknownParticipant(excusal.participantID) }
        guard session.status != .cancelled else { throw ExcusalRefusal.cancelled(session.id) }
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO hub_excusal (participant_id, session_id, reason, excused_by, excused_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (session_id, participant_id) DO UPDATE SET reason = excluded.reason, excused_by = excluded.excused_by, excused_at = excluded.excused_at
                """, arguments: [excusal.participantID, excusal.sessionID, excusal.reason, excusal.excusedBy ?? "admin", now])
        }
    }

    public func excusals(ofSessions sessionIDs: [String]) async throws -> [Excusal] {
        guard !sessionIDs.isEmpty else { return [] }
        let ids = try Self.jsonArray(sessionIDs)
        return try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT participant_id, session_id, reason, excused_by FROM hub_excusal WHERE session_id IN (SELECT value FROM json_each(?1))
                UNION ALL
                SELECT participant_id, session_id, note, actor_id FROM hub_event INDEXED BY hub_event_excuse
                WHERE kind = 'excuse' AND participant_id IS NOT NULL AND session_id IN (SELECT value FROM json_each(?1))
                """, arguments: [ids]).map { Excusal(participantID: $0[0], sessionID: $0[1], reason: $0[2], excusedBy: $0[3]) }
        }
    }
}

/// Tokens, enrollment codes and their hashes. Tokens are 256 random bits, so a plain SHA-256
/// is enough to store them (no password stretching needed); codes are 60 bits, typed by a
/// person, single-use and revocable.
public enum Secrets {
    public static func token() -> String {
        "mkt_" + Data(randomBytes(32)).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    public static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Twelve characters from an alphabet without look-alikes, in groups of four: ABCD-EFGH-JKMN.
    public static func enrollmentCode() -> String {
        let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<12).map { _ in alphabet.randomElement(using: &generator)! }
        return stride(from: 0, to: 12, by: 4).map { String(characters[$0..<$0 + 4]) }.joined(separator: "-")
    }

    /// Codes are compared without dashes, spaces or case.
    public static func normalizedCode(_ code: String) -> String {
        code.uppercased().filter { $0.isLetter || $0.isNumber }
    }

    public static func hash(_ secret: String) -> String {
        hex(SHA256.hash(data: Data(secret.utf8)))
    }

    /// Lower-case hex digits of `bytes`.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        Hex.lowercase(bytes)
    }

    /// A new erasure pseudonym (`ErasedParticipant.prefix` and 16 hex digits): random, so it
    /// says nothing of the id it replaced.
    public static func pseudonym() -> String {
        ErasedParticipant.prefix + hex(randomBytes(8))
    }
}
