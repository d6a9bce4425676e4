import Foundation
import HubProtocol
import KioskCore
import NIOCore

/// Why `eraseParticipant` refused.
public enum ErasureRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownParticipant(String)

    public var description: String {
        switch self {
        case .unknownParticipant(let id): "no participant has the id \(id) (an erased participant's id is gone: look for their pseudonym)"
        }
    }
}

/// What an erasure did, for the admin's confirmation.
public struct ErasureOutcome: Sendable, Equatable {
    public var pseudonym: String
    /// Stored events that named the person (as participant or as actor).
    public var events: Int
    /// Web accounts of theirs, deleted.
    public var accounts: Int
    /// The id was erased before: only the files were cleaned again (a run cut short after its
    /// commit, say).
    public var alreadyErased: Bool
    /// False when a reader kept old rows in the database's files past the cleaning (PostgreSQL:
    /// a transaction older than the erasure outlasted the wait): run the erasure again.
    public var filesCleaned: Bool

    public init(pseudonym: String, events: Int, accounts: Int, alreadyErased: Bool = false, filesCleaned: Bool = true) {
        self.pseudonym = pseudonym
        self.events = events
        self.accounts = accounts
        self.alreadyErased = alreadyErased
        self.filesCleaned = filesCleaned
    }
}

extension ErasureLedger {
    /// Refuses a participants file that would bring an erased person back under their old id
    /// (the hub would store their new events under the old pseudonym, and kiosks erase them
    /// again at every directory), or that names someone like a pseudonym.
    public func refuseErased(_ file: ProgramFile) throws {
        guard case .participants(let entries) = file else { return }
        let erased = pseudonyms(of: entries.map(\.participant.id))
        for entry in entries {
            let id = entry.participant.id
            if id.hasPrefix(ErasedParticipant.prefix) {
                throw ImportError(entry.position.column("id"), "ids starting with \(ErasedParticipant.prefix) are the hub's pseudonyms of erased participants")
            }
            if let pseudonym = erased[id] {
                throw ImportError(
                    entry.position.column("id"),
                    "participant \(id) was erased (now \(pseudonym)): remove the row; a person who comes back needs a new id")
            }
        }
    }
}

/// What one erasure replaces in the hub's free text and quarantined events, whichever back-end
/// stores them: the id by the pseudonym, the person's emails too, their name by
/// `ErasedParticipant.name`. One definition, so SQLite and PostgreSQL erase alike.
public struct ParticipantErasure: Sendable {
    public var id: String
    public var pseudonym: String
    public var name: String?
    public var emails: [String]

    public init(id: String, pseudonym: String, name: String?, emails: [String]) {
        self.id = id
        self.pseudonym = pseudonym
        self.name = name
        self.emails = emails
    }

    /// Reads the hub's erasure salt (`hub_setting` `erasure_salt`), on either back-end.
    public static let saltQuery = "SELECT value FROM hub_setting WHERE name = 'erasure_salt'"

    /// Every string whose presence marks a row to rewrite (the SQL filters' `instr` arguments).
    public var needles: [String] { [id] + emails + (name.map { [$0] } ?? []) }

    /// `text` without the person: whole-word occurrences of an email or the id become the
    /// pseudonym, of the name `ErasedParticipant.name`.
    public func text(_ text: String) -> String {
        var text = text
        for email in emails { text = ErasedParticipant.replacing(email, with: pseudonym, in: text) }
        text = ErasedParticipant.replacing(id, with: pseudonym, in: text)
        if let name { text = ErasedParticipant.replacing(name, with: ErasedParticipant.name, in: text) }
        return text
    }

    public func text(_ text: String?) -> String? { text.map { self.text($0) } }

    /// A quarantined event's body (`WireEvent` JSON as the hub wrote it) without the person:
    /// pseudonymised as a stored event is, then as free text (the body came from a kiosk).
    public func quarantinedBody(_ body: String) -> String {
        guard let event = try? HubJSON.decoder().decode(WireEvent.self, from: Data(body.utf8)),
            let encoded = try? HubJSON.encoder().encode(event.pseudonymised([id: pseudonym]))
        else { return text(body) }
        return text(String(decoding: encoded, as: UTF8.self))
    }

    /// A frozen replay's bytes (retention: its events are gone) without the person: their id
    /// becomes the pseudonym (`SessionReplay.replacingParticipant`), and an ad-hoc session's
    /// title and location ("Ad-hoc session with …") are rewritten as free text. Still marked
    /// with the replay rules that made it; nil when they cannot be read.
    public func frozenReplay(_ body: ByteBuffer, of sessionID: String) -> ByteBuffer? {
        guard var replay = SessionReplay(sessionID: sessionID, decoding: body, frozen: true),
            let rules = body.getInteger(at: body.readerIndex + 1, as: UInt8.self)
        else { return nil }
        replay = replay.replacingParticipant(id, with: pseudonym)
        if var session = replay.adHocSession {
            session.title = text(session.title)
            session.location = text(session.location)
            replay.adHocSession = session
        }
        var rewritten = replay.encoded()
        rewritten.setInteger(rules, at: rewritten.readerIndex + 1)
        return rewritten
    }
}

/// A restored backup's erasures cannot be taken over: its database was another hub's.
public struct ForeignErasureSalt: Error, CustomStringConvertible {
    public init() {}
    public var description: String {
        "the restored database's erasures were made under another salt (another hub's backup?): erase the people again by hand"
    }
}

extension HubStorage {
    /// Erases again, under their pseudonyms, the participants of `ledger` this database holds:
    /// after a restore from a backup older than their erasure (`mentor-hub restore` passes the
    /// ledger of the database it replaced). Returns their pseudonyms.
    public func reapplyErasures(_ ledger: ErasureLedger, at now: Date) async throws -> [String] {
        try await adoptErasures(ledger, at: now)
        guard let current = try await erasureLedger() else { return [] }
        // Every participant, and no session (an empty period).
        let roster = try await programSnapshot(startingFrom: .distantPast, before: .distantPast, location: nil).participants
        var erased: [String] = []
        for (id, _) in current.pseudonyms(of: roster.map(\.id)).sorted(by: { $0.key < $1.key }) {
            erased.append(try await eraseParticipant(id, reason: "again, after a restore from an older backup", actor: "restore", at: now).pseudonym)
        }
        return erased
    }
}
