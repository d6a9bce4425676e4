import Crypto
import Foundation
import HubProtocol
import KioskCore
import NIOCore

/// What the hub needs from its storage: kiosks and their credentials, idempotent ingest, the
/// stored events, the program (roster, groups, schedule), each location's directory, and the
/// accounts of the people using its web pages.
/// `HubStore` is the embedded SQLite back-end; `PostgresHubStore` (module HubPostgres) lets
/// several hub processes share one PostgreSQL database. Both pass the same contract tests.
public protocol HubStorage: AccountStorage, NoticeStorage {
    /// Adds a kiosk; returns its one-time enrollment code (only its hash is stored).
    func addKiosk(id: String, location: String, at now: Date) async throws -> String
    /// A new enrollment code; the current token works until the code is used.
    func rotateEnrollment(kioskID: String) async throws -> String
    /// Revokes a kiosk's token and any unused code.
    func revoke(kioskID: String) async throws
    /// Exchanges a code for a new device token. With `knownThrough` (the enrolling database's
    /// newest event), a kiosk whose events the hub holds past it is refused and the code stays.
    func enroll(code: String, knownThrough: Int64?, at now: Date) async throws -> EnrollmentOutcome
    /// The enrolled, unrevoked kiosk holding `token`.
    func kiosk(token: String) async throws -> AuthenticatedKiosk?
    func kiosks() async throws -> [KioskSummary]
    func recordStatus(kioskID: String, report: KioskStatusReport, at now: Date) async throws
    /// Stores a batch in one transaction, each (kiosk, seq) once.
    func ingest(kioskID: String, events: [WireEvent], at now: Date) async throws -> IngestResult
    /// Quarantined events (those still refused, or all), by kiosk and sequence number.
    func rejectedEvents(kioskID: String?, includingResolved: Bool) async throws -> [QuarantinedEvent]
    /// Judges quarantined events again (all still refused, or those with these ids) as a push
    /// would now, and stores those that pass: for after the roster or schedule was fixed.
    func retryRejected(ids: [Int64]?, at now: Date) async throws -> [RetryOutcome]
    /// Appends to the audit log (it is never changed).
    func audit(_ entry: AuditEntry) async throws
    /// The audit log, oldest first, from `since` on.
    func auditLog(since: Date?) async throws -> [AuditEntry]
    /// Stored events in (kiosk, seq) order (ids compared bytewise) strictly after `position`, of
    /// one kiosk or all, at most `limit`: one page of an export.
    func events(kioskID: String?, after position: EventPosition?, limit: Int) async throws -> [(kioskID: String, event: WireEvent)]
    /// The sessions a kiosk opened itself (`session_open`) in `from..<to`: not in the schedule,
    /// yet part of a report over that period.
    func sessionsOpened(from: Date, before to: Date) async throws -> [String]
    /// The events of these sessions: what their replay reads, however long the history.
    func events(ofSessions sessionIDs: [String]) async throws -> [(kioskID: String, event: WireEvent)]
    /// Each of these sessions' version — it grows with every ingest that stores one of its
    /// events; 0 while none was stored since the hub kept versions — and its replay when one
    /// was stored at that version.
    func storedReplays(ofSessions sessionIDs: [String]) async throws -> [StoredReplay]
    /// Keeps replays built at these versions, except where one of a later version is kept already.
    func storeReplays(_ replays: [StoredReplay]) async throws
    /// Retention (`pruneHistory`): keeps each of these replays frozen as its session's figures,
    /// where the session's version is still the replay's and, given `cutoff`, the hub received
    /// every event of it before then (by its own clock, which no kiosk sets), and deletes that
    /// session's events but its excuses and `session_open` (excusals and the ad-hoc sessions of
    /// a period are read from them). A frozen session is never replayed again, and a kiosk's
    /// later event of it is quarantined. One transaction that no push interleaves with; returns
    /// the sessions frozen and the events deleted.
    func freezeSessions(_ replays: [StoredReplay], receivedBefore cutoff: Date?, at now: Date) async throws -> (sessions: Int, events: Int)
    /// Retention: the kiosks' own sessions (`session_open`) whose opening the hub received before
    /// `cutoff` and which are not frozen yet.
    func sessionsOpened(receivedBefore cutoff: Date) async throws -> [String]
    /// Retention: deletes the events no session holds (`pin_failed`; badge links stay) and the
    /// quarantined events the hub received before `cutoff`; returns how many of each.
    func pruneSessionless(receivedBefore cutoff: Date) async throws -> (events: Int, quarantined: Int)
    /// Sessions whose kept replay may be stale: marked by every ingest that stores one of their
    /// events (one mark per session and kiosk); at most `limit` marks after `position`, in
    /// (session, kiosk) order (ids compared bytewise).
    func replaysDue(after position: ReplayDue?, limit: Int) async throws -> [ReplayDue]
    /// Removes these marks where no ingest marked them again since they were read.
    func clearReplaysDue(_ marks: [ReplayDue]) async throws
    /// Marks due every session whose kept replay does not start with `header` (another
    /// `SessionReplay` layout or replay rules: a release that changed them); returns how many.
    func markReplaysDue(unlessStartingWith header: [UInt8]) async throws -> Int
    /// The directory of `location` at `now`; its version is a hash of its content.
    func directory(location: String, at now: Date) async throws -> Directory
    /// The database's `DirectoryGeneration`s: while they stay equal, no directory changed except
    /// by the clock moving its window. Only for comparing with an earlier read.
    func directoryGeneration() async throws -> [Int64]
    /// When the first session at `location` after `moment` starts (nil: none does): when it
    /// enters the served window, that location's directory changes.
    func firstSessionStart(location: String, after moment: Date) async throws -> Date?
    /// Imports one program file all-or-nothing (the kiosk's rules, `KioskStore`'s imports):
    /// participants update existing ids and replace each listed one's badges (a badge owned by
    /// someone else refuses the file); groups replace each listed group's members (unknown
    /// participants refuse it); goals set each pair's; sessions set a row's status when it gives
    /// one, and cancel those missing from the file when asked. With `dryRun`, every check runs
    /// and nothing changes: the summary is what the import would do (the upload's preview).
    func importProgram(_ file: ProgramFile, dryRun: Bool) async throws -> ImportSummary
    /// The session of the schedule with this id.
    func session(id: String) async throws -> Session?
    /// Cancels a session of the schedule that has not started (`SessionCancelRefusal`'s rule).
    func cancelSession(id: String, reason: String?, at now: Date) async throws -> Session
    /// Excuses a participant from a session of the schedule (an admin's `excuse`).
    func excuse(_ excusal: Excusal, at now: Date) async throws
    /// The excusals of these sessions: the admin's, and the kiosks' `excuse` events.
    func excusals(ofSessions sessionIDs: [String]) async throws -> [Excusal]
    /// Participants, groups, and the sessions starting in `from..<to` (at `location`, or all).
    func programSnapshot(startingFrom from: Date, before to: Date, location: String?) async throws -> ProgramSnapshot
    /// The program's check-in rules, sent to every kiosk in its directory; nil: none set.
    func settings() async throws -> ProgramSettings?
    /// Sets (or, with nil, clears) the program's check-in rules.
    func setSettings(_ settings: ProgramSettings?) async throws
    /// Erases a participant (`ParticipantErasure`, GDPR article 17): their id becomes a new
    /// pseudonym in every stored event, quarantined event, excusal, membership, attendance,
    /// notice and audit entry; their name, cohort, badges, email and web accounts go; the kept
    /// replays that named them are dropped (the next report replays those sessions). The audit
    /// log's append-only rule has exactly this exception; the erasure's own entry names only the
    /// pseudonym. The erasure joins the ledger (`erasureLedger`) kiosks get in their directory.
    /// Erasing again after a crash finishes the job under the same pseudonym.
    func eraseParticipant(_ id: String, reason: String?, actor: String, at now: Date) async throws -> ErasureOutcome
    /// Every erasure, with the hub's salt; nil while none was made.
    func erasureLedger() async throws -> ErasureLedger?
    /// Takes these erasures into the ledger (`reapplyErasures`: a restored backup older than
    /// them); refused when the database's salt is another's (the backup of another hub).
    func adoptErasures(_ ledger: ErasureLedger, at now: Date) async throws
    /// The program's time zone (an IANA identifier), which every hub command uses by default and
    /// the directory carries to kiosks; nil: none set (UTC).
    func timeZoneIdentifier() async throws -> String?
    func setTimeZoneIdentifier(_ identifier: String?) async throws
}

