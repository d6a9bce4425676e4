import Foundation
import KioskCore
import Synchronization

/// The wire types of the kiosk ⇄ hub API (`/v1`), shared by both sides so they cannot drift;
/// `api/openapi.yaml` documents the same shapes. JSON keys are snake_case (see `HubJSON`).
public enum HubAPI {
    public static let version = "v1"
    /// Pushes larger than this are refused with 413 (a batch is at most `maximumBatch` events).
    public static let maximumBodyBytes = 8 << 20
    public static let maximumBatch = 2000
}

/// `POST /v1/enroll`: a kiosk exchanges its one-time enrollment code for a device token.
public struct EnrollRequest: Codable, Sendable, Equatable {
    public var code: String
    /// The kiosk's newest event number. A hub holding more of this kiosk id's events refuses the
    /// code (409, the code stays usable): the kiosk's database is not the one that sent them,
    /// and its events would reuse their numbers. Absent (an older kiosk): not checked.
    public var lastSequence: Int64?
    /// The kiosk replaces one whose database was lost (`enroll --replace`): it continues after
    /// the hub's cursor and takes its recent events back, so the check above does not apply.
    public var replace: Bool?

    public init(code: String, lastSequence: Int64? = nil, replace: Bool? = nil) {
        self.code = code
        self.lastSequence = lastSequence
        self.replace = replace
    }
}

/// What an enrolled kiosk keeps: who it is, where it stands, its token, and the program's
/// badge secret (so the badges it hashes match the directory's hashes).
public struct EnrollResponse: Codable, Sendable, Equatable {
    public var kioskID: String
    public var location: String
    public var token: String
    /// Base64 of the 32-byte HMAC secret the hub hashed the badges with.
    public var badgeSecret: String
    /// How far the hub holds this kiosk id's events (0: none yet). Absent from an older hub.
    public var acknowledgedThrough: Int64?

    public init(kioskID: String, location: String, token: String, badgeSecret: String, acknowledgedThrough: Int64? = nil) {
        self.kioskID = kioskID
        self.location = location
        self.token = token
        self.badgeSecret = badgeSecret
        self.acknowledgedThrough = acknowledgedThrough
    }
}

/// One kiosk event on the wire: exactly the kiosk's event row.
public struct WireEvent: Codable, Sendable, Equatable {
    public var seq: Int64
    public var id: String
    public var kind: String
    public var participantID: String?
    public var sessionID: String?
    public var actorID: String?
    public var wallTime: Date
    public var monotonicNs: Int64
    public var clockTrusted: Bool
    public var status: String?
    public var durationSeconds: Double?
    public var rating: Int?
    public var undoesSeq: Int64?
    public var viaBadge: Bool?
    public var effectiveAt: Date?
    public var badgeHash: String?
    public var note: String?

    public init(
        seq: Int64, id: String, kind: String, participantID: String?, sessionID: String?, actorID: String?, wallTime: Date,
        monotonicNs: Int64, clockTrusted: Bool, status: String?, durationSeconds: Double?, rating: Int?, undoesSeq: Int64?,
        viaBadge: Bool?, effectiveAt: Date?, badgeHash: String?, note: String?
    ) {
        self.seq = seq
        self.id = id
        self.kind = kind
        self.participantID = participantID
        self.sessionID = sessionID
        self.actorID = actorID
        self.wallTime = wallTime
        self.monotonicNs = monotonicNs
        self.clockTrusted = clockTrusted
        self.status = status
        self.durationSeconds = durationSeconds
        self.rating = rating
        self.undoesSeq = undoesSeq
        self.viaBadge = viaBadge
        self.effectiveAt = effectiveAt
        self.badgeHash = badgeHash
        self.note = note
    }

    public init(_ event: RecordedEvent) {
        let draft = event.draft
        let details = draft.details
        seq = event.sequence
        id = draft.id.uuidString.lowercased()
        kind = draft.kind.rawValue
        participantID = draft.participantID
        sessionID = draft.sessionID
        actorID = draft.actorID
        wallTime = draft.clock.wall
        monotonicNs = Int64(clamping: draft.clock.monotonicNanoseconds)
        clockTrusted = draft.clock.isTrusted
        status = details.status?.rawValue
        durationSeconds = details.durationSeconds
        rating = details.rating
        undoesSeq = details.undoesSequence
        viaBadge = details.viaBadge
        effectiveAt = details.effectiveAt
        badgeHash = details.badgeHash
        note = details.note
    }

