import Foundation
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
                            ByteToMessageHandler(LineBasedFrameDecoder()), SMTPReplyHandler(replies: replies.continuation),
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
        _ = try await command("STARTTLS", expecting: [220])
        let tls = try NIOSSLContext(configuration: try tlsConfiguration())
        let serverName = settings.host.first?.isNumber == true || settings.host.contains(":") ? nil : settings.host
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: serverName), position: .first)
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

    init() { (stream, continuation) = AsyncThrowingStream.makeStream() }
}

/// Gathers an SMTP server's reply lines (`250-…` continues, `250 …` ends a reply) into replies.
final class SMTPReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let replies: AsyncThrowingStream<SMTPReply, any Error>.Continuation
    private var lines: [String] = []

    init(replies: AsyncThrowingStream<SMTPReply, any Error>.Continuation) { self.replies = replies }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
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
