import Foundation
import HubProtocol

/// What the hub needs from its storage: kiosks and their credentials, idempotent ingest, the
/// stored events, and each location's directory. `HubStore` is the embedded SQLite back-end;
/// a PostgreSQL back-end (several hub processes, one database) implements the same protocol.
public protocol HubStorage: Sendable {
    /// Adds a kiosk; returns its one-time enrollment code (only its hash is stored).
    func addKiosk(id: String, location: String, at now: Date) async throws -> String
    /// A new enrollment code; the current token works until the code is used.
    func rotateEnrollment(kioskID: String) async throws -> String
    /// Revokes a kiosk's token and any unused code.
    func revoke(kioskID: String) async throws
    /// Exchanges a code for a new device token; nil when the code is unknown or used.
    func enroll(code: String, at now: Date) async throws -> (kiosk: AuthenticatedKiosk, token: String)?
    /// The enrolled, unrevoked kiosk holding `token`.
    func kiosk(token: String) async throws -> AuthenticatedKiosk?
    func kiosks() async throws -> [KioskSummary]
    func recordStatus(kioskID: String, report: KioskStatusReport, at now: Date) async throws
    /// Stores a batch in one transaction, each (kiosk, seq) once.
    func ingest(kioskID: String, events: [WireEvent], at now: Date) async throws -> IngestResult
    func events(kioskID: String?, after: Int64, limit: Int) async throws -> [(kioskID: String, event: WireEvent)]
    /// The directory of `location` at `now`; its version is a hash of its content.
    func directory(location: String, at now: Date) async throws -> Directory
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
}

/// An enrolled, unrevoked kiosk, found by its token.
public struct AuthenticatedKiosk: Sendable, Equatable {
    public var id: String
    public var location: String
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
}