    /// This event with every erased id it carries (`pseudonyms`, by id) replaced by its
    /// pseudonym, and what it held about that person alone dropped: a badge link's badge, an
    /// excuse's reason. What the hub does to an event a kiosk sends after an erasure.
    public func pseudonymised(_ pseudonyms: [String: String]) -> WireEvent {
        guard !pseudonyms.isEmpty else { return self }
        var event = self
        if let id = participantID, let pseudonym = pseudonyms[id] {
            event.participantID = pseudonym
            if kind == KioskEventKind.badgeLink.rawValue { event.badgeHash = nil }
            if kind == KioskEventKind.excuse.rawValue { event.note = nil }
        }
        if let id = actorID, let pseudonym = pseudonyms[id] { event.actorID = pseudonym }
        return event
    }

    /// Times a kiosk can have written (a clock that is wrong by decades is a broken event).
    static let plausibleTimes = Date(timeIntervalSince1970: 946_684_800)...Date(timeIntervalSince1970: 4_102_444_800)

    /// The longest each string field may be, in Unicode code points (as `api/openapi.yaml`'s
    /// maxLength counts): a push with a longer one is refused as a whole (400), nothing stored.
    public static let maximumLengths: KeyValuePairs<String, Int> = [
        "id": 36, "kind": 32, "participant_id": maximumIDLength, "session_id": maximumIDLength, "actor_id": maximumIDLength,
        "status": 32, "badge_hash": 64, "note": 1_000,
    ]
    public static let maximumIDLength = ProgramID.maximumLength

    /// The string fields' values, in the order of `maximumLengths`.
    var strings: [String?] { [id, kind, participantID, sessionID, actorID, status, badgeHash, note] }

    /// Which field is over its documented bounds (nil: none), named as the JSON names it: too
    /// long, or holding a control character (no kiosk writes one; on an admin's terminal it
    /// could rewrite the screen). Unlike `problem`, this refuses the whole push.
    public var outOfBounds: String? {
        for ((name, limit), value) in zip(Self.maximumLengths, strings) {
            guard let value else { continue }
            let length = value.unicodeScalars.count
            if length > limit { return "\(name) is \(length) characters long; at most \(limit) are allowed" }
            if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { return "\(name) holds a control character" }
        }
        return nil
    }

    /// Why the hub cannot take this event as it is (nil: it can). Such an event is kept as
    /// rejected, with this reason, and can be retried: a roster of an older release may hold ids
    /// outside today's rule, and one event must not hold back a kiosk's whole queue.
    public var problem: String? {
        if seq < 1 { return "seq must be 1 or more" }
        if UUID(uuidString: id) == nil { return "id is not a UUID" }
        if KioskEventKind(rawValue: kind) == nil { return "unknown kind \"\(kind)\"" }
        if let status, AttendanceStatus(rawValue: status) == nil { return "unknown status \"\(status)\"" }
        for (name, value) in [("participant_id", participantID), ("session_id", sessionID), ("actor_id", actorID)] {
            if let value, !ProgramID.isValid(value) { return "\(name) must be 1–64 letters, digits, '.', '_' or '-'" }
        }
        if let badgeHash, badgeHash.utf8.count != 64 || !badgeHash.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) {
            return "badge_hash must be 64 lowercase hexadecimal digits"
        }
        if let rating, !(1...4).contains(rating) { return "rating must be 1–4" }
        if let durationSeconds, durationSeconds < 0 || !durationSeconds.isFinite { return "duration_seconds must be 0 or more" }
        if !Self.plausibleTimes.contains(wallTime) { return "wall_time is outside 2000–2100" }
        if let effectiveAt, !Self.plausibleTimes.contains(effectiveAt) { return "effective_at is outside 2000–2100" }
        return nil
    }
}

/// `POST /v1/events`: events after the kiosk's last acknowledged sequence number, in order.
public struct EventBatch: Codable, Sendable, Equatable {
    public var events: [WireEvent]

    public init(events: [WireEvent]) { self.events = events }
}

/// `GET /v1/events`: one page of the events the hub holds from the asking kiosk, recorded in
/// the last `recentDays` days (by the hub's clock), in sequence order after `after`, with every
/// badge it linked. A kiosk set up again after its
/// database was lost (`enroll --replace`) takes them back, so its tally, duplicate checks,
/// check-outs and linked badges work at once.
public struct KioskHistory: Codable, Sendable, Equatable {
    /// The events this page holds; fewer than the page's limit: the last page.
    public var events: [WireEvent]
    /// How far the hub holds this kiosk's events, past those it kept apart as rejected: the
    /// kiosk numbers its next events after it.
    public var acknowledgedThrough: Int64

