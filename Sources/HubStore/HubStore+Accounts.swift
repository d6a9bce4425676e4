import Foundation
import GRDB

/// `AccountStorage` in `hub.sqlite`: the participant an account names is checked in `program.sqlite`.
extension HubStore {
    /// The columns `user(_:)` reads, of the table `hub_user` or of the one so aliased.
    static func userColumns(of table: String = "hub_user") -> String {
        ["id", "email", "role", "participant_id", "disabled_at", "locked_until", "last_login_at", "created_at"].map { "\(table).\($0) AS \($0)" }
            .joined(separator: ", ") + ", \(table).password_hash IS NOT NULL AS has_password"
    }

    static func user(_ row: Row) -> HubUser {
        HubUser(
            id: row["id"], email: row["email"], role: HubUserRole(rawValue: row["role"]) ?? .facilitator, participantID: row["participant_id"],
            disabled: (row["disabled_at"] as Date?) != nil, hasPassword: row["has_password"], lockedUntil: row["locked_until"],
            lastLoginAt: row["last_login_at"], createdAt: row["created_at"])
    }

    static func user(_ db: Database, email: String) throws -> HubUser? {
        try Row.fetchOne(db, sql: "SELECT \(userColumns()) FROM hub_user WHERE email = ?", arguments: [email]).map(user)
    }

    static func newPasswordLink(_ db: Database, userID: Int64, at now: Date) throws -> String {
        let token = Secrets.token()
        try db.execute(sql: "DELETE FROM hub_password_link WHERE user_id = ?", arguments: [userID])
        try db.execute(
            sql: "INSERT INTO hub_password_link (token_hash, user_id, expires_at) VALUES (?, ?, ?)",
            arguments: [Secrets.hash(token), userID, now.addingTimeInterval(AccountPolicy.standard.passwordLinkSeconds)])
        return token
    }

    public func addUser(email: String, role: HubUserRole, participantID: String?, at now: Date) async throws -> String {
        if let participantID, try program.participant(id: participantID) == nil { throw AccountFailure.unknownParticipant(participantID) }
        return try await pool.write { db in
            guard try Self.user(db, email: email) == nil else { throw AccountFailure.exists(email) }
            try db.execute(
                sql: "INSERT INTO hub_user (email, role, participant_id, created_at) VALUES (?, ?, ?, ?)",
                arguments: [email, role.rawValue, participantID, now])
            return try Self.newPasswordLink(db, userID: db.lastInsertedRowID, at: now)
        }
    }

