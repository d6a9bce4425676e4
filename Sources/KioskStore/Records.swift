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

    init(_ participant: Participant) {
        id = participant.id
        name = participant.name
        role = participant.role
        active = participant.isActive
    }

    var participant: Participant { Participant(id: id, name: name, role: role, isActive: active) }
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
    }

    var session: Session {
        Session(
            id: id, title: title, kind: kind, location: location, startsAt: startsAt, endsAt: endsAt,
            groupID: groupId, facilitatorID: facilitatorId, status: status)
    }
}

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
    var details: String

    init(_ draft: EventDraft, kioskID: String) throws {
        seq = nil
        id = draft.id.uuidString.lowercased()
        kioskId = kioskID
        kind = draft.kind
        participantId = draft.participantID
        sessionId = draft.sessionID
        actorId = draft.actorID
        wallTime = draft.clock.wall
        monotonicNs = Int64(clamping: draft.clock.monotonicNanoseconds)
        clockTrusted = draft.clock.isTrusted
        details = String(decoding: try Self.detailsEncoder.encode(draft.details), as: UTF8.self)
    }

    var recorded: RecordedEvent {
        get throws {
            let decoded = try JSONDecoder().decode(EventDetails.self, from: Data(details.utf8))
            let draft = EventDraft(
                id: UUID(uuidString: id), kind: kind, participantID: participantId, sessionID: sessionId,
                actorID: actorId,
                clock: ClockReading(wall: wallTime, monotonicNanoseconds: UInt64(max(0, monotonicNs)), isTrusted: clockTrusted),
                details: decoded)
            return RecordedEvent(sequence: seq ?? 0, draft: draft, kioskID: kioskId)
        }
    }

    private static let detailsEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()
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