    public init(events: [WireEvent], acknowledgedThrough: Int64) {
        self.events = events
        self.acknowledgedThrough = acknowledgedThrough
    }

    /// How far back the hub returns events: the sessions a kiosk serves (from a day back,
    /// `Directory.servedWindow`), a day longer for a session that ran over midnight.
    public static let recentDays = 2
    /// The most events one page carries.
    public static let pageLimit = 2_000
    /// The most events a kiosk takes back in all (a hub sending more is not trusted): two days
    /// of a busy kiosk are a few thousand.
    public static let maximumEvents = 200_000
}

/// The hub's answer to a push. The kiosk advances its cursor to `acknowledgedThrough`: every
/// event up to it is stored (now or by an earlier push) or kept as rejected.
public struct PushReceipt: Codable, Sendable, Equatable {
    public var acknowledgedThrough: Int64
    public var stored: Int
    public var duplicates: Int
    public var rejected: [RejectedEvent]

    public init(acknowledgedThrough: Int64, stored: Int, duplicates: Int, rejected: [RejectedEvent]) {
        self.acknowledgedThrough = acknowledgedThrough
        self.stored = stored
        self.duplicates = duplicates
        self.rejected = rejected
    }
}

/// An event the hub could not take; the hub keeps it in its quarantine and the kiosk shows it.
public struct RejectedEvent: Codable, Sendable, Equatable {
    public var seq: Int64
    public var reason: String

    public init(seq: Int64, reason: String) {
        self.seq = seq
        self.reason = reason
    }
}

/// `GET /v1/directory`: what a kiosk needs to work offline at its location.
public struct Directory: Codable, Sendable, Equatable {
    /// Changes whenever anything in the directory changes; sent back as `If-None-Match`.
    public var version: String
    public var location: String
    public var participants: [DirectoryParticipant]
    public var groups: [MentoringGroup]
    public var sessions: [Session]
    /// The program's check-in rules; absent when the hub's admin set none (each kiosk then
    /// keeps its kiosk.toml's).
    public var settings: ProgramSettings?
    /// The program's time zone (IANA), in which its days begin; absent when the admin set none.
    /// `mentor-kiosk doctor` warns when kiosk.toml's `time_zone` differs.
    public var timeZone: String?
    /// Who is excused from the directory's sessions (by an admin, or at any kiosk), so a kiosk
    /// counts them as the hub does; absent from hubs of older releases.
    public var excusals: [Excusal]?
    /// The participants erased at the hub, by salted digest: a kiosk that holds one of those ids
    /// replaces it with the pseudonym (`KioskStore.erase`); absent while none was erased.
    public var erasures: ErasureLedger?

    public init(
        version: String, location: String, participants: [DirectoryParticipant], groups: [MentoringGroup], sessions: [Session],
        settings: ProgramSettings? = nil, timeZone: String? = nil, excusals: [Excusal]? = nil, erasures: ErasureLedger? = nil
    ) {
        self.erasures = erasures
        self.timeZone = timeZone
        self.excusals = excusals
        self.version = version
        self.location = location
        self.participants = participants
        self.groups = groups
        self.sessions = sessions
        self.settings = settings
    }
}

public struct DirectoryParticipant: Codable, Sendable, Equatable {
    public var participant: Participant
    /// HMAC-SHA256 hashes (hex) of the participant's badges; never a badge code.
    public var badgeHashes: [String]

    public init(participant: Participant, badgeHashes: [String]) {
        self.participant = participant
        self.badgeHashes = badgeHashes
    }
}

/// `POST /v1/status`: how a kiosk is doing, for the admin's kiosk list.
public struct KioskStatusReport: Codable, Sendable, Equatable {
    public var lastSequence: Int64
    public var queueLength: Int
    public var rejected: Int
    public var clockTrusted: Bool
    public var softwareVersion: String

    /// The longest software version the hub keeps.
    public static let maximumVersionLength = 64

    /// Why the hub refuses this report (nil: it takes it): counts below zero, or a version that
    /// is not 1–64 printable ASCII characters (the admin's pages show it).
    public var problem: String? {
        if lastSequence < 0 || queueLength < 0 || rejected < 0 { return "last_sequence, queue_length and rejected are 0 or more" }
        guard !softwareVersion.isEmpty, softwareVersion.utf8.count <= Self.maximumVersionLength,
              softwareVersion.utf8.allSatisfy({ (0x20...0x7E).contains($0) })
        else { return "software_version must be 1–\(Self.maximumVersionLength) printable ASCII characters" }
        return nil
    }

