import Foundation
import GRDB
import KioskCore

/// Records map one table each (GRDB's convention); domain types stay free of GRDB.
protocol SnakeCaseRecord: Codable, FetchableRecord, PersistableRecord {}

extension SnakeCaseRecord {
    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}

struct ParticipantRecord: SnakeCaseRecord {
    static let databaseTableName = "participant"
    var id: String
    var name: String
    var role: Role
    var active: Bool
    var cohort: String?
    var joinedOn: ProgramDay?
    var leftOn: ProgramDay?
    var language: String?

    init(_ participant: Participant) {
        id = participant.id
        name = participant.name
        role = participant.role
        active = participant.isActive
        cohort = participant.cohort
        joinedOn = participant.joinedOn
        leftOn = participant.leftOn
        language = participant.language?.rawValue
    }

    var participant: Participant {
        Participant(
            id: id, name: name, role: role, isActive: active, cohort: cohort, joinedOn: joinedOn, leftOn: leftOn,
            language: language.flatMap(KioskLanguage.init(rawValue:)))
    }

    /// Decodes by column name without Codable: this runs on every scan.
    init(row: Row) throws {
        id = row["id"]
        name = row["name"]
        role = row["role"]
        active = row["active"]
        cohort = row["cohort"]
        joinedOn = row["joined_on"]
        leftOn = row["left_on"]
        language = row["language"]
    }
}

struct BadgeRecord: SnakeCaseRecord {
    static let databaseTableName = "badge"
    var hash: String
    var participantId: String
}

struct GroupRecord: SnakeCaseRecord {
    static let databaseTableName = "mentoring_group"
    var id: String
    var name: String
    var kind: GroupKind
}

struct GroupMemberRecord: SnakeCaseRecord {
    static let databaseTableName = "group_member"
    var groupId: String
    var participantId: String
    var role: MemberRole
    var fromDay: ProgramDay?
    var untilDay: ProgramDay?

    init(groupID: String, _ member: GroupMember) {
        groupId = groupID
        participantId = member.participantID
        role = member.role
        fromDay = member.from
        untilDay = member.until
    }

    var member: GroupMember { GroupMember(participantID: participantId, role: role, from: fromDay, until: untilDay) }
}

struct SessionRecord: SnakeCaseRecord {
    static let databaseTableName = "session"
    var id: String
    var title: String
    var kind: SessionKind
    var location: String
    var startsAt: Date
    var endsAt: Date
    var groupId: String?
    var facilitatorId: String?
    var status: SessionStatus
    var cancelReason: String?

    init(_ session: Session) {
        id = session.id
        title = session.title
        kind = session.kind
        location = session.location
        startsAt = session.startsAt
        endsAt = session.endsAt
        groupId = session.groupID
        facilitatorId = session.facilitatorID
        status = session.status
        cancelReason = session.cancelReason
    }

    init(row: Row) throws {
        id = row["id"]
        title = row["title"]
        kind = row["kind"]
        location = row["location"]
        startsAt = row["starts_at"]
        endsAt = row["ends_at"]
        groupId = row["group_id"]
        facilitatorId = row["facilitator_id"]
        status = row["status"]
        cancelReason = row["cancel_reason"]
    }

    var session: Session {
        Session(
            id: id, title: title, kind: kind, location: location, startsAt: startsAt, endsAt: endsAt,
            groupID: groupId, facilitatorID: facilitatorId, status: status, cancelReason: cancelReason)
    }
}

/// One event. The kind-specific details are typed, nullable columns (not a JSON blob), so
/// metrics can query ratings and durations directly and writing one costs no encoder.
struct EventRecord: SnakeCaseRecord {
    static let databaseTableName = "event"
    var seq: Int64?
    var id: String
    var kioskId: String
    var kind: KioskEventKind
    var participantId: String?
    var sessionId: String?
    var actorId: String?
    var wallTime: Date
    var monotonicNs: Int64
    var clockTrusted: Bool
    var status: AttendanceStatus?
    var durationSeconds: Double?
    var rating: Int?
    var undoesSeq: Int64?
    var viaBadge: Bool?
    var effectiveAt: Date?
    var badgeHash: String?
    var note: String?

