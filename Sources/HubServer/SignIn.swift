import Crypto
import Foundation
import HTTPTypes
import HubStore
import Hummingbird
import HummingbirdBcrypt
import KioskCore
import NIOCore
import NIOPosix
import ProgramFiles
import Synchronization

/// People's sign-in at the hub's pages: `/login`, `/logout`, `/set-password`, and `/`, which
/// sends each person to their page. Passwords are checked with bcrypt off the event loop;
/// sessions are a cookie (HttpOnly, SameSite=Strict, Secure when the hub is reached over
/// HTTPS) holding a random token whose hash the storage keeps. Every form carries a CSRF token
/// tied to a cookie. Every login that is checked, passed or failed, goes into the audit log.
extension HubServer {
    func addSignIn(to router: Router<HubRequestContext>) {
        router.get("/") { request, _ in
            guard let (user, _) = try await signedIn(request) else { return Self.redirect("/login") }
            return Self.redirect(Self.home(of: user))
        }
        router.get("login") { request, _ in
            if let (user, _) = try await signedIn(request) { return Self.redirect(Self.home(of: user)) }
            return loginPage(next: Self.localPath(request.uri.queryParameters.get("next")), email: "", error: nil)
        }
        router.post("login") { request, context in try await login(request, context) }
        router.post("logout") { request, _ in
            let form = try await Self.form(LogoutForm.self, request)
            if let (user, token) = try await signedIn(request) {
                guard Self.validCSRF(form.csrf, secret: token) else { return Self.formExpired() }
                try await store.endSession(token: token)
                try await store.audit(AuditEntry(at: clock(), actor: Self.actor(user), action: "logout", subject: user.email))
            }
            var response = Self.redirect("/login")
            response.setCookie(sessionCookie(value: "", maxAge: 0))
            return response
        }
        router.get("set-password") { request, _ in
            let token = request.uri.queryParameters.get("token") ?? ""
            guard let user = try await store.passwordLinkUser(token: token, at: clock()) else { return unusableLink() }
            return setPasswordPage(token: token, account: user.email, error: nil)
        }
        router.post("set-password") { request, _ in
            let form = try await Self.form(SetPasswordForm.self, request)
            let token = form.token ?? ""
            guard let user = try await store.passwordLinkUser(token: token, at: clock()) else { return unusableLink() }
            let password = form.password ?? ""
            if let problem = PasswordRules.problem(password, email: user.email) {
                return setPasswordPage(token: token, account: user.email, error: problem)
            }
            guard password == form.confirm else { return setPasswordPage(token: token, account: user.email, error: "the two passwords differ") }
            let cost = passwordCost
            let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
            guard let changed = try await store.setPassword(token: token, passwordHash: hash, at: clock()) else { return unusableLink() }
            try await store.audit(AuditEntry(at: clock(), actor: Self.actor(changed), action: "password.set", subject: changed.email))
            return pages.response("message", [
                "title": "Password set", "message": "The password for \(changed.email) is set. Log in with it now.",
                "link": ["href": "/login", "label": "Log in"],
            ])
        }
    }

    // MARK: Login

    func login(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let form = try await Self.form(LoginForm.self, request)
        let next = Self.localPath(form.next)
        let typed = form.email ?? ""
        guard Self.validCSRF(form.csrf, secret: request.cookies[loginCookieName]?.value) else { return Self.formExpired() }
        let address = context.clientAddress(request)
        let now = clock()
        guard await loginThrottle.admit(LoginThrottle.bucket(of: address), at: now) else {
            await failedLogins.record(request, store: store, at: now, reason: "too many attempts from \(address)")
            var response = loginPage(
                next: next, email: EmailAddress.normalized(typed) ?? "", error: "Too many login attempts from here. Wait a minute and try again.",
                status: .tooManyRequests)
            response.headers[.retryAfter] = "60"
            return response
        }
        guard await loginThrottle.startChecking() else { return busy(next) }
        do {
            let response = try await checkLogin(form: form, next: next, address: address, at: now)
            await loginThrottle.doneChecking()
            return response
        } catch {
            await loginThrottle.doneChecking()
            throw error
        }
    }

