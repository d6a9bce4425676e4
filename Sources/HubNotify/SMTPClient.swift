import Foundation
#if canImport(Glibc)
import Glibc
#endif
import HubStore
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL

/// Sends mail through the program's SMTP server (RFC 5321): EHLO, then STARTTLS, which the hub
/// insists on (it sends no personal data in the clear), EHLO again, AUTH PLAIN when a user is
/// set, and the message. Each message is one connection; nothing is queued here (the
/// notifier sends again in its next round what could not be sent).
public struct SMTPClient: Sendable {
    public let settings: SMTPSettings
    /// How long a whole conversation may take.
    public var timeout: TimeAmount = .seconds(60)

    public init(settings: SMTPSettings) { self.settings = settings }

    /// Why the server refused, or could not be reached.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public func send(_ message: MailMessage) async throws {
        let replies = ReplyStream()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(15))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers([
                            ByteToMessageHandler(LineBasedFrameDecoder(), maximumBufferSize: 4_096), SMTPReplyHandler(replies: replies.continuation),
                        ])
                    }
                }
                .connect(host: settings.host, port: settings.port).get()
        } catch {
            throw Failure(description: "cannot reach the SMTP server \(settings.host):\(settings.port): \(error)")
        }
        let deadline = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        defer {
            deadline.cancel()
            channel.close(promise: nil)
        }
        var iterator = replies.stream.makeAsyncIterator()
        func reply(expecting codes: Set<Int>, after what: String) async throws -> SMTPReply {
            guard let reply = try await iterator.next() else { throw Failure(description: "the SMTP server closed the connection after \(what)") }
            guard codes.contains(reply.code) else { throw Failure(description: "the SMTP server refused \(what): \(reply.code) \(reply.text)") }
            return reply
        }
        func command(_ line: String, expecting codes: Set<Int>, shown: String? = nil) async throws -> SMTPReply {
            try await channel.writeAndFlush(ByteBuffer(string: line + "\r\n"))
            return try await reply(expecting: codes, after: shown ?? line)
        }
        _ = try await reply(expecting: [220], after: "connecting")
        let hello = try await command("EHLO mentor-hub", expecting: [250])
        guard hello.extensions.contains("STARTTLS") else {
            throw Failure(description: "the SMTP server \(settings.host) offers no STARTTLS; the hub sends no mail in the clear")
        }
        // Nothing may follow the server's answer to STARTTLS before TLS is up: lines sent in the
        // clear after it (by someone on the way) would be taken for answers over TLS.
        try await channel.eventLoop.submit { try channel.pipeline.syncOperations.handler(type: SMTPReplyHandler.self).awaitingTLS = true }.get()
        _ = try await command("STARTTLS", expecting: [220])
        let tls = try NIOSSLContext(configuration: try tlsConfiguration())
        let serverName = Self.isAddress(settings.host) ? nil : settings.host
        try await channel.eventLoop.submit {
            let handler = try channel.pipeline.syncOperations.handler(type: SMTPReplyHandler.self)
            guard !handler.sentAfterTLSAnswer else { throw Failure(description: "the SMTP server sent more after its STARTTLS answer; the connection is not trusted") }
            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: serverName), position: .first)
            handler.awaitingTLS = false
        }.get()
        _ = try await command("EHLO mentor-hub", expecting: [250])
        if let username = settings.username, let password = settings.password {
            let credentials = Data("\u{0}\(username)\u{0}\(password)".utf8).base64EncodedString()
            _ = try await command("AUTH PLAIN " + credentials, expecting: [235], shown: "the login (AUTH PLAIN)")
        }
        guard let from = settings.fromAddress else { throw Failure(description: "the sender \(settings.from) is not an email address") }
        _ = try await command("MAIL FROM:<\(from)>", expecting: [250])
        for recipient in message.to {
            _ = try await command("RCPT TO:<\(recipient)>", expecting: [250, 251])
        }
        _ = try await command("DATA", expecting: [354])
        _ = try await command(message.rendered(from: settings.from) + "\r\n.", expecting: [250], shown: "the message")
        _ = try? await command("QUIT", expecting: [221])
    }

    /// Whether `host` is an IPv4 or IPv6 address (checked then against the certificate's IP
    /// addresses, without SNI) rather than a name.
    static func isAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    func tlsConfiguration() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let file = settings.trustedCAFile {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(file))
        }
        return configuration
    }
}

/// One reply of an SMTP server: its code and its lines (a multi-line reply's `250-…` too).
struct SMTPReply: Sendable {
    var code: Int
    var lines: [String]
    var text: String { lines.joined(separator: " ") }
    /// The EHLO reply's extension keywords, upper-cased.
    var extensions: Set<String> { Set(lines.dropFirst().compactMap { $0.split(separator: " ").first.map { $0.uppercased() } }) }
}

/// The replies, as the channel's handler reads them, for the conversation to wait on.
final class ReplyStream: Sendable {
    let stream: AsyncThrowingStream<SMTPReply, any Error>
    let continuation: AsyncThrowingStream<SMTPReply, any Error>.Continuation

    /// A server answers one command at a time: more replies than a few waiting is not a server's conversation.
    init() { (stream, continuation) = AsyncThrowingStream.makeStream(bufferingPolicy: .bufferingOldest(4)) }
}

/// Gathers an SMTP server's reply lines (`250-…` continues, `250 …` ends a reply) into replies.
final class SMTPReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let replies: AsyncThrowingStream<SMTPReply, any Error>.Continuation
    private var lines: [String] = []
    /// Set before STARTTLS: after its answer, nothing may arrive until TLS is up.
    var awaitingTLS = false
    private var answeredTLS = false
    /// Whether a line arrived between the answer to STARTTLS and TLS.
    private(set) var sentAfterTLSAnswer = false

    init(replies: AsyncThrowingStream<SMTPReply, any Error>.Continuation) { self.replies = replies }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if awaitingTLS && answeredTLS {
            sentAfterTLSAnswer = true
            return
        }
        var line = String(buffer: unwrapInboundIn(data))
        if line.hasSuffix("\r") { line.removeLast() }
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)), lines.count < 100 else {
            replies.finish(throwing: SMTPClient.Failure(description: "the SMTP server sent something that is not a reply: \(line.prefix(80))"))
            context.close(promise: nil)
            return
        }
        lines.append(String(line.dropFirst(4)))
        if bytes.count == 3 || bytes[3] != UInt8(ascii: "-") {
            replies.yield(SMTPReply(code: code, lines: lines))
            lines = []
            if awaitingTLS { answeredTLS = true }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        replies.finish(throwing: SMTPClient.Failure(description: "the SMTP connection failed: \(error)"))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        replies.finish()
    }
}
