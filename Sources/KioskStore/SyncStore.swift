import Foundation
import GRDB
import KioskCore

/// Where this kiosk's export to the hub stands. The cursor only moves when the hub answered
/// 2xx, in the same database as the events, so a restart or a power cut resumes exactly there.
public struct SyncState: Sendable, Equatable {
    /// Every event up to this sequence number is at the hub (stored, or kept there as rejected).
    public var acknowledgedThrough: Int64
    public var directoryVersion: String?
    public var lastAttemptAt: Date?
    public var lastSuccessAt: Date?
    /// Why the last attempt failed (nil after a success).
    public var lastError: String?
    /// Events waiting to be sent.
    public var queueLength: Int
    /// Events the hub refused, with its reasons: kept here and shown on the status screen.
    public var rejections: [(seq: Int64, reason: String)]

    public static func == (lhs: SyncState, rhs: SyncState) -> Bool {
        lhs.acknowledgedThrough == rhs.acknowledgedThrough && lhs.directoryVersion == rhs.directoryVersion
            && lhs.lastAttemptAt == rhs.lastAttemptAt && lhs.lastSuccessAt == rhs.lastSuccessAt && lhs.lastError == rhs.lastError
            && lhs.queueLength == rhs.queueLength && lhs.rejections.map(\.seq) == rhs.rejections.map(\.seq)
    }
}

extension KioskStore {
    /// Only where the export stands (no counting): what each push and pull needs.
    public func syncCursor() throws -> (acknowledgedThrough: Int64, directoryVersion: String?) {
        try read { db in
            let row = try Row.fetchOne(db, sql: "SELECT acknowledged_through, directory_version FROM sync_state WHERE id = 1")!
            return (row["acknowledged_through"], row["directory_version"])
        }
    }

    /// The whole picture for the status screen and the hub's status report.
    public func syncState() throws -> SyncState {
        try read { db in
            let row = try Row.fetchOne(db, sql: "SELECT * FROM sync_state WHERE id = 1")!
            let through: Int64 = row["acknowledged_through"]
            let queue = try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE seq > ?", arguments: [through]) ?? 0
            let rejections = try Row.fetchAll(db, sql: "SELECT seq, reason FROM sync_rejection ORDER BY seq").map { ($0["seq"] as Int64, $0["reason"] as String) }
            return SyncState(
                acknowledgedThrough: through, directoryVersion: row["directory_version"], lastAttemptAt: row["last_attempt_at"],
                lastSuccessAt: row["last_success_at"], lastError: row["last_error"], queueLength: queue, rejections: rejections)
        }
    }

    /// Records a 2xx answer to a push: the new cursor and the events the hub refused.
    public func recordPush(acknowledgedThrough: Int64, rejections: [(seq: Int64, reason: String)], at now: Date) throws {
        try record { db in
            try db.execute(
                sql: "UPDATE sync_state SET acknowledged_through = max(acknowledged_through, ?), last_attempt_at = ?, last_success_at = ?, last_error = NULL WHERE id = 1",
                arguments: [acknowledgedThrough, now, now])
            if acknowledgedThrough > 0 {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO acknowledgement (through, acknowledged_at) VALUES (?, ?)",
                    arguments: [acknowledgedThrough, DatabaseTime.text(now)])
            }
            for rejection in rejections {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO sync_rejection (seq, reason, rejected_at) VALUES (?, ?, ?)",
                    arguments: [rejection.seq, rejection.reason, now])
            }
        }
    }

    /// The hub says it has everything up to `through` (after a gap or a replaced hub database):
    /// the cursor is set there, so the next push starts right after it. Acknowledgements past
    /// it no longer hold: retention keeps those events until they are sent again.
    public func resetCursor(to through: Int64) throws {
        try record { db in
            try db.execute(sql: "UPDATE sync_state SET acknowledged_through = ? WHERE id = 1", arguments: [through])
            try db.execute(sql: "DELETE FROM acknowledgement WHERE through > ?", arguments: [through])
        }
    }

    public func recordSyncFailure(_ message: String, at now: Date) throws {
        try record { db in
            try db.execute(sql: "UPDATE sync_state SET last_attempt_at = ?, last_error = ? WHERE id = 1", arguments: [now, message])
        }
    }

    /// The program's time zone the hub's directory carried, if the hub's admin set one.
    public func hubTimeZone() throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT hub_time_zone FROM sync_state WHERE id = 1") }
    }

    /// The check-in rules the hub's directory carried, if any: they win over kiosk.toml's.
    public func hubSettings() throws -> ProgramSettings? {
        try read { db in try String.fetchOne(db, sql: "SELECT hub_settings FROM sync_state WHERE id = 1") }
            .map { try JSONDecoder().decode(ProgramSettings.self, from: Data($0.utf8)) }
    }
}
