import Foundation
import HubStore
import PostgresNIO

/// `AccountStorage` in PostgreSQL: the same rules as `HubStore`'s, each change one statement or
/// one transaction, so that several hub processes count failed logins and end sessions alike.
extension PostgresHubStore {
    /// The columns `user(_:)` decodes, of `hub_user` or of the table so aliased.
    static func userColumns(of table: String = "hub_user") -> String {
        userColumnNames.map { "\(table).\($0)" }.joined(separator: ", ")
    }

    static let userColumnNames = [
        "id", "email", "role", "participant_id", "disabled_at IS NOT NULL", "password_hash IS NOT NULL", "locked_until", "last_login_at", "created_at",
    ]

    static func user(_ row: PostgresRow) throws -> HubUser {
        let (id, email, role, participant, disabled, hasPassword, locked, lastLogin, created) = try row.decode(
            (Int64, String, String, String?, Bool, Bool, Date?, Date?, Date).self)
        return HubUser(
            id: id, email: email, role: try known(HubUserRole.self, role), participantID: participant, disabled: disabled, hasPassword: hasPassword,
            lockedUntil: locked.map(milliseconds), lastLoginAt: lastLogin.map(milliseconds), createdAt: milliseconds(created))
    }

    /// A column selected after `userColumns()` (the first with offset 0).
    static func column<Value: PostgresDecodable>(after row: PostgresRow, _ type: Value.Type, offset: Int = 0) throws -> Value {
        try row.makeRandomAccess()[userColumnNames.count + offset].decode(Value.self, context: .default)
    }

    func user(email: String, on db: PostgresConnection) async throws -> HubUser? {
        try await rows("SELECT \(unescaped: Self.userColumns()) FROM hub_user WHERE email = \(email)", on: db).first.map(Self.user)
    }

    func newPasswordLink(userID: Int64, at now: Date, on db: PostgresConnection) async throws -> String {
        let token = Secrets.token()
        let expires = now.addingTimeInterval(AccountPolicy.standard.passwordLinkSeconds)
        _ = try await rows("DELETE FROM hub_password_link WHERE user_id = \(userID)", on: db)
        _ = try await rows("INSERT INTO hub_password_link (token_hash, user_id, expires_at) VALUES (\(Secrets.hash(token)), \(userID), \(expires))", on: db)
        return token
    }

    public func addUser(email: String, role: HubUserRole, participantID: String?, at now: Date) async throws -> String {
        try await transaction { db in
            if let participantID, try await rows("SELECT 1 FROM participant WHERE id = \(participantID)", on: db).isEmpty {
                throw AccountFailure.unknownParticipant(participantID)
            }
            let added = try await rows("""
                INSERT INTO hub_user (email, role, participant_id, created_at) VALUES (\(email), \(role.rawValue), \(participantID), \(now))
                ON CONFLICT (email) DO NOTHING RETURNING id
                """, on: db)
            guard let id = try added.first?.decode(Int64.self) else { throw AccountFailure.exists(email) }
            return try await newPasswordLink(userID: id, at: now, on: db)
        }
    }

    public func users() async throws -> [HubUser] {
        try await rows("SELECT \(unescaped: Self.userColumns()) FROM hub_user ORDER BY email").map(Self.user)
    }

    public func setUserDisabled(email: String, _ disabled: Bool, at now: Date) async throws -> HubUser {
        try await transaction { db in
            guard let user = try await user(email: email, on: db) else { throw AccountFailure.notFound(email) }
            _ = try await rows("UPDATE hub_user SET disabled_at = \(disabled ? now : nil) WHERE id = \(user.id)", on: db)
            if disabled {
                _ = try await rows("DELETE FROM hub_user_session WHERE user_id = \(user.id)", on: db)
                _ = try await rows("DELETE FROM hub_password_link WHERE user_id = \(user.id)", on: db)
            }
            return try await self.user(email: email, on: db)!
        }
    }

    public func resetPassword(email: String, at now: Date) async throws -> String {
        try await transaction { db in
            guard let user = try await user(email: email, on: db) else { throw AccountFailure.notFound(email) }
            _ = try await rows("UPDATE hub_user SET password_hash = NULL, failed_logins = 0, locked_until = NULL WHERE id = \(user.id)", on: db)
            _ = try await rows("DELETE FROM hub_user_session WHERE user_id = \(user.id)", on: db)
            return try await newPasswordLink(userID: user.id, at: now, on: db)
        }
    }

    func linkQuery(token: String, at now: Date, locking: Bool) -> PostgresQuery {
        """
        SELECT \(unescaped: Self.userColumns()) FROM hub_user WHERE disabled_at IS NULL
        AND id = (SELECT user_id FROM hub_password_link WHERE token_hash = \(Secrets.hash(token)) AND expires_at > \(now))\(unescaped: locking ? " FOR UPDATE" : "")
        """
    }

    public func passwordLinkUser(token: String, at now: Date) async throws -> HubUser? {
        try await rows(linkQuery(token: token, at: now, locking: false)).first.map(Self.user)
    }

