import GRDB

/// The kiosk database's schema, changed only through migrations. Rules live in the schema
/// where SQLite can enforce them: one attendance per participant and session, events
/// append-only, ratings 1–4.
enum KioskSchema {
    static func migrator(countingDirectoryChanges: Bool) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE participant (
                    id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
                    name TEXT NOT NULL CHECK (name <> ''),
                    role TEXT NOT NULL CHECK (role IN ('mentee', 'mentor', 'facilitator', 'admin')),
                    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
                );
                CREATE TABLE badge (
                    hash TEXT PRIMARY KEY NOT NULL CHECK (length(hash) = 64),
                    participant_id TEXT NOT NULL REFERENCES participant(id) ON DELETE CASCADE
                ) WITHOUT ROWID;
                CREATE INDEX badge_participant ON badge(participant_id);
                CREATE TABLE mentoring_group (
                    id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('pair', 'circle'))
                );
                CREATE TABLE group_member (
                    group_id TEXT NOT NULL REFERENCES mentoring_group(id) ON DELETE CASCADE,
                    participant_id TEXT NOT NULL REFERENCES participant(id),
                    role TEXT NOT NULL CHECK (role IN ('mentor', 'mentee', 'facilitator')),
                    PRIMARY KEY (group_id, participant_id)
                ) WITHOUT ROWID;
                CREATE INDEX group_member_participant ON group_member(participant_id);
                CREATE TABLE session (
                    id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
                    title TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    location TEXT NOT NULL,
                    starts_at TEXT NOT NULL,
                    ends_at TEXT NOT NULL CHECK (ends_at > starts_at),
                    group_id TEXT REFERENCES mentoring_group(id),
                    facilitator_id TEXT REFERENCES participant(id),
                    status TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'closed', 'cancelled'))
                );
                -- The check-in path reads "sessions here that have not ended" through this index
                -- (INDEXED BY): with history, the planner would otherwise pick session_start.
                CREATE INDEX session_location_end ON session(location, ends_at);
                CREATE INDEX session_start ON session(starts_at);
                CREATE TABLE event (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    kiosk_id TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('check_in', 'check_out', 'auto_check_out', 'manual_check_in', 'undo', 'rating',
                                                      'badge_link', 'session_open', 'session_close')),
                    participant_id TEXT,
                    session_id TEXT,
                    actor_id TEXT,
                    wall_time TEXT NOT NULL,
                    monotonic_ns INTEGER NOT NULL,
                    clock_trusted INTEGER NOT NULL CHECK (clock_trusted IN (0, 1)),
                    status TEXT CHECK (status IN ('on_time', 'late', 'manual')),
                    duration_seconds REAL,
                    rating INTEGER CHECK (rating BETWEEN 1 AND 4),
                    undoes_seq INTEGER,
                    via_badge INTEGER CHECK (via_badge IN (0, 1)),
                    effective_at TEXT,
                    badge_hash TEXT,
                    note TEXT
                );
                CREATE INDEX event_participant ON event(participant_id, seq);
                CREATE TRIGGER event_no_update BEFORE UPDATE ON event
                    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                CREATE TRIGGER event_no_delete BEFORE DELETE ON event
                    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                CREATE TABLE attendance (
                    participant_id TEXT NOT NULL REFERENCES participant(id),
                    session_id TEXT NOT NULL REFERENCES session(id),
                    status TEXT NOT NULL CHECK (status IN ('on_time', 'late', 'manual')),
                    checked_in_at TEXT NOT NULL,
                    check_in_seq INTEGER NOT NULL,
                    checked_out_at TEXT,
                    check_out_kind TEXT CHECK (check_out_kind IN ('badge', 'auto')),
                    rating INTEGER CHECK (rating BETWEEN 1 AND 4),
                    has_rated INTEGER NOT NULL DEFAULT 0,
                    clock_trusted INTEGER NOT NULL,
                    kiosk_id TEXT NOT NULL,
                    PRIMARY KEY (participant_id, session_id),
                    CHECK ((checked_out_at IS NULL) = (check_out_kind IS NULL))
                ) WITHOUT ROWID;
                CREATE INDEX attendance_session ON attendance(session_id);
                CREATE INDEX attendance_open ON attendance(session_id) WHERE checked_out_at IS NULL;
                """)
        }
        migrator.registerMigration("v2-facilitator-pins") { db in
            try db.execute(sql: """
                CREATE TABLE facilitator_pin (
                    participant_id TEXT PRIMARY KEY NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
                    pin_hash TEXT NOT NULL CHECK (length(pin_hash) = 64),
                    failed_attempts INTEGER NOT NULL DEFAULT 0,
                    locked_until TEXT
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v3-hub-sync") { db in
            try db.execute(sql: """
                CREATE TABLE sync_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    acknowledged_through INTEGER NOT NULL DEFAULT 0,
                    directory_version TEXT,
                    last_attempt_at TEXT,
                    last_success_at TEXT,
                    last_error TEXT
                );
                INSERT INTO sync_state (id) VALUES (1);
                CREATE TABLE sync_rejection (
                    seq INTEGER PRIMARY KEY,
                    reason TEXT NOT NULL,
                    rejected_at TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v4-hub-settings") { db in
            try db.execute(sql: "ALTER TABLE sync_state ADD COLUMN hub_settings TEXT")
        }
        migrator.registerMigration("v5-cohorts") { db in
            try db.execute(sql: "ALTER TABLE participant ADD COLUMN cohort TEXT")
        }
        // Failed PIN attempts become events: the kind's CHECK widens, which SQLite can only do by
        // copying the table. Every row, its seq and the AUTOINCREMENT counter carry over; the
        // append-only triggers come back (DROP TABLE fires no DELETE trigger).
        migrator.registerMigration("v6-pin-failed-events") { db in
            try widenEventKinds(db, to: [
                "check_in", "check_out", "auto_check_out", "manual_check_in", "undo", "rating", "badge_link", "session_open", "session_close",
                "pin_failed",
            ])
        }
        // Program life (docs/program-files.md): days in and out of the program, dated and
        // repeatable group memberships, a cancellation's reason, and the two facilitator events
        // that change who is expected: cancelling a session and excusing a member.
        migrator.registerMigration("v7-program-life") { db in
            try db.execute(sql: """
                ALTER TABLE participant ADD COLUMN joined_on TEXT;
                ALTER TABLE participant ADD COLUMN left_on TEXT;
                ALTER TABLE session ADD COLUMN cancel_reason TEXT;
                ALTER TABLE sync_state ADD COLUMN hub_time_zone TEXT;
                CREATE TABLE hub_excusal (
                    participant_id TEXT NOT NULL,
                    session_id TEXT NOT NULL,
                    reason TEXT,
                    excused_by TEXT,
                    PRIMARY KEY (session_id, participant_id)
                ) WITHOUT ROWID;
                CREATE TABLE group_member_v7 (
                    group_id TEXT NOT NULL REFERENCES mentoring_group(id) ON DELETE CASCADE,
                    participant_id TEXT NOT NULL REFERENCES participant(id),
                    role TEXT NOT NULL CHECK (role IN ('mentor', 'mentee', 'facilitator')),
                    from_day TEXT,
                    until_day TEXT,
                    CHECK (from_day IS NULL OR until_day IS NULL OR until_day > from_day)
                );
                INSERT INTO group_member_v7 (group_id, participant_id, role) SELECT group_id, participant_id, role FROM group_member;
                DROP TABLE group_member;
                ALTER TABLE group_member_v7 RENAME TO group_member;
                CREATE INDEX group_member_group ON group_member(group_id);
                CREATE INDEX group_member_participant ON group_member(participant_id);
                """)
            try widenEventKinds(db, to: [
                "check_in", "check_out", "auto_check_out", "manual_check_in", "undo", "rating", "badge_link", "session_open", "session_close",
                "pin_failed", "session_cancel", "excuse",
            ])
            try db.execute(sql: "CREATE INDEX event_excuse ON event(session_id) WHERE kind = 'excuse'")
        }
        // Pair health (docs/metrics.md): answers to the check-out questions after the rating, and
        // the pairs' goals (goals.csv).
        migrator.registerMigration("v8-check-out-answers") { db in
            try widenEventKinds(db, to: [
                "check_in", "check_out", "auto_check_out", "manual_check_in", "undo", "rating", "badge_link", "session_open", "session_close",
                "pin_failed", "session_cancel", "excuse", "answer",
            ])
            try db.execute(sql: "CREATE INDEX event_excuse ON event(session_id) WHERE kind = 'excuse'")
            try db.execute(sql: "CREATE INDEX event_answer ON event(session_id) WHERE kind = 'answer'")
            try db.execute(sql: "ALTER TABLE mentoring_group ADD COLUMN goal TEXT")
            try db.execute(sql: "ALTER TABLE mentoring_group ADD COLUMN goal_target_on TEXT")
        }
        // A participant's own language (participants.csv's `language`, docs/program-files.md).
        migrator.registerMigration("v9-languages") { db in
            try db.execute(sql: "ALTER TABLE participant ADD COLUMN language TEXT")
        }
        // The hub's program file: a counter every change to what a directory serves moves
        // (DirectoryGeneration), so the hub answers a kiosk's unchanged directory without
        // building it. A kiosk's database records the migration and gets no triggers.
        migrator.registerMigration("v10-directory-generation") { db in
            guard countingDirectoryChanges else { return }
            try db.execute(sql: DirectoryGeneration.sqliteCounter(
                "directory_generation", movedBy: ["participant", "badge", "mentoring_group", "group_member", "session"]))
        }
        // Retention (`pruneAcknowledgedEvents`). `acknowledgement`: when the hub first
        // acknowledged each cursor, so that only events it has held for the retention's days
        // are pruned. `pruned_before`: events before it may be gone, so the attendance of
        // sessions that ended before it is no longer provable from the log.
        migrator.registerMigration("v11-retention") { db in
            try db.execute(sql: """
                CREATE TABLE acknowledgement (through INTEGER PRIMARY KEY, acknowledged_at TEXT NOT NULL);
                ALTER TABLE sync_state ADD COLUMN pruned_before TEXT;
                """)
        }
        return migrator
    }

    /// Widens the event kinds' CHECK, which SQLite can only do by copying the table. Every row,
    /// its seq and the AUTOINCREMENT counter carry over; the append-only triggers come back
    /// (DROP TABLE fires no DELETE trigger). Each migration passes its own list.
    private static func widenEventKinds(_ db: Database, to kinds: [String]) throws {
        let allowed = kinds.map { "'\($0)'" }.joined(separator: ", ")
        try db.execute(sql: """
            CREATE TABLE event_widened (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                kiosk_id TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN (\(allowed))),
                participant_id TEXT,
                session_id TEXT,
                actor_id TEXT,
                wall_time TEXT NOT NULL,
                monotonic_ns INTEGER NOT NULL,
                clock_trusted INTEGER NOT NULL CHECK (clock_trusted IN (0, 1)),
                status TEXT CHECK (status IN ('on_time', 'late', 'manual')),
                duration_seconds REAL,
                rating INTEGER CHECK (rating BETWEEN 1 AND 4),
                undoes_seq INTEGER,
                via_badge INTEGER CHECK (via_badge IN (0, 1)),
                effective_at TEXT,
                badge_hash TEXT,
                note TEXT
            );
            INSERT INTO event_widened SELECT seq, id, kiosk_id, kind, participant_id, session_id, actor_id, wall_time, monotonic_ns, clock_trusted,
                status, duration_seconds, rating, undoes_seq, via_badge, effective_at, badge_hash, note FROM event ORDER BY seq;
            UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'event'), 0)) WHERE name = 'event_widened';
            DROP TABLE event;
            ALTER TABLE event_widened RENAME TO event;
            CREATE INDEX event_participant ON event(participant_id, seq);
            CREATE TRIGGER event_no_update BEFORE UPDATE ON event
                BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
            CREATE TRIGGER event_no_delete BEFORE DELETE ON event
                BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
            """)
    }
}