/// Why an admin's excusal was refused.
public enum ExcusalRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownSession(String)
    case unknownParticipant(String)
    case cancelled(String)
    case notExpected(participantID: String, sessionID: String)

    public var description: String {
        switch self {
        case .unknownSession(let id): "no session has the id \(id)"
        case .unknownParticipant(let id): "no participant has the id \(id)"
        case .cancelled(let id): "session \(id) was cancelled: nobody is expected there"
        case .notExpected(let participant, let session):
            "\(participant) is not expected at \(session): only an active member of the session's group at the time can be excused"
        }
    }
}

extension HubStorage {
    /// Excuses the participant when they are expected at the session (`AttendanceReport`'s rule,
    /// days in `timeZone`): an admin's `excuse`.
    public func excuseExpected(_ excusal: Excusal, at now: Date, timeZone: TimeZone) async throws {
        guard let session = try await session(id: excusal.sessionID) else { throw ExcusalRefusal.unknownSession(excusal.sessionID) }
        let program = try await programSnapshot(
            startingFrom: session.startsAt, before: session.startsAt.addingTimeInterval(0.001), location: session.location)
        guard let person = program.participants.first(where: { $0.id == excusal.participantID }) else {
            throw ExcusalRefusal.unknownParticipant(excusal.participantID)
        }
        let timeline = MembershipTimeline(
            groups: program.groups.filter { $0.id == session.groupID }, participants: [person.id: person], timeZone: timeZone)
        guard timeline.expected(at: session).contains(where: { $0.participant.id == person.id }) else {
            throw ExcusalRefusal.notExpected(participantID: person.id, sessionID: session.id)
        }
        try await excuse(excusal, at: now)
    }

