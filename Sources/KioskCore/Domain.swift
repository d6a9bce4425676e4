import Foundation

/// What a person does in the program; decides which kiosk actions they may take.
public enum Role: String, Sendable, Codable, CaseIterable {
    case mentee, mentor, facilitator, admin

    /// Facilitators and admins may check others in by hand and undo check-ins.
    public var maySupervise: Bool { self == .facilitator || self == .admin }
}

/// A person on the roster. Badges are kept elsewhere, and only as hashes.
public struct Participant: Sendable, Equatable, Hashable, Codable {
    public var id: String
    public var name: String
    public var role: Role
    public var isActive: Bool
    /// The intake the participant belongs to ("2026 autumn"), for reports on one cohort; nil
    /// when the program does not use cohorts.
    public var cohort: String?
    /// The first day they are expected at their groups' sessions (nil: from the start).
    public var joinedOn: ProgramDay?
    /// The day they left: they are expected only at sessions that start before it (nil: not left).
    public var leftOn: ProgramDay?
    /// The language the kiosk speaks to them in after a scan (nil: the kiosk's own).
    public var language: KioskLanguage?

    public init(
        id: String, name: String, role: Role, isActive: Bool = true, cohort: String? = nil, joinedOn: ProgramDay? = nil,
        leftOn: ProgramDay? = nil, language: KioskLanguage? = nil
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.isActive = isActive
        self.cohort = cohort
        self.joinedOn = joinedOn
        self.leftOn = leftOn
        self.language = language
    }
}

/// The two shapes of mentoring relationship a program runs.
public enum GroupKind: String, Sendable, Codable, CaseIterable {
    /// One mentor and one mentee; their joint attendance is a verified pair meeting.
    case pair
    /// Several mentors and mentees meeting together.
    case circle
}

/// A member's part in a group.
public enum MemberRole: String, Sendable, Codable, CaseIterable {
    case mentor, mentee, facilitator
}

/// A mentoring pair or circle: its members are the expected attendees of its sessions.
public struct MentoringGroup: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var kind: GroupKind
    public var members: [GroupMember]
    /// A pair's goal (goals.csv), which the goal-progress question is about.
    public var goal: PairGoal?

    public init(id: String, name: String, kind: GroupKind, members: [GroupMember], goal: PairGoal? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.members = members
        self.goal = goal
    }
}

/// What a pair works towards (a row of goals.csv). The kiosk's screen says only "your goal"
/// unless the program shows goal texts (`show_goal_text`); only then do kiosks receive them.
public struct PairGoal: Sendable, Equatable, Codable {
    public var text: String
    /// The day it should be reached by, if the program set one.
    public var targetOn: ProgramDay?

    public init(text: String, targetOn: ProgramDay? = nil) {
        self.text = text
        self.targetOn = targetOn
    }
}

/// One participant's membership of a group, for a span of days: re-matching a pair ends one
/// row (`until`) and begins another (`from`), and the sessions before keep their members.
public struct GroupMember: Sendable, Equatable, Hashable, Codable {
    public var participantID: String
    public var role: MemberRole
    /// The first day of the membership (nil: from the start).
    public var from: ProgramDay?
    /// The day it ended, not included (nil: still a member).
    public var until: ProgramDay?

    public init(participantID: String, role: MemberRole, from: ProgramDay? = nil, until: ProgramDay? = nil) {
        self.participantID = participantID
        self.role = role
        self.from = from
        self.until = until
    }
}

/// The formats a program runs sessions in.
public enum SessionKind: String, Sendable, Codable, CaseIterable {
    case oneOnOne = "one_on_one"
    case group
    case workshop
    case lunchAndLearn = "lunch_and_learn"
    case feedbackCircle = "feedback_circle"
    case networking
    case other

    /// Accepts the spellings people type in spreadsheets: `one-on-one`, `One on one`, `one_on_one`.
    public init?(lenient text: String) {
        let key = text.trimmingCharacters(in: .whitespaces).lowercased()
            .replacingOccurrences(of: "-", with: "_")
            .replacingOccurrences(of: " ", with: "_")
        self.init(rawValue: key)
    }
}

/// Whether a session still takes check-ins.
public enum SessionStatus: String, Sendable, Codable, CaseIterable {
    case scheduled
    /// Closed early by a facilitator: no more check-ins, open attendances are checked out.
    case closed
    case cancelled
}

/// A scheduled meeting at one location that participants check in to.
public struct Session: Sendable, Equatable, Hashable, Codable {
    public var id: String
    public var title: String
    public var kind: SessionKind
    public var location: String
    public var startsAt: Date
    public var endsAt: Date
    public var groupID: String?
    public var facilitatorID: String?
    public var status: SessionStatus
    /// Why it was cancelled, when someone said (the admin's `--reason`, a facilitator's note).
    public var cancelReason: String?