    /// Checks an admitted login's email and password: a session and the way on, or the refusal.
    func checkLogin(form: LoginForm, next: String?, address: String, at now: Date) async throws -> Response {
        let typed = form.email ?? ""
        let refused = "The email or the password is wrong, or the account is locked for a while after repeated failures."
        func fail(_ reason: String, subject: String?) async throws -> Response {
            try await store.audit(AuditEntry(at: now, actor: "anonymous", action: "login.failed", subject: subject, detail: "from \(address): \(reason)"))
            return loginPage(next: next, email: EmailAddress.normalized(typed) ?? "", error: refused, status: .unauthorized)
        }
        let password = form.password ?? ""
        guard let email = EmailAddress.normalized(typed) else { return try await fail("not an email address", subject: nil) }
        let candidate = try await store.loginCandidate(email: email)
        guard let candidate, let hash = candidate.passwordHash, !candidate.user.disabled else {
            // The same bcrypt work as for a real account: the answer's time does not tell which emails have one.
            _ = await verify(password, hash: await dummyPasswordHash.value())
            let reason = candidate == nil ? "no such account" : candidate!.user.disabled ? "account disabled" : "no password set yet"
            return try await fail(reason, subject: email)
        }
        if let until = candidate.user.lockedUntil, until > now {
            // The same work as a check: a quick answer would tell that the email has an account.
            _ = await verify(password, hash: await dummyPasswordHash.value())
            return try await fail("locked until \(ProgramTime.format(until))", subject: email)
        }
        guard await verify(password, hash: hash) else {
            let locked = try await store.recordFailedLogin(userID: candidate.user.id, at: now, policy: accountPolicy)
            return try await fail("wrong password" + (locked.map { "; locked until \(ProgramTime.format($0))" } ?? ""), subject: email)
        }
        guard let token = try await store.startSession(userID: candidate.user.id, at: now) else {
            return try await fail("locked or disabled while the password was checked", subject: email)
        }
        try await store.audit(AuditEntry(at: now, actor: Self.actor(candidate.user), action: "login", subject: email, detail: "from \(address)"))
        var response = Self.redirect(next ?? Self.home(of: candidate.user))
        response.setCookie(sessionCookie(value: token, maxAge: Int(accountPolicy.sessionSeconds)))
        response.setCookie(Cookie(name: loginCookieName, value: "", maxAge: 0, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict))
        return response
    }

    func verify(_ password: String, hash: String) async -> Bool {
        // A password bcrypt would truncate is never one that was set (PasswordRules), so it cannot match.
        guard password.utf8.count <= PasswordRules.maximumBytes, !password.isEmpty else { return false }
        return (try? await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }) ?? false
    }

    /// Refuses a login at once while `LoginThrottle.maximumChecking` are being checked: bcrypt
    /// is slow on purpose, and guesses from many addresses must not take every core.
    func busy(_ next: String?) -> Response {
        var response = loginPage(next: next, email: "", error: "The hub is busy checking other logins. Try again in a few seconds.", status: .tooManyRequests)
        response.headers[.retryAfter] = "5"
        return response
    }

    // MARK: Sessions

    var sessionCookieName: String { secureCookies ? "__Host-mentor_hub_session" : "mentor_hub_session" }
    var loginCookieName: String { secureCookies ? "__Host-mentor_hub_login" : "mentor_hub_login" }

    func sessionCookie(value: String, maxAge: Int) -> Cookie {
        Cookie(name: sessionCookieName, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict)
    }

    /// The person signed in with this request's session cookie, and the session's token.
    func signedIn(_ request: Request) async throws -> (user: HubUser, token: String)? {
        guard let token = request.cookies[sessionCookieName]?.value, !token.isEmpty, token.count <= 128 else { return nil }
        guard let user = try await store.session(token: token, at: clock(), policy: accountPolicy) else { return nil }
        return (user, token)
    }

    /// The token a form of this session carries: an HMAC of the session's token, which another
    /// site can neither read (the cookie is HttpOnly) nor compute.
    static func csrfToken(for secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data("mentor-hub form".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return Secrets.hex(code)
    }

    static func validCSRF(_ given: String?, secret: String?) -> Bool {
        guard let given, let secret, !secret.isEmpty else { return false }
        // Compared as hashes, so the comparison's time tells nothing about the expected token.
        return Secrets.hash(given) == Secrets.hash(csrfToken(for: secret))
    }

    /// What the layout's bar shows for a signed-in person (and the logout form's token).
    static func bar(_ user: HubUser, token: String) -> [String: Any] {
        ["email": user.email, "role": user.role.rawValue, "csrf": csrfToken(for: token), "admin": user.role == .admin]
    }

    static func actor(_ user: HubUser) -> String { "user:\(user.email)" }

    static func home(of user: HubUser) -> String { user.role == .admin ? "/dashboard" : "/my" }

    // MARK: Pages

    func loginPage(next: String?, email: String, error: String?, status: HTTPResponse.Status = .ok) -> Response {
        let secret = Secrets.token()
        var values: [String: Any] = ["title": "Log in", "csrf": Self.csrfToken(for: secret), "next": next ?? "", "email": email]
        values["error"] = error
        var response = pages.response("login", values, status: status)
        response.setCookie(Cookie(name: loginCookieName, value: secret, maxAge: 3600, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict))
        return response
    }

    func setPasswordPage(token: String, account: String, error: String?) -> Response {
        var values: [String: Any] = ["title": "Set your password", "token": token, "account": account, "minimum": PasswordRules.minimumCharacters]
        values["error"] = error
        return pages.response("set-password", values, status: error == nil ? .ok : .badRequest)
    }

    func unusableLink() -> Response {
        pages.response("message", [
            "title": "This link cannot be used",
            "message": "It is unknown, used already, or older than \(Int(accountPolicy.passwordLinkSeconds / 3600)) hours. Ask the program's admin for a new one (mentor-hub user reset).",
        ], status: .notFound)
    }

    static func formExpired() -> Response {
        WebPages.shared.response("message", [
            "title": "The form has expired",
            "message": "It was opened too long ago, in another window, or without cookies. Open the page again and resend it.",
            "link": ["href": "/login", "label": "Log in"],
        ], status: .forbidden)
    }

    // MARK: Plumbing

    /// Sends a browser without a session to the login page, and back to this page afterwards.
    static func toLogin(_ request: Request) -> Response {
        let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        return redirect("/login?next=" + (target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "%2F"))
    }

    /// A redirect a browser follows with GET (after a form's POST, too).
    static func redirect(_ path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path])
    }

    /// A path on this hub to go on to after login; nil for anything else (another site, `//host`, a scheme).
    /// Judged by bytes, not Characters: "/" followed by a combining mark is one Character that
    /// `hasPrefix("//")` would miss, and a browser drops the mark and goes to another host.
    static func localPath(_ text: String?) -> String? {
        guard let text else { return nil }
        let bytes = Array(text.utf8)
        guard bytes.count >= 1, bytes.count <= 512, bytes[0] == UInt8(ascii: "/"),
              bytes.count == 1 || (bytes[1] != UInt8(ascii: "/") && bytes[1] != UInt8(ascii: "\\")),
              bytes.allSatisfy({ (0x21...0x7E).contains($0) && !"\"'<>\\`".utf8.contains($0) })
        else { return nil }
        return text
    }

    /// A form's fields (`application/x-www-form-urlencoded`, at most 16 KiB), by Hummingbird's
    /// decoder; a repeated name refuses the form.
    static func form<Fields: Decodable>(_ type: Fields.Type, _ request: Request) async throws -> Fields {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/x-www-form-urlencoded" else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "send the form as application/x-www-form-urlencoded")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: 16 << 10)
        } catch {
            throw APIError(.contentTooLarge, "too_large", "a form is at most 16 KiB")
        }
        do {
            return try URLEncodedFormDecoder().decode(Fields.self, from: String(buffer: buffer))
        } catch {
            throw APIError(.badRequest, "bad_request", "the form cannot be read: \(error)")
        }
    }
}