    public func importParticipants(_ entries: [ParticipantEntry]) async throws -> ImportSummary {
        try await importProgram(.participants(entries), dryRun: false)
    }

    public func importGroups(_ entries: [GroupEntry]) async throws -> ImportSummary {
        try await importProgram(.groups(entries), dryRun: false)
    }

    public func importGoals(_ entries: [GoalEntry]) async throws -> ImportSummary {
        try await importProgram(.goals(entries), dryRun: false)
    }

    public func importSessions(_ entries: [SessionEntry], cancellingMissingAfter now: Date? = nil) async throws -> ImportSummary {
        try await importProgram(.sessions(entries, cancellingMissingAfter: now), dryRun: false)
    }

    /// Moves a scheduled session whose check-in has not opened (`SessionRescheduleRefusal`'s
    /// rule, with the program's check-in rules, or the kiosk defaults) to a new time; kiosks
    /// learn it with their next directory.
    public func rescheduleSession(id: String, startsAt: Date, endsAt: Date, at now: Date) async throws -> Session {
        guard var session = try await session(id: id) else { throw SessionRescheduleRefusal.unknown(id) }
        let opensBefore = try await settings()?.opensBeforeMinutes ?? ProgramSettings(rules: CheckInRules(), anonymousRatings: false).opensBeforeMinutes
        if let refusal = SessionRescheduleRefusal.refusal(session, startsAt: startsAt, endsAt: endsAt, at: now, opensBeforeMinutes: opensBefore) {
            throw refusal
        }
        session.startsAt = startsAt
        session.endsAt = endsAt
        _ = try await importSessions([SessionEntry(session: session, position: SourcePosition(file: "reschedule", line: 1))])
        return session
    }
}

extension Directory {
    /// How far ahead a kiosk is served its location's sessions (and a day back, for late
    /// check-outs and the facilitator's tally).
    public static let servedDays = 14

    /// The window of session times a directory built at `now` covers.
    public static func servedWindow(at now: Date) -> ClosedRange<Date> {
        now.addingTimeInterval(-86_400)...now.addingTimeInterval(Double(servedDays) * 86_400)
    }

