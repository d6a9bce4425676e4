import Foundation
import HubProtocol
import KioskCore

/// What the hub knows about the sessions, people and check-ins a pushed batch names: all that
/// `KioskAuthority` needs to decide, read by each back-end in a few queries per batch.
public struct AuthorityFacts: Sendable, Equatable {
    /// A stored check-in (or manual check-in) of the pushing kiosk, as an undo names it.
    public struct CheckIn: Sendable, Equatable {
        public var participantID: String?
        public var sessionID: String?

        public init(participantID: String?, sessionID: String?) {
            self.participantID = participantID
            self.sessionID = sessionID
        }
    }

    public var kioskID: String
    /// Where the pushing kiosk stands.
    public var location: String
    /// Sessions of the schedule the batch names: id → location.
    public var scheduled: [String: String]
    /// Ad-hoc sessions the batch names: id → the kiosk whose `session_open` the hub holds.
    public var adHocOpeners: [String: String]
    /// Participants the batch names (as participant or actor) who are on the roster: id → role.
    public var roles: [String: Role]
    /// The pushing kiosk's stored check-ins that the batch's undos name: seq → what it was.
    public var checkIns: [Int64: CheckIn]
    /// When the scheduled sessions the batch's cancellations name start.
    public var scheduledStarts: [String: Date] = [:]
    /// Of those, the ones someone checked in to (at any kiosk): they took place, and a forged
    /// cancellation must not wipe their attendance from the figures.
    public var attendedSessions: Set<String> = []
    /// When the hub received the batch (by its own clock, which a kiosk cannot set).
    public var receivedAt: Date = .distantPast
    /// Sessions the batch names whose events retention pruned (`HubStorage.freezeSessions`):
    /// their figures are frozen, so nothing more is taken for them.
    public var frozenSessions: Set<String> = []

    public init(
        kioskID: String, location: String, scheduled: [String: String] = [:], adHocOpeners: [String: String] = [:],
        roles: [String: Role] = [:], checkIns: [Int64: CheckIn] = [:]
    ) {
        self.kioskID = kioskID
        self.location = location
        self.scheduled = scheduled
        self.adHocOpeners = adHocOpeners
        self.roles = roles
        self.checkIns = checkIns
    }
}

/// The ids a batch names, for the queries that fill `AuthorityFacts`.
public struct NamedInBatch: Sendable, Equatable {
    public var sessionIDs: [String]
    public var participantIDs: [String]
    public var undoneSeqs: [Int64]
    /// The sessions the batch's `session_cancel` events name.
    public var cancelledSessionIDs: [String]

    /// The ad-hoc session ids (`ProgramID.adHocSessionPrefix`) among `sessionIDs`: the only ones
    /// whose opener the hub needs to look up (a scheduled session has none).
    public var adHocSessionIDs: [String] { sessionIDs.filter(ProgramID.isAdHocSession) }

    public init(_ events: [WireEvent]) {
        sessionIDs = Array(Set(events.compactMap(\.sessionID))).sorted()
        participantIDs = Array(Set(events.flatMap { [$0.participantID, $0.actorID].compactMap { $0 } })).sorted()
        undoneSeqs = Array(Set(events.compactMap(\.undoesSeq))).sorted()
        cancelledSessionIDs = Array(Set(events.filter { $0.kind == KioskEventKind.sessionCancel.rawValue }.compactMap(\.sessionID))).sorted()
    }
}

/// What one kiosk may say (DESIGN.md §7, "A kiosk's authority"): its events concern only
/// sessions at its own location or ad-hoc sessions it opened itself, participants the hub
/// knows, facilitator actions done by a facilitator or admin, and undos of its own check-ins.
/// A stolen token can still lie about its own room, but it cannot rewrite another room's
/// attendance. Pure: the facts in, a reason out, the same for every storage back-end.
public enum KioskAuthority {
    /// Kinds only a facilitator (or admin) may cause; the event's actor must be one.
    public static let facilitatorKinds: Set<KioskEventKind> = [.manualCheckIn, .undo, .badgeLink, .sessionOpen, .sessionClose, .sessionCancel, .excuse]
    static let needsParticipant: Set<KioskEventKind> = [
        .checkIn, .checkOut, .autoCheckOut, .manualCheckIn, .undo, .badgeLink, .pinFailed, .excuse, .answer,
    ]
    static let sessionless: Set<KioskEventKind> = [.badgeLink, .pinFailed]

