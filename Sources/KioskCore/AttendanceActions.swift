import Foundation

/// What a check-out request means. `checkOut` is a decision still to be recorded.
public enum CheckOutOutcome: Sendable, Equatable {
    case unknownBadge
    case inactive(Participant)
    case duplicateScan(Participant)
    case notCheckedIn(Participant)
    case checkOut(Participant, Session, checkedInAt: Date, duration: TimeInterval)
}

/// A participant's attendance together with its session, as the store hands them to rules.
public struct SessionAttendance: Sendable, Equatable {
    public var session: Session
    public var attendance: Attendance

    public init(session: Session, attendance: Attendance) {
        self.session = session
        self.attendance = attendance
    }
}

/// Decides check-outs: the most recent attendance still open is the one a badge-out ends.
public enum CheckOutPolicy {
    public static func decide(
        participant: Participant?, attendances: [SessionAttendance], lastBadgeActivity: Date?,
        at now: Date, rules: CheckInRules
    ) -> CheckOutOutcome {
        guard let participant else { return .unknownBadge }
        guard participant.isActive else { return .inactive(participant) }
        if rules.isDuplicate(at: now, lastBadgeActivity: lastBadgeActivity) { return .duplicateScan(participant) }
        guard let open = attendances
            .filter({ !$0.attendance.isCheckedOut && $0.attendance.checkedInAt <= now })
            .max(by: { $0.attendance.checkedInAt < $1.attendance.checkedInAt })
        else { return .notCheckedIn(participant) }
        let checkedInAt = open.attendance.checkedInAt
        return .checkOut(participant, open.session, checkedInAt: checkedInAt, duration: now.timeIntervalSince(checkedInAt))
    }

    /// Attendances nobody badged out of, whose session has ended or was closed: each is
    /// checked out automatically at the session's end (or now, for a session closed early).
    public static func dueAutoCheckOuts(_ attendances: [SessionAttendance], at now: Date) -> [(SessionAttendance, at: Date)] {
        attendances.compactMap { item in
            guard !item.attendance.isCheckedOut else { return nil }
            if item.session.endsAt <= now { return (item, at: max(item.session.endsAt, item.attendance.checkedInAt)) }
            if item.session.status != .scheduled { return (item, at: max(now, item.attendance.checkedInAt)) }
            return nil
        }
    }
}

/// What a 1–4 rating request means.
public enum RatingOutcome: Sendable, Equatable {
    case invalidValue(Int)
    case notCheckedOut
    case alreadyRated
    case tooLate
    /// Record it; `anonymous` ratings are stored without the participant.
    case record(sessionID: String, value: Int, anonymous: Bool)
}

/// Decides whether a session rating is accepted: once, after a badge check-out, soon after it.
public enum RatingPolicy {
    public static let scale = 1...4

    public static func decide(
        value: Int, latest: SessionAttendance?, at now: Date, rules: CheckInRules, anonymous: Bool
    ) -> RatingOutcome {
        guard scale.contains(value) else { return .invalidValue(value) }
        guard let latest, let checkedOutAt = latest.attendance.checkedOutAt,
              latest.attendance.checkOutKind == .badge
        else { return .notCheckedOut }
        guard !latest.attendance.hasRated else { return .alreadyRated }
        guard now.timeIntervalSince(checkedOutAt) <= rules.ratingWindow else { return .tooLate }
        return .record(sessionID: latest.session.id, value: value, anonymous: anonymous)
    }
}

/// Why a facilitator action was refused.
public enum SupervisionRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case actorUnknown(String)
    case actorNotAllowed(Participant)
    case participantUnknown(String)
    case participantInactive(Participant)
    case sessionUnknown(String)
    case sessionNotOpen(Session)
    case alreadyCheckedIn(Participant, Session, at: Date)
    case notCheckedIn(Participant, Session)
    case badgeTaken(Participant)
    case cannotCancel(SessionCancelRefusal)
    /// Only an expected member (of the session's group at the time, active) can be excused.
    case notExpected(Participant, Session)
    case sessionCancelled(Session)

    public var code: String {
        switch self {
        case .actorUnknown: "actor_unknown"
        case .actorNotAllowed: "actor_not_allowed"
        case .participantUnknown: "participant_unknown"
        case .participantInactive: "participant_inactive"
        case .sessionUnknown: "session_unknown"
        case .sessionNotOpen: "session_not_open"
        case .alreadyCheckedIn: "already_checked_in"
        case .notCheckedIn: "not_checked_in"
        case .badgeTaken: "badge_taken"
        case .cannotCancel: "cannot_cancel"
        case .notExpected: "not_expected"
        case .sessionCancelled: "session_cancelled"
        }
    }

    public var description: String {
        switch self {
        case .actorUnknown(let id): "no participant has the id \(id)"
        case .actorNotAllowed(let actor): "\(actor.name) is a \(actor.role.rawValue); only facilitators and admins may do this"
        case .participantUnknown(let id): "no participant has the id \(id)"
        case .participantInactive(let participant): "\(participant.name) is not active in the program"
        case .sessionUnknown(let id): "no session has the id \(id)"
        case .sessionNotOpen(let session): "\(session.title) is not open for check-in now"
        case .alreadyCheckedIn(let participant, let session, _): "\(participant.name) is already checked in to \(session.title)"
        case .notCheckedIn(let participant, let session): "\(participant.name) is not checked in to \(session.title)"
        case .badgeTaken(let owner): "this badge already belongs to \(owner.name)"
        case .cannotCancel(let refusal): refusal.description
        case .notExpected(let participant, let session): "\(participant.name) is not expected at \(session.title)"
        case .sessionCancelled(let session): "\(session.title) was cancelled"
        }
    }
}

/// Facilitator actions: checking someone in by hand and undoing a mistaken check-in.
public enum SupervisionPolicy {
    public static func authorize(actor: Participant?, actorID: String) throws(SupervisionRefusal) -> Participant {
        guard let actor else { throw .actorUnknown(actorID) }
        guard actor.isActive, actor.role.maySupervise else { throw .actorNotAllowed(actor) }
        return actor
    }

    /// A manual check-in is allowed while the session is open, before or after its start.
    public static func manualCheckIn(
        participant: Participant, session: Session, existing: Attendance?, at now: Date, rules: CheckInRules
    ) throws(SupervisionRefusal) {
        guard participant.isActive else { throw .participantInactive(participant) }
        guard session.phase(at: now, rules: rules).acceptsCheckIns else { throw .sessionNotOpen(session) }
        if let existing { throw .alreadyCheckedIn(participant, session, at: existing.checkedInAt) }
    }

    public static func undo(participant: Participant, session: Session, existing: Attendance?) throws(SupervisionRefusal) -> Attendance {
        guard let existing else { throw .notCheckedIn(participant, session) }
        return existing
    }

    /// An excuse is for an expected member who has not come, at a session that is not cancelled
    /// (before it, while it runs, or after: apologies often arrive late).
    public static func excuse(participant: Participant, session: Session, isExpected: Bool, existing: Attendance?) throws(SupervisionRefusal) {
        guard session.status != .cancelled else { throw .sessionCancelled(session) }
        guard isExpected else { throw .notExpected(participant, session) }
        if let existing { throw .alreadyCheckedIn(participant, session, at: existing.checkedInAt) }
    }
}