    public init(
        id: String, title: String, kind: SessionKind, location: String,
        startsAt: Date, endsAt: Date, groupID: String? = nil, facilitatorID: String? = nil,
        status: SessionStatus = .scheduled, cancelReason: String? = nil
    ) {
        self.cancelReason = cancelReason
        self.id = id
        self.title = title
        self.kind = kind
        self.location = location
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.groupID = groupID
        self.facilitatorID = facilitatorID
        self.status = status
    }
}

extension Session {
    /// The ad-hoc session a kiosk's `session_open` event started (it carries the session's end
    /// and title): nil for any other event, or one without its end.
    public init?(openedBy event: RecordedEvent, location: String) {
        let draft = event.draft
        guard draft.kind == .sessionOpen, let id = draft.sessionID, let end = draft.details.effectiveAt else { return nil }
        self.init(
            id: id, title: draft.details.note ?? "Ad-hoc session", kind: .other, location: location,
            startsAt: draft.clock.wall, endsAt: end, facilitatorID: draft.actorID)
    }
}

/// How a participant's arrival is classified.
public enum AttendanceStatus: String, Sendable, Codable, CaseIterable {
    case onTime = "on_time"
    case late
    /// Checked in by a facilitator (forgotten badge and the like).
    case manual
}

/// How an attendance ended.
public enum CheckOutKind: String, Sendable, Codable, CaseIterable {
    /// The participant badged out.
    case badge
    /// Nobody badged out; the kiosk closed the attendance at the session's end.
    case auto
}

/// One participant's presence at one session, derived from the event log.
public struct Attendance: Sendable, Equatable, Codable {
    public var participantID: String
    public var sessionID: String
    public var status: AttendanceStatus
    public var checkedInAt: Date
    public var checkedOutAt: Date?
    public var checkOutKind: CheckOutKind?
    public var rating: Int?
    public var hasRated: Bool
    public var clockTrusted: Bool
    public var kioskID: String

    public init(
        participantID: String, sessionID: String, status: AttendanceStatus, checkedInAt: Date,
        checkedOutAt: Date? = nil, checkOutKind: CheckOutKind? = nil, rating: Int? = nil,
        hasRated: Bool = false, clockTrusted: Bool = true, kioskID: String
    ) {
        self.participantID = participantID
        self.sessionID = sessionID
        self.status = status
        self.checkedInAt = checkedInAt
        self.checkedOutAt = checkedOutAt
        self.checkOutKind = checkOutKind
        self.rating = rating
        self.hasRated = hasRated
        self.clockTrusted = clockTrusted
        self.kioskID = kioskID
    }

    public var isCheckedOut: Bool { checkedOutAt != nil }

    /// Time spent in the session, once checked out.
    public var duration: TimeInterval? {
        checkedOutAt.map { max(0, $0.timeIntervalSince(checkedInAt)) }
    }

    /// Time spent in whole seconds, as exports and reports count it.
    public var durationSeconds: Int? {
        duration.map { Self.wholeSeconds(milliseconds: Int64(($0 * 1000).rounded())) }
    }

    /// Milliseconds to whole seconds, half up: the one rounding for every path that counts
    /// durations (a database can give milliseconds without making dates first).
    public static func wholeSeconds(milliseconds: Int64) -> Int {
        Int((max(0, milliseconds) + 500) / 1000)
    }
}

/// The longest free text of the program (a name, a title, a location): what program files
/// accept, and what the hub accepts for a kiosk's location.
public enum ProgramText {
    public static let maximumLength = 200

    /// Why `text` cannot be a program text such as a reason (nil: it can): too long, or holding
    /// a control character.
    public static func problem(_ text: String, field: String) -> String? {
        if text.count > maximumLength { return "\(field) is longer than \(maximumLength) characters" }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { return "\(field) contains a control character" }
        return nil
    }
}

/// The one rule for the ids of participants, groups, sessions and kiosks: 1–64 ASCII letters,
/// digits, '.', '_' or '-'. Program files refuse others, and the hub refuses a push naming one.
public enum ProgramID {
    public static let maximumLength = 64
    /// Ad-hoc sessions, which kiosks open, have ids of their own: the schedule cannot hold one,
    /// so a kiosk cannot open (and fill) a session before the admin schedules it.
    public static let adHocSessionPrefix = "ADHOC-"

    public static func isAdHocSession(_ id: String) -> Bool { id.hasPrefix(adHocSessionPrefix) }

    public static func isValid(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= maximumLength && text.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
    }
}
