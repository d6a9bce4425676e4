import Foundation
import KioskCore
import HubStore
@testable import HubServer
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
            #expect(try await store.startSession(userID: id, at: Self.now) == nil, "a login checked while the fifth failure locked it opens no session")
            #expect(try await store.startSession(userID: id, at: until) != nil, "once the lock has run out, it does")
        }
    }

    @Test("sessions: found by token until too old or idle; logout, reset and disabling end them", arguments: HubBackend.available)
    func sessions(_ backend: HubBackend) async throws {
        try await backend.withStorage { store in
            let link = try await store.addUser(email: "ada@example.org", role: .admin, participantID: nil, at: Self.now)
            _ = try await store.setPassword(token: link, passwordHash: "$2b$04$hash", at: Self.now)
            let id = try #require(try await store.loginCandidate(email: "ada@example.org")).user.id
            let token = try #require(try await store.startSession(userID: id, at: Self.now))
            #expect(try await store.session(token: token, at: Self.now, policy: policy)?.email == "ada@example.org")
            #expect(try await store.session(token: token + "x", at: Self.now, policy: policy) == nil)
            // Used every hour it stays alive until the absolute limit.
            var moment = Self.now
            while moment.addingTimeInterval(3600) < Self.now.addingTimeInterval(policy.sessionSeconds) {
                moment = moment.addingTimeInterval(3600)
                #expect(try await store.session(token: token, at: moment, policy: policy) != nil, "alive at \(moment)")
            }
            #expect(try await store.session(token: token, at: Self.now.addingTimeInterval(policy.sessionSeconds + 1), policy: policy) == nil)

            let idle = try #require(try await store.startSession(userID: id, at: Self.now))
            #expect(try await store.session(token: idle, at: Self.now.addingTimeInterval(policy.sessionIdleSeconds + 1), policy: policy) == nil)
            #expect(try await store.session(token: idle, at: Self.now, policy: policy) == nil, "an expired session is gone for good")
            #expect(try await store.session(token: "mkt_made_up", at: Self.now, policy: policy) == nil)

            let loggedOut = try #require(try await store.startSession(userID: id, at: Self.now))
            try await store.endSession(token: loggedOut)
            #expect(try await store.session(token: loggedOut, at: Self.now, policy: policy) == nil)

            let beforeReset = try #require(try await store.startSession(userID: id, at: Self.now))
            let newLink = try await store.resetPassword(email: "ada@example.org", at: Self.now)
            #expect(try await store.session(token: beforeReset, at: Self.now, policy: policy) == nil, "a reset ends the sessions")
            #expect(try await store.loginCandidate(email: "ada@example.org")?.passwordHash == nil, "and clears the password")
            _ = try await store.setPassword(token: newLink, passwordHash: "$2b$04$new", at: Self.now)

            let beforeDisable = try #require(try await store.startSession(userID: id, at: Self.now))
            _ = try await store.setUserDisabled(email: "ada@example.org", true, at: Self.now)
            #expect(try await store.session(token: beforeDisable, at: Self.now, policy: policy) == nil, "disabling ends the sessions")
        }
    }
}

/// The pure rules beneath accounts and pages: emails, passwords, the throttle's unit, the paths
/// a login may go on to, and HTML escaping of what a Character hides.
@Suite("Account rules")
struct AccountRulesTests {
    @Test("emails: normalised, or refused with control, format and combining characters")
    func emails() {
        #expect(EmailAddress.normalized("  Ada@Example.ORG ") == "ada@example.org")
        for bad in ["ada", "@example.org", "ada@example", "ada@@example.org", "a b@example.org", "ada@example.org\u{202E}", "ada@example.org\u{9B}",
                    "\"\u{301}@example.org", "<ada>@example.org", String(repeating: "a", count: 250) + "@x.org"] {
            #expect(EmailAddress.normalized(bad) == nil, "\(bad.debugDescription)")
        }
    }

    @Test("passwords: 10 characters to 72 bytes, no NUL, not the email")
    func passwords() {
        #expect(PasswordRules.problem("correct horse", email: "a@b.org") == nil)
        #expect(PasswordRules.problem("short", email: "a@b.org")?.contains("at least 10") == true)
        #expect(PasswordRules.problem(String(repeating: "é", count: 37), email: "a@b.org")?.contains("72 bytes") == true)
        #expect(PasswordRules.problem("0123456789\u{0}", email: "a@b.org")?.contains("NUL") == true)
        #expect(PasswordRules.problem("Ada@Example.org", email: "ada@example.org") != nil)
    }

    @Test("the throttle counts an IPv6 address by its /64, an IPv4 one by itself")
    func buckets() {
        #expect(LoginThrottle.bucket(of: "203.0.113.7") == "203.0.113.7")
        #expect(LoginThrottle.bucket(of: "2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64")
        #expect(LoginThrottle.bucket(of: "2001:db8:1:2:bbbb:cccc:dddd:eeee") == "2001:db8:1:2::/64")
    }

    @Test("after login only a path of this hub, judged by bytes")
    func localPaths() {
        #expect(HubServer.localPath("/dashboard?from=2026-01-01") == "/dashboard?from=2026-01-01")
        #expect(HubServer.localPath("/") == "/")
        for offsite in ["//evil.example", "/\\evil.example", "/\u{FE0F}/evil.example", "https://evil.example", "/a b", "/a\"onx", "", nil] as [String?] {
            #expect(HubServer.localPath(offsite) == nil, "\(String(describing: offsite?.debugDescription))")
        }
    }

    @Test("the page templates escape every value: none uses {{{value}}} or {{&value}}")
    func templatesEscape() {
        for (name, text) in [WebPages.templates, WebPages.adminTemplates, WebPages.facilitatorTemplates].joined() {
            #expect(!text.contains("{{{") && !text.contains("{{&"), "\(name)")
        }
        let page = WebPages.shared.render("message", ["title": "<script>", "message": "\"'&"])
        #expect(page.contains("&lt;script&gt;") && page.contains("&quot;&#39;&amp;") && !page.contains("<script>"))
        // A prepended mark (U+0600) makes "\u{600}<" one Character, which Mustache's own escaper lets through.
        let marked = WebPages.shared.render("message", ["title": "t", "message": "\u{600}<form action=/x\u{600}>\"\u{301}"])
        #expect(marked.contains("\u{600}&lt;form action=/x\u{600}&gt;&quot;\u{301}") && !marked.contains("<form action=/x"))
        let row: [String: Any] = ["id": "k1", "location": "\u{600}<i>", "state": "enrolled", "version": "\u{600}<form\u{600}>", "revoked": false]
        let table = WebPages.shared.render("admin-kiosks", ["title": "Kiosks", "kiosks": [row], "csrf": "00"])
        #expect(table.contains("\u{600}&lt;form\u{600}&gt;") && table.contains("\u{600}&lt;i&gt;") && !table.contains("<form\u{600}>"), "rows of a table too")
    }

    @Test("the dashboard escapes a quote even when a combining mark makes it one Character with it")
    func escaping() {
        #expect(DashboardPage.escape("\"\u{301} onmouseover=x") == "&quot;\u{301} onmouseover=x")
        #expect(DashboardPage.escape("<b>'&") == "&lt;b&gt;&#39;&amp;")
    }
}