    public func setPassword(token: String, passwordHash: String, at now: Date) async throws -> HubUser? {
        try await transaction { db in
            guard let row = try await rows(linkQuery(token: token, at: now, locking: true), on: db).first else { return nil }
            let user = try Self.user(row)
            // The link goes in the same statement that finds it gone: of two uses at once, one sets the password.
            guard try await !rows("DELETE FROM hub_password_link WHERE token_hash = \(Secrets.hash(token)) RETURNING user_id", on: db).isEmpty else { return nil }
            _ = try await rows("DELETE FROM hub_password_link WHERE user_id = \(user.id)", on: db)
            _ = try await rows("DELETE FROM hub_user_session WHERE user_id = \(user.id)", on: db)
            _ = try await rows("UPDATE hub_user SET password_hash = \(passwordHash), failed_logins = 0, locked_until = NULL WHERE id = \(user.id)", on: db)
            return try await self.user(email: user.email, on: db)
        }
    }

    public func loginCandidate(email: String) async throws -> LoginCandidate? {
        try await rows("SELECT \(unescaped: Self.userColumns()), password_hash FROM hub_user WHERE email = \(email)").first.map { row in
            LoginCandidate(user: try Self.user(row), passwordHash: try Self.column(after: row, String?.self))
        }
    }

    public func recordFailedLogin(userID: Int64, at now: Date, policy: AccountPolicy) async throws -> Date? {
        let lockedUntil = now.addingTimeInterval(policy.lockSeconds)
        let row = try await rows("""
            UPDATE hub_user SET
                locked_until = CASE WHEN failed_logins + 1 >= \(policy.lockAfterFailures) THEN \(lockedUntil) ELSE locked_until END,
                failed_logins = CASE WHEN failed_logins + 1 >= \(policy.lockAfterFailures) THEN 0 ELSE failed_logins + 1 END
            WHERE id = \(userID) RETURNING locked_until
            """).first
        guard let until = try row?.decode(Date?.self), until > now else { return nil }
        return Self.milliseconds(until)
    }

    public func startSession(userID: Int64, at now: Date) async throws -> String? {
        let token = Secrets.token()
        return try await transaction { db in
            // The lock is checked in the same statement that clears it: a guess checked alongside
            // the fifth failure cannot open a session once that failure locked the account.
            let cleared = try await rows("""
                UPDATE hub_user SET failed_logins = 0, locked_until = NULL, last_login_at = \(now)
                WHERE id = \(userID) AND disabled_at IS NULL AND (locked_until IS NULL OR locked_until <= \(now)) RETURNING id
                """, on: db)
            guard !cleared.isEmpty else { return nil }
            _ = try await rows(
                "INSERT INTO hub_user_session (token_hash, user_id, started_at, last_seen_at) VALUES (\(Secrets.hash(token)), \(userID), \(now), \(now))",
                on: db)
            return token
        }
    }

    public func session(token: String, at now: Date, policy: AccountPolicy) async throws -> HubUser? {
        let hash = Secrets.hash(token)
        guard let row = try await rows("""
            SELECT \(unescaped: Self.userColumns(of: "u")), s.started_at, s.last_seen_at
            FROM hub_user_session s JOIN hub_user u ON u.id = s.user_id WHERE s.token_hash = \(hash)
            """).first
        else { return nil }
        let user = try Self.user(row)
        let started = try Self.column(after: row, Date.self), lastSeen = try Self.column(after: row, Date.self, offset: 1)
        guard policy.sessionIsLive(startedAt: started, lastSeenAt: lastSeen, at: now), !user.disabled else {
            try await endSession(token: token)
            return nil
        }
        if now.timeIntervalSince(lastSeen) > 60 {
            _ = try await rows("UPDATE hub_user_session SET last_seen_at = \(now) WHERE token_hash = \(hash)")
        }
        return user
    }

    public func endSession(token: String) async throws {
        _ = try await rows("DELETE FROM hub_user_session WHERE token_hash = \(Secrets.hash(token))")
    }

    public func hubSetting(_ setting: HubSetting) async throws -> String? {
        try await rows("SELECT value FROM hub_setting WHERE name = \(setting.rawValue)").first?.decode(String.self)
    }

    public func setHubSetting(_ setting: HubSetting, to value: String?) async throws {
        if let value {
            _ = try await rows("""
                INSERT INTO hub_setting (name, value) VALUES (\(setting.rawValue), \(value)) ON CONFLICT (name) DO UPDATE SET value = excluded.value
                """)
        } else {
            _ = try await rows("DELETE FROM hub_setting WHERE name = \(setting.rawValue)")
        }
    }
}

extension PostgresHubStore {
    public func claimNotice(_ key: String, at now: Date) async throws -> Bool {
        try await !rows("INSERT INTO hub_notice (key, sent_at) VALUES (\(key), \(now)) ON CONFLICT (key) DO NOTHING RETURNING key").isEmpty
    }

    public func releaseNotice(_ key: String) async throws {
        _ = try await rows("DELETE FROM hub_notice WHERE key = \(key)")
    }

    public func participantEmails() async throws -> [String: String] {
        try await rows("SELECT participant_id, email FROM participant_email").reduce(into: [:]) { result, row in
            let (id, email) = try row.decode((String, String).self)
            result[id] = email
        }
    }
}
