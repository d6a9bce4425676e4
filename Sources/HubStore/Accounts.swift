import Foundation
import KioskCore

/// What a person signed in to the hub's web pages may do: an admin runs the program, a
/// facilitator sees their own groups.
public enum HubUserRole: String, Codable, Sendable, CaseIterable {
    case admin, facilitator
}

/// A person's account at the hub's web pages, as the admin sees it: never its password hash.
public struct HubUser: Codable, Sendable, Equatable {
    public var id: Int64
    /// Lower-cased; the account's name at the login form.
    public var email: String
    public var role: HubUserRole
    /// The participant this account is (a facilitator's groups are those they facilitate).
    public var participantID: String?
    public var disabled: Bool
    /// False until the person sets one with their link.
    public var hasPassword: Bool
    /// Logins are refused until then, after repeated failures.
    public var lockedUntil: Date?
    public var lastLoginAt: Date?
    public var createdAt: Date

    public init(
        id: Int64, email: String, role: HubUserRole, participantID: String?, disabled: Bool, hasPassword: Bool, lockedUntil: Date?,
        lastLoginAt: Date?, createdAt: Date
    ) {
        self.id = id
        self.email = email
        self.role = role
        self.participantID = participantID
        self.disabled = disabled
        self.hasPassword = hasPassword
        self.lockedUntil = lockedUntil
        self.lastLoginAt = lastLoginAt
        self.createdAt = createdAt
    }
}

/// An account found by the email typed at the login form, with what checking the password needs.
public struct LoginCandidate: Sendable {
    public var user: HubUser
    /// The bcrypt hash; nil until a password is set.
    public var passwordHash: String?

    public init(user: HubUser, passwordHash: String?) {
        self.user = user
        self.passwordHash = passwordHash
    }
}

/// How long links, lockouts and sessions last: one definition for both back-ends.
public struct AccountPolicy: Sendable {
    /// Failed logins in a row that lock an account.
    public var lockAfterFailures = 5
    public var lockSeconds: TimeInterval = 15 * 60
    /// A set-password link (an invitation or a reset) works once, for this long.
    public var passwordLinkSeconds: TimeInterval = 72 * 3600
    /// A session ends this long after its login, however busy…
    public var sessionSeconds: TimeInterval = 12 * 3600
    /// …and this long after its last request.
    public var sessionIdleSeconds: TimeInterval = 2 * 3600

    public init() {}

    public static let standard = AccountPolicy()

    /// Whether a session started and last used at these times is still open at `now`.
    public func sessionIsLive(startedAt: Date, lastSeenAt: Date, at now: Date) -> Bool {
        now.timeIntervalSince(startedAt) < sessionSeconds && now.timeIntervalSince(lastSeenAt) < sessionIdleSeconds
    }
}

/// Why an account change at the hub cannot be made.
public enum AccountFailure: Error, Equatable, CustomStringConvertible {
    case exists(String)
    case notFound(String)
    case unknownParticipant(String)

    public var description: String {
        switch self {
        case .exists(let email): "an account for \(email) exists already"
        case .notFound(let email): "no account has the email \(email)"
        case .unknownParticipant(let id): "no participant has the id \(id); import participants.csv first"
        }
    }
}

/// The hub's own settings, kept with its data (not sent to kiosks, unlike `ProgramSettings`).
public enum HubSetting: String, Sendable, CaseIterable {
    /// The address people reach the hub's pages at (`https://hub.example.org`): the links the
    /// hub prints and sends start with it, and an https one makes the session cookie Secure.
    case publicURL = "public_url"
    /// The notifications' settings (`NotificationSettings`, as JSON); none: no notifications.
    case notifications
    /// Years the raw events of ended sessions are kept (`HubRetention`); none: every event is kept.
    case retentionYears = "retention_years"
}

/// Accounts, their set-password links and their sessions at the hub's web pages. Only hashes of
/// links and session tokens are stored (SHA-256: they are 256 random bits), and only bcrypt
/// hashes of passwords (made by the server, which alone sees a password).
public protocol AccountStorage: Sendable {
    /// Adds an account without a password; returns its one-time set-password link's token.
    func addUser(email: String, role: HubUserRole, participantID: String?, at now: Date) async throws -> String
    func users() async throws -> [HubUser]
    /// Disables (or enables again) an account: disabling ends its sessions and unused links.
    func setUserDisabled(email: String, _ disabled: Bool, at now: Date) async throws -> HubUser
    /// Clears the account's password and lockout, ends its sessions, and returns a new link's token.
    func resetPassword(email: String, at now: Date) async throws -> String
    /// The account an unused, unexpired link belongs to (when it is not disabled).
    func passwordLinkUser(token: String, at now: Date) async throws -> HubUser?
    /// Uses a link: sets the password's bcrypt hash, clears any lockout, ends every session of the
    /// account; nil when the link is unknown, used, expired, or its account disabled.
    func setPassword(token: String, passwordHash: String, at now: Date) async throws -> HubUser?
    func loginCandidate(email: String) async throws -> LoginCandidate?
    /// Counts a failed login; locks the account when it is the `lockAfterFailures`th in a row.
    /// Returns until when it is locked, if it is.
    func recordFailedLogin(userID: Int64, at now: Date, policy: AccountPolicy) async throws -> Date?
    /// Starts a session for a login that passed (clearing the failures); returns its token, or nil
    /// when the account was locked meanwhile (by guesses checked at the same time) or disabled.
    func startSession(userID: Int64, at now: Date) async throws -> String?
    /// The account of a live session (neither expired nor idle too long, its account enabled),
    /// and marks it used now.
    func session(token: String, at now: Date, policy: AccountPolicy) async throws -> HubUser?
    func endSession(token: String) async throws
    func hubSetting(_ setting: HubSetting) async throws -> String?
    /// Sets (or, with nil, clears) one of the hub's own settings.
    func setHubSetting(_ setting: HubSetting, to value: String?) async throws
}

/// What a password set at the hub must be: long enough to resist guessing (NIST SP 800-63B's
/// floor is 8; the hub asks 10), and at most 72 bytes, all that bcrypt reads.
public enum PasswordRules {
    public static let minimumCharacters = 10
    public static let maximumBytes = 72

    /// Why this password cannot be used, or nil.
    public static func problem(_ password: String, email: String) -> String? {
        if password.count < minimumCharacters { return "a password has at least \(minimumCharacters) characters" }
        if password.utf8.count > maximumBytes { return "a password has at most \(maximumBytes) bytes (bcrypt reads no more)" }
        if password.unicodeScalars.contains(where: { $0.value == 0 }) { return "a password cannot contain a NUL character" }
        if password.lowercased() == email.lowercased() { return "a password cannot be the account's email" }
        return nil
    }
}
