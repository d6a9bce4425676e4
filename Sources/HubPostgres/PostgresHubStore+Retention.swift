import Foundation
import HubStore
import PostgresNIO

extension PostgresHubStore {
    /// Under the erasure lock, held alone: every push and retry takes it shared (`ingest`), so
    /// none stores an event of a session between the version check and the delete.
    public func freezeSessions(_ replays: [StoredReplay], receivedBefore cutoff: Date?, at now: Date) async throws -> (sessions: Int, events: Int) {
        let kept = replays.filter { $0.body != nil }.sorted { $0.sessionID < $1.sessionID }
        guard !kept.isEmpty else { return (0, 0) }
        return try await transaction { db in
            try await db.query("SELECT pg_advisory_xact_lock(\(Self.erasureLock))", logger: logger)
            // Only where no push stored an event of the session since the replay was built (nor, given a cutoff, since then).
            let frozen = try await rows("""
                INSERT INTO hub_pruned_session (session_id, body, pruned_at)
                SELECT r.session_id, r.body, \(now)
                FROM unnest(\(kept.map(\.sessionID))::text[], \(kept.map(\.version))::bigint[], \(kept.map { $0.body! })::bytea[]) AS r(session_id, version, body)
                WHERE r.version = (SELECT coalesce(sum(v.version), 0) FROM hub_session_version v WHERE v.session_id = r.session_id)
                    AND (\(cutoff)::TIMESTAMPTZ IS NULL OR NOT EXISTS (SELECT 1 FROM hub_event e WHERE e.session_id = r.session_id AND e.received_at >= \(cutoff)))
                ON CONFLICT (session_id) DO NOTHING
                RETURNING session_id
                """, on: db).map { try $0.decode(String.self) }
            guard !frozen.isEmpty else { return (0, 0) }
            let events = try await rows("""
                WITH deleted AS (DELETE FROM hub_event WHERE session_id = ANY(\(frozen)) AND kind NOT IN ('excuse', 'session_open') RETURNING 1)
                SELECT count(*) FROM deleted
                """, on: db).first?.decode(Int64.self) ?? 0
            try await db.query("DELETE FROM hub_session_replay WHERE session_id = ANY(\(frozen))", logger: logger)
            try await db.query("DELETE FROM hub_replay_due WHERE session_id = ANY(\(frozen))", logger: logger)
            return (frozen.count, Int(events))
        }
    }

    public func sessionsOpened(receivedBefore cutoff: Date) async throws -> [String] {
        try await rows("""
            SELECT DISTINCT session_id FROM hub_event
            WHERE kind = 'session_open' AND received_at < \(cutoff) AND session_id NOT IN (SELECT session_id FROM hub_pruned_session)
            """).map { try $0.decode(String.self) }
    }

    public func pruneSessionless(receivedBefore cutoff: Date) async throws -> (events: Int, quarantined: Int) {
        try await transaction { db in
            let events = try await rows("""
                WITH deleted AS (DELETE FROM hub_event WHERE session_id IS NULL AND kind = 'pin_failed' AND received_at < \(cutoff) RETURNING 1)
                SELECT count(*) FROM deleted
                """, on: db).first?.decode(Int64.self) ?? 0
            let quarantined = try await rows(
                "WITH deleted AS (DELETE FROM rejected_event WHERE received_at < \(cutoff) RETURNING 1) SELECT count(*) FROM deleted", on: db
            ).first?.decode(Int64.self) ?? 0
            return (Int(events), Int(quarantined))
        }
    }
}