    /// Why the kiosk of `facts` may not send `event` (nil: it may). The event has passed
    /// `WireEvent.problem` already.
    public static func refusal(of event: WireEvent, facts: AuthorityFacts) -> String? {
        guard let kind = KioskEventKind(rawValue: event.kind) else { return "unknown kind \"\(event.kind)\"" }
        if let session = event.sessionID, facts.frozenSessions.contains(session) {
            return "session \(session) ended before the hub's retention period: its events were pruned and its figures are frozen"
        }
        if needsParticipant.contains(kind), event.participantID == nil { return "\(kind.named) event must name its participant" }
        if let participant = event.participantID, facts.roles[participant] == nil {
            return "participant \(participant) is not on the hub's roster"
        }
        if Self.sessionless.contains(kind) {
            if let session = event.sessionID { return "\(kind.named) event names no session (it names \(session))" }
        } else if let problem = sessionRefusal(kind, event.sessionID, facts) {
            return problem
        }
        if facilitatorKinds.contains(kind) {
            guard let actor = event.actorID else { return "\(kind.named) event must name the facilitator who did it (actor_id)" }
            guard let role = facts.roles[actor] else { return "actor \(actor) is not on the hub's roster" }
            guard role.maySupervise else { return "actor \(actor) is a \(role.rawValue), not a facilitator or admin" }
        }
        if kind == .sessionCancel, let session = event.sessionID {
            guard let start = facts.scheduledStarts[session] else { return "session \(session) is not in the hub's schedule: only a scheduled session can be cancelled" }
            guard event.wallTime < start else {
                return "session \(session) had started (\(ISO8601DateFormatter().string(from: start))) when the kiosk cancelled it: only a session that has not started can be cancelled"
            }
            // The kiosk writes its wall time; the hub's own clock says when the cancellation arrived.
            // Before the start, and for a session the kiosk is served: a stolen token cannot
            // backdate a cancellation to hide a session's absences, nor cancel months ahead.
            guard facts.receivedAt < start else {
                return "session \(session) had started (\(ISO8601DateFormatter().string(from: start))) when its cancellation reached the hub: a kiosk's cancellation must arrive before the start (the admin can cancel it in the schedule file)"
            }
            guard start <= facts.receivedAt.addingTimeInterval(Double(Directory.servedDays) * 86_400) else {
                return "session \(session) starts more than \(Directory.servedDays) days ahead: a kiosk cancels only the sessions it is served"
            }
            guard !facts.attendedSessions.contains(session) else {
                return "session \(session) has check-ins: a session people came to cannot be cancelled"
            }
        }
        if kind == .answer {
            guard let question = event.note.flatMap(CheckOutQuestion.init(rawValue:)), question != .rating else {
                return "an answer must name its question in note (\(CheckOutQuestion.answerQuestions.map(\.rawValue).joined(separator: ", ")))"
            }
            guard let value = event.rating, question.answers.contains(value) else {
                return "an answer to \(question.rawValue) must be \(question.answers.lowerBound)–\(question.answers.upperBound) (rating)"
            }
            guard event.actorID == event.participantID else { return "an answer is given by its participant (actor_id must be participant_id)" }
        }
        if kind == .undo {
            guard let target = event.undoesSeq else { return "an undo must name the check-in it undoes (undoes_seq)" }
            guard let checkIn = facts.checkIns[target] else {
                return "undoes seq \(target), which is no check-in of this kiosk that the hub holds"
            }
            guard checkIn.participantID == event.participantID, checkIn.sessionID == event.sessionID else {
                return "undoes seq \(target), a check-in of another participant or session"
            }
        }
        return nil
    }

    static func sessionRefusal(_ kind: KioskEventKind, _ sessionID: String?, _ facts: AuthorityFacts) -> String? {
        guard let sessionID else { return "\(kind.named) event must name its session" }
        if kind == .sessionOpen {
            guard ProgramID.isAdHocSession(sessionID) else {
                return "session \(sessionID) cannot be opened here: an ad-hoc session's id begins with \(ProgramID.adHocSessionPrefix)"
            }
            if let location = facts.scheduled[sessionID] {
                return "session \(sessionID) is in the schedule (at \(location)); an ad-hoc session needs an id of its own"
            }
            if let opener = facts.adHocOpeners[sessionID], opener != facts.kioskID {
                return "ad-hoc session \(sessionID) was opened by kiosk \(opener)"
            }
            return nil
        }
        if let location = facts.scheduled[sessionID] {
            return location == facts.location ? nil : "session \(sessionID) is at \(location), not at this kiosk's location (\(facts.location))"
        }
        if let opener = facts.adHocOpeners[sessionID] {
            return opener == facts.kioskID ? nil : "ad-hoc session \(sessionID) was opened by kiosk \(opener), not by this one"
        }
        return "session \(sessionID) is neither in the hub's schedule nor an ad-hoc session this kiosk opened"
    }

    /// What an accepted event adds to the facts for the events after it in the same batch: the
    /// ad-hoc session it opened, the check-in an undo may name.
    public static func record(_ event: WireEvent, in facts: inout AuthorityFacts) {
        switch KioskEventKind(rawValue: event.kind) {
        case .sessionOpen?:
            if let session = event.sessionID, facts.adHocOpeners[session] == nil { facts.adHocOpeners[session] = facts.kioskID }
        case .checkIn?, .manualCheckIn?:
            facts.checkIns[event.seq] = AuthorityFacts.CheckIn(participantID: event.participantID, sessionID: event.sessionID)
            if let session = event.sessionID { facts.attendedSessions.insert(session) }
        default:
            break
        }
    }
}

extension KioskEventKind {
    /// "a check_in", "an undo": the kind as a refusal names it.
    var named: String { ("aeiou".contains(rawValue.first ?? "x") ? "an " : "a ") + rawValue }
}
