import Foundation
import HTTPTypes
import HubStore
import Hummingbird
import KioskCore
import NIOCore

/// The web admin under `/admin`: the program's files, people, sessions, kiosks, settings,
/// rejected events and audit log, for a signed-in admin. Every page is rendered on the server
/// (`WebPages`), works without JavaScript, and every form that changes something carries the
/// session's CSRF token; every change goes into the audit log under the admin's email, with the
/// same rules as the command line's.
extension HubServer {
    func addAdmin(to router: Router<HubRequestContext>) {
        router.get("admin") { _, _ in Self.redirect("/admin/program") }
        addAdminProgram(to: router)
        addAdminSessions(to: router)
        addAdminKiosks(to: router)
        addAdminSettings(to: router)
        addAdminLogs(to: router)
    }

    /// Answers a GET of an admin page: `render` runs only for a signed-in admin; anyone else is
    /// sent to log in (a facilitator to their own page).
    func adminPage(_ request: Request, render: (AdminVisit) async throws -> Response) async throws -> Response {
        guard let (user, token) = try await signedIn(request) else {
            return Self.toLogin(request)
        }
        guard user.role == .admin else { return Self.redirect(Self.home(of: user)) }
        return try await render(AdminVisit(user: user, token: token))
    }

    /// Answers an admin form's POST (`application/x-www-form-urlencoded`): `act` runs only for a
    /// signed-in admin whose form carries their session's CSRF token. Nobody else's body is read.
    func adminForm<Fields: AdminFormFields>(
        _ request: Request, _ type: Fields.Type, act: (AdminVisit, Fields) async throws -> Response
    ) async throws -> Response {
        try await adminPage(request) { visit in
            let fields = try await Self.form(type, request)
            guard Self.validCSRF(fields.csrf, secret: visit.token) else { return Self.formExpired() }
            return try await act(visit, fields)
        }
    }

    /// Like `adminForm`, for a `multipart/form-data` form (a file upload) of at most `limit` bytes.
    func adminUpload(
        _ request: Request, limit: Int, act: (AdminVisit, MultipartFields) async throws -> Response
    ) async throws -> Response {
        try await adminPage(request) { visit in
            let fields = try await MultipartFields.read(request, limit: limit)
            guard Self.validCSRF(fields.text("csrf"), secret: visit.token) else { return Self.formExpired() }
            return try await act(visit, fields)
        }
    }

    /// An admin page: the layout's bar and menu, the page's own values.
    func adminResponse(_ template: String, _ visit: AdminVisit, title: String, _ values: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        var all = values
        all["title"] = title
        all["user"] = Self.bar(visit.user, token: visit.token)
        all["csrf"] = visit.csrf
        return pages.response(template, all, status: status)
    }

    /// A page that tells the outcome of a change, with the way back.
    func adminMessage(_ visit: AdminVisit, title: String, _ message: String, back: String, status: HTTPResponse.Status = .ok) -> Response {
        adminResponse("admin-message", visit, title: title, ["message": message, "back": back], status: status)
    }

    func adminAudit(_ visit: AdminVisit, _ action: String, subject: String? = nil, detail: String? = nil) async throws {
        try await store.audit(AuditEntry(at: clock(), actor: Self.actor(visit.user), action: action, subject: subject, detail: detail))
    }
}

/// A signed-in admin on one request: who, and their session's token (the forms' CSRF secret).
struct AdminVisit {
    var user: HubUser
    var token: String
    var csrf: String { HubServer.csrfToken(for: token) }
}

/// An admin form's fields: each carries the session's CSRF token.
protocol AdminFormFields: Decodable {
    var csrf: String? { get }
}
