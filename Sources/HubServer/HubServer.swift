import CompressNIO
import Foundation
import HTTPTypes
import HubProtocol
import HubStore
import Hummingbird
import KioskCore
import NIOCore
import Prometheus

/// The hub's HTTP API (`api/openapi.yaml`): enrollment, idempotent event ingest, each
/// kiosk's directory, kiosk status, and the admin endpoints. Every refusal is a JSON
/// `APIErrorBody` with the right status, and stores nothing.
public struct HubServer: Sendable {
    public let store: any HubStorage
    /// Hash of the admin token (the token itself is only in the admin's hands).
    let adminTokenHash: String
    let badgeSecret: Data
    let clock: @Sendable () -> Date
    /// The program's time zone: the dashboard's days and weeks.
    let timeZone: TimeZone
    /// Counters since this process started, for `/metrics`.
    let metrics = PrometheusCollectorRegistry()
    /// Failed admin logins, written to the audit log at a bounded rate.
    let failedLogins = FailedLoginAudit()
    /// People's login attempts per client address.
    let loginThrottle = LoginThrottle()
    /// Each kiosk's reads of its history (`GET /v1/events`).
    let historyThrottle = KioskHistoryThrottle()
    let accountPolicy = AccountPolicy.standard
    /// bcrypt's cost for passwords set here (4–14; every step doubles the work).
    let passwordCost: UInt8
    /// Cookies only over HTTPS: the hub serves TLS, or its public URL is https.
    let secureCookies: Bool
    /// What a login for an account without a password is checked against, for the same work.
    let dummyPasswordHash: DummyPasswordHash
    /// The kiosks' directories as last built, so a poll that finds nothing new builds nothing.
    public let directories: DirectoryCache
    var pages: WebPages { .shared }

    public init(
        store: any HubStorage, adminToken: String, badgeSecret: Data, timeZone: TimeZone = .gmt, passwordCost: UInt8 = 11, secureCookies: Bool = false,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        directories = DirectoryCache(store: store)
        self.adminTokenHash = Secrets.hash(adminToken)
        self.badgeSecret = badgeSecret
        self.timeZone = timeZone
        self.clock = clock
        self.passwordCost = min(max(passwordCost, 4), 14)
        self.secureCookies = secureCookies
        dummyPasswordHash = DummyPasswordHash(cost: self.passwordCost)
    }

    public func router() -> Router<HubRequestContext> {
        let router = Router(context: HubRequestContext.self)
        router.middlewares.add(SecurityHeaders())
        router.middlewares.add(APIErrorMiddleware(metrics: metrics))
        router.middlewares.add(CrossSiteGuard())
        let api = router.group("v1")
        api.get("health") { _, _ in try json(["status": "ok"]) }
        api.post("enroll") { request, context in try await enroll(request, context) }
        api.post("events") { request, context in try await push(request, context) }
        api.get("events") { request, context in try await history(request, context) }
        api.get("directory") { request, context in try await directory(request, context) }
        api.post("status") { request, context in try await status(request, context) }
        let admin = api.group("admin")
        admin.get("kiosks") { request, _ in
            try await authorizeAdmin(request)
            return try json(["kiosks": try await store.kiosks()])
        }
        admin.post("kiosks") { request, context in try await addKiosk(request, context) }
        admin.post("kiosks/:kiosk/rotate") { request, context in
            try await authorizeAdmin(request)
            let id = try context.parameters.require("kiosk")
            let code = try await failing(on: KioskFailure.self) { try await store.rotateEnrollment(kioskID: id) }
            try await store.audit(AuditEntry(at: clock(), actor: "api", action: "kiosk.rotate", subject: id))
            return try json(["kiosk_id": id, "enrollment_code": code])
        }
        admin.post("kiosks/:kiosk/revoke") { request, context in
            try await authorizeAdmin(request)
            let id = try context.parameters.require("kiosk")
            try await failing(on: KioskFailure.self) { try await store.revoke(kioskID: id) }
            try await store.audit(AuditEntry(at: clock(), actor: "api", action: "kiosk.revoke", subject: id))
            return Response(status: .noContent)
        }
        admin.get("events") { request, _ in try await exportEvents(request) }
        addDashboard(to: router)
        addSignIn(to: router)
        addAdmin(to: router)
        addFacilitatorPages(to: router)
        router.get("metrics") { request, _ in try await prometheusMetrics(request) }
        return router
    }

