import Foundation
import GRDB
import KioskStore

extension HubStore {
    public func freezeSessions(_ replays: [StoredReplay], receivedBefore cutoff: Date?, at now: Date) async throws -> (sessions: Int, events: Int) {
        let frozen: (sessions: Int, events: Int) = try await pool.write { db in
            // The deleted rows are overwritten, not left in the file's free pages.
            try KioskStore.withSecureDelete(db) {
                var (sessions, events) = (0, 0)
                let version = try db.cachedStatement(sql: "SELECT coalesce(sum(version), 0) FROM hub_session_version WHERE session_id = ?")
                let recent = try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM hub_event WHERE session_id = ? AND received_at >= ?)")
                for replay in replays {
                    // A push stored an event of it since the replay was built: the next run freezes it.
                    guard let body = replay.body, try Int64.fetchOne(version, arguments: [replay.sessionID]) == replay.version,
                        try cutoff.map({ try Bool.fetchOne(recent, arguments: [replay.sessionID, DatabaseTime.text($0)]) == false }) ?? true
                    else { continue }
                    try db.execute(
                        sql: "INSERT INTO hub_pruned_session (session_id, body, pruned_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                        arguments: [replay.sessionID, Data(body.readableBytesView), now])
                    guard db.changesCount == 1 else { continue }
                    try db.execute(
                        sql: "DELETE FROM hub_event WHERE session_id = ? AND kind NOT IN ('excuse', 'session_open')", arguments: [replay.sessionID])
                    events += db.changesCount
                    for table in ["hub_session_replay", "hub_replay_due"] {
                        try db.execute(sql: "DELETE FROM \(table) WHERE session_id = ?", arguments: [replay.sessionID])
                    }
                    sessions += 1
                }
                return (sessions, events)
            }
        }
        if frozen.sessions > 0 { try await foldWriteAheadLogs() }
        return frozen
    }

    public func sessionsOpened(receivedBefore cutoff: Date) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT session_id FROM hub_event INDEXED BY hub_event_session_opened
                WHERE kind = 'session_open' AND received_at < ? AND session_id NOT IN (SELECT session_id FROM hub_pruned_session)
                """, arguments: [DatabaseTime.text(cutoff)])
        }
    }

    public func pruneSessionless(receivedBefore cutoff: Date) async throws -> (events: Int, quarantined: Int) {
        let pruned = try await pool.write { db in
            try KioskStore.withSecureDelete(db) {
                try db.execute(
                    sql: "DELETE FROM hub_event WHERE session_id IS NULL AND kind = 'pin_failed' AND received_at < ?", arguments: [DatabaseTime.text(cutoff)])
                let events = db.changesCount
                try db.execute(sql: "DELETE FROM rejected_event WHERE received_at < ?", arguments: [cutoff])
                return (events, db.changesCount)
            }
        }
        if pruned != (0, 0) { try await foldWriteAheadLogs() }
        return pruned
    }
}