    static let insertSQL = """
        INSERT INTO event (id, kiosk_id, kind, participant_id, session_id, actor_id, wall_time, monotonic_ns,
                           clock_trusted, status, duration_seconds, rating, undoes_seq, via_badge, effective_at,
                           badge_hash, note)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// `insertSQL` with the event's number given first: an event taken back from the hub.
    static let insertKeepingSequenceSQL = """
        INSERT INTO event (seq, id, kiosk_id, kind, participant_id, session_id, actor_id, wall_time, monotonic_ns,
                           clock_trusted, status, duration_seconds, rating, undoes_seq, via_badge, effective_at,
                           badge_hash, note)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// The arguments of `insertSQL` for `draft`, times in the database's text form.
    static func insertArguments(_ draft: EventDraft, kioskID: String) -> StatementArguments {
        let details = draft.details
        return [
            draft.id.uuidString.lowercased(), kioskID, draft.kind, draft.participantID, draft.sessionID, draft.actorID,
            DatabaseTime.text(draft.clock.wall), Int64(clamping: draft.clock.monotonicNanoseconds), draft.clock.isTrusted,
            details.status, details.durationSeconds, details.rating, details.undoesSequence, details.viaBadge,
            details.effectiveAt.map(DatabaseTime.text), details.badgeHash, details.note,
        ]
    }

    var recorded: RecordedEvent {
        let draft = EventDraft(
            id: UUID(uuidString: id), kind: kind, participantID: participantId, sessionID: sessionId, actorID: actorId,
            clock: ClockReading(wall: wallTime, monotonicNanoseconds: UInt64(max(0, monotonicNs)), isTrusted: clockTrusted),
            details: EventDetails(
                status: status, durationSeconds: durationSeconds, rating: rating, undoesSequence: undoesSeq,
                viaBadge: viaBadge, effectiveAt: effectiveAt, badgeHash: badgeHash, note: note))
        return RecordedEvent(sequence: seq ?? 0, draft: draft, kioskID: kioskId)
    }
}

struct AttendanceRecord: SnakeCaseRecord {
    static let databaseTableName = "attendance"
    var participantId: String
    var sessionId: String
    var status: AttendanceStatus
    var checkedInAt: Date
    var checkInSeq: Int64
    var checkedOutAt: Date?
    var checkOutKind: CheckOutKind?
    var rating: Int?
    var hasRated: Bool
    var clockTrusted: Bool
    var kioskId: String

    init(row: Row) throws {
        participantId = row["participant_id"]
        sessionId = row["session_id"]
        status = row["status"]
        checkedInAt = row["checked_in_at"]
        checkInSeq = row["check_in_seq"]
        checkedOutAt = row["checked_out_at"]
        checkOutKind = row["check_out_kind"]
        rating = row["rating"]
        hasRated = row["has_rated"]
        clockTrusted = row["clock_trusted"]
        kioskId = row["kiosk_id"]
    }

    var attendance: Attendance {
        Attendance(
            participantID: participantId, sessionID: sessionId, status: status, checkedInAt: checkedInAt,
            checkedOutAt: checkedOutAt, checkOutKind: checkOutKind, rating: rating, hasRated: hasRated,
            clockTrusted: clockTrusted, kioskID: kioskId)
    }
}

extension Role: DatabaseValueConvertible {}
extension GroupKind: DatabaseValueConvertible {}
extension MemberRole: DatabaseValueConvertible {}
extension SessionKind: DatabaseValueConvertible {}
extension SessionStatus: DatabaseValueConvertible {}
extension AttendanceStatus: DatabaseValueConvertible {}
extension CheckOutKind: DatabaseValueConvertible {}
extension KioskEventKind: DatabaseValueConvertible {}

/// Days are stored as their `YYYY-MM-DD` text, which sorts as the days do.
extension ProgramDay: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { description.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> ProgramDay? {
        String.fromDatabaseValue(dbValue).flatMap(ProgramDay.init)
    }
}