    public init(lastSequence: Int64, queueLength: Int, rejected: Int, clockTrusted: Bool, softwareVersion: String) {
        self.lastSequence = lastSequence
        self.queueLength = queueLength
        self.rejected = rejected
        self.clockTrusted = clockTrusted
        self.softwareVersion = softwareVersion
    }
}

/// Every error answer: a machine code and a sentence for the person reading the log.
public struct APIErrorBody: Codable, Sendable, Equatable {
    public var error: String
    public var message: String
    /// With `sequence_gap` or `replacement`: the hub has this kiosk's events up to here.
    public var acknowledgedThrough: Int64?

    public init(error: String, message: String, acknowledgedThrough: Int64? = nil) {
        self.error = error
        self.message = message
        self.acknowledgedThrough = acknowledgedThrough
    }
}

/// The one JSON dialect of the API: snake_case keys, ISO 8601 times with milliseconds.
/// Swift names spell identifiers `ID` (`participantID`); Foundation's own snake_case decoding
/// would look for `participantId`, so keys are decoded by `camelCase(_:)`, which gives `ID`.
public enum HubJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(text(date))
        }
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in SnakeCaseKey(cachedCamelCase(path.last!.stringValue)) }
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? timeFormat.parse(text) { return date }
            if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an ISO 8601 time, found \"\(text)\"")
        }
        return decoder
    }

    static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// A time to the nearest millisecond. The format style truncates, and a millisecond time
    /// read back from a database is often a hair below its value as a Double (.123 as
    /// .12299999): truncated, it would lose a millisecond on every trip.
    public static func text(_ date: Date) -> String {
        date.addingTimeInterval(0.0005).formatted(timeFormat)
    }

    /// The API has a few dozen keys and a push repeats them for every event: convert each once.
    private static let camelCases = Mutex<[String: String]>([:])

    static func cachedCamelCase(_ key: String) -> String {
        camelCases.withLock { cache in
            if let known = cache[key] { return known }
            let converted = camelCase(key)
            if cache.count < 1024 { cache[key] = converted }
            return converted
        }
    }

    /// "participant_id" → "participantID", "monotonic_ns" → "monotonicNs", "id" → "id".
    public static func camelCase(_ key: String) -> String {
        let parts = key.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count > 1 else { return key }
        return String(parts[0]) + parts.dropFirst().map { $0 == "id" ? "ID" : $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    struct SnakeCaseKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// The hub's event export: one JSON object per line, the event's fields plus `kiosk_id`.
public struct HubJSONLines {
    private let encoder = HubJSON.encoder()

    public init() {}

    public func line(kioskID: String, event: WireEvent) throws -> String {
        let fields = try JSONSerialization.jsonObject(with: encoder.encode(event)) as? [String: Any] ?? [:]
        let line = try JSONSerialization.data(withJSONObject: fields.merging(["kiosk_id": kioskID]) { $1 }, options: [.sortedKeys])
        return String(decoding: line, as: UTF8.self)
    }
}

extension RecordedEvent {
    private static let unreadID = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    /// A stored wire event as the attendance projection reads it; nil for a kind this
    /// version does not know (the hub stores only known kinds).
    /// - Parameter keepingID: parse the event's id too; without, the id is all zeros (a replay
    ///   that only derives attendance does not need it, and parsing it, or making one, is most
    ///   of the conversion's cost).
    public init?(wire event: WireEvent, kioskID: String, keepingID: Bool = true) {
        guard let kind = KioskEventKind(rawValue: event.kind) else { return nil }
        self.init(
            sequence: event.seq,
            draft: EventDraft(
                id: keepingID ? UUID(uuidString: event.id) : Self.unreadID, kind: kind, participantID: event.participantID, sessionID: event.sessionID,
                actorID: event.actorID,
                clock: ClockReading(wall: event.wallTime, monotonicNanoseconds: UInt64(clamping: event.monotonicNs), isTrusted: event.clockTrusted),
                details: EventDetails(
                    status: event.status.flatMap(AttendanceStatus.init(rawValue:)), durationSeconds: event.durationSeconds, rating: event.rating,
                    undoesSequence: event.undoesSeq, viaBadge: event.viaBadge, effectiveAt: event.effectiveAt, badgeHash: event.badgeHash,
                    note: event.note)),
            kioskID: kioskID)
    }
}
