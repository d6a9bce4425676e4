import Foundation
import GRDB
import KioskCore

extension KioskStore {
    /// What one `pruneAcknowledgedEvents` removed.
    public struct PruneSummary: Sendable, Equatable {
        /// Events deleted.
        public var events: Int
        /// The cutoff: events before it, of sessions that ended before it, may now be gone.
        public var before: Date
    }

    /// The kinds a prune never deletes: figures and questions read them from the log alone
    /// (excuses, check-out answers), and a badge linked here stays linked through them.
    static let keptKinds = ["badge_link", "excuse", "answer"]

    /// The kiosk's retention (`[retention] acknowledged_events_days`): deletes the events older
    /// than `days` days that the hub acknowledged at least `days` days ago (so a hub restored
    /// from a backup younger than that gets every later event again), with SQLite's secure
    /// delete. It keeps what the kiosk's screens and figures still read from the log:
    /// - every event the hub has not acknowledged for that long;
    /// - every event of a session that ends at or after the cutoff (today's tally, check-outs,
    ///   duplicate checks);
    /// - every excuse, check-out answer and badge link (`keptKinds`).
    ///
    /// The attendance table is not touched. What only the log held for the pruned sessions
    /// goes: anonymous ratings. The append-only trigger is dropped and re-created, with its own
    /// text, inside each transaction, so no other connection ever sees the log without it; the
    /// deletes go in batches, so a check-in never waits long for the database.
    public func pruneAcknowledgedEvents(olderThan days: Int, now: Date, batch: Int = 1_000) throws -> PruneSummary {
        guard days >= 1 else { throw StoreError.cannotRecord("a retention of \(days) days keeps nothing") }
        let cutoff = now.addingTimeInterval(-Double(days) * 86_400)
        let kept = Self.keptKinds.map { "'\($0)'" }.joined(separator: ", ")
        var total = 0
        while true {
            let deleted = try record { db in
                try Self.withSecureDelete(db) {
                    let deleted = try Self.suspendingTriggers(["event_no_delete"], db) {
                        try db.execute(sql: """
                            DELETE FROM event WHERE seq IN (
                                SELECT seq FROM event
                                WHERE seq <= coalesce((SELECT max(through) FROM acknowledgement WHERE acknowledged_at < ?1), 0)
                                  AND kind NOT IN (\(kept)) AND wall_time < ?1
                                  AND (session_id IS NULL OR session_id NOT IN (SELECT id FROM session WHERE ends_at >= ?2))
                                ORDER BY seq LIMIT ?3)
                            """, arguments: [DatabaseTime.text(cutoff), cutoff, batch])
                        return db.changesCount
                    }
                    if deleted > 0 {
                        try db.execute(
                            sql: "UPDATE sync_state SET pruned_before = max(coalesce(pruned_before, ''), ?) WHERE id = 1",
                            arguments: [DatabaseTime.text(cutoff)])
                    }
                    return deleted
                }
            }
            total += deleted
            if deleted < batch { break }
        }
        try foldWriteAheadLog()
        return PruneSummary(events: total, before: cutoff)
    }

    /// Before this moment, events may have been pruned (nil: never).
    public func prunedBefore() throws -> Date? {
        try read { db in try Date.fetchOne(db, sql: "SELECT pruned_before FROM sync_state WHERE id = 1") }
    }
}
