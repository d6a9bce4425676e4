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
    /// on this machine (a loopback peer), the last address it added to `X-Forwarded-For`, when
    /// that is an IP address. (Such a proxy must set the header itself, as nginx's
    /// `$proxy_add_x_forwarded_for` does: one that passes a client's header on unchanged lets the
    /// client choose its own address.)
    func clientAddress(_ request: Request) -> String {
        let peerAddress = peer?.ipAddress ?? "unknown"
        guard peerAddress == "127.0.0.1" || peerAddress == "::1",
              let forwarded = request.headers[values: .init("X-Forwarded-For")!].last?.split(separator: ",").last?
                  .trimmingCharacters(in: .whitespaces),
              (try? SocketAddress(ipAddress: forwarded, port: 0)) != nil
        else { return peerAddress }
        return forwarded
    }
}