    // MARK: Kiosk endpoints

    func enroll(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let body = try await decode(EnrollRequest.self, request)
        if let last = body.lastSequence, last < 0 { throw APIError(.badRequest, "bad_request", "last_sequence is 0 or more") }
        switch try await store.enroll(code: body.code, knownThrough: body.replace == true ? nil : body.lastSequence, at: clock()) {
        case .refused:
            throw APIError(.forbidden, "enrollment_refused", "this enrollment code is unknown, used or revoked; ask the hub's admin for a new one (mentor-hub kiosk rotate)")
        case .behind(let kioskID, let cursor):
            var error = APIError(
                .conflict, "replacement",
                "the hub holds \(kioskID)'s events through number \(cursor), which this kiosk's database does not have: it replaces the kiosk that sent them. Enroll with --replace (it continues after them and takes the recent ones back); the code stays usable")
            error.body.acknowledgedThrough = cursor
            throw error
        case .enrolled(let kiosk, let token, let cursor):
            await historyThrottle.enrolled(kioskID: kiosk.id)
            let answer = EnrollResponse(
                kioskID: kiosk.id, location: kiosk.location, token: token, badgeSecret: badgeSecret.base64EncodedString(), acknowledgedThrough: cursor)
            return try json(answer, status: .created)
        }
    }

    /// `GET /v1/events`: the asking kiosk's own events of the last `KioskHistory.recentDays`
    /// days, a page after `after`, with every badge it linked (however old). Older ones are
    /// skipped here, not in the store's query: this runs once per replaced kiosk, and wall times
    /// need not follow sequence numbers. A kiosk's clock it did not trust is still its clock
    /// (no network time, not no time): its wall times choose as well as any. Each page is
    /// audited: a token that reads its kiosk's history is something an admin should see. Pages
    /// beyond a whole history are paced (`KioskHistoryThrottle`).
    func history(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let kiosk = try await authorizeKiosk(request)
        let query = request.uri.queryParameters
        guard let after = Int64(query["after"].map(String.init) ?? "0"), after >= 0 else {
            throw APIError(.badRequest, "bad_request", "after must be a sequence number, 0 or more")
        }
        guard let limit = Int(query["limit"].map(String.init) ?? "\(KioskHistory.pageLimit)"), (1...KioskHistory.pageLimit).contains(limit) else {
            throw APIError(.badRequest, "bad_request", "limit must be 1–\(KioskHistory.pageLimit)")
        }
        // Paced by the real time, even while the hub rehearses another moment.
        if let seconds = await historyThrottle.wait(kioskID: kiosk.id, at: Date()) {
            throw APIError(
                .tooManyRequests, "too_many_requests",
                "this kiosk has read its history more often than a replacement needs; try again in \(seconds) seconds",
                headers: [.retryAfter: "\(seconds)"])
        }
        let cursor = try await store.kiosks().first { $0.kioskID == kiosk.id }?.acknowledgedThrough ?? 0
        let since = clock().addingTimeInterval(-Double(KioskHistory.recentDays) * 86_400)
        var recent: [WireEvent] = [], position = EventPosition(kioskID: kiosk.id, seq: after)
        while recent.count < limit {
            let page = try await store.events(kioskID: kiosk.id, after: position, limit: Self.exportPageLimit)
            recent += page.map(\.event).filter { $0.wallTime >= since || $0.kind == KioskEventKind.badgeLink.rawValue }
                .prefix(limit - recent.count)
            guard page.count == Self.exportPageLimit, let last = page.last else { break }
            position.seq = last.event.seq
        }
        try await store.audit(AuditEntry(
            at: clock(), actor: "kiosk", action: "kiosk.history", subject: kiosk.id,
            detail: "\(recent.count) events after \(after)"))
        return try json(KioskHistory(events: recent, acknowledgedThrough: cursor))
    }

