import Foundation

/// The program's timing rules for check-in, the same for every session unless configured.
public struct CheckInRules: Sendable, Equatable {
    /// How long before the start the window opens (default 15 minutes).
    public var opensBefore: TimeInterval
    /// How long after the start an arrival still counts as on time (default 5 minutes).
    public var onTimeGrace: TimeInterval
    /// Scans of the same participant closer together than this are one scan (default 5 s).
    public var duplicateWindow: TimeInterval
    /// How long after a badge check-out a rating is still accepted (default 30 minutes).
    public var ratingWindow: TimeInterval

    public init(
        opensBefore: TimeInterval = 15 * 60, onTimeGrace: TimeInterval = 5 * 60,
        duplicateWindow: TimeInterval = 5, ratingWindow: TimeInterval = 30 * 60
    ) {
        self.opensBefore = opensBefore
        self.onTimeGrace = onTimeGrace
        self.duplicateWindow = duplicateWindow
        self.ratingWindow = ratingWindow
    }

    /// A scan this soon after the participant's last badge activity repeats it.
    public func isDuplicate(at now: Date, lastBadgeActivity: Date?) -> Bool {
        guard let last = lastBadgeActivity, now >= last else { return false }
        return now.timeIntervalSince(last) < duplicateWindow
    }
}

/// Where a session's check-in window stands at a given moment.
///
/// The boundaries: `start − opensBefore` is on time (inclusive), `start + onTimeGrace` is
/// still on time (inclusive), anything after it is late, and the window is closed from the
/// end onwards.
public enum WindowPhase: Sendable, Equatable {
    case notYetOpen(opensAt: Date)
    case onTime
    case late
    case closed

    public var acceptsCheckIns: Bool { self == .onTime || self == .late }
}

extension Session {
    public func phase(at now: Date, rules: CheckInRules) -> WindowPhase {
        guard status == .scheduled else { return .closed }
        let opensAt = startsAt.addingTimeInterval(-rules.opensBefore)
        if now < opensAt { return .notYetOpen(opensAt: opensAt) }
        if now >= endsAt { return .closed }
        if now <= startsAt.addingTimeInterval(rules.onTimeGrace) { return .onTime }
        return .late
    }
}

/// Everything the rules need to know about one scan, gathered by the store in one read.
public struct ScanContext: Sendable {
    /// The badge's owner, or nil when no participant has this badge.
    public var participant: Participant?
    /// Sessions at this kiosk's location around now (the store passes today's and the next days').
    public var sessionsHere: [Session]
    /// Groups the participant belongs to.
    public var groupIDs: Set<String>
    /// The participant's attendances at `sessionsHere`.
    public var attendances: [Attendance]
    /// The last badge check-in or check-out of this participant, for duplicate detection.
    public var lastBadgeActivity: Date?

    public init(
        participant: Participant?, sessionsHere: [Session], groupIDs: Set<String> = [],
        attendances: [Attendance] = [], lastBadgeActivity: Date? = nil
    ) {
        self.participant = participant
        self.sessionsHere = sessionsHere
        self.groupIDs = groupIDs
        self.attendances = attendances
        self.lastBadgeActivity = lastBadgeActivity
    }
}

/// What a badge scan means. `checkIn` is a decision still to be recorded; every other case
/// changes nothing.
public enum ScanOutcome: Sendable, Equatable {
    case unknownBadge
    case inactive(Participant)
    /// A repeat of a scan a moment ago: the reader bounced or the participant tapped twice.
    case duplicateScan(Participant)
    case noSessionNow(Participant, next: Session?)
    /// The participant's session now was cancelled: said so, never a bare "no session".
    case sessionCancelled(Participant, Session, next: Session?)
    /// Several sessions are open to this participant; the buttons choose.
    case chooseSession(Participant, [Session])
    case checkIn(Participant, Session, AttendanceStatus)
    /// Checked in already and not out: the kiosk offers check-out.
    case alreadyCheckedIn(Participant, Session, at: Date)
    /// Checked in and out of every session open to them.
    case alreadyCheckedOut(Participant, Session, at: Date)
    /// The session chosen for this scan is not open to this participant now.
    case sessionNotOpen(Participant, sessionID: String)
}