    /// The first moment the clock alone may change a directory serving `sessions`: one of them
    /// leaves the window (a day after it ends), or the next session, starting at `nextStart`,
    /// enters it (`servedDays` before it starts).
    public static func windowChanges(serving sessions: [Session], nextStart: Date?) -> Date {
        let leaves = sessions.map { $0.endsAt.addingTimeInterval(86_400) }
        let enters = nextStart.map { [$0.addingTimeInterval(-Double(servedDays) * 86_400)] } ?? []
        return (leaves + enters).min() ?? .distantFuture
    }

    /// A directory whose version is a hash of its content, so every back-end and every hub
    /// process names the same content with the same version (the kiosk's ETag).
    public static func versioned(
        location: String, participants: [DirectoryParticipant], groups: [MentoringGroup], sessions: [Session], settings: ProgramSettings?,
        timeZone: String?, excusals: [Excusal], erasures: ErasureLedger? = nil
    ) throws -> Directory {
        // One per member and session, in one order: the version must not depend on the query's.
        var seen = Set<[String]>()
        let excusals = excusals.sorted { ($0.sessionID, $0.participantID) < ($1.sessionID, $1.participantID) }
            .filter { seen.insert([$0.sessionID, $0.participantID]).inserted }
        // Goal texts are personal: a kiosk gets them only when the program shows them on its
        // screen, and only those of the pairs it serves sessions of.
        let served = settings?.feedback?.showGoalText == true ? Set(sessions.compactMap(\.groupID)) : []
        // An erasure whose roster change is not written yet (SQLite: two files, committed one
        // after the other, or a crash between them) never sends the erased id beside the ledger
        // that erases it: the directory already shows what the roster will hold.
        let erased = erasures?.pseudonyms(of: participants.map(\.participant.id)) ?? [:]
        var directory = Directory(
            version: "", location: location, participants: participants.map { entry in
                guard let pseudonym = erased[entry.participant.id] else { return entry }
                let person = entry.participant
                return DirectoryParticipant(
                    participant: Participant(
                        id: pseudonym, name: ErasedParticipant.name, role: person.role, isActive: person.isActive, joinedOn: person.joinedOn,
                        leftOn: person.leftOn),
                    badgeHashes: [])
            },
            groups: groups.map { group in
                var group = group
                if !served.contains(group.id) { group.goal = nil }
                for index in group.members.indices { group.members[index].participantID = erased[group.members[index].participantID] ?? group.members[index].participantID }
                return group
            }, sessions: sessions.map { session in
                var session = session
                session.facilitatorID = session.facilitatorID.map { erased[$0] ?? $0 }
                return session
            }, settings: settings, timeZone: timeZone, excusals: excusals.map { excusal in
                var excusal = excusal
                excusal.participantID = erased[excusal.participantID] ?? excusal.participantID
                return excusal
            }, erasures: erasures)
        let digest = SHA256.hash(data: try HubJSON.encoder().encode(directory))
        directory.version = Secrets.hex(digest.prefix(16))
        return directory
    }
}

/// Where a page of the event export ends: the next page starts after this kiosk's `seq`.
public struct EventPosition: Sendable, Equatable {
    public var kioskID: String
    public var seq: Int64

    public init(kioskID: String, seq: Int64) {
        self.kioskID = kioskID
        self.seq = seq
    }
}

/// A session's version and, when it is current, the replay (`SessionReplay.encoded()`) the hub
/// keeps of it: how a report knows which sessions it must replay again.
public struct StoredReplay: Sendable {
    public var sessionID: String
    public var version: Int64
    /// Nil when no replay of this version is kept.
    public var body: ByteBuffer?
    /// The session's events were pruned (retention): `body` is its figures for good.
    public var frozen: Bool

    public init(sessionID: String, version: Int64, body: ByteBuffer?, frozen: Bool = false) {
        self.sessionID = sessionID
        self.version = version
        self.body = body
        self.frozen = frozen
    }
}

/// A session whose kept replay an ingest may have made stale (`HubStorage.replaysDue`): the
/// `ReplayKeeper` replays it and clears the mark, unless `marks` moved meanwhile.
public struct ReplayDue: Sendable, Equatable {
    public var sessionID: String
    public var kioskID: String
    /// The session's version at this kiosk when it was last marked (0: marked by an upgrade):
    /// a mark whose value moved was made again after it was read.
    public var marks: Int64