    func push(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let kiosk = try await authorizeKiosk(request)
        let batch = try await decode(EventBatch.self, request)
        guard batch.events.count <= HubAPI.maximumBatch else {
            throw APIError(.contentTooLarge, "too_large", "a push carries at most \(HubAPI.maximumBatch) events; this one has \(batch.events.count)")
        }
        if let first = batch.events.first, first.seq < 1 {
            throw APIError(.badRequest, "bad_request", "sequence numbers start at 1; this batch starts at \(first.seq)")
        }
        for (previous, next) in zip(batch.events, batch.events.dropFirst()) where previous.seq == .max || next.seq != previous.seq + 1 {
            throw APIError(.badRequest, "bad_request", "events must have consecutive sequence numbers in ascending order; \(next.seq) follows \(previous.seq)")
        }
        for (index, event) in batch.events.enumerated() {
            if let problem = event.outOfBounds { throw APIError(.badRequest, "bad_request", "events[\(index)] (seq \(event.seq)): \(problem)") }
        }
        switch try await store.ingest(kioskID: kiosk.id, events: batch.events, at: clock()) {
        case .accepted(let receipt):
            let kioskLabel = [("kiosk", kiosk.id)]
            metrics.makeCounter(descriptor: HubMetric.eventsStored, labels: kioskLabel).increment(by: Int64(receipt.stored))
            metrics.makeCounter(descriptor: HubMetric.eventsDuplicate, labels: kioskLabel).increment(by: Int64(receipt.duplicates))
            metrics.makeCounter(descriptor: HubMetric.eventsRejected, labels: kioskLabel).increment(by: Int64(receipt.rejected.count))
            return try json(receipt)
        case .quarantineFull(let waiting):
            throw APIError(
                .tooManyRequests, "quarantine_full",
                "\(waiting) of this kiosk's events wait in the hub's quarantine, the most it keeps; ask the admin to fix the roster and run mentor-hub rejected retry",
                headers: [.retryAfter: "3600"])
        case .gap(let through):
            var error = APIError(.conflict, "sequence_gap", "the hub has this kiosk's events up to \(through); send from \(through + 1)")
            error.body.acknowledgedThrough = through
            throw error
        }
    }

    func directory(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let kiosk = try await authorizeKiosk(request)
        // The ETag is the version in quotes; what a kiosk sends back is compared as it is.
        let known = request.headers[.ifNoneMatch].flatMap { $0.count > 2 && $0.hasPrefix("\"") && $0.hasSuffix("\"") ? String($0.dropFirst().dropLast()) : nil }
        let (answer, built) = try await directories.answer(location: kiosk.location, at: clock(), known: known)
        if built { metrics.makeCounter(descriptor: HubMetric.directoryBuilds).increment() }
        switch answer {
        case .unchanged(let version):
            metrics.makeCounter(descriptor: HubMetric.directoryPolls, labels: [("answer", "not_modified")]).increment()
            return Response(status: .notModified, headers: [.eTag: "\"\(version)\""])
        case .directory(let directory):
            metrics.makeCounter(descriptor: HubMetric.directoryPolls, labels: [("answer", "sent")]).increment()
            return Response(
                status: .ok, headers: [.contentType: "application/json", .eTag: "\"\(directory.version)\""],
                body: .init(byteBuffer: ByteBuffer(data: directory.json)))
        }
    }

    func status(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let kiosk = try await authorizeKiosk(request)
        let report = try await decode(KioskStatusReport.self, request)
        if let problem = report.problem { throw APIError(.badRequest, "bad_request", problem) }
        try await store.recordStatus(kioskID: kiosk.id, report: report, at: clock())
        return Response(status: .noContent)
    }

    // MARK: Admin endpoints

    struct NewKiosk: Decodable {
        var kioskID: String
        var location: String
    }

