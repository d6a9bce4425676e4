import Foundation

/// A day of the program's calendar (`joined_on`, `left_on`, a membership's `from` and `until`):
/// a date without a time, which becomes an instant only in the program's time zone. Written
/// `YYYY-MM-DD` in files, on the wire and in the databases.
public struct ProgramDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// Reads `YYYY-MM-DD`; nil for anything else, or for a day no calendar has (2026-02-30).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: day)),
            calendar.dateComponents([.year, .month, .day], from: date) == DateComponents(year: year, month: month, day: day)
        else { return nil }
    }

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The day on which `date` falls in `timeZone`.
    public init(containing date: Date, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        self.init(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }

    /// The day's first instant in `timeZone` (its midnight, or the first moment after a gap).
    public func start(in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let noon = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12)) ?? .distantPast
        return calendar.startOfDay(for: noon)
    }

    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public static func < (lhs: ProgramDay, rhs: ProgramDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = ProgramDay(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a day (YYYY-MM-DD): \(text)"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The days something holds for: from its first day (`from`, included) to the day it ended
/// (`until`, not included), either end open. A participant's `joined_on`/`left_on` and a group
/// member's `from`/`until` are both such spans, so a re-matched mentee's old row ends on the day
/// the new one begins, with neither a gap nor an overlap.
public struct DaySpan: Sendable, Equatable {
    public var from: ProgramDay?
    public var until: ProgramDay?

    public init(from: ProgramDay?, until: ProgramDay?) {
        self.from = from
        self.until = until
    }

    /// The instants the span covers in `timeZone`: a session belongs to it when it starts inside.
    public func instants(in timeZone: TimeZone) -> Range<Date> {
        let start = from?.start(in: timeZone) ?? .distantPast
        return start..<max(start, until?.start(in: timeZone) ?? .distantFuture)
    }

    /// Whether some day lies in both spans.
    public func overlaps(_ other: DaySpan) -> Bool {
        Self.before(from, other.until) && Self.before(other.from, until)
    }

    /// Whether a span beginning on `start` begins before one ending on `end` ends (nil: open).
    private static func before(_ start: ProgramDay?, _ end: ProgramDay?) -> Bool {
        guard let start, let end else { return true }
        return start < end
    }

    /// Why the span cannot be used (nil: it can).
    public var problem: String? {
        if let from, let until, until <= from { return "ends (\(until)) on or before it begins (\(from))" }
        return nil
    }
}

extension Participant {
    /// The days the participant is in the program: `joined_on` to `left_on`.
    public var membership: DaySpan { DaySpan(from: joinedOn, until: leftOn) }

    /// Whether they have left the program by `now` (their `left_on` has begun): someone who left
    /// is never listed at risk.
    public func hasLeft(by now: Date, in timeZone: TimeZone) -> Bool {
        leftOn.map { $0.start(in: timeZone) <= now } ?? false
    }

    /// Active and not left by `now`: someone the program still counts (its pages, its digests).
    public func isInProgram(at now: Date, in timeZone: TimeZone) -> Bool {
        isActive && !hasLeft(by: now, in: timeZone)
    }
}

extension GroupMember {
    /// The days of this membership: `from` to `until`.
    public var span: DaySpan { DaySpan(from: from, until: until) }
}

extension MentoringGroup {
    /// The member rows holding a session that starts at `startsAt`, each participant once (the
    /// first row's role kept). Who of them counts is `MembershipTimeline`'s rule.
    public func members(at startsAt: Date, timeZone: TimeZone) -> [GroupMember] {
        var listed = Set<String>()
        return members.filter { member in
            member.span.instants(in: timeZone).contains(startsAt) && listed.insert(member.participantID).inserted
        }
    }
}

/// Who belonged to which group when, every day already turned into an instant of the program's
/// time zone: the one rule for "a member of that time" (a member row whose days hold the
/// session's start, of a known participant whose `joined_on`–`left_on` days hold it too), and of
/// them the expected ones (the active). The export, the tally, the kiosk's counts and the hub's
/// excusals ask it; `EngagementMetrics` applies the same spans to its indexed program.
public struct MembershipTimeline: Sendable {
    /// A member row: who, in which role, and when a session may start for it to count.
    public struct Seat: Sendable {
        public var participant: Participant
        public var role: MemberRole
        public var span: Range<Date>
    }

    private var seats: [String: [Seat]] = [:]

    /// - Parameters:
    ///   - groups: the groups whose sessions will be asked about.
    ///   - participants: everyone who may be a member; rows of anyone else are left out.
    public init(groups: some Sequence<MentoringGroup>, participants: [String: Participant], timeZone: TimeZone) {
        for group in groups where seats[group.id] == nil {
            seats[group.id] = group.members.compactMap { member in
                guard let person = participants[member.participantID] else { return nil }
                return Seat(
                    participant: person, role: member.role,
                    span: member.span.instants(in: timeZone).clamped(to: person.membership.instants(in: timeZone)))
            }
        }
    }

    /// The members of `session`'s group at its start, each person once (the first row's role).
    public func members(of session: Session) -> [Seat] {
        guard let groupID = session.groupID else { return [] }
        var listed = Set<String>()
        return (seats[groupID] ?? []).filter { $0.span.contains(session.startsAt) && listed.insert($0.participant.id).inserted }
    }

    /// Those of them who are expected: the active ones.
    public func expected(at session: Session) -> [Seat] {
        members(of: session).filter(\.participant.isActive)
    }
}

/// A facilitator's or admin's note that an expected member sent apologies for a session: the
/// row is `excused`, outside the attendance rate's denominator, and neither breaks nor extends
/// an at-risk streak. An arrival at the session counts over it.
public struct Excusal: Sendable, Equatable, Hashable, Codable {
    public var participantID: String
    public var sessionID: String
    public var reason: String?
    /// The facilitator (kiosk) or admin account (hub) who excused them.
    public var excusedBy: String?

    public init(participantID: String, sessionID: String, reason: String? = nil, excusedBy: String? = nil) {
        self.participantID = participantID
        self.sessionID = sessionID
        self.reason = reason
        self.excusedBy = excusedBy
    }

    /// Who and which session only: what a kiosk is told (a reason may be personal, and the lobby
    /// screen needs none).
    public var withoutDetails: Excusal { Excusal(participantID: participantID, sessionID: sessionID) }
}

/// Why a session cannot be cancelled. Only a session that has not started can be: once people
/// may have checked in, its attendance is a fact (a facilitator closes it instead).
public enum SessionCancelRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case unknown(String)
    case started(Session)
    case closed(Session)
    /// People checked in already (the window opens before the start).
    case attended(Session)

    /// The one rule, for kiosk and hub alike: nil when `session` may be cancelled at `now`
    /// (cancelling a cancelled session again changes nothing, and is no error).
    /// - Parameter attended: whether anyone checked in to it.
    public static func refusal(_ session: Session, at now: Date, attended: Bool = false) -> SessionCancelRefusal? {
        if session.status == .cancelled { return nil }
        if session.startsAt <= now { return .started(session) }
        if session.status != .scheduled { return .closed(session) }
        if attended { return .attended(session) }
        return nil
    }

    public var description: String {
        switch self {
        case .unknown(let id): "no session has the id \(id)"
        case .started(let session): "session \(session.id) has started (\(session.startsAt)): only a session that has not started can be cancelled"
        case .closed(let session): "session \(session.id) was closed: only a scheduled session can be cancelled"
        case .attended(let session): "session \(session.id) has check-ins: a session people came to cannot be cancelled"
        }
    }
}

/// Why a session cannot be moved to another time. Only a session whose check-in has not
/// opened can be moved: once it opened, people may have checked in at the old time, and their
/// arrivals would be judged against the new one.
public enum SessionRescheduleRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case unknown(String)
    case notScheduled(Session)
    case checkInOpened(Session, opened: Date)
    case endsBeforeStart
    case inThePast

    /// The one rule: nil when `session` may be moved to `startsAt..<endsAt` at `now`, its
    /// check-in opening `opensBeforeMinutes` before its start.
    public static func refusal(_ session: Session, startsAt: Date, endsAt: Date, at now: Date, opensBeforeMinutes: Int) -> SessionRescheduleRefusal? {
        guard session.status == .scheduled else { return .notScheduled(session) }
        let opened = session.startsAt.addingTimeInterval(-Double(opensBeforeMinutes) * 60)
        if opened <= now { return .checkInOpened(session, opened: opened) }
        guard endsAt > startsAt else { return .endsBeforeStart }
        guard startsAt.addingTimeInterval(-Double(opensBeforeMinutes) * 60) > now else { return .inThePast }
        return nil
    }

    public var description: String {
        switch self {
        case .unknown(let id): "no session has the id \(id)"
        case .notScheduled(let session): "session \(session.id) is \(session.status.rawValue): only a scheduled session can be moved"
        case .checkInOpened(let session, let opened):
            "the check-in of session \(session.id) opened at \(opened): people may have checked in already, so it cannot be moved"
        case .endsBeforeStart: "the new end must come after the new start"
        case .inThePast: "the new time must leave the check-in still to open: choose a later start"
        }
    }
}
