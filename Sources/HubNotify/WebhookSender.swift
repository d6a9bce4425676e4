import AsyncHTTPClient
import Crypto
import Foundation
import HubStore
import NIOCore
import NIOFoundationCompat

/// Posts a notice as JSON to the program's webhook, signed so the receiver can tell it comes
/// from this hub: `X-Mentor-Hub-Signature: sha256=` and the hex HMAC-SHA256, keyed by the shared
/// secret, of `X-Mentor-Hub-Timestamp`, a dot, `X-Mentor-Hub-Delivery`, a dot, and the body. A refusal by the receiver's server
/// (5xx, 429) or no answer is tried again after each of `delays`; redirects are not followed.
public struct WebhookSender: Sendable {
    public static let standardDelays: [Duration] = [.seconds(2), .seconds(10), .seconds(30)]

    public let settings: WebhookSettings
    public let delays: [Duration]

    public init(settings: WebhookSettings, delays: [Duration] = standardDelays) {
        self.settings = settings
        self.delays = delays
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// `{"event": …, "sent_at": …, "data": …}` with the hub's JSON conventions.
    public static func body(event: String, payload: some Encodable, at now: Date = Date()) throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(WebhookEnvelope(event: event, sentAt: now, data: payload))
    }

    /// The signature header's value for `body` sent at `timestamp`.
    public static func signature(secret: String, timestamp: String, delivery: String, body: Data) -> String {
        let message = Data((timestamp + "." + delivery + ".").utf8) + body
        return "sha256=" + HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
            .map { String(format: "%02x", $0) }.joined()
    }

    public func post(_ body: Data, event: String) async throws {
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: .seconds(15))))
        do {
            try await post(body, event: event, with: client)
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    func post(_ body: Data, event: String, with client: HTTPClient) async throws {
        let delivery = UUID().uuidString.lowercased()
        var last = ""
        for attempt in 0...delays.count {
            if attempt > 0 { try await Task.sleep(for: delays[attempt - 1]) }
            let timestamp = String(Int(Date().timeIntervalSince1970))
            var request = HTTPClientRequest(url: settings.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "mentor-hub")
            request.headers.add(name: "X-Mentor-Hub-Event", value: event)
            request.headers.add(name: "X-Mentor-Hub-Delivery", value: delivery)
            request.headers.add(name: "X-Mentor-Hub-Timestamp", value: timestamp)
            request.headers.add(name: "X-Mentor-Hub-Signature", value: Self.signature(secret: settings.secret, timestamp: timestamp, delivery: delivery, body: body))
            request.body = .bytes(ByteBuffer(data: body))
            do {
                let response = try await client.execute(request, timeout: .seconds(15))
                _ = try? await response.body.collect(upTo: 64 << 10)
                switch response.status.code {
                case 200..<300: return
                case 429, 500...: last = "the webhook answered \(response.status.code)"
                default: throw Failure(description: "the webhook refused the notice: \(response.status.code)")
                }
            } catch let failure as Failure {
                throw failure
            } catch {
                last = "the webhook could not be reached: \(error)"
            }
        }
        throw Failure(description: last + " (after \(delays.count + 1) attempts)")
    }
}

/// What a webhook receives: the event's kind, when it was sent, and its data.
struct WebhookEnvelope<Payload: Encodable>: Encodable {
    var event: String
    var sentAt: Date
    var data: Payload
}