    func addKiosk(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        try await authorizeAdmin(request)
        let body = try await decode(NewKiosk.self, request)
        guard ProgramID.isValid(body.kioskID) else {
            throw APIError(.badRequest, "bad_request", "kiosk_id must be 1–64 letters, digits, '.', '_' or '-'")
        }
        guard !body.location.isEmpty, body.location.count <= ProgramText.maximumLength else {
            throw APIError(.badRequest, "bad_request", "location must be 1–\(ProgramText.maximumLength) characters")
        }
        let code = try await failing(on: KioskFailure.self) {
            try await store.addKiosk(id: body.kioskID, location: body.location, at: clock())
        }
        try await store.audit(AuditEntry(at: clock(), actor: "api", action: "kiosk.add", subject: body.kioskID, detail: "location \(body.location)"))
        return try json(["kiosk_id": body.kioskID, "enrollment_code": code], status: .created)
    }

    /// The most events one page of `GET /v1/admin/events` carries.
    public static let exportPageLimit = 10_000

    /// One page of the stored events as JSON Lines; a full page names the next in `Link`.
    func exportEvents(_ request: Request) async throws -> Response {
        try await authorizeAdmin(request)
        let query = request.uri.queryParameters
        let kiosk = query["kiosk_id"].map(String.init)
        let afterKiosk = query["after_kiosk"].map(String.init)
        guard let after = Int64(query["after"].map(String.init) ?? "0"), after >= 0 else {
            throw APIError(.badRequest, "bad_request", "after must be a sequence number, 0 or more")
        }
        guard let limit = Int(query["limit"].map(String.init) ?? "\(Self.exportPageLimit)"), (1...Self.exportPageLimit).contains(limit) else {
            throw APIError(.badRequest, "bad_request", "limit must be 1–\(Self.exportPageLimit)")
        }
        if kiosk == nil, afterKiosk == nil, after > 0 {
            throw APIError(.badRequest, "bad_request", "after without kiosk_id needs after_kiosk: the kiosk of the last line of the previous page")
        }
        let position = (kiosk ?? afterKiosk).map { EventPosition(kioskID: $0, seq: after) }
        let page = try await store.events(kioskID: kiosk, after: position, limit: limit)
        let encoder = HubJSONLines()
        var buffer = ByteBuffer()
        for (kioskID, event) in page {
            buffer.writeString(try encoder.line(kioskID: kioskID, event: event))
            buffer.writeString("\n")
        }
        var headers: HTTPFields = [.contentType: "application/x-ndjson"]
        if page.count == limit, let last = page.last {
            var next = URLComponents()
            next.path = "/v1/admin/events"
            next.queryItems = (kiosk.map { [URLQueryItem(name: "kiosk_id", value: $0)] } ?? [URLQueryItem(name: "after_kiosk", value: last.kioskID)])
                + [URLQueryItem(name: "after", value: "\(last.event.seq)"), URLQueryItem(name: "limit", value: "\(limit)")]
            headers[HTTPField.Name("Link")!] = "<\(next.string ?? "")>; rel=\"next\""
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
    }

    // MARK: Plumbing

    /// The admin API takes the admin token as a Bearer token only: a browser never sends one
    /// by itself, so no other site can make it act for the admin. A wrong token is audited;
    /// a change must come as JSON.
    func authorizeAdmin(_ request: Request) async throws {
        guard let token = bearer(request), Secrets.hash(token) == adminTokenHash else {
            // A Bearer token that is wrong is a failed login. Basic is not one here: a browser sends
            // its dashboard login along with any request another site makes it send.
            if bearer(request) != nil { await failedLogins.record(request, store: store, at: clock()) }
            throw APIError(.unauthorized, "unauthorized", "this endpoint needs the admin token (Authorization: Bearer …)")
        }
        if !CrossSiteGuard<HubRequestContext>.safeMethods.contains(request.method) { try CrossSiteGuard<HubRequestContext>.requireJSON(request) }
    }

    func authorizeKiosk(_ request: Request) async throws -> AuthenticatedKiosk {
        guard let token = bearer(request) else {
            throw APIError(.unauthorized, "unauthorized", "a kiosk's device token is needed (Authorization: Bearer …); enroll with mentor-kiosk enroll")
        }
        guard let kiosk = try await store.kiosk(token: token) else {
            throw APIError(.unauthorized, "unauthorized", "this device token is unknown or revoked; enroll the kiosk again")
        }
        return kiosk
    }

    func bearer(_ request: Request) -> String? {
        guard let value = request.headers[.authorization], value.hasPrefix("Bearer ") else { return nil }
        let token = value.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// Reads a JSON body (gzip or not), at most `HubAPI.maximumBodyBytes` after decompression.
    func decode<Body: Decodable>(_ type: Body.Type, _ request: Request) async throws -> Body {
        var buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: HubAPI.maximumBodyBytes)
        } catch {
            throw APIError(.contentTooLarge, "too_large", "the body is over \(HubAPI.maximumBodyBytes >> 20) MiB")
        }
        switch request.headers[.contentEncoding]?.lowercased() {
        case nil, "identity": break
        case "gzip":
            do {
                buffer = try buffer.decompress(with: .gzip(), maxSize: HubAPI.maximumBodyBytes)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                throw APIError(.contentTooLarge, "too_large", "the body is over \(HubAPI.maximumBodyBytes >> 20) MiB once unpacked")
            } catch {
                throw APIError(.badRequest, "bad_request", "the body is not valid gzip")
            }
        case let other?:
            throw APIError(.unsupportedMediaType, "unsupported_encoding", "Content-Encoding \(other) is not supported; use gzip or none")
        }
        let data = Data(buffer: buffer)
        do {
            return try HubJSON.decoder().decode(type, from: data)
        } catch let error as DecodingError where (try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)) != nil {
            throw APIError(.badRequest, "bad_request", "the body is not a valid \(type): \(Self.explain(error))")
        } catch {
            throw APIError(.badRequest, "bad_request", "the body is not JSON")
        }
    }

    static func explain(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "" : " at \(keys.hasPrefix(".") ? String(keys.dropFirst()) : keys)"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing \(key.stringValue)\(path(context))"
        case .typeMismatch(let type, let context): return "expected \(type)\(path(context))"
        case .valueNotFound(let type, let context): return "expected \(type)\(path(context)), found null"
        case .dataCorrupted(let context): return context.debugDescription + path(context)
        @unknown default: return "\(error)"
        }
    }

    func failing<T>(on _: KioskFailure.Type, _ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch let failure as KioskFailure {
            switch failure {
            case .exists: throw APIError(.conflict, "conflict", failure.description)
            case .notFound: throw APIError(.notFound, "not_found", failure.description)
            }
        }
    }
}

