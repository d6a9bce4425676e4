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

/// Closes the connection when a request has not arrived whole (its end part) within `limit` of
/// the connection opening or of the previous answer's end. A request being answered has no
/// deadline here: slow answers are the hub's own business.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let limit: TimeAmount
    private var deadline: Scheduled<Void>?

    init(limit: TimeAmount) { self.limit = limit }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) {
            deadline?.cancel()
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { arm(context) }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: limit) { channel.close(promise: nil) }
    }
}
