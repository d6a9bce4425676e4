import Foundation
import HubPostgres
import HubProtocol
import HubStore
import KioskCore
import PostgresNIO

/// `mentor-bench metrics --postgres`: the hub's report on PostgreSQL over the same program as
/// the SQLite run, its attendance as the kiosks' events (check-in, check-out or automatic
/// check-out, rating): what `mentor-hub report` and the dashboard read.
extension MetricsBenchmark {
    func runOnPostgres(serverURL: String) async throws {
        try await withScratchDatabase(on: serverURL, named: "mentor_bench_metrics") { try await measureOnPostgres(url: $0) }
    }

    func measureOnPostgres(url: String) async throws {
        let (start, end) = Self.period
        try await PostgresHubStore.withStore(url: url) { store in
            let raw = try await PostgresBaseline(url: url)
            let seedStart = ContinuousClock.now
            let events = try await seedHub(raw, from: start, to: end)
            try await measureHub(store, name: "PostgreSQL hub database", events: events, seeded: ContinuousClock.now - seedStart) {
                for query in Self.aggregateQueries(from: start, to: end) {
                    for try await _ in try await raw.connection.query(query, logger: raw.logger) {}
                }
            }
            try await raw.close()
        }
    }

    /// The same program and attendance as `seed(_:from:to:)`, written with `generate_series`;
    /// returns the number of events.
    func seedHub(_ raw: PostgresBaseline, from start: Date, to end: Date) async throws -> Int {
        let (circles, pairs, paired) = (circleCount, pairCount, pairedParticipants)
        let step = end.timeIntervalSince(start) / Double(sessions)
        let perSession = Double(attendances) / Double(sessions)
        let first = start.timeIntervalSince1970
        let statements = [
            """
            INSERT INTO participant (id, name, role)
            SELECT 'P' || i, 'Participant ' || i,
                   CASE WHEN (i < \(paired) AND i % 2 = 0) OR (i >= \(paired) AND (i - \(paired)) % \(circleSize) = 0) THEN 'mentor' ELSE 'mentee' END
            FROM generate_series(0, \(participants - 1)) i
            """,
            "INSERT INTO mentoring_group (id, name, kind) SELECT 'Q' || k, 'Pair ' || k, 'pair' FROM generate_series(0, \(pairs - 1)) k",
            "INSERT INTO mentoring_group (id, name, kind) SELECT 'C' || c, 'Circle ' || c, 'circle' FROM generate_series(0, \(circles - 1)) c",
            """
            INSERT INTO group_member (group_id, participant_id, role)
            SELECT 'Q' || k, 'P' || (2 * k + mentee), CASE WHEN mentee = 0 THEN 'mentor' ELSE 'mentee' END
            FROM generate_series(0, \(pairs - 1)) k, generate_series(0, 1) mentee
            """,
            """
            INSERT INTO group_member (group_id, participant_id, role)
            SELECT 'C' || c, 'P' || (\(paired) + c * \(circleSize) + seat), CASE WHEN seat = 0 THEN 'mentor' ELSE 'mentee' END
            FROM generate_series(0, \(circles - 1)) c, generate_series(0, \(circleSize - 1)) seat
            """,
            """
            INSERT INTO session (id, title, kind, location, starts_at, ends_at, group_id, status)
            SELECT 'S' || s, 'Session ' || s, 'group', 'Hall', to_timestamp(\(first) + s * \(step)), to_timestamp(\(first) + s * \(step) + 3600),
                   'C' || (s % \(circles)), 'closed'
            FROM generate_series(0, \(sessions - 1)) s
            """,
            """
            INSERT INTO session (id, title, kind, location, starts_at, ends_at, group_id, status)
            SELECT 'Q' || k || '-' || m, 'Pair ' || k || ' meeting', 'one_on_one', 'Hall', to_timestamp(\(first) + \(Self.pairMeetingOffset)),
                   to_timestamp(\(first) + \(Self.pairMeetingOffset) + 3600), 'Q' || k, 'closed'
            FROM generate_series(0, \(pairs - 1)) k, generate_series(0, \(Self.pairMeetings - 1)) m
            """,
            "INSERT INTO kiosk (id, location, created_at) VALUES ('bench', 'Hall', now())",
            """
            WITH attendance AS (
                SELECT seat, 'P' || (\(paired) + (s % \(circles)) * \(circleSize) + seat) AS person, 'S' || s AS session, \(first) + s * \(step) AS begins
                FROM generate_series(0, \(sessions - 1)) s, generate_series(0, \(circleSize - 1)) seat
                WHERE seat < round((s + 1) * \(perSession)::numeric) - round(s * \(perSession)::numeric)),
            event AS (
                SELECT person, session, 0 AS step, 'check_in' AS kind, begins + CASE WHEN seat % 7 = 3 THEN 600 ELSE 0 END AS at,
                       CASE WHEN seat % 7 = 3 THEN 'late' ELSE 'on_time' END AS status, NULL::integer AS rating, NULL::double precision AS effective
                FROM attendance
                UNION ALL
                SELECT person, session, 1, CASE WHEN seat % 5 <> 4 THEN 'check_out' ELSE 'auto_check_out' END,
                       begins + CASE WHEN seat % 5 <> 4 THEN 2700 ELSE 3600 END, NULL, NULL, CASE WHEN seat % 5 = 4 THEN begins + 3600 END
                FROM attendance
                UNION ALL
                SELECT person, session, 2, 'rating', begins + 2705, NULL, 1 + seat % 4, NULL FROM attendance WHERE seat % 5 <> 4 AND seat % 2 = 0)
            INSERT INTO hub_event (kiosk_id, seq, id, kind, participant_id, session_id, wall_time, monotonic_ns, clock_trusted, status, rating,
                                   via_badge, effective_at, received_at)
            SELECT 'bench', row_number() OVER (ORDER BY at, session, person, step), gen_random_uuid()::text, kind, person, session,
                   to_timestamp(at), 0, TRUE, status, rating, kind <> 'auto_check_out', to_timestamp(effective), now()
            FROM event
            """,
            // The pairs' meetings (`pairAttendees`): the mentor at each, the mentee at three in four, rating each.
            """
            WITH attendee AS (
                SELECT 'P' || (2 * k + mentee) AS person, mentee, 'Q' || k || '-' || m AS session, m, \(first) + \(Self.pairMeetingOffset) AS begins
                FROM generate_series(0, \(pairs - 1)) k, generate_series(0, \(Self.pairMeetings - 1)) m, generate_series(0, 1) mentee
                WHERE mentee = 0 OR m % 4 <> 3),
            event AS (
                SELECT person, session, 0 AS step, 'check_in' AS kind, begins AS at, 'on_time' AS status, NULL::integer AS rating FROM attendee
                UNION ALL
                SELECT person, session, 1, 'check_out', begins + 2700, NULL, NULL FROM attendee
                UNION ALL
                SELECT person, session, 2, 'rating', begins + 2705, NULL, 1 + m % 4 FROM attendee WHERE mentee = 1)
            INSERT INTO hub_event (kiosk_id, seq, id, kind, participant_id, session_id, wall_time, monotonic_ns, clock_trusted, status, rating,
                                   via_badge, effective_at, received_at)
            SELECT 'bench', (SELECT coalesce(max(seq), 0) FROM hub_event WHERE kiosk_id = 'bench') + row_number() OVER (ORDER BY at, session, person, step),
                   gen_random_uuid()::text, kind, person, session, to_timestamp(at), 0, TRUE, status, rating, TRUE, NULL, now()
            FROM event
            """,
            "ANALYZE",
        ]
        for statement in statements { try await raw.connection.query(PostgresQuery(unsafeSQL: statement), logger: raw.logger) }
        let rows = try await raw.connection.query("SELECT count(*) FROM hub_event", logger: raw.logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// Totals, per week and per participant over the period's check-ins: the least a report reads.
    static func aggregateQueries(from start: Date, to end: Date) -> [PostgresQuery] {
        let inPeriod = "e.kind = 'check_in' AND s.starts_at >= $1 AND s.starts_at < $2"
        return [
            "SELECT count(*), count(*) FILTER (WHERE e.status = 'on_time') FROM hub_event e JOIN session s ON s.id = e.session_id WHERE \(inPeriod)",
            """
            SELECT date_trunc('week', s.starts_at) AS week, count(*), count(DISTINCT e.participant_id)
            FROM hub_event e JOIN session s ON s.id = e.session_id WHERE \(inPeriod) GROUP BY week
            """,
            "SELECT e.participant_id, count(*), max(s.starts_at) FROM hub_event e JOIN session s ON s.id = e.session_id WHERE \(inPeriod) GROUP BY e.participant_id",
            "SELECT avg(rating), count(*) FROM hub_event e JOIN session s ON s.id = e.session_id WHERE e.kind = 'rating' AND s.starts_at >= $1 AND s.starts_at < $2",
        ].map { sql in
            var bindings = PostgresBindings()
            bindings.append(start)
            bindings.append(end)
            return PostgresQuery(unsafeSQL: sql, binds: bindings)
        }
    }
}