/// The login form's fields.
struct LoginForm: Decodable {
    var csrf: String?
    var next: String?
    var email: String?
    var password: String?
}

/// The set-password form's fields: the link's token and the password twice.
struct SetPasswordForm: Decodable {
    var token: String?
    var password: String?
    var confirm: String?
}

/// The logout button's form.
struct LogoutForm: Decodable {
    var csrf: String?
}

/// A bcrypt hash of a random secret at the hub's cost, for logins that have no real hash to be
/// checked against (the same work either way). Made on first use, off the event loop, rather
/// than when a `HubServer` is built.
final class DummyPasswordHash: Sendable {
    let cost: UInt8
    private let made = Mutex<String?>(nil)

    init(cost: UInt8) { self.cost = cost }

    func value() async -> String {
        if let hash = made.withLock({ $0 }) { return hash }
        let cost = cost
        let hash = (try? await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(Secrets.token(), cost: cost) }) ?? Bcrypt.hash(Secrets.token(), cost: cost)
        return made.withLock { made in
            if made == nil { made = hash }
            return made!
        }
    }
}

/// Counts login attempts per client address in a sliding minute: at most `perMinute` are
/// checked (bcrypt is slow on purpose, and guessing must stay slow); the rest are refused at
/// once. The per-account lockout (`AccountPolicy`) works across hub processes; this limit is
/// each process's own.
actor LoginThrottle {
    let perMinute: Int
    private var attempts: [String: [Date]] = [:]
    /// Logins being checked now, in this process.
    private var checking = 0
    static let maximumChecking = 8

    init(perMinute: Int = 10) { self.perMinute = perMinute }

    /// What one client is counted as: an IPv4 address, or an IPv6 address's /64 (one
    /// household or server holds a whole /64).
    static func bucket(of address: String) -> String {
        guard address.contains(":") else { return address }
        let groups = address.split(separator: ":", omittingEmptySubsequences: false)
        guard !address.contains("::") || groups.prefix(4).allSatisfy({ !$0.isEmpty }) else { return address }
        return groups.prefix(4).joined(separator: ":") + "::/64"
    }

    /// Takes a place among the logins being checked; false when all are taken.
    func startChecking() -> Bool {
        guard checking < Self.maximumChecking else { return false }
        checking += 1
        return true
    }

    func doneChecking() { checking -= 1 }

    func admit(_ address: String, at now: Date) -> Bool {
        let recent = (attempts[address] ?? []).filter { now.timeIntervalSince($0) < 60 }
        if attempts.count > 10_000 { attempts = attempts.filter { $0.value.contains { now.timeIntervalSince($0) < 60 } } }
        guard recent.count < perMinute else {
            attempts[address] = recent
            return false
        }
        attempts[address] = recent + [now]
        return true
    }
}
