import AsyncHTTPClient
import CompressNIO
import Foundation
import HubProtocol
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL

/// Talks to the hub's `/v1` API for one kiosk. Every answer is sorted into what the sync loop
/// must do next; nothing here retries or sleeps (that is `SyncBackoff`'s job).
public final class HubClient: Sendable {
    /// How an exchange ended, for the sync loop.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The hub could not be reached or did not answer in time: try again later.
        case unreachable(String)
        /// 5xx or 429: try again later, not before `retryAfter` seconds if the hub said so.
        case unavailable(status: Int, retryAfter: Double?, message: String)
        /// 409 on a push: the hub has this kiosk's events only up to `acknowledgedThrough`.
        case gap(acknowledgedThrough: Int64)
        /// 401: the token is unknown or revoked; retrying does not help until re-enrolled.
        case unauthorized(String)
        /// Another 4xx: this request will never be accepted as it is.
        case refused(status: Int, code: String, message: String)

        public var description: String {
            switch self {
            case .unreachable(let message): "hub unreachable: \(message)"
            case .unavailable(let status, _, let message): "hub busy (\(status)): \(message)"
            case .gap(let through): "the hub has events only up to \(through): sending again from there"
            case .unauthorized(let message): "hub refused this kiosk's token: \(message)"
            case .refused(let status, _, let message): "hub refused the request (\(status)): \(message)"
            }
        }
    }

    public let baseURL: String
    private let token: String?
    private let client: HTTPClient
    private let timeout: TimeAmount

    /// - Parameter trustedCA: a PEM file of a private CA to trust for an https hub.
    public init(baseURL: String, token: String?, trustedCA: String? = nil, timeoutSeconds: Int64 = 30) throws {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        timeout = .seconds(timeoutSeconds)
        // Its own client: redirects are refused (one could carry the device token to another
        // host), and a private CA is trusted when given.
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        if let trustedCA {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(trustedCA)
            configuration.tlsConfiguration = tls
        }
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    deinit {
        try? client.syncShutdown()
    }

    /// - Parameters:
    ///   - lastSequence: this kiosk's newest event: a hub holding more of this kiosk id's
    ///     events refuses (409 `replacement`) and the code stays usable.
    ///   - replace: this kiosk replaces one whose database was lost (`enroll --replace`).
    public func enroll(code: String, lastSequence: Int64? = nil, replace: Bool = false) async throws(Failure) -> EnrollResponse {
        try await exchange(
            .POST, "/v1/enroll", body: EnrollRequest(code: code, lastSequence: lastSequence, replace: replace ? true : nil),
            expecting: EnrollResponse.self
        ).required()
    }

    /// Whether the hub answers `GET /v1/events` (an older hub does not): asked without a token,
    /// a hub that has it answers 401.
    public func offersHistory() async throws(Failure) -> Bool {
        do {
            _ = try await exchange(.GET, "/v1/events?limit=1", authorized: false, expecting: KioskHistory.self)
            return true
        } catch .unauthorized(_) {
            return true
        } catch .refused(404, _, _), .refused(405, _, _) {
            return false
        }
    }

    /// Every event the hub holds from this kiosk of the last `KioskHistory.recentDays` days (and
    /// its linked badges), page by page, all under the hub's cursor at `acknowledgedThrough`.
    /// A hub that answers otherwise (another cursor, more than a page, events out of order or
    /// out of bounds, more than `KioskHistory.maximumEvents` in all) is not believed. A hub that
    /// paces the reads (429) is waited for, a minute at most each time, a few times.
    public func recentHistory(acknowledgedThrough cursor: Int64) async throws(Failure) -> KioskHistory {
        var history = KioskHistory(events: [], acknowledgedThrough: cursor)
        var paced = 0
        while true {
            let after = history.events.last?.seq ?? 0
            let page: KioskHistory
            do {
                page = try await exchange(
                    .GET, "/v1/events?after=\(after)&limit=\(KioskHistory.pageLimit)", expecting: KioskHistory.self
                ).required()
            } catch .unavailable(status: 429, retryAfter: let wait?, message: _) where paced < 5 && wait <= 60 {
                paced += 1
                try? await Task.sleep(for: .seconds(wait))
                continue
            }
            let untrusted = { (reason: String) in Failure.unavailable(status: 200, retryAfter: nil, message: "the hub's events are not believable: \(reason)") }
            guard page.acknowledgedThrough == cursor else { throw untrusted("its cursor moved from \(cursor) to \(page.acknowledgedThrough)") }
            guard page.events.count <= KioskHistory.pageLimit else { throw untrusted("a page of \(page.events.count) events") }
            var previous = after
            for event in page.events {
                guard event.seq > previous, event.seq <= cursor else { throw untrusted("event \(event.seq) after \(previous), under cursor \(cursor)") }
                if let problem = event.outOfBounds ?? event.problem { throw untrusted("event \(event.seq): \(problem)") }
                previous = event.seq
            }
            history.events += page.events
            guard history.events.count <= KioskHistory.maximumEvents else { throw untrusted("more than \(KioskHistory.maximumEvents) events") }
            if page.events.count < KioskHistory.pageLimit || previous == cursor { return history }
        }
    }

    /// Pushes a batch (gzip); a 409 answer says where the hub's cursor is.
    public func push(_ events: [WireEvent]) async throws(Failure) -> PushReceipt {
        try await exchange(.POST, "/v1/events", body: EventBatch(events: events), gzip: true, expecting: PushReceipt.self).required()
    }

    /// The directory, or nil when it is still `version` (304).
    public func directory(ifNoneMatch version: String?) async throws(Failure) -> Directory? {
        try await exchange(.GET, "/v1/directory", ifNoneMatch: version.map { "\"\($0)\"" }, expecting: Directory.self).value
    }

    public func report(_ status: KioskStatusReport) async throws(Failure) {
        _ = try await exchange(.POST, "/v1/status", body: status, expecting: Empty.self)
    }

    struct Empty: Codable {}

    struct Answer<Value> {
        var value: Value?

        /// The body an answer must have had (a 204 or 304 there is not the hub speaking).
        func required() throws(Failure) -> Value {
            guard let value else { throw .unavailable(status: 0, retryAfter: nil, message: "the answer had no body; is this the hub's address?") }
            return value
        }
    }

    private func exchange<Value: Decodable>(
        _ method: HTTPMethod, _ path: String, body: (any Encodable)? = nil, gzip: Bool = false,
        ifNoneMatch: String? = nil, authorized: Bool = true, expecting: Value.Type
    ) async throws(Failure) -> Answer<Value> {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token, authorized { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let ifNoneMatch { request.headers.add(name: "If-None-Match", value: ifNoneMatch) }
        do {
            if let body {
                var buffer = ByteBuffer(bytes: try HubJSON.encoder().encode(body))
                if gzip {
                    buffer = try buffer.compress(with: .gzip())
                    request.headers.add(name: "Content-Encoding", value: "gzip")
                }
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(buffer)
            }
        } catch {
            throw .refused(status: 0, code: "encoding", message: "cannot encode the request: \(error)")
        }
        let response: HTTPClientResponse
        let data: ByteBuffer
        do {
            response = try await client.execute(request, timeout: timeout)
            data = try await response.body.collect(upTo: 64 << 20)
        } catch {
            throw .unreachable("\(error)")
        }
        let status = Int(response.status.code)
        if status == 304 { return Answer(value: nil) }
        if (200..<300).contains(status) {
            if status == 204 || Value.self == Empty.self { return Answer(value: nil) }
            do {
                return Answer(value: try HubJSON.decoder().decode(Value.self, from: Data(buffer: data)))
            } catch {
                throw .unavailable(status: status, retryAfter: nil, message: "the hub's answer could not be read: \(error)")
            }
        }
        let problem = try? HubJSON.decoder().decode(APIErrorBody.self, from: Data(buffer: data))
        let message = problem?.message ?? "HTTP \(status)"
        switch status {
        case 401: throw .unauthorized(message)
        case 300..<400:
            let target = response.headers.first(name: "Location") ?? "elsewhere"
            throw .refused(
                status: status, code: "redirect",
                message: "the hub sends this kiosk to \(target); redirects are not followed (they could carry the device token to another host): enroll with the hub's real address")
        case 409 where problem?.error == "sequence_gap" && problem?.acknowledgedThrough != nil: throw .gap(acknowledgedThrough: problem!.acknowledgedThrough!)
        case 429, 500...599:
            throw .unavailable(status: status, retryAfter: response.headers.first(name: "Retry-After").flatMap(Double.init), message: message)
        default: throw .refused(status: status, code: problem?.error ?? "http_\(status)", message: message)
        }
    }
}
