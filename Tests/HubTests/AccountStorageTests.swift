import Foundation
import HubStore
import Testing

/// `AccountStorage`'s contract on each back-end: links once and in time, lockout after repeated
/// failures, sessions that end by age, idleness, logout, disabling and reset.
@Suite("Account storage (SQLite and PostgreSQL)")
struct AccountStorageTests {
    static let now = HubStorageTests.now
    let policy = AccountPolicy.standard

    @Test("accounts: one per email, a known participant; a set-password link works once and in time; disabling ends links", arguments: HubBackend.available)
    func links(_ backend: HubBackend) async throws {
        try await backend.withProgram { store in
            let link = try await store.addUser(email: "ada@example.org", role: .admin, participantID: nil, at: Self.now)
            await #expect(throws: AccountFailure.exists("ada@example.org")) {
                try await store.addUser(email: "ada@example.org", role: .facilitator, participantID: "F001", at: Self.now)
            }
            await #expect(throws: AccountFailure.unknownParticipant("F404")) {
                try await store.addUser(email: "fa@example.org", role: .facilitator, participantID: "F404", at: Self.now)
            }
            let facilitatorLink = try await store.addUser(email: "fatima@example.org", role: .facilitator, participantID: "F001", at: Self.now)
            #expect(try await store.users().map(\.email) == ["ada@example.org", "fatima@example.org"])
            #expect(try await store.users().allSatisfy { !$0.hasPassword && !$0.disabled })

            #expect(try await store.passwordLinkUser(token: link, at: Self.now)?.email == "ada@example.org")
            #expect(try await store.passwordLinkUser(token: link + "x", at: Self.now) == nil)
            #expect(try await store.passwordLinkUser(token: link, at: Self.now.addingTimeInterval(policy.passwordLinkSeconds + 1)) == nil, "expired")
            #expect(try await store.setPassword(token: link, passwordHash: "late", at: Self.now.addingTimeInterval(policy.passwordLinkSeconds + 1)) == nil)
            let set = try #require(try await store.setPassword(token: link, passwordHash: "$2b$04$hash", at: Self.now))
            #expect(set.hasPassword && set.role == .admin)
            #expect(try await store.setPassword(token: link, passwordHash: "again", at: Self.now) == nil, "a link works once")
            #expect(try await store.loginCandidate(email: "ada@example.org")?.passwordHash == "$2b$04$hash")
            #expect(try await store.loginCandidate(email: "nobody@example.org") == nil)

            let disabled = try await store.setUserDisabled(email: "fatima@example.org", true, at: Self.now)
            #expect(disabled.disabled && disabled.participantID == "F001")
            #expect(try await store.passwordLinkUser(token: facilitatorLink, at: Self.now) == nil, "disabling ends the account's links")
            #expect(try await !store.setUserDisabled(email: "fatima@example.org", false, at: Self.now).disabled)
            await #expect(throws: AccountFailure.notFound("who@example.org")) { try await store.setUserDisabled(email: "who@example.org", true, at: Self.now) }

            try await store.setHubSetting(.publicURL, to: "https://hub.example.org")
            #expect(try await store.hubSetting(.publicURL) == "https://hub.example.org")
            try await store.setHubSetting(.publicURL, to: nil)
            #expect(try await store.hubSetting(.publicURL) == nil)
        }
    }

    @Test("logins: the fifth failure in a row locks the account for a while; a login clears the count", arguments: HubBackend.available)
    func lockout(_ backend: HubBackend) async throws {
        try await backend.withStorage { store in
            _ = try await store.addUser(email: "ada@example.org", role: .admin, participantID: nil, at: Self.now)
            let id = try #require(try await store.loginCandidate(email: "ada@example.org")).user.id
            for attempt in 1...4 {
                #expect(try await store.recordFailedLogin(userID: id, at: Self.now, policy: policy) == nil, "attempt \(attempt) does not lock")
            }
            _ = try await store.startSession(userID: id, at: Self.now)
            for _ in 1...4 { _ = try await store.recordFailedLogin(userID: id, at: Self.now, policy: policy) }
            let until = try #require(try await store.recordFailedLogin(userID: id, at: Self.now, policy: policy), "the fifth in a row since the login locks")
            #expect(until == Self.now.addingTimeInterval(policy.lockSeconds))
            #expect(try await store.loginCandidate(email: "ada@example.org")?.user.lockedUntil == until)
            #expect(try await store.users().first?.lastLoginAt == Self.now)
        }
    }

    @Test("sessions: found by token until too old or idle; logout, reset and disabling end them", arguments: HubBackend.available)
    func sessions(_ backend: HubBackend) async throws {
        try await backend.withStorage { store in
            let link = try await store.addUser(email: "ada@example.org", role: .admin, participantID: nil, at: Self.now)
            _ = try await store.setPassword(token: link, passwordHash: "$2b$04$hash", at: Self.now)
            let id = try #require(try await store.loginCandidate(email: "ada@example.org")).user.id
            let token = try await store.startSession(userID: id, at: Self.now)
            #expect(try await store.session(token: token, at: Self.now, policy: policy)?.email == "ada@example.org")
            #expect(try await store.session(token: token + "x", at: Self.now, policy: policy) == nil)
            // Used every hour it stays alive until the absolute limit.
            var moment = Self.now
            while moment.addingTimeInterval(3600) < Self.now.addingTimeInterval(policy.sessionSeconds) {
                moment = moment.addingTimeInterval(3600)
                #expect(try await store.session(token: token, at: moment, policy: policy) != nil, "alive at \(moment)")
            }
            #expect(try await store.session(token: token, at: Self.now.addingTimeInterval(policy.sessionSeconds + 1), policy: policy) == nil)

            let idle = try await store.startSession(userID: id, at: Self.now)
            #expect(try await store.session(token: idle, at: Self.now.addingTimeInterval(policy.sessionIdleSeconds + 1), policy: policy) == nil)
            #expect(try await store.session(token: idle, at: Self.now, policy: policy) == nil, "an expired session is gone for good")

            let loggedOut = try await store.startSession(userID: id, at: Self.now)
            try await store.endSession(token: loggedOut)
            #expect(try await store.session(token: loggedOut, at: Self.now, policy: policy) == nil)

            let beforeReset = try await store.startSession(userID: id, at: Self.now)
            let newLink = try await store.resetPassword(email: "ada@example.org", at: Self.now)
            #expect(try await store.session(token: beforeReset, at: Self.now, policy: policy) == nil, "a reset ends the sessions")
            #expect(try await store.loginCandidate(email: "ada@example.org")?.passwordHash == nil, "and clears the password")
            _ = try await store.setPassword(token: newLink, passwordHash: "$2b$04$new", at: Self.now)

            let beforeDisable = try await store.startSession(userID: id, at: Self.now)
            _ = try await store.setUserDisabled(email: "ada@example.org", true, at: Self.now)
            #expect(try await store.session(token: beforeDisable, at: Self.now, policy: policy) == nil, "disabling ends the sessions")
        }
    }
}
