import Foundation
import HubProtocol
import HubStore
import KioskCore
import Logging
import PostgresNIO

/// The hub's storage in PostgreSQL, for a program that outgrows one machine: several hub
/// processes share one database. The same contract as `HubStore` (embedded SQLite): each
/// (kiosk, seq) stored once — one kiosk's pushes are serialised by a lock on its row, whichever
/// hub process takes them — only hashes of tokens and codes, imports all-or-nothing, and the
/// same directory (and so the same version) for the same program.
public final class PostgresHubStore: HubStorage {
    let client: PostgresClient
    let logger = Logger(label: "mentor-hub.postgres")
    let url: PostgresURL
    /// The database, without its password, for messages.
    public var name: String { url.description }

    init(url: PostgresURL) {
        client = PostgresClient(configuration: url.configuration)
        self.url = url
    }

    /// Opens the database at `url`, brings its schema up to date (several hub processes
    /// starting at once migrate once), runs `body`, and closes the connections.
    public static func withStore<Result>(url: String, _ body: (PostgresHubStore) async throws -> Result) async throws -> Result {
        let store = PostgresHubStore(url: try PostgresURL(url))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.client.run() }
            defer { group.cancelAll() }
            try await store.probe()
            try await store.migrate()
            return try await body(store)
        }
    }

    // MARK: Schema

    /// Serialises schema changes between hub processes (`pg_advisory_xact_lock`).
    static let migrationLock: Int64 = 0x6d656e746f72

    /// Named steps, each applied once, in order; never edited once released.
    static let migrations: [(name: String, statements: [String])] = [
        ("v1", [
            """
            CREATE TABLE kiosk (
                id TEXT PRIMARY KEY,
                location TEXT NOT NULL,
                token_hash TEXT UNIQUE,
                enrollment_code_hash TEXT UNIQUE,
                revoked BOOLEAN NOT NULL DEFAULT FALSE,
                acknowledged_through BIGINT NOT NULL DEFAULT 0,
                created_at TIMESTAMPTZ NOT NULL,
                last_seen_at TIMESTAMPTZ,
                last_status TEXT)
            """,
            """
            CREATE TABLE hub_event (
                kiosk_id TEXT NOT NULL REFERENCES kiosk(id),
                seq BIGINT NOT NULL,
                id TEXT NOT NULL,
                kind TEXT NOT NULL,
                participant_id TEXT,
                session_id TEXT,
                actor_id TEXT,
                wall_time TIMESTAMPTZ NOT NULL,
                monotonic_ns BIGINT NOT NULL,
                clock_trusted BOOLEAN NOT NULL,
                status TEXT,
                duration_seconds DOUBLE PRECISION,
                rating INTEGER,
                undoes_seq BIGINT,
                via_badge BOOLEAN,
                effective_at TIMESTAMPTZ,
                badge_hash TEXT,
                note TEXT,
                received_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (kiosk_id, seq))
            """,
            """
            CREATE TABLE rejected_event (
                kiosk_id TEXT NOT NULL REFERENCES kiosk(id),
                seq BIGINT NOT NULL,
                reason TEXT NOT NULL,
                body TEXT NOT NULL,
                received_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (kiosk_id, seq))
            """,
            """
            CREATE TABLE participant (
                id TEXT PRIMARY KEY CHECK (id <> ''),
                name TEXT NOT NULL CHECK (name <> ''),
                role TEXT NOT NULL CHECK (role IN ('mentee', 'mentor', 'facilitator', 'admin')),
                active BOOLEAN NOT NULL DEFAULT TRUE)
            """,
            """
            CREATE TABLE badge (
                hash TEXT PRIMARY KEY CHECK (length(hash) = 64),
                participant_id TEXT NOT NULL REFERENCES participant(id) ON DELETE CASCADE)
            """,
            "CREATE INDEX badge_participant ON badge(participant_id)",
            """
            CREATE TABLE mentoring_group (
                id TEXT PRIMARY KEY CHECK (id <> ''),
                name TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('pair', 'circle')))
            """,
            """
            CREATE TABLE group_member (
                group_id TEXT NOT NULL REFERENCES mentoring_group(id) ON DELETE CASCADE,
                participant_id TEXT NOT NULL REFERENCES participant(id),
                role TEXT NOT NULL CHECK (role IN ('mentor', 'mentee', 'facilitator')),
                PRIMARY KEY (group_id, participant_id))
            """,
            """
            CREATE TABLE session (
                id TEXT PRIMARY KEY CHECK (id <> ''),
                title TEXT NOT NULL,
                kind TEXT NOT NULL,
                location TEXT NOT NULL,
                starts_at TIMESTAMPTZ NOT NULL,
                ends_at TIMESTAMPTZ NOT NULL CHECK (ends_at > starts_at),
                group_id TEXT REFERENCES mentoring_group(id),
                facilitator_id TEXT REFERENCES participant(id),
                status TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'closed', 'cancelled')))
            """,
            "CREATE INDEX session_location_end ON session(location, ends_at)",
        ]),
        ("v2-settings", ["CREATE TABLE program_settings (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL)"]),
        ("v3-report-indexes", [
            "CREATE INDEX hub_event_session ON hub_event(session_id)",
            "CREATE INDEX hub_event_opened ON hub_event(wall_time) WHERE kind = 'session_open'",
        ]),
        ("v4-kept-replays-and-counts", [
            // One row per session and kiosk: a kiosk's pushes already queue on its own row, so
            // kiosks pushing to one session at once do not wait for each other here too.
            "CREATE TABLE hub_session_version (session_id TEXT NOT NULL, kiosk_id TEXT NOT NULL, version BIGINT NOT NULL, PRIMARY KEY (session_id, kiosk_id))",
            "CREATE TABLE hub_session_replay (session_id TEXT PRIMARY KEY, version BIGINT NOT NULL, body BYTEA NOT NULL)",
            "ALTER TABLE kiosk ADD COLUMN events_stored BIGINT NOT NULL DEFAULT 0",
            "UPDATE kiosk SET events_stored = (SELECT count(*) FROM hub_event e WHERE e.kiosk_id = kiosk.id)",
            // In the database, not in the ingest's SQL: a hub process of an older release still
            // running against this database (a rolling upgrade) stores events too, and a kept
            // replay must never outlive an event it lacks.
            """
            CREATE FUNCTION hub_event_stored() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO hub_session_version (session_id, kiosk_id, version)
                SELECT session_id, kiosk_id, 1 FROM stored WHERE session_id IS NOT NULL GROUP BY session_id, kiosk_id
                ON CONFLICT (session_id, kiosk_id) DO UPDATE SET version = hub_session_version.version + 1;
                UPDATE kiosk SET events_stored = kiosk.events_stored + counted.events
                FROM (SELECT kiosk_id, count(*) AS events FROM stored GROUP BY kiosk_id) counted WHERE kiosk.id = counted.kiosk_id;
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER hub_event_stored AFTER INSERT ON hub_event REFERENCING NEW TABLE AS stored
            FOR EACH STATEMENT EXECUTE FUNCTION hub_event_stored()
            """,
        ]),
        ("v5-cohorts", ["ALTER TABLE participant ADD COLUMN cohort TEXT"]),
        // Quarantine rows of their own (a later event under the same seq no longer replaces an
        // earlier one), retries that take them back, and the append-only audit log.
        ("v6-quarantine-and-audit", [
            "ALTER TABLE rejected_event DROP CONSTRAINT rejected_event_pkey",
            "ALTER TABLE rejected_event ADD COLUMN id BIGSERIAL PRIMARY KEY",
            "ALTER TABLE rejected_event ADD COLUMN event_id TEXT",
            "UPDATE rejected_event SET event_id = coalesce(body::jsonb ->> 'id', '')",
            "ALTER TABLE rejected_event ALTER COLUMN event_id SET NOT NULL",
            "ALTER TABLE rejected_event ADD COLUMN resolved_at TIMESTAMPTZ",
            "CREATE UNIQUE INDEX rejected_event_once ON rejected_event(kiosk_id, seq, event_id)",
            "CREATE INDEX hub_event_session_opened ON hub_event(session_id) WHERE kind = 'session_open'",
            """
            CREATE TABLE hub_audit (
                id BIGSERIAL PRIMARY KEY,
                at TIMESTAMPTZ NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                subject TEXT,
                detail TEXT)
            """,
            """
            CREATE FUNCTION hub_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the audit log is append-only';
            END
            $$
            """,
            "CREATE TRIGGER hub_audit_append_only BEFORE UPDATE OR DELETE ON hub_audit FOR EACH ROW EXECUTE FUNCTION hub_audit_append_only()",
            "CREATE TRIGGER hub_audit_no_truncate BEFORE TRUNCATE ON hub_audit FOR EACH STATEMENT EXECUTE FUNCTION hub_audit_append_only()",
        ]),
        // Program life (docs/program-files.md): days in and out of the program, dated and
        // repeatable memberships, a cancellation's reason, the program's time zone and the
        // admin's excusals (a kiosk's are its events). Days are `YYYY-MM-DD` text, as on SQLite.
        ("v7-program-life", [
            "ALTER TABLE participant ADD COLUMN joined_on TEXT, ADD COLUMN left_on TEXT",
            "ALTER TABLE session ADD COLUMN cancel_reason TEXT",
            "ALTER TABLE group_member DROP CONSTRAINT group_member_pkey",
            "ALTER TABLE group_member ADD COLUMN row_id BIGSERIAL PRIMARY KEY, ADD COLUMN from_day TEXT, ADD COLUMN until_day TEXT",
            "ALTER TABLE group_member ADD CHECK (from_day IS NULL OR until_day IS NULL OR until_day > from_day)",
            "CREATE INDEX group_member_group ON group_member(group_id)",
            "CREATE TABLE program_time_zone (id INTEGER PRIMARY KEY CHECK (id = 1), identifier TEXT NOT NULL)",
            """
            CREATE TABLE hub_excusal (
                participant_id TEXT NOT NULL,
                session_id TEXT NOT NULL,
                reason TEXT,
                excused_by TEXT NOT NULL,
                excused_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (session_id, participant_id))
            """,
            "CREATE INDEX hub_event_excuse ON hub_event(session_id) WHERE kind = 'excuse'",
        ]),
        ("v8-pair-goals", ["ALTER TABLE mentoring_group ADD COLUMN goal TEXT, ADD COLUMN goal_target_on TEXT"]),
        // People's accounts at the web pages (AccountStorage), and the hub's own settings.
        ("v9-accounts", [
            """
            CREATE TABLE hub_user (
                id BIGSERIAL PRIMARY KEY,
                email TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL CHECK (role IN ('admin', 'facilitator')),
                participant_id TEXT,
                password_hash TEXT,
                disabled_at TIMESTAMPTZ,
                failed_logins INTEGER NOT NULL DEFAULT 0,
                locked_until TIMESTAMPTZ,
                last_login_at TIMESTAMPTZ,
                created_at TIMESTAMPTZ NOT NULL)
            """,
            "CREATE TABLE hub_password_link (token_hash TEXT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES hub_user(id), expires_at TIMESTAMPTZ NOT NULL)",
            "CREATE INDEX hub_password_link_user ON hub_password_link(user_id)",
            """
            CREATE TABLE hub_user_session (
                token_hash TEXT PRIMARY KEY,
                user_id BIGINT NOT NULL REFERENCES hub_user(id),
                started_at TIMESTAMPTZ NOT NULL,
                last_seen_at TIMESTAMPTZ NOT NULL)
            """,
            "CREATE INDEX hub_user_session_user ON hub_user_session(user_id)",
            "CREATE TABLE hub_setting (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ]),
        // Notifications (NoticeStorage): participants' emails, never sent to a kiosk, and the notices sent.
        ("v10-notices", [
            "CREATE TABLE participant_email (participant_id TEXT PRIMARY KEY, email TEXT NOT NULL)",
            "CREATE TABLE hub_notice (key TEXT PRIMARY KEY, sent_at TIMESTAMPTZ NOT NULL)",
        ]),
        // A participant's own language (participants.csv's `language`).
        ("v11-languages", ["ALTER TABLE participant ADD COLUMN language TEXT"]),
        // The sessions an ingest made stale, for the hub's ReplayKeeper: marked by the same trigger
        // as the versions, per session and kiosk. Every session with events starts due once.
        ("v12-replays-due", [
            // No hub process of an older release stores an event between the seeding and the trigger.
            "LOCK TABLE hub_event IN SHARE MODE",
            // Bytewise ("C") ids: the keeper pages through the marks in the primary key's order.
            """
            CREATE TABLE hub_replay_due (
                session_id TEXT COLLATE "C" NOT NULL, kiosk_id TEXT COLLATE "C" NOT NULL, marks BIGINT NOT NULL, PRIMARY KEY (session_id, kiosk_id))
            """,
            "INSERT INTO hub_replay_due (session_id, kiosk_id, marks) SELECT DISTINCT session_id, kiosk_id, 0 FROM hub_event WHERE session_id IS NOT NULL",
            // A mark is the version it was marked at (versions only grow, so a mark read, cleared
            // and made again is never mistaken for the one read); rows in key order, as the
            // keeper clears them, so a push and the keeper never wait for each other in a circle.
            """
            CREATE OR REPLACE FUNCTION hub_event_stored() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO hub_session_version (session_id, kiosk_id, version)
                SELECT session_id, kiosk_id, 1 FROM stored WHERE session_id IS NOT NULL GROUP BY session_id, kiosk_id
                ORDER BY session_id COLLATE "C", kiosk_id COLLATE "C"
                ON CONFLICT (session_id, kiosk_id) DO UPDATE SET version = hub_session_version.version + 1;
                INSERT INTO hub_replay_due (session_id, kiosk_id, marks)
                SELECT v.session_id, v.kiosk_id, v.version FROM hub_session_version v
                JOIN (SELECT DISTINCT session_id, kiosk_id FROM stored WHERE session_id IS NOT NULL) s
                    ON s.session_id = v.session_id AND s.kiosk_id = v.kiosk_id
                ORDER BY v.session_id COLLATE "C", v.kiosk_id COLLATE "C"
                ON CONFLICT (session_id, kiosk_id) DO UPDATE SET marks = EXCLUDED.marks;
                UPDATE kiosk SET events_stored = kiosk.events_stored + counted.events
                FROM (SELECT kiosk_id, count(*) AS events FROM stored GROUP BY kiosk_id) counted WHERE kiosk.id = counted.kiosk_id;
                RETURN NULL;
            END
            $$
            """,
        ]),
        // DirectoryGeneration: moved once by every transaction that changes what a directory is
        // made of, whatever process writes, so a hub answers an unchanged directory without
        // building it. Deferred to the commit: the counter's row is locked only while the
        // transaction commits, after every lock it takes, so no two writers wait on each other
        // in a circle and nothing queues behind a long import.
        ("v13-directory-generation", [
            "CREATE TABLE directory_generation (id INTEGER PRIMARY KEY CHECK (id = 1), value BIGINT NOT NULL)",
            "INSERT INTO directory_generation (id, value) VALUES (1, 0)",
            """
            CREATE FUNCTION directory_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF current_setting('mentor_hub.directory_moved', true) IS DISTINCT FROM 'on' THEN
                    PERFORM set_config('mentor_hub.directory_moved', 'on', true);
                    UPDATE directory_generation SET value = value + 1;
                END IF;
                RETURN NULL;
            END
            $$
            """,
            "CREATE INDEX session_location_start ON session (location, starts_at)",
        ] + ["participant", "badge", "mentoring_group", "group_member", "session", "program_settings", "program_time_zone", "hub_excusal"].flatMap { table in
            [
                "CREATE CONSTRAINT TRIGGER \(table)_moves_directory AFTER INSERT OR UPDATE OR DELETE ON \(table) DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION directory_changed()",
                "CREATE TRIGGER \(table)_truncate_moves_directory AFTER TRUNCATE ON \(table) FOR EACH STATEMENT EXECUTE FUNCTION directory_changed()",
            ]
        } + [
            // A kiosk's excuse is an event: only those rows move it.
            "CREATE CONSTRAINT TRIGGER hub_event_insert_moves_directory AFTER INSERT ON hub_event DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.kind = 'excuse') EXECUTE FUNCTION directory_changed()",
            "CREATE CONSTRAINT TRIGGER hub_event_update_moves_directory AFTER UPDATE ON hub_event DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.kind = 'excuse' OR NEW.kind = 'excuse') EXECUTE FUNCTION directory_changed()",
            "CREATE CONSTRAINT TRIGGER hub_event_delete_moves_directory AFTER DELETE ON hub_event DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.kind = 'excuse') EXECUTE FUNCTION directory_changed()",
            "CREATE TRIGGER hub_event_truncate_moves_directory AFTER TRUNCATE ON hub_event FOR EACH STATEMENT EXECUTE FUNCTION directory_changed()",
        ]),
        // Erasures (`eraseParticipant`): the salted digest of each erased id, never the id.
        ("v14-erasures", ["CREATE TABLE hub_erasure (digest TEXT PRIMARY KEY, pseudonym TEXT NOT NULL UNIQUE, erased_at TIMESTAMPTZ NOT NULL)"]),
        // Retention (`freezeSessions`): the figures of sessions whose events were pruned.
        ("v15-retention", ["CREATE TABLE hub_pruned_session (session_id TEXT PRIMARY KEY, body BYTEA NOT NULL, pruned_at TIMESTAMPTZ NOT NULL)"]),
    ]

    /// One connection of its own, to say why the database is out of reach (refused, wrong
    /// password, no such database) rather than the pool's "gave up".
    func probe() async throws {
        do {
            let connection = try await PostgresConnection.connect(configuration: url.connectionConfiguration, id: 0, logger: logger)
            try await connection.close()
        } catch {
            throw DatabaseUnavailable(database: name, reason: Self.describe(error))
        }
    }

    func migrate() async throws {
        do {
            try await transaction { db in
                try await db.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: self.logger)
                try await db.query("CREATE TABLE IF NOT EXISTS hub_migration (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())", logger: self.logger)
                let applied = Set(try await db.query("SELECT name FROM hub_migration", logger: self.logger).collect().map { try $0.decode(String.self) })
                let unknown = applied.subtracting(Self.migrations.map(\.name))
                guard unknown.isEmpty else { throw NewerDatabase(unknownMigrations: Array(unknown)) }
                for (name, statements) in Self.migrations where !applied.contains(name) {
                    for statement in statements { try await db.query(PostgresQuery(unsafeSQL: statement), logger: self.logger) }
                    try await db.query("INSERT INTO hub_migration (name) VALUES (\(name))", logger: self.logger)
                }
            }
        } catch {
            throw DatabaseUnavailable(database: name, reason: Self.describe(error))
        }
    }

    /// The hub's database cannot be opened or prepared.
    public struct DatabaseUnavailable: Error, CustomStringConvertible {
        public let database: String
        public let reason: String
        public var description: String { "cannot use the PostgreSQL database \(database): \(reason)" }
    }

    /// PostgresNIO hides details from `description` (they may hold data); the server's own
    /// message is what an admin needs.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if let underlying = error.underlying { return "\(underlying)" }
            return "\(error.code)"
        }
        if let error = error as? PostgresTransactionError {
            return [error.beginError, error.closureError, error.commitError].compactMap { $0.map(describe) }.first ?? "\(error)"
        }
        return "\(error)"
    }

    /// Runs `work` in one transaction; the work's own errors come out as they were thrown.
    func transaction<Value: Sendable>(_ work: (PostgresConnection) async throws -> Value) async throws -> Value {
        do {
            return try await client.withTransaction(logger: logger) { try await work($0) }
        } catch let error as PostgresTransactionError {
            if let thrown = error.closureError { throw thrown }
            throw error
        }
    }

    func rows(_ query: PostgresQuery, on db: PostgresConnection? = nil) async throws -> [PostgresRow] {
        if let db { return try await db.query(query, logger: logger).collect() }
        return try await client.query(query, logger: logger).collect()
    }

    // MARK: Kiosks

    public func addKiosk(id: String, location: String, at now: Date) async throws -> String {
        let code = Secrets.enrollmentCode()
        let added = try await rows("""
            INSERT INTO kiosk (id, location, enrollment_code_hash, created_at)
            VALUES (\(id), \(location), \(Secrets.hash(Secrets.normalizedCode(code))), \(now)) ON CONFLICT (id) DO NOTHING RETURNING id
            """)
        guard !added.isEmpty else { throw KioskFailure.exists(id) }
        return code
    }

    public func rotateEnrollment(kioskID: String) async throws -> String {
        let code = Secrets.enrollmentCode()
        let changed = try await rows("UPDATE kiosk SET enrollment_code_hash = \(Secrets.hash(Secrets.normalizedCode(code))) WHERE id = \(kioskID) RETURNING id")
        guard !changed.isEmpty else { throw KioskFailure.notFound(kioskID) }
        return code
    }

    public func revoke(kioskID: String) async throws {
        let changed = try await rows("UPDATE kiosk SET revoked = TRUE, token_hash = NULL, enrollment_code_hash = NULL WHERE id = \(kioskID) RETURNING id")
        guard !changed.isEmpty else { throw KioskFailure.notFound(kioskID) }
    }

    /// One statement: of two hub processes given the same code at once, one enrolls.
    public func enroll(code: String, knownThrough: Int64?, at now: Date) async throws -> EnrollmentOutcome {
        let token = Secrets.token(), codeHash = Secrets.hash(Secrets.normalizedCode(code))
        // One statement: the check and the exchange see the same cursor (a push moves it only
        // with this kiosk's current token, which this code replaces).
        let enrolled = try await rows("""
            UPDATE kiosk SET token_hash = \(Secrets.hash(token)), enrollment_code_hash = NULL, revoked = FALSE, last_seen_at = \(now)
            WHERE enrollment_code_hash = \(codeHash) AND (\(knownThrough)::BIGINT IS NULL OR acknowledged_through <= \(knownThrough)::BIGINT)
            RETURNING id, location, acknowledged_through
            """)
        if let (id, location, cursor) = try enrolled.first?.decode((String, String, Int64).self) {
            return .enrolled(AuthenticatedKiosk(id: id, location: location), token: token, acknowledgedThrough: cursor)
        }
        guard let (id, cursor) = try await rows("SELECT id, acknowledged_through FROM kiosk WHERE enrollment_code_hash = \(codeHash)").first?
            .decode((String, Int64).self)
        else { return .refused }
        return .behind(kioskID: id, acknowledgedThrough: cursor)
    }

    public func kiosk(token: String) async throws -> AuthenticatedKiosk? {
        try await rows("SELECT id, location FROM kiosk WHERE token_hash = \(Secrets.hash(token)) AND NOT revoked").first
            .map { row in
                let (id, location) = try row.decode((String, String).self)
                return AuthenticatedKiosk(id: id, location: location)
            }
    }

    public func kiosks() async throws -> [KioskSummary] {
        try await rows("""
            SELECT k.id, k.location, k.token_hash IS NOT NULL, k.revoked, k.acknowledged_through, k.last_seen_at,
                   k.events_stored,
                   (SELECT count(*) FROM rejected_event r WHERE r.kiosk_id = k.id AND r.resolved_at IS NULL),
                   (k.last_status::jsonb ->> 'queue_length')::BIGINT,
                   (k.last_status::jsonb ->> 'clock_trusted')::BOOLEAN, k.last_status::jsonb ->> 'software_version'
            FROM kiosk k ORDER BY k.id COLLATE "C"
            """).map { row in
            let (id, location, enrolled, revoked, through, lastSeen, stored, rejected, queue, clockTrusted, version) =
                try row.decode((String, String, Bool, Bool, Int64, Date?, Int64, Int64, Int64?, Bool?, String?).self)
            return KioskSummary(
                kioskID: id, location: location, enrolled: enrolled, revoked: revoked, acknowledgedThrough: through,
                lastSeenAt: lastSeen, eventsStored: Int(stored), eventsRejected: Int(rejected), queueLength: queue.map(Int.init),
                clockTrusted: clockTrusted, softwareVersion: version)
        }
    }

    public func recordStatus(kioskID: String, report: KioskStatusReport, at now: Date) async throws {
        let text = String(decoding: try HubJSON.encoder().encode(report), as: UTF8.self)
        try await client.query("UPDATE kiosk SET last_status = \(text), last_seen_at = \(now) WHERE id = \(kioskID)", logger: logger)
    }

    // MARK: Events

    /// Stores a batch in one transaction, each (kiosk, seq) once, by the same rules as
    /// `HubStore.ingest`. The kiosk's row is locked first, so a retry that reaches another
    /// hub process while the first is still committing waits and then finds its events.
    public func ingest(kioskID: String, events: [WireEvent], at now: Date) async throws -> IngestResult {
        let encoder = HubJSON.encoder()
        return try await transaction { db in
            // An erasure holds it alone: no push reads the ledger before one and stores after it.
            try await db.query("SELECT pg_advisory_xact_lock_shared(\(Self.erasureLock))", logger: logger)
            let kiosk = try await rows("SELECT acknowledged_through, location FROM kiosk WHERE id = \(kioskID) FOR UPDATE", on: db).first?
                .decode((Int64, String).self)
            let cursor = kiosk?.0 ?? 0
            guard let first = events.first, let last = events.last else {
                return .accepted(PushReceipt(acknowledgedThrough: cursor, stored: 0, duplicates: 0, rejected: []))
            }
            if first.seq > cursor + 1 { return .gap(acknowledgedThrough: cursor) }
            // An event sent after an erasure, by a kiosk that had not heard of it, takes the pseudonym.
            let erased = try await erasedIDs(in: events, on: db)
            let events = erased.isEmpty ? events : events.map { $0.pseudonymised(erased) }
            let (known, facts) = try await storedAndAuthorityFacts(kioskID: kioskID, location: kiosk?.1 ?? "", events: events, at: now, on: db)
            let plan = IngestPlan(events: events, known: known, facts: facts)
            if !plan.rejected.isEmpty {
                let waiting = Int(try await rows(
                    "SELECT count(*) FROM rejected_event WHERE kiosk_id = \(kioskID) AND resolved_at IS NULL", on: db).first?.decode(Int64.self) ?? 0)
                if plan.overfillsQuarantine(waiting: waiting) { return .quarantineFull(waiting: waiting) }
            }
            try await applyCancellations(plan.fresh, kioskID: kioskID, at: now, on: db)
            var receipt = PushReceipt(acknowledgedThrough: last.seq, stored: 0, duplicates: plan.duplicates, rejected: [])
            for (event, reason) in plan.rejected {
                let body = String(decoding: try encoder.encode(event), as: UTF8.self)
                try await db.query("""
                    INSERT INTO rejected_event (kiosk_id, seq, event_id, reason, body, received_at)
                    VALUES (\(kioskID), \(event.seq), \(event.id.lowercased()), \(reason), \(body), \(now)) ON CONFLICT DO NOTHING
                    """, logger: logger)
                receipt.rejected.append(RejectedEvent(seq: event.seq, reason: reason))
            }
            let stored = try await store(plan.fresh, kioskID: kioskID, at: now, on: db)
            receipt.stored = stored
            receipt.duplicates += plan.fresh.count - stored
            try await db.query(
                "UPDATE kiosk SET acknowledged_through = GREATEST(acknowledged_through, \(last.seq)), last_seen_at = \(now) WHERE id = \(kioskID)",
                logger: logger)
            return .accepted(receipt)
        }
    }

    /// Cancels the sessions of accepted `session_cancel` events, in the ingest's transaction (the
    /// authority checked that each is scheduled here and had not started), and audits each.
    func applyCancellations(_ events: [WireEvent], kioskID: String, at now: Date, on db: PostgresConnection) async throws {
        for event in events where event.kind == KioskEventKind.sessionCancel.rawValue {
            let cancelled = try await rows("""
                UPDATE session SET status = 'cancelled', cancel_reason = \(event.note)
                WHERE id = \(event.sessionID) AND status = 'scheduled' AND starts_at > \(event.wallTime) RETURNING id
                """, on: db)
            guard !cancelled.isEmpty else { continue }
            let detail = "by \(event.actorID ?? "?")" + (event.note.map { ": \($0)" } ?? "")
            try await db.query("""
                INSERT INTO hub_audit (at, actor, action, subject, detail) VALUES (\(now), \("kiosk:\(kioskID)"), 'session.cancel', \(event.sessionID), \(detail))
                """, logger: logger)
        }
    }

    /// Which of these sessions someone checked in to, at any kiosk (the hub's attendance is its
    /// events), or whose figures retention froze (their check-ins are gone; nothing changes them).
    func attended(among sessionIDs: [String], on db: PostgresConnection? = nil) async throws -> Set<String> {
        guard !sessionIDs.isEmpty else { return [] }
        return Set(try await rows("""
            SELECT DISTINCT session_id FROM hub_event WHERE session_id = ANY(\(sessionIDs)) AND kind IN ('check_in', 'manual_check_in')
            UNION SELECT session_id FROM hub_pruned_session WHERE session_id = ANY(\(sessionIDs))
            """, on: db).map { try $0.decode(String.self) })
    }

    /// Inserts events judged fresh (the trigger raises versions and counts). - Returns: how many were new.
    func store(_ events: [WireEvent], kioskID: String, at now: Date, on db: PostgresConnection) async throws -> Int {
        guard !events.isEmpty else { return 0 }
        let json = String(decoding: try HubJSON.encoder().encode(events), as: UTF8.self)
        return Int(try await rows(Self.insertEvents(kioskID: kioskID, json: json, at: now), on: db).first?.decode(Int64.self) ?? 0)
    }

    /// The ids the hub holds for the events' sequence numbers, and what it knows of the sessions,
    /// people and check-ins they name (`KioskAuthority`): the roster, the schedule and the stored
    /// ids in one round trip, as ingest is on the clock.
    func storedAndAuthorityFacts(
        kioskID: String, location: String, events: [WireEvent], at now: Date, on db: PostgresConnection
    ) async throws -> (known: [Int64: String], facts: AuthorityFacts) {
        let named = NamedInBatch(events)
        let seqs = SequenceSelection(events.map(\.seq))
        let range = seqs?.range ?? 1...0
        var known: [Int64: String] = [:]
        var facts = AuthorityFacts(kioskID: kioskID, location: location)
        for row in try await rows("""
            SELECT 'k', seq::text, id FROM hub_event WHERE kiosk_id = \(kioskID) AND seq BETWEEN \(range.lowerBound) AND \(range.upperBound)
                AND (cardinality(\(seqs?.sparse ?? [])::bigint[]) = 0 OR seq = ANY(\(seqs?.sparse ?? [])))
            UNION ALL SELECT 'p', id, role FROM participant WHERE id = ANY(\(named.participantIDs))
            UNION ALL SELECT 's', id, location FROM session WHERE id = ANY(\(named.sessionIDs))
            UNION ALL SELECT 'f', session_id, '' FROM hub_pruned_session WHERE session_id = ANY(\(named.sessionIDs))
            """, on: db) {
            let (table, key, value) = try row.decode((String, String, String).self)
            switch table {
            case "k": if let seq = Int64(key), known[seq] == nil { known[seq] = value }
            case "p": facts.roles[key] = Role(rawValue: value)
            case "f": facts.frozenSessions.insert(key)
            default: facts.scheduled[key] = value
            }
        }
        let adHoc = named.adHocSessionIDs
        if !adHoc.isEmpty {
            for row in try await rows("""
                SELECT session_id, kiosk_id FROM hub_event WHERE kind = 'session_open' AND session_id = ANY(\(adHoc))
                ORDER BY received_at, kiosk_id COLLATE "C", seq
                """, on: db) {
                let (session, kiosk) = try row.decode((String, String).self)
                if facts.adHocOpeners[session] == nil { facts.adHocOpeners[session] = kiosk }
            }
        }
        if !named.cancelledSessionIDs.isEmpty {
            for row in try await rows("SELECT id, starts_at FROM session WHERE id = ANY(\(named.cancelledSessionIDs))", on: db) {
                let (id, start) = try row.decode((String, Date).self)
                facts.scheduledStarts[id] = Self.milliseconds(start)
            }
            facts.attendedSessions = try await attended(among: named.cancelledSessionIDs, on: db)
            facts.receivedAt = now
        }
        if !named.undoneSeqs.isEmpty {
            for row in try await rows("""
                SELECT seq, participant_id, session_id FROM hub_event
                WHERE kiosk_id = \(kioskID) AND seq = ANY(\(named.undoneSeqs)) AND kind IN ('check_in', 'manual_check_in')
                """, on: db) {
                let (seq, participant, session) = try row.decode((Int64, String?, String?).self)
                facts.checkIns[seq] = AuthorityFacts.CheckIn(participantID: participant, sessionID: session)
            }
        }
        return (known, facts)
    }

    // MARK: Quarantine

    public func rejectedEvents(kioskID: String?, includingResolved: Bool) async throws -> [QuarantinedEvent] {
        try await quarantined("""
            WHERE (\(kioskID)::TEXT IS NULL OR kiosk_id = \(kioskID)) AND (\(includingResolved) OR resolved_at IS NULL)
            ORDER BY kiosk_id COLLATE "C", seq, id
            """)
    }

    public func retryRejected(ids: [Int64]?, at now: Date) async throws -> [RetryOutcome] {
        try await transaction { db in
            try await db.query("SELECT pg_advisory_xact_lock_shared(\(Self.erasureLock))", logger: logger)
            let waiting = try await quarantined("""
                WHERE resolved_at IS NULL AND (\(ids == nil) OR id = ANY(\(ids ?? []))) ORDER BY kiosk_id COLLATE "C", seq, id FOR UPDATE
                """, on: db)
            var outcomes: [RetryOutcome] = []
            for (kioskID, items) in RetryPlan.byKiosk(waiting) {
                // The kiosk's row, as a push takes it: a push and a retry of one kiosk never interleave.
                let location = try await rows("SELECT location FROM kiosk WHERE id = \(kioskID) FOR UPDATE", on: db).first?.decode(String.self) ?? ""
                let (known, facts) = try await storedAndAuthorityFacts(
                    kioskID: kioskID, location: location, events: items.compactMap(\.event), at: now, on: db)
                let plan = RetryPlan(items, known: known, facts: facts)
                try await applyCancellations(plan.fresh, kioskID: kioskID, at: now, on: db)
                _ = try await store(plan.fresh, kioskID: kioskID, at: now, on: db)
                let resolved = plan.outcomes.filter { $0.stillRefused == nil }.map(\.id)
                try await db.query("UPDATE rejected_event SET resolved_at = \(now) WHERE id = ANY(\(resolved))", logger: logger)
                outcomes += plan.outcomes
            }
            return outcomes
        }
    }

    func quarantined(_ filter: PostgresQuery, on db: PostgresConnection? = nil) async throws -> [QuarantinedEvent] {
        var query = PostgresQuery(unsafeSQL: "SELECT id, kiosk_id, seq, event_id, reason, body, received_at, resolved_at FROM rejected_event ")
        query.sql += filter.sql
        query.binds = filter.binds
        let decoder = HubJSON.decoder()
        return try await rows(query, on: db).map { row in
            let (id, kiosk, seq, eventID, reason, body, received, resolved) = try row.decode((Int64, String, Int64, String, String, String, Date, Date?).self)
            return QuarantinedEvent(
                id: id, kioskID: kiosk, seq: seq, eventID: eventID, reason: reason, receivedAt: received, resolvedAt: resolved,
                event: try? decoder.decode(WireEvent.self, from: Data(body.utf8)))
        }
    }

    // MARK: Audit

    public func audit(_ entry: AuditEntry) async throws {
        try await client.query("""
            INSERT INTO hub_audit (at, actor, action, subject, detail) VALUES (\(entry.at), \(entry.actor), \(entry.action), \(entry.subject), \(entry.detail))
            """, logger: logger)
    }

    public func auditLog(since: Date?) async throws -> [AuditEntry] {
        try await rows("SELECT at, actor, action, subject, detail FROM hub_audit WHERE \(since)::TIMESTAMPTZ IS NULL OR at >= \(since) ORDER BY id").map { row in
            let (at, actor, action, subject, detail) = try row.decode((Date, String, String, String?, String?).self)
            return AuditEntry(at: Self.milliseconds(at), actor: actor, action: action, subject: subject, detail: detail)
        }
    }

    /// The whole batch in one statement: the wire JSON (the same encoder the kiosk uses)
    /// read back as rows by the server (the `hub_event_stored` trigger then raises this kiosk's
    /// version of each session it stored events of, and its count). Returns how many rows were new.
    static func insertEvents(kioskID: String, json: String, at now: Date) -> PostgresQuery {
        """
        WITH inserted AS (
            INSERT INTO hub_event (kiosk_id, seq, id, kind, participant_id, session_id, actor_id, wall_time, monotonic_ns, clock_trusted,
                status, duration_seconds, rating, undoes_seq, via_badge, effective_at, badge_hash, note, received_at)
            SELECT \(kioskID), seq, lower(id), kind, participant_id, session_id, actor_id, wall_time, monotonic_ns, clock_trusted,
                status, duration_seconds, rating, undoes_seq, via_badge, effective_at, badge_hash, note, \(now)
            FROM jsonb_to_recordset(\(json)::jsonb) AS e(seq BIGINT, id TEXT, kind TEXT, participant_id TEXT, session_id TEXT, actor_id TEXT,
                wall_time TIMESTAMPTZ, monotonic_ns BIGINT, clock_trusted BOOLEAN, status TEXT, duration_seconds DOUBLE PRECISION,
                rating INTEGER, undoes_seq BIGINT, via_badge BOOLEAN, effective_at TIMESTAMPTZ, badge_hash TEXT, note TEXT)
            ON CONFLICT DO NOTHING RETURNING 1)
        SELECT count(*) FROM inserted
        """
    }

    public func events(kioskID: String?, after position: EventPosition?, limit: Int) async throws -> [(kioskID: String, event: WireEvent)] {
        try await events("""
            WHERE (\(kioskID)::TEXT IS NULL OR kiosk_id = \(kioskID))
              AND (kiosk_id COLLATE "C" > \(position?.kioskID ?? "") OR (kiosk_id = \(position?.kioskID ?? "") AND seq > \(position?.seq ?? 0)))
            ORDER BY kiosk_id COLLATE "C", seq LIMIT \(Int64(limit))
            """)
    }

    public func sessionsOpened(from: Date, before to: Date) async throws -> [String] {
        try await rows("SELECT session_id FROM hub_event WHERE kind = 'session_open' AND session_id IS NOT NULL AND wall_time >= \(from) AND wall_time < \(to)")
            .map { try $0.decode(String.self) }
    }

    public func events(ofSessions sessionIDs: [String]) async throws -> [(kioskID: String, event: WireEvent)] {
        try await events("WHERE session_id = ANY(\(sessionIDs))")
    }

    public func storedReplays(ofSessions sessionIDs: [String]) async throws -> [StoredReplay] {
        var replays: [StoredReplay] = []
        replays.reserveCapacity(sessionIDs.count)
        var bindings = PostgresBindings()
        bindings.append(sessionIDs)
        // A session's version: the sum of its kiosks' versions, which each only grow. A frozen
        // session's replay (retention) is its figures, whatever its version.
        let query = PostgresQuery(unsafeSQL: """
            SELECT s.id, coalesce(v.version, 0), CASE WHEN p.session_id IS NOT NULL THEN p.body WHEN r.version = coalesce(v.version, 0) THEN r.body END,
                p.session_id IS NOT NULL
            FROM unnest($1::text[]) AS s(id)
            LEFT JOIN (SELECT session_id, sum(version)::bigint AS version FROM hub_session_version WHERE session_id = ANY($1) GROUP BY session_id) v
                ON v.session_id = s.id
            LEFT JOIN hub_session_replay r ON r.session_id = s.id
            LEFT JOIN hub_pruned_session p ON p.session_id = s.id
            """, binds: bindings)
        for try await row in try await client.query(query, logger: logger) {
            let cells = row.makeRandomAccess()
            replays.append(StoredReplay(
                sessionID: try cells[0].decode(String.self), version: try cells[1].decode(Int64.self), body: try cells[2].decode(ByteBuffer?.self),
                frozen: try cells[3].decode(Bool.self)))
        }
        return replays
    }

    public func storeReplays(_ replays: [StoredReplay]) async throws {
        // In session order and in chunks: one statement per few thousand sessions, and two
        // hubs storing at once take their row locks in the same order.
        let sorted = replays.filter { $0.body != nil }.sorted { $0.sessionID < $1.sessionID }
        for start in stride(from: 0, to: sorted.count, by: 2_000) {
            let chunk = sorted[start..<min(start + 2_000, sorted.count)]
            // Never beside a frozen replay (retention): the keeper may have read before the freeze.
            try await client.query("""
                INSERT INTO hub_session_replay (session_id, version, body)
                SELECT * FROM unnest(\(chunk.map(\.sessionID))::text[], \(chunk.map(\.version))::bigint[], \(chunk.map { $0.body! })::bytea[]) AS r(session_id, version, body)
                WHERE NOT EXISTS (SELECT 1 FROM hub_pruned_session p WHERE p.session_id = r.session_id)
                ON CONFLICT (session_id) DO UPDATE SET version = EXCLUDED.version, body = EXCLUDED.body
                WHERE hub_session_replay.version <= EXCLUDED.version
                """, logger: logger)
        }
    }

    public func replaysDue(after position: ReplayDue?, limit: Int) async throws -> [ReplayDue] {
        try await rows("""
            SELECT session_id, kiosk_id, marks FROM hub_replay_due WHERE (session_id, kiosk_id) > (\(position?.sessionID ?? ""), \(position?.kioskID ?? ""))
            ORDER BY session_id, kiosk_id LIMIT \(Int64(limit))
            """).map { row in
            let (session, kiosk, marks) = try row.decode((String, String, Int64).self)
            return ReplayDue(sessionID: session, kioskID: kiosk, marks: marks)
        }
    }

    public func clearReplaysDue(_ marks: [ReplayDue]) async throws {
        guard !marks.isEmpty else { return }
        // A mark a push holds is skipped (it stays due): the keeper never waits for a push.
        try await client.query("""
            WITH held AS (
                SELECT d.session_id, d.kiosk_id FROM hub_replay_due d
                JOIN unnest(\(marks.map(\.sessionID))::text[], \(marks.map(\.kioskID))::text[], \(marks.map(\.marks))::bigint[]) AS m(session_id, kiosk_id, marks)
                    ON d.session_id = m.session_id AND d.kiosk_id = m.kiosk_id AND d.marks = m.marks
                FOR UPDATE OF d SKIP LOCKED)
            DELETE FROM hub_replay_due d USING held WHERE d.session_id = held.session_id AND d.kiosk_id = held.kiosk_id
            """, logger: logger)
    }

    public func markReplaysDue(unlessStartingWith header: [UInt8]) async throws -> Int {
        let outdated = try await rows("SELECT session_id FROM hub_session_replay WHERE substring(body FROM 1 FOR \(Int32(header.count))) <> \(ByteBuffer(bytes: header))")
            .map { try $0.decode(String.self) }
        for start in stride(from: 0, to: outdated.count, by: 2_000) {
            try await client.query("""
                INSERT INTO hub_replay_due (session_id, kiosk_id, marks) SELECT id, '', 0 FROM unnest(\(Array(outdated[start..<min(start + 2_000, outdated.count)]))::text[]) AS id
                ON CONFLICT (session_id, kiosk_id) DO NOTHING
                """, logger: logger)
        }
        return outdated.count
    }

    private func events(_ filter: PostgresQuery) async throws -> [(kioskID: String, event: WireEvent)] {
        var query = PostgresQuery(unsafeSQL: """
            SELECT kiosk_id, seq, id, kind, participant_id, session_id, actor_id, wall_time, monotonic_ns, clock_trusted, status,
                   duration_seconds, rating, undoes_seq, via_badge, effective_at, badge_hash, note
            FROM hub_event\u{20}
            """)
        query.sql += filter.sql
        query.binds = filter.binds
        // Streamed and decoded cell by cell: a report may read millions of events, and decoding
        // a whole row as one 18-element tuple costs a generic metadata lookup per row.
        var events: [(kioskID: String, event: WireEvent)] = []
        for try await row in try await client.query(query, logger: logger) {
            let cells = row.makeRandomAccess()
            events.append((try cells[0].decode(String.self), WireEvent(
                seq: try cells[1].decode(Int64.self), id: try cells[2].decode(String.self), kind: try cells[3].decode(String.self),
                participantID: try cells[4].decode(String?.self), sessionID: try cells[5].decode(String?.self),
                actorID: try cells[6].decode(String?.self), wallTime: Self.milliseconds(try cells[7].decode(Date.self)),
                monotonicNs: try cells[8].decode(Int64.self), clockTrusted: try cells[9].decode(Bool.self), status: try cells[10].decode(String?.self),
                durationSeconds: try cells[11].decode(Double?.self), rating: try cells[12].decode(Int?.self), undoesSeq: try cells[13].decode(Int64?.self),
                viaBadge: try cells[14].decode(Bool?.self), effectiveAt: try cells[15].decode(Date?.self).map(Self.milliseconds),
                badgeHash: try cells[16].decode(String?.self), note: try cells[17].decode(String?.self))))
        }
        return events
    }

    /// Kiosks record milliseconds; PostgreSQL keeps microseconds, read back through a Double.
    static func milliseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    // MARK: Directory

    public func directory(location: String, at now: Date) async throws -> Directory {
        let window = Directory.servedWindow(at: now)
        var badges: [String: [String]] = [:]
        for row in try await rows("SELECT participant_id, hash FROM badge") {
            let (owner, hash) = try row.decode((String, String).self)
            badges[owner, default: []].append(hash)
        }
        let participants = try await participants().map { DirectoryParticipant(participant: $0, badgeHashes: (badges[$0.id] ?? []).sorted()) }
        let sessions = try await sessions("""
            WHERE location = \(location) AND ends_at >= \(window.lowerBound) AND starts_at <= \(window.upperBound) ORDER BY starts_at, id COLLATE "C"
            """)
        return try Directory.versioned(
            location: location, participants: participants, groups: try await groups(), sessions: sessions, settings: try await settings(),
            timeZone: try await timeZoneIdentifier(), excusals: try await excusals(ofSessions: sessions.map(\.id)).map(\.withoutDetails),
            erasures: try await erasureLedger())
    }

    public func directoryGeneration() async throws -> [Int64] {
        [try await rows("SELECT value FROM directory_generation").first?.decode(Int64.self) ?? 0]
    }

    public func firstSessionStart(location: String, after moment: Date) async throws -> Date? {
        try await rows("SELECT min(starts_at) FROM session WHERE location = \(location) AND starts_at > \(moment)").first?.decode(Date?.self)
    }

    public func timeZoneIdentifier() async throws -> String? {
        try await rows("SELECT identifier FROM program_time_zone").first?.decode(String.self)
    }

    public func setTimeZoneIdentifier(_ identifier: String?) async throws {
        try await transaction { db in
            try await db.query("DELETE FROM program_time_zone", logger: logger)
            if let identifier { try await db.query("INSERT INTO program_time_zone (id, identifier) VALUES (1, \(identifier))", logger: logger) }
        }
    }

    public func session(id: String) async throws -> Session? {
        try await sessions("WHERE id = \(id)").first
    }

    public func cancelSession(id: String, reason: String?, at now: Date) async throws -> Session {
        try await transaction { db in
            guard let session = try await sessions("WHERE id = \(id) FOR UPDATE", on: db).first else { throw SessionCancelRefusal.unknown(id) }
            let attended = try await !attended(among: [id], on: db).isEmpty
            if let refusal = SessionCancelRefusal.refusal(session, at: now, attended: attended) { throw refusal }
            guard session.status != .cancelled else { return session }
            try await db.query("UPDATE session SET status = 'cancelled', cancel_reason = \(reason) WHERE id = \(id)", logger: logger)
            var cancelled = session
            cancelled.status = .cancelled
            cancelled.cancelReason = reason
            return cancelled
        }
    }

    public func excuse(_ excusal: Excusal, at now: Date) async throws {
        try await transaction { db in
            guard let session = try await sessions("WHERE id = \(excusal.sessionID)", on: db).first else {
                throw ExcusalRefusal.unknownSession(excusal.sessionID)
            }
            guard try await !rows("SELECT 1 FROM participant WHERE id = \(excusal.participantID)", on: db).isEmpty else {
                throw ExcusalRefusal.unknownParticipant(excusal.participantID)
            }
            guard session.status != .cancelled else { throw ExcusalRefusal.cancelled(session.id) }
            try await db.query("""
                INSERT INTO hub_excusal (participant_id, session_id, reason, excused_by, excused_at)
                VALUES (\(excusal.participantID), \(excusal.sessionID), \(excusal.reason), \(excusal.excusedBy ?? "admin"), \(now))
                ON CONFLICT (session_id, participant_id) DO UPDATE SET reason = EXCLUDED.reason, excused_by = EXCLUDED.excused_by, excused_at = EXCLUDED.excused_at
                """, logger: logger)
        }
    }

    public func excusals(ofSessions sessionIDs: [String]) async throws -> [Excusal] {
        guard !sessionIDs.isEmpty else { return [] }
        return try await rows("""
            SELECT participant_id, session_id, reason, excused_by FROM hub_excusal WHERE session_id = ANY(\(sessionIDs))
            UNION ALL
            SELECT participant_id, session_id, note, actor_id FROM hub_event
            WHERE kind = 'excuse' AND participant_id IS NOT NULL AND session_id = ANY(\(sessionIDs))
            """).map { row in
            let (participant, session, reason, by) = try row.decode((String, String, String?, String?).self)
            return Excusal(participantID: participant, sessionID: session, reason: reason, excusedBy: by)
        }
    }

    public func programSnapshot(startingFrom from: Date, before to: Date, location: String?) async throws -> ProgramSnapshot {
        // The three at once, on connections of the pool: a report waits for all of them.
        async let participants = participants()
        async let groups = groups()
        async let sessions = sessions("""
            WHERE starts_at >= \(from) AND starts_at < \(to) AND (\(location)::TEXT IS NULL OR location = \(location)) ORDER BY starts_at, id COLLATE "C"
            """)
        return ProgramSnapshot(participants: try await participants, groups: try await groups, sessions: try await sessions)
    }

    public func settings() async throws -> ProgramSettings? {
        try await rows("SELECT body FROM program_settings").first
            .map { try HubJSON.decoder().decode(ProgramSettings.self, from: Data(try $0.decode(String.self).utf8)) }
    }

    public func setSettings(_ settings: ProgramSettings?) async throws {
        let body = try settings.map { String(decoding: try HubJSON.encoder().encode($0), as: UTF8.self) }
        try await transaction { db in
            try await db.query("DELETE FROM program_settings", logger: logger)
            if let body { try await db.query("INSERT INTO program_settings (id, body) VALUES (1, \(body))", logger: logger) }
        }
    }

    func participants() async throws -> [Participant] {
        try await rows("SELECT id, name, role, active, cohort, joined_on, left_on, language FROM participant ORDER BY id COLLATE \"C\"").map { row in
            let (id, name, role, active, cohort, joined, left, language) = try row.decode((String, String, String, Bool, String?, String?, String?, String?).self)
            return Participant(
                id: id, name: name, role: try Self.known(Role.self, role), isActive: active, cohort: cohort, joinedOn: try Self.day(joined),
                leftOn: try Self.day(left), language: try language.map { try Self.known(KioskLanguage.self, $0) })
        }
    }

    func groups() async throws -> [MentoringGroup] {
        var members: [String: [GroupMember]] = [:]
        for row in try await rows("SELECT group_id, participant_id, role, from_day, until_day FROM group_member ORDER BY participant_id COLLATE \"C\", row_id") {
            let (group, participant, role, from, until) = try row.decode((String, String, String, String?, String?).self)
            members[group, default: []].append(GroupMember(
                participantID: participant, role: try Self.known(MemberRole.self, role), from: try Self.day(from), until: try Self.day(until)))
        }
        return try await rows("SELECT id, name, kind, goal, goal_target_on FROM mentoring_group ORDER BY id COLLATE \"C\"").map { row in
            let (id, name, kind, goal, target) = try row.decode((String, String, String, String?, String?).self)
            return MentoringGroup(
                id: id, name: name, kind: try Self.known(GroupKind.self, kind), members: members[id] ?? [],
                goal: try goal.map { PairGoal(text: $0, targetOn: try Self.day(target)) })
        }
    }

    /// Sessions selected by `filter` (a WHERE clause with its binds, and an ORDER BY).
    func sessions(_ filter: PostgresQuery, on db: PostgresConnection? = nil) async throws -> [Session] {
        var query = PostgresQuery(
            unsafeSQL: "SELECT id, title, kind, location, starts_at, ends_at, group_id, facilitator_id, status, cancel_reason FROM session ")
        query.sql += filter.sql
        query.binds = filter.binds
        // Cell by cell, as events are: a year's report reads tens of thousands of sessions.
        return try await rows(query, on: db).map { row in
            let cells = row.makeRandomAccess()
            return Session(
                id: try cells[0].decode(String.self), title: try cells[1].decode(String.self),
                kind: try Self.known(SessionKind.self, try cells[2].decode(String.self)), location: try cells[3].decode(String.self),
                startsAt: Self.milliseconds(try cells[4].decode(Date.self)), endsAt: Self.milliseconds(try cells[5].decode(Date.self)),
                groupID: try cells[6].decode(String?.self), facilitatorID: try cells[7].decode(String?.self),
                status: try Self.known(SessionStatus.self, try cells[8].decode(String.self)), cancelReason: try cells[9].decode(String?.self))
        }
    }

    /// A stored day, or why it is none.
    static func day(_ text: String?) throws -> ProgramDay? {
        guard let text else { return nil }
        guard let day = ProgramDay(text) else { throw UnexpectedValue(text: text, type: "day (YYYY-MM-DD)") }
        return day
    }

    static func known<Value: RawRepresentable<String>>(_ type: Value.Type, _ text: String) throws -> Value {
        guard let value = Value(rawValue: text) else { throw UnexpectedValue(text: text, type: "\(Value.self)") }
        return value
    }

    /// A stored value the program does not know (the database was changed by hand).
    struct UnexpectedValue: Error, CustomStringConvertible {
        let text: String
        let type: String
        var description: String { "the database holds \(text), which is no \(type)" }
    }

    // MARK: Program

    /// Runs an INSERT … ON CONFLICT DO UPDATE and counts the row as inserted or updated.
    func upsert(_ statement: PostgresQuery, on db: PostgresConnection, counting summary: inout ImportSummary) async throws {
        var query = statement
        query.sql += " RETURNING xmax = 0"
        if try await rows(query, on: db).first?.decode(Bool.self) ?? false { summary.inserted += 1 } else { summary.updated += 1 }
    }

    public func importProgram(_ file: ProgramFile, dryRun: Bool) async throws -> ImportSummary {
        do {
            return try await transaction { db in
                // The ledger as of this import: an erasure holds the lock alone while it writes.
                try await db.query("SELECT pg_advisory_xact_lock_shared(\(Self.erasureLock))", logger: logger)
                try await erasureLedger(on: db)?.refuseErased(file)
                let summary: ImportSummary
                switch file {
                case .participants(let entries): summary = try await importParticipants(entries, on: db)
                case .groups(let entries): summary = try await importGroups(entries, on: db)
                case .goals(let entries): summary = try await importGoals(entries, on: db)
                case .sessions(let entries, let now): summary = try await importSessions(entries, cancellingMissingAfter: now, on: db)
                }
                if dryRun { throw ImportPreviewRollback(summary) }
                return summary
            }
        } catch let preview as ImportPreviewRollback {
            return preview.summary
        }
    }

    func importParticipants(_ entries: [ParticipantEntry], on db: PostgresConnection) async throws -> ImportSummary {
        do {
            var summary = ImportSummary()
            for entry in entries {
                let person = entry.participant
                try await upsert("""
                    INSERT INTO participant (id, name, role, active, cohort, joined_on, left_on, language)
                    VALUES (\(person.id), \(person.name), \(person.role.rawValue), \(person.isActive), \(person.cohort),
                            \(person.joinedOn?.description), \(person.leftOn?.description), \(person.language?.rawValue))
                    ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, active = EXCLUDED.active, cohort = EXCLUDED.cohort,
                        joined_on = EXCLUDED.joined_on, left_on = EXCLUDED.left_on, language = EXCLUDED.language
                    """, on: db, counting: &summary)
                try await db.query("DELETE FROM badge WHERE participant_id = \(person.id)", logger: logger)
            }
            for entry in entries {
                for hash in entry.badges {
                    if let owner = try await rows("SELECT participant_id FROM badge WHERE hash = \(hash.hex)", on: db).first?.decode(String.self) {
                        throw ImportError(entry.position.column("badges"), "a badge of \(entry.participant.id) already belongs to participant \(owner)")
                    }
                    try await db.query("INSERT INTO badge (hash, participant_id) VALUES (\(hash.hex), \(entry.participant.id))", logger: logger)
                }
            }
            for entry in entries where entry.emailGiven {
                if let email = entry.email {
                    try await db.query("""
                        INSERT INTO participant_email (participant_id, email) VALUES (\(entry.participant.id), \(email))
                        ON CONFLICT (participant_id) DO UPDATE SET email = EXCLUDED.email
                        """, logger: logger)
                } else {
                    try await db.query("DELETE FROM participant_email WHERE participant_id = \(entry.participant.id)", logger: logger)
                }
            }
            return summary
        }
    }

    func importGoals(_ entries: [GoalEntry], on db: PostgresConnection) async throws -> ImportSummary {
        do {
            var summary = ImportSummary()
            for entry in entries {
                guard let kind = try await rows("SELECT kind FROM mentoring_group WHERE id = \(entry.groupID)", on: db).first?.decode(String.self) else {
                    throw ImportError(entry.position.column("group_id"), "no group has the id \(entry.groupID)")
                }
                guard kind == GroupKind.pair.rawValue else {
                    throw ImportError(entry.position.column("group_id"), "group \(entry.groupID) is a \(kind); goals are a pair's")
                }
                try await db.query(
                    "UPDATE mentoring_group SET goal = \(entry.goal?.text), goal_target_on = \(entry.goal?.targetOn?.description) WHERE id = \(entry.groupID)",
                    logger: logger)
                summary.updated += 1
            }
            return summary
        }
    }

    func importGroups(_ entries: [GroupEntry], on db: PostgresConnection) async throws -> ImportSummary {
        do {
            var summary = ImportSummary()
            for entry in entries {
                let group = entry.group
                try await upsert("""
                    INSERT INTO mentoring_group (id, name, kind) VALUES (\(group.id), \(group.name), \(group.kind.rawValue))
                    ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind
                    """, on: db, counting: &summary)
                try await db.query("DELETE FROM group_member WHERE group_id = \(group.id)", logger: logger)
                for (member, position) in zip(group.members, entry.memberPositions) {
                    guard try await !rows("SELECT 1 FROM participant WHERE id = \(member.participantID)", on: db).isEmpty else {
                        throw ImportError(position.column("participant_id"), "no participant has the id \(member.participantID)")
                    }
                    try await db.query(
                        """
                        INSERT INTO group_member (group_id, participant_id, role, from_day, until_day)
                        VALUES (\(group.id), \(member.participantID), \(member.role.rawValue), \(member.from?.description), \(member.until?.description))
                        """,
                        logger: logger)
                }
            }
            return summary
        }
    }

    func importSessions(_ entries: [SessionEntry], cancellingMissingAfter now: Date?, on db: PostgresConnection) async throws -> ImportSummary {
        do {
            var summary = ImportSummary()
            var listed: [String] = []
            for entry in entries {
                let session = entry.session
                if let groupID = session.groupID, try await rows("SELECT 1 FROM mentoring_group WHERE id = \(groupID)", on: db).isEmpty {
                    throw ImportError(entry.position.column("group_id"), "no group has the id \(groupID)")
                }
                if let facilitatorID = session.facilitatorID, try await rows("SELECT 1 FROM participant WHERE id = \(facilitatorID)", on: db).isEmpty {
                    throw ImportError(entry.position.column("facilitator_id"), "no participant has the id \(facilitatorID)")
                }
                listed.append(session.id)
                // The same rules as `KioskStore.importSessions`: a row's status sets the session's
                // (a closed one stays closed), a row without one keeps it.
                let before = try await rows("SELECT status FROM session WHERE id = \(session.id)", on: db).first?.decode(String.self)
                try await upsert("""
                    INSERT INTO session (id, title, kind, location, starts_at, ends_at, group_id, facilitator_id, status, cancel_reason)
                    VALUES (\(session.id), \(session.title), \(session.kind.rawValue), \(session.location), \(session.startsAt), \(session.endsAt),
                            \(session.groupID), \(session.facilitatorID), \(session.status.rawValue), \(session.cancelReason))
                    ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, kind = EXCLUDED.kind, location = EXCLUDED.location,
                        starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, group_id = EXCLUDED.group_id, facilitator_id = EXCLUDED.facilitator_id,
                        status = CASE WHEN NOT \(entry.statusGiven) OR (session.status = 'closed' AND EXCLUDED.status = 'scheduled') THEN session.status
                                      ELSE EXCLUDED.status END,
                        cancel_reason = CASE WHEN NOT \(entry.statusGiven) OR (session.status = 'closed' AND EXCLUDED.status = 'scheduled')
                                             THEN session.cancel_reason ELSE EXCLUDED.cancel_reason END
                    """, on: db, counting: &summary)
                if session.status == .cancelled && before != SessionStatus.cancelled.rawValue && (before == nil || entry.statusGiven) {
                    guard try await attended(among: [session.id], on: db).isEmpty else {
                        throw ImportError(entry.position.column("status"), "session \(session.id) has check-ins: a session people came to cannot be cancelled")
                    }
                    summary.cancelled += 1
                }
            }
            if let now {
                let locations = Array(Set(entries.map(\.session.location))).sorted()
                summary.cancelled += try await rows("""
                    UPDATE session SET status = 'cancelled', cancel_reason = 'not in the imported schedule'
                    WHERE starts_at > \(now) AND status = 'scheduled' AND location = ANY(\(locations)) AND NOT (id = ANY(\(listed)))
                      AND NOT EXISTS (SELECT 1 FROM hub_event e WHERE e.session_id = session.id AND e.kind IN ('check_in', 'manual_check_in'))
                    RETURNING id
                    """, on: db).count
            }
            return summary
        }
    }
}
