import Foundation

/// Where in an imported file something was found, so an admin can fix line 12 of the CSV.
public struct SourcePosition: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    /// The column's header name, when the problem is in one field.
    public var column: String?

    public init(file: String, line: Int, column: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    public func column(_ name: String) -> SourcePosition {
        SourcePosition(file: file, line: line, column: name)
    }

    public var description: String {
        column.map { "\(file):\(line): column \($0)" } ?? "\(file):\(line)"
    }
}

/// A refused import: names the file, line and column. Nothing of the file was applied.
public struct ImportError: Error, Sendable, Equatable, CustomStringConvertible {
    public var position: SourcePosition
    public var message: String

    public init(_ position: SourcePosition, _ message: String) {
        self.position = position
        self.message = message
    }

    public var description: String { "\(position): \(message)" }
}

/// One participant read from `participants.csv`, badges already normalised and hashed.
public struct ParticipantEntry: Sendable, Equatable {
    public var participant: Participant
    public var badges: [BadgeHash]
    public var position: SourcePosition
    /// The participant's email address, for the hub's notifications; kept at the hub only, never
    /// sent to a kiosk. Nil with `emailGiven`: cleared.
    public var email: String?
    /// Whether the file has an `email` column: without one, the hub keeps the addresses it has.
    public var emailGiven: Bool

    public init(participant: Participant, badges: [BadgeHash], position: SourcePosition, email: String? = nil, emailGiven: Bool = false) {
        self.participant = participant
        self.badges = badges
        self.position = position
        self.email = email
        self.emailGiven = emailGiven
    }
}

/// One group read from `groups.csv`, with the position of each member's row.
public struct GroupEntry: Sendable, Equatable {
    public var group: MentoringGroup
    public var memberPositions: [SourcePosition]
    public var position: SourcePosition { memberPositions[0] }

    public init(group: MentoringGroup, memberPositions: [SourcePosition]) {
        self.group = group
        self.memberPositions = memberPositions
    }
}

/// One pair's goal read from `goals.csv`; nil (an empty goal) clears the pair's.
public struct GoalEntry: Sendable, Equatable {
    public var groupID: String
    public var goal: PairGoal?
    public var position: SourcePosition

    public init(groupID: String, goal: PairGoal?, position: SourcePosition) {
        self.groupID = groupID
        self.goal = goal
        self.position = position
    }
}

/// One session read from `sessions.csv`.
public struct SessionEntry: Sendable, Equatable {
    public var session: Session
    public var position: SourcePosition
    /// Whether the row set the session's status; without one, an existing session keeps its own.
    public var statusGiven: Bool

    public init(session: Session, position: SourcePosition, statusGiven: Bool = false) {
        self.session = session
        self.position = position
        self.statusGiven = statusGiven
    }
}

/// One program file, read and validated, ready to import as a whole: what the hub's import
/// command and its upload page hand to the storage, to commit or only to preview.
public enum ProgramFile: Sendable, Equatable {
    case participants([ParticipantEntry])
    case groups([GroupEntry])
    case goals([GoalEntry])
    /// With a time: the sessions at the file's locations that start after it and are missing
    /// from the file are cancelled too.
    case sessions([SessionEntry], cancellingMissingAfter: Date?)

    /// The file's kind as the import command names it.
    public var kind: String {
        switch self {
        case .participants: "participants"
        case .groups: "groups"
        case .goals: "goals"
        case .sessions: "sessions"
        }
    }
}

/// Thrown inside an import's transaction to roll it back once its summary is known: a preview
/// runs every check the import runs, against the data as it is, and changes nothing.
public struct ImportPreviewRollback: Error, Sendable {
    public var summary: ImportSummary

    public init(_ summary: ImportSummary) { self.summary = summary }
}

/// What an import changed, for the admin's confirmation line.
public struct ImportSummary: Sendable, Equatable, CustomStringConvertible {
    public var inserted: Int
    public var updated: Int
    /// Sessions the import cancelled (by their `status`, or as missing from the file).
    public var cancelled: Int

    public init(inserted: Int = 0, updated: Int = 0, cancelled: Int = 0) {
        self.inserted = inserted
        self.updated = updated
        self.cancelled = cancelled
    }

    public var description: String { "\(inserted) added, \(updated) updated" + (cancelled > 0 ? ", \(cancelled) cancelled" : "") }
}

/// The program as a report sees it: participants, groups, and the sessions of a period.
public struct ProgramSnapshot: Sendable, Equatable {
    public var participants: [Participant]
    public var groups: [MentoringGroup]
    public var sessions: [Session]

    public init(participants: [Participant], groups: [MentoringGroup], sessions: [Session]) {
        self.participants = participants
        self.groups = groups
        self.sessions = sessions
    }
}