    public func users() async throws -> [HubUser] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT \(Self.userColumns()) FROM hub_user ORDER BY email").map(Self.user) }
    }

    public func setUserDisabled(email: String, _ disabled: Bool, at now: Date) async throws -> HubUser {
        try await pool.write { db in
            guard let user = try Self.user(db, email: email) else { throw AccountFailure.notFound(email) }
            try db.execute(sql: "UPDATE hub_user SET disabled_at = ? WHERE id = ?", arguments: [disabled ? now : nil, user.id])
            if disabled {
                try db.execute(sql: "DELETE FROM hub_user_session WHERE user_id = ?", arguments: [user.id])
                try db.execute(sql: "DELETE FROM hub_password_link WHERE user_id = ?", arguments: [user.id])
            }
            return try Self.user(db, email: email)!
        }
    }

    public func resetPassword(email: String, at now: Date) async throws -> String {
        try await pool.write { db in
            guard let user = try Self.user(db, email: email) else { throw AccountFailure.notFound(email) }
            try db.execute(sql: "UPDATE hub_user SET password_hash = NULL, failed_logins = 0, locked_until = NULL WHERE id = ?", arguments: [user.id])
            try db.execute(sql: "DELETE FROM hub_user_session WHERE user_id = ?", arguments: [user.id])
            return try Self.newPasswordLink(db, userID: user.id, at: now)
        }
    }

    public func passwordLinkUser(token: String, at now: Date) async throws -> HubUser? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT \(Self.userColumns()) FROM hub_user WHERE disabled_at IS NULL
                AND id = (SELECT user_id FROM hub_password_link WHERE token_hash = ? AND expires_at > ?)
                """, arguments: [Secrets.hash(token), now]).map(Self.user)
        }
    }

    public func setPassword(token: String, passwordHash: String, at now: Date) async throws -> HubUser? {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT \(Self.userColumns()) FROM hub_user WHERE disabled_at IS NULL
                AND id = (SELECT user_id FROM hub_password_link WHERE token_hash = ? AND expires_at > ?)
                """, arguments: [Secrets.hash(token), now])
            else { return nil }
            let user = Self.user(row)
            try db.execute(sql: "DELETE FROM hub_password_link WHERE user_id = ?", arguments: [user.id])
            try db.execute(sql: "DELETE FROM hub_user_session WHERE user_id = ?", arguments: [user.id])
            try db.execute(
                sql: "UPDATE hub_user SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE id = ?", arguments: [passwordHash, user.id])
            return try Self.user(db, email: user.email)
        }
    }

    public func loginCandidate(email: String) async throws -> LoginCandidate? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.userColumns()), password_hash FROM hub_user WHERE email = ?", arguments: [email]).map {
                LoginCandidate(user: Self.user($0), passwordHash: $0["password_hash"])
            }
        }
    }

    public func recordFailedLogin(userID: Int64, at now: Date, policy: AccountPolicy) async throws -> Date? {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE hub_user SET
                    locked_until = CASE WHEN failed_logins + 1 >= ?2 THEN ?3 ELSE locked_until END,
                    failed_logins = CASE WHEN failed_logins + 1 >= ?2 THEN 0 ELSE failed_logins + 1 END
                WHERE id = ?1
                """, arguments: [userID, policy.lockAfterFailures, now.addingTimeInterval(policy.lockSeconds)])
            return try Date.fetchOne(db, sql: "SELECT locked_until FROM hub_user WHERE id = ? AND locked_until > ?", arguments: [userID, now])
        }
    }

    public func startSession(userID: Int64, at now: Date) async throws -> String? {
        let token = Secrets.token()
        return try await pool.write { db in
            try db.execute(sql: """
                UPDATE hub_user SET failed_logins = 0, locked_until = NULL, last_login_at = ?1
                WHERE id = ?2 AND disabled_at IS NULL AND (locked_until IS NULL OR locked_until <= ?1)
                """, arguments: [now, userID])
            guard db.changesCount == 1 else { return nil }
            try db.execute(
                sql: "INSERT INTO hub_user_session (token_hash, user_id, started_at, last_seen_at) VALUES (?, ?, ?, ?)",
                arguments: [Secrets.hash(token), userID, now, now])
            return token
        }
    }

    public func session(token: String, at now: Date, policy: AccountPolicy) async throws -> HubUser? {
        let hash = Secrets.hash(token)
        // A read first: a made-up cookie must not take the database's one writer from the kiosks.
        let found = try await pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT \(Self.userColumns(of: "u")), s.started_at AS session_started, s.last_seen_at AS session_seen
                FROM hub_user_session s JOIN hub_user u ON u.id = s.user_id WHERE s.token_hash = ?
                """, arguments: [hash]).map { row -> (HubUser, Date, Date) in (Self.user(row), row["session_started"], row["session_seen"]) }
        }
        guard let (user, started, seen) = found else { return nil }
        guard policy.sessionIsLive(startedAt: started, lastSeenAt: seen, at: now), !user.disabled else {
            try await endSession(token: token)
            return nil
        }
        // A busy page need not write on every request: a minute is fine enough for the idle limit.
        if now.timeIntervalSince(seen) > 60 {
            try await pool.write { db in try db.execute(sql: "UPDATE hub_user_session SET last_seen_at = ? WHERE token_hash = ?", arguments: [now, hash]) }
        }
        return user
    }

    public func endSession(token: String) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM hub_user_session WHERE token_hash = ?", arguments: [Secrets.hash(token)]) }
    }

    public func hubSetting(_ setting: HubSetting) async throws -> String? {
        try await pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM hub_setting WHERE name = ?", arguments: [setting.rawValue]) }
    }

    public func setHubSetting(_ setting: HubSetting, to value: String?) async throws {
        try await pool.write { db in
            if let value {
                try db.execute(
                    sql: "INSERT INTO hub_setting (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    arguments: [setting.rawValue, value])
            } else {
                try db.execute(sql: "DELETE FROM hub_setting WHERE name = ?", arguments: [setting.rawValue])
            }
        }
    }
}

extension HubStore {
    public func claimNotice(_ key: String, at now: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO hub_notice (key, sent_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", arguments: [key, now])
            return db.changesCount == 1
        }
    }

    public func releaseNotice(_ key: String) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM hub_notice WHERE key = ?", arguments: [key]) }
    }

    public func participantEmails() async throws -> [String: String] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT participant_id, email FROM participant_email").reduce(into: [:]) { $0[$1["participant_id"]] = $1["email"] }
        }
    }
}
