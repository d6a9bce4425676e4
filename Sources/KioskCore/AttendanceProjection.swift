import Foundation

/// A stored event as the projection reads it back.
public struct RecordedEvent: Sendable, Equatable {
    public var sequence: Int64
    public var draft: EventDraft
    public var kioskID: String

    public init(sequence: Int64, draft: EventDraft, kioskID: String) {
        self.sequence = sequence
        self.draft = draft
        self.kioskID = kioskID
    }
}

/// Derives attendance from the event log. The store keeps an attendance table up to date in
/// the same transaction as each event; `doctor` replays the log through this projection and
/// compares, so the table can always be proven (or rebuilt) from the events.
public struct AttendanceProjection: Sendable, Equatable {
    public struct Key: Hashable, Sendable, Comparable {
        public var participantID: String
        public var sessionID: String

        public init(participantID: String, sessionID: String) {
            self.participantID = participantID
            self.sessionID = sessionID
        }

        public static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.participantID, lhs.sessionID) < (rhs.participantID, rhs.sessionID)
        }
    }

    public private(set) var attendances: [Key: Attendance] = [:]

    /// Raise it whenever `apply` derives something else from the same events: the hub keeps
    /// what it derived per session and rebuilds what an older version of these rules made.
    public static let rulesVersion: UInt8 = 2

    public init() {}

    public mutating func apply(_ event: RecordedEvent) {
        let draft = event.draft
        // Anonymous ratings carry no participant and change no attendance.
        guard let participantID = draft.participantID, let sessionID = draft.sessionID else { return }
        let key = Key(participantID: participantID, sessionID: sessionID)
        switch draft.kind {
        case .checkIn, .manualCheckIn:
            guard attendances[key] == nil else { return }
            attendances[key] = Attendance(
                participantID: participantID, sessionID: sessionID,
                status: draft.details.status ?? (draft.kind == .manualCheckIn ? .manual : .onTime),
                checkedInAt: draft.clock.wall, clockTrusted: draft.clock.isTrusted, kioskID: event.kioskID)
        case .checkOut, .autoCheckOut:
            guard var attendance = attendances[key], !attendance.isCheckedOut else { return }
            attendance.checkedOutAt = draft.details.effectiveAt ?? draft.clock.wall
            attendance.checkOutKind = draft.kind == .checkOut ? .badge : .auto
            attendance.clockTrusted = attendance.clockTrusted && draft.clock.isTrusted
            attendances[key] = attendance
        case .undo:
            // Only the kiosk that recorded a check-in undoes it (the hub also checks it names
            // that check-in): another kiosk's undo, however timed, leaves it alone.
            guard attendances[key]?.kioskID == event.kioskID else { return }
            attendances[key] = nil
        case .rating:
            guard var attendance = attendances[key] else { return }
            attendance.rating = draft.details.rating
            attendance.hasRated = true
            attendances[key] = attendance
        case .badgeLink, .sessionOpen, .sessionClose, .pinFailed, .sessionCancel, .excuse, .answer:
            return
        }
    }
}
