import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// How long and how many connections the hub gives its clients: a client that does not finish
/// sending its request (headers and body) within `requestSeconds` is cut off, and at most
/// `maximumConnections` are open at once (the rest wait to be accepted). One slow or greedy
/// client cannot hold the hub.
public struct ConnectionLimits: Sendable {
    public var requestSeconds: Int
    public var maximumConnections: Int

    public init(requestSeconds: Int = 30, maximumConnections: Int = 512) {
        self.requestSeconds = requestSeconds
        self.maximumConnections = maximumConnections
    }

    /// Why these limits cannot be used (nil: they can).
    public var problem: String? {
        if !(1...3_600).contains(requestSeconds) { return "the request timeout must be 1–3600 seconds" }
        if !(1...100_000).contains(maximumConnections) { return "the connection limit must be 1–100000" }
        return nil
    }

    /// HTTP/1.1 with the request deadline on every connection.
    public func http1() -> HTTP1Channel.Configuration {
        let seconds = Int64(requestSeconds)
        return HTTP1Channel.Configuration(additionalChannelHandlers: [RequestDeadlineHandler(limit: .seconds(seconds))])
    }

    public var connectionsDelegate: MaximumAvailableConnections { MaximumAvailableConnections(maximumConnections) }
}

/// Closes the connection when the client is the one keeping it: from the moment it opens, and
/// from each moment every request received so far has been answered, the client has `limit`
/// to send a whole request (headers and body, its end part). While a received request waits
/// for its answer there is no deadline (slow answers are the hub's own business). Requests and
/// answers are counted, so neither an answer written before its request's body has arrived nor
/// pipelined requests can switch the deadline off.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let limit: TimeAmount
    private var deadline: Scheduled<Void>?
    private var received = 0
    private var answered = 0

    init(limit: TimeAmount) { self.limit = limit }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        if deadline == nil { arm(context) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) {
            received += 1
            // A request waits for its answer now; if it was answered already (before its body
            // came), the client's time to send the next one keeps running.
            if received > answered {
                deadline?.cancel()
                deadline = nil
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            answered += 1
            if answered >= received { arm(context) }
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: limit) { channel.close(promise: nil) }
    }
}
