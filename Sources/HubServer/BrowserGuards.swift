import Foundation
import HTTPTypes
import HubStore
import Hummingbird

/// Keeps a browser that holds the admin's dashboard login from being used by another site:
/// a request that can change something (anything but GET, HEAD, OPTIONS) is refused when its
/// `Origin` (or, without one, its `Referer`, or `Sec-Fetch-Site`) names another site. The
/// admin API's changes also need a body declared `application/json` (`requireJSON`), which a
/// cross-site form cannot send without the browser asking first (CORS), and the hub never
/// allows that. Kiosks and scripts send no `Origin`.
struct CrossSiteGuard<Context: RequestContext>: RouterMiddleware {
    static var safeMethods: Set<HTTPRequest.Method> { [.get, .head, .options] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if !Self.safeMethods.contains(request.method), let site = Self.foreignSite(request) {
            throw APIError(.forbidden, "cross_site", "a request from \(site) cannot change anything at this hub; use the admin token from a script (Authorization: Bearer …)")
        }
        return try await next(request, context)
    }

    /// Refuses a change whose body is not declared JSON (a form's `text/plain` or
    /// `application/x-www-form-urlencoded` among them).
    static func requireJSON(_ request: Request) throws {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/json" else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "send Content-Type: application/json (with {} when there is nothing to say)")
        }
    }

    /// The other site a browser says the request comes from; nil when it comes from this hub's
    /// own pages or from no browser at all.
    static func foreignSite(_ request: Request) -> String? {
        let host = request.head.authority
        if request.headers[values: HTTPField.Name("Sec-Fetch-Site")!].contains(where: { $0 == "cross-site" || $0 == "same-site" }) {
            return request.headers[.origin] ?? "another site"
        }
        for field in [HTTPField.Name.origin, .referer] {
            guard let value = request.headers[field] else { continue }
            if value == "null" { return "an opaque origin" }
            let components = URLComponents(string: value)
            let authority = components.flatMap { parts in parts.host.map { $0 + (parts.port.map { ":\($0)" } ?? "") } }
            if authority == nil || authority?.lowercased() != host?.lowercased() { return value }
            return nil
        }
        return nil
    }
}

/// The headers every answer carries, pages and downloads alike: no sniffing of types, no
/// framing, no referrer leaving the hub, nothing kept in a cache (the figures are personal
/// data), and a content policy that allows only what a page of the hub needs.
struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    /// Dashboard pages: their own inline styles and their own GET form; nothing else.
    static var pagePolicy: String { "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'" }
    static var otherPolicy: String { "default-src 'none'; frame-ancestors 'none'" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        let isPage = response.headers[.contentType]?.hasPrefix("text/html") == true
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.contentSecurityPolicy] = isPage ? Self.pagePolicy : Self.otherPolicy
        // A page's own forms need `same-origin`: under `no-referrer` a browser sends `Origin: null`
        // with them, which CrossSiteGuard must refuse. Nothing of a page's address leaves the hub.
        response.headers[HTTPField.Name("Referrer-Policy")!] = isPage ? "same-origin" : "no-referrer"
        response.headers[.cacheControl] = "no-store"
        return response
    }
}

/// Writes failed admin logins (a wrong admin token, by Bearer or Basic) and throttled logins to the audit log, at
/// most `perMinute` rows a minute: someone guessing tokens cannot fill the disk with them. The
/// rows left out are counted in the next one written.
actor FailedLoginAudit {
    let perMinute: Int
    private var minute: Int64 = 0
    private var written = 0
    private var skipped = 0

    init(perMinute: Int = 30) { self.perMinute = perMinute }

    func record(_ request: Request, store: any HubStorage, at now: Date, reason: String? = nil) async {
        let thisMinute = Int64(now.timeIntervalSince1970 / 60)
        if thisMinute != minute {
            minute = thisMinute
            written = 0
        }
        guard written < perMinute else {
            skipped += 1
            return
        }
        written += 1
        let given = request.headers[.authorization]?.split(separator: " ").first?.lowercased()
        let scheme = given == "bearer" ? "Bearer" : given == "basic" ? "Basic" : "other"
        var detail = reason ?? "\(scheme) credentials refused for \(request.method.rawValue) \(request.uri.path.prefix(200))"
        if skipped > 0 { detail += "; \(skipped) more failed logins were not written one by one" }
        skipped = 0
        try? await store.audit(AuditEntry(at: now, actor: "anonymous", action: "login.failed", subject: nil, detail: detail))
    }
}