func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
    Response(
        status: status, headers: [.contentType: "application/json"],
        body: .init(byteBuffer: ByteBuffer(data: try HubJSON.encoder().encode(value))))
}

/// A refusal with its HTTP status, machine code and message.
struct APIError: Error {
    var status: HTTPResponse.Status
    var body: APIErrorBody
    /// More headers for the answer (`Retry-After`).
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        body = APIErrorBody(error: code, message: message)
        self.headers = headers
    }
}

/// Turns every error into a JSON `APIErrorBody`: refusals with their status, Hummingbird's own
/// (unknown route, bad method) with theirs, anything else as a 500 that names no internals.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: PrometheusCollectorRegistry

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            var answer = try json(error.body, status: error.status)
            for field in error.headers where field.name != .contentType { answer.headers[field.name] = field.value }
            response = answer
        } catch let error as HTTPError {
            let code = error.status == .notFound ? "not_found" : "bad_request"
            response = try json(APIErrorBody(error: code, message: error.body ?? error.status.reasonPhrase), status: error.status)
        } catch {
            context.logger.error("request failed: \(error)")
            response = try json(APIErrorBody(error: "internal", message: "the hub could not complete the request; it is logged"), status: .internalServerError)
        }
        if response.status.code >= 400 {
            metrics.makeCounter(descriptor: HubMetric.httpErrors, labels: [("status", "\(response.status.code)")]).increment()
        }
        return response
    }
}
