import Foundation

/// Every change the kiosk records. Attendance is derived from these; they are never edited.
public enum KioskEventKind: String, Sendable, Codable, CaseIterable {
    case checkIn = "check_in"
    case checkOut = "check_out"
    case autoCheckOut = "auto_check_out"
    case manualCheckIn = "manual_check_in"
    case undo
    case rating
    /// A facilitator linked an unknown badge to a participant.
    case badgeLink = "badge_link"
    /// A facilitator started an ad-hoc session.
    case sessionOpen = "session_open"
    /// A facilitator closed a session early.
    case sessionClose = "session_close"
    /// A wrong facilitator PIN at this kiosk (or a try while locked out): who tried, and the note
    /// says what followed. Kept for the audit trail; it changes no attendance.
    case pinFailed = "pin_failed"
    /// A facilitator cancelled a session that had not started (the note: why). Its members are
    /// then expected nowhere, and the hub cancels it in the program's schedule.
    case sessionCancel = "session_cancel"
    /// A facilitator excused an expected member from a session (the note: why).
    case excuse
    /// An answer to a check-out question other than the rating (`CheckOutQuestion`): the
    /// question in `note`, the button in `rating`, always with the participant.
    case answer
}

/// The kind-specific part of an event; the store keeps each field in a column of its own.
public struct EventDetails: Sendable, Equatable, Codable {
    public var status: AttendanceStatus?
    public var durationSeconds: Double?
    public var rating: Int?
    /// For `undo`: the sequence number of the check-in it cancels.
    public var undoesSequence: Int64?
    /// Whether the check-in or check-out came from a badge scan (as opposed to a facilitator).
    public var viaBadge: Bool?
    /// For `auto_check_out`: the check-out time it records (the session's end), which is
    /// earlier than the moment the kiosk noticed.
    public var effectiveAt: Date?
    /// For `badge_link`: the linked badge's hash (never the code).
    public var badgeHash: String?
    /// For `session_open`: the new session's title; for `answer`: the question.
    public var note: String?

    public init(
        status: AttendanceStatus? = nil, durationSeconds: Double? = nil, rating: Int? = nil,
        undoesSequence: Int64? = nil, viaBadge: Bool? = nil, effectiveAt: Date? = nil, badgeHash: String? = nil,
        note: String? = nil
    ) {
        self.badgeHash = badgeHash
        self.note = note
        self.effectiveAt = effectiveAt
        self.status = status
        self.durationSeconds = durationSeconds
        self.rating = rating
        self.undoesSequence = undoesSequence
        self.viaBadge = viaBadge
    }
}

/// An event about to be appended: the store assigns its sequence number.
public struct EventDraft: Sendable, Equatable {
    public var id: UUID
    public var kind: KioskEventKind
    public var participantID: String?
    public var sessionID: String?
    /// Who did it: the participant for scans, the facilitator for manual actions, nil for the kiosk.
    public var actorID: String?
    public var clock: ClockReading
    public var details: EventDetails

    public init(
        id: UUID? = nil, kind: KioskEventKind, participantID: String?, sessionID: String?,
        actorID: String?, clock: ClockReading, details: EventDetails = EventDetails()
    ) {
        self.id = id ?? TimeOrderedUUID.make(at: clock.wall)
        self.kind = kind
        self.participantID = participantID
        self.sessionID = sessionID
        self.actorID = actorID
        self.clock = clock
        self.details = details
    }
}