    public init(sessionID: String, kioskID: String, marks: Int64) {
        self.sessionID = sessionID
        self.kioskID = kioskID
        self.marks = marks
    }
}

/// The database holds migrations this release does not know: a newer release wrote it, and
/// this one would store events without what that release keeps with them (kept replays'
/// versions, say), so it refuses to start rather than leave them wrong.
public struct NewerDatabase: Error, CustomStringConvertible {
    public var unknownMigrations: [String]

    public init(unknownMigrations: [String]) { self.unknownMigrations = unknownMigrations }

    public var description: String {
        "the database was changed by a newer mentor-hub (\(unknownMigrations.sorted().joined(separator: ", "))); run that release or a later one"
    }
}

/// A kiosk as the admin sees it.
public struct KioskSummary: Codable, Sendable, Equatable {
    public var kioskID: String
    public var location: String
    public var enrolled: Bool
    public var revoked: Bool
    public var acknowledgedThrough: Int64
    public var lastSeenAt: Date?
    public var eventsStored: Int
    public var eventsRejected: Int
    /// Events waiting on the kiosk, as it last reported (nil before its first report).
    public var queueLength: Int?
    /// Whether the kiosk trusted its clock (NTP-synchronised, or set by the hub), as it last reported.
    public var clockTrusted: Bool?
    /// The kiosk's software version, as it last reported.
    public var softwareVersion: String?

    public init(
        kioskID: String, location: String, enrolled: Bool, revoked: Bool, acknowledgedThrough: Int64, lastSeenAt: Date?,
        eventsStored: Int, eventsRejected: Int, queueLength: Int? = nil, clockTrusted: Bool? = nil, softwareVersion: String? = nil
    ) {
        self.kioskID = kioskID
        self.location = location
        self.enrolled = enrolled
        self.revoked = revoked
        self.acknowledgedThrough = acknowledgedThrough
        self.lastSeenAt = lastSeenAt
        self.eventsStored = eventsStored
        self.eventsRejected = eventsRejected
        self.queueLength = queueLength
        self.clockTrusted = clockTrusted
        self.softwareVersion = softwareVersion
    }
}

/// What an enrollment code yields.
public enum EnrollmentOutcome: Sendable, Equatable {
    /// The kiosk's new token, and how far the hub holds its events (0: none yet).
    case enrolled(AuthenticatedKiosk, token: String, acknowledgedThrough: Int64)
    /// The code is unknown, used or revoked.
    case refused
    /// The hub holds this kiosk id's events through `acknowledgedThrough`, past the enrolling
    /// database's newest: that database did not send them (a replacement). The code stays unused.
    case behind(kioskID: String, acknowledgedThrough: Int64)
}

extension HubStorage {
    /// Exchanges a code for a new device token, whatever events the hub holds; nil when the
    /// code is unknown or used.
    public func enroll(code: String, at now: Date) async throws -> (kiosk: AuthenticatedKiosk, token: String)? {
        guard case .enrolled(let kiosk, let token, _) = try await enroll(code: code, knownThrough: nil, at: now) else { return nil }
        return (kiosk, token)
    }
}

/// An enrolled, unrevoked kiosk, found by its token.
public struct AuthenticatedKiosk: Sendable, Equatable {
    public var id: String
    public var location: String

    public init(id: String, location: String) {
        self.id = id
        self.location = location
    }
}

/// Why an admin action on a kiosk cannot be done.
public enum KioskFailure: Error, Equatable, CustomStringConvertible {
    case exists(String)
    case notFound(String)

    public var description: String {
        switch self {
        case .exists(let id): "a kiosk with the id \(id) exists already"
        case .notFound(let id): "no kiosk has the id \(id)"
        }
    }
}

/// What a push did, or why it could not be taken as a whole.
public enum IngestResult: Sendable, Equatable {
    case accepted(PushReceipt)
    /// The batch starts after a gap: the hub has everything up to `acknowledgedThrough`.
    case gap(acknowledgedThrough: Int64)
    /// Taking the batch would put more than `IngestPlan.maximumQuarantined` of this kiosk's
    /// events in quarantine: nothing is stored, the kiosk tries again later.
    case quarantineFull(waiting: Int)
}
