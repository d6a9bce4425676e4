import Foundation
import GRDB
import KioskCore

extension KioskStore {
    /// What `adoptHistory` took back from the hub.
    public struct AdoptedHistory: Sendable, Equatable {
        /// Events stored here again, under their own numbers.
        public var events: Int
        /// Events of sessions this kiosk no longer serves (its directory does not hold them):
        /// they stay at the hub only.
        public var skipped: Int
        /// Attendances the adopted events make (today's tally, who is still in).
        public var attendances: Int
        /// The hub's cursor: this kiosk numbers its next events after it.
        public var continuesAfter: Int64
    }

    /// Makes this new, empty database the continuation of a kiosk whose database was lost
    /// (`enroll --replace`), in one transaction: the hub's recent events of that kiosk are
    /// stored under their own numbers, acknowledged; the attendances, closed sessions, ad-hoc
    /// sessions and linked badges they make are rebuilt as the kiosk had them; and the next
    /// event is numbered after `cursor`, so the hub refuses none as a number used twice.
    /// Run it after the directory was applied: attendances need their participants and sessions.
    /// - Parameters:
    ///   - events: the hub's events of this kiosk (`GET /v1/events`), in sequence order, each
    ///     at most `cursor`.
    ///   - cursor: how far the hub holds this kiosk's events.
    ///   - location: where this kiosk stands (its ad-hoc sessions were there).
    public func adoptHistory(_ events: [RecordedEvent], acknowledgedThrough cursor: Int64, location: String) throws -> AdoptedHistory {
        try Self.requirePlausible(hubCursor: cursor)
        for (previous, next) in zip(events, events.dropFirst()) where next.sequence <= previous.sequence {
            throw DatabaseRestore.Failure.failed("the hub's events are not in sequence order (\(next.sequence) after \(previous.sequence)): nothing was changed")
        }
        if let outside = events.first(where: { $0.sequence < 1 || $0.sequence > cursor }) {
            throw DatabaseRestore.Failure.failed("the hub sent event \(outside.sequence), outside 1…\(cursor): nothing was changed")
        }
        return try record { db in
            let held = try Int.fetchOne(db, sql: "SELECT count(*) FROM event") ?? 0
            guard held == 0 else {
                throw DatabaseRestore.Failure.failed(
                    "this database holds \(held) events: a replacement starts from a new one. To put a backup back, use `mentor-kiosk restore`")
            }
            let known = Set(try String.fetchAll(db, sql: "SELECT id FROM participant"))
            for event in events {
                if var session = Session(openedBy: event, location: location), try !SessionRecord.exists(db, key: session.id) {
                    if let facilitator = session.facilitatorID, !known.contains(facilitator) { session.facilitatorID = nil }
                    try SessionRecord(session).insert(db)
                }
            }
            // An event of a session or a person this kiosk no longer knows stays at the hub only:
            // its attendance could not be stored here, and the table must stay what the events say.
            let served = Set(try String.fetchAll(db, sql: "SELECT id FROM session"))
            let adopted = events.filter { event in
                (event.draft.sessionID.map(served.contains) ?? true) && (event.draft.participantID.map(known.contains) ?? true)
            }
            var projection = AttendanceProjection()
            var checkInSequence: [AttendanceProjection.Key: Int64] = [:]
            // An anonymous rating names no one: it counts for whoever badged out of its session
            // last, as `rate` marked them, so they cannot rate it twice.
            var lastBadgeOut: [String: AttendanceProjection.Key] = [:], ratedAnonymously: Set<AttendanceProjection.Key> = []
            for event in adopted {
                try db.execute(sql: EventRecord.insertKeepingSequenceSQL, arguments: [event.sequence] + EventRecord.insertArguments(event.draft, kioskID: kioskID))
                let draft = event.draft
                let key = draft.participantID.flatMap { participant in
                    draft.sessionID.map { AttendanceProjection.Key(participantID: participant, sessionID: $0) }
                }
                let present = key.map { projection.attendances[$0] != nil } ?? false
                projection.apply(event)
                if let key, !present, projection.attendances[key] != nil { checkInSequence[key] = event.sequence }
                switch (draft.kind, draft.sessionID) {
                case (.sessionClose, let session?):
                    try db.execute(sql: "UPDATE session SET status = 'closed' WHERE id = ? AND status = 'scheduled'", arguments: [session])
                case (.checkOut, let session?):
                    lastBadgeOut[session] = key
                case (.rating, let session?) where draft.participantID == nil:
                    if let rater = lastBadgeOut[session] { ratedAnonymously.insert(rater) }
                default:
                    break
                }
            }
            var attendances = 0
            for (key, attendance) in projection.attendances {
                try db.execute(sql: """
                    INSERT INTO attendance (participant_id, session_id, status, checked_in_at, check_in_seq, checked_out_at, check_out_kind,
                                            rating, has_rated, clock_trusted, kiosk_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [
                        key.participantID, key.sessionID, attendance.status, DatabaseTime.text(attendance.checkedInAt), checkInSequence[key] ?? 0,
                        attendance.checkedOutAt.map(DatabaseTime.text), attendance.checkOutKind, attendance.rating,
                        attendance.hasRated || ratedAnonymously.contains(key),
                        attendance.clockTrusted, attendance.kioskID,
                    ])
                attendances += 1
            }
            try Self.relinkBadges(db)
            try Self.continueNumbering(after: cursor, db)
            return AdoptedHistory(events: adopted.count, skipped: events.count - adopted.count, attendances: attendances, continuesAfter: cursor)
        }
    }
}