/// Decides what a badge scan means: which session, on time or late, duplicate, or refused.
public enum CheckInPolicy {
    /// - Parameter chosenSessionID: the session picked on the choose-a-session screen, if any.
    public static func decide(
        _ context: ScanContext, at now: Date, rules: CheckInRules, chosenSessionID: String? = nil
    ) -> ScanOutcome {
        guard let participant = context.participant else { return .unknownBadge }
        guard participant.isActive else { return .inactive(participant) }
        if rules.isDuplicate(at: now, lastBadgeActivity: context.lastBadgeActivity) { return .duplicateScan(participant) }
        let open = context.sessionsHere
            .filter { $0.phase(at: now, rules: rules).acceptsCheckIns && isOpen($0, to: participant, in: context) }
            .sorted(by: startOrder)
        let attendanceBySession = Dictionary(
            context.attendances.map { ($0.sessionID, $0) }, uniquingKeysWith: { first, _ in first })

        if let stillIn = open.compactMap({ session in
            attendanceBySession[session.id].flatMap { $0.isCheckedOut ? nil : (session, $0) }
        }).first {
            return .alreadyCheckedIn(participant, stillIn.0, at: stillIn.1.checkedInAt)
        }
        let candidates = open.filter { attendanceBySession[$0.id] == nil }

        if let chosenSessionID {
            guard let chosen = candidates.first(where: { $0.id == chosenSessionID }) else {
                return .sessionNotOpen(participant, sessionID: chosenSessionID)
            }
            return .checkIn(participant, chosen, status(for: chosen, at: now, rules: rules))
        }

        let own = candidates.filter { isOwn($0, participant: participant, groupIDs: context.groupIDs) }
        let choices = own.isEmpty ? candidates : own
        switch choices.count {
        case 0:
            if let done = open.compactMap({ session in
                attendanceBySession[session.id].flatMap { attendance in
                    attendance.checkedOutAt.map { (session, $0) }
                }
            }).last {
                return .alreadyCheckedOut(participant, done.0, at: done.1)
            }
            let next = context.sessionsHere
                .filter { session in
                    if case .notYetOpen = session.phase(at: now, rules: rules) {
                        return isOpen(session, to: participant, in: context)
                    }
                    return false
                }
                .min(by: startOrder)
            // A session of theirs whose window would be open now, had it not been cancelled.
            if let cancelled = context.sessionsHere.filter({ session in
                var scheduled = session
                scheduled.status = .scheduled
                return session.status == .cancelled && scheduled.phase(at: now, rules: rules).acceptsCheckIns && isOpen(session, to: participant, in: context)
            }).min(by: startOrder) {
                return .sessionCancelled(participant, cancelled, next: next)
            }
            return .noSessionNow(participant, next: next)
        case 1:
            return .checkIn(participant, choices[0], status(for: choices[0], at: now, rules: rules))
        default:
            return .chooseSession(participant, choices)
        }
    }

    /// A session without a group is open to everyone; a group's session to its members and
    /// its facilitator. Others' pair meetings are never offered (a facilitator can still check
    /// a guest in by hand).
    static func isOpen(_ session: Session, to participant: Participant, in context: ScanContext) -> Bool {
        session.groupID == nil || isOwn(session, participant: participant, groupIDs: context.groupIDs)
    }

    static func isOwn(_ session: Session, participant: Participant, groupIDs: Set<String>) -> Bool {
        if session.facilitatorID == participant.id { return true }
        guard let groupID = session.groupID else { return false }
        return groupIDs.contains(groupID)
    }

    static func status(for session: Session, at now: Date, rules: CheckInRules) -> AttendanceStatus {
        session.phase(at: now, rules: rules) == .onTime ? .onTime : .late
    }

    private static func startOrder(_ lhs: Session, _ rhs: Session) -> Bool {
        (lhs.startsAt, lhs.id) < (rhs.startsAt, rhs.id)
    }
}
