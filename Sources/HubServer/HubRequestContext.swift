import Hummingbird
import NIOCore

/// The hub's request context: Hummingbird's basic one, plus the address the request came from,
/// which the login throttle counts attempts by.
public struct HubRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer of the connection (a TLS proxy's, when the hub runs behind one).
    public let peer: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress
    }

    /// Who sent the request, as the throttle counts them: the peer's IP address; behind a proxy
    /// on this machine (a loopback peer), the last address it added to `X-Forwarded-For`.
    func clientAddress(_ request: Request) -> String {
        let peerAddress = peer?.ipAddress ?? "unknown"
        guard peerAddress == "127.0.0.1" || peerAddress == "::1",
              let forwarded = request.headers[values: .init("X-Forwarded-For")!].last?.split(separator: ",").last?
                  .trimmingCharacters(in: .whitespaces),
              !forwarded.isEmpty, forwarded.count <= 64
        else { return peerAddress }
        return forwarded
    }
}
