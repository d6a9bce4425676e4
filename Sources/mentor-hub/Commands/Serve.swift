import ArgumentParser
import Foundation
import HubNotify
import HubServer
import HubStore
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the API: HTTPS with --tls-certificate and --tls-key, else plain HTTP (for loopback behind a TLS proxy).")
    @OptionGroup var options: HubOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port; the chosen one is printed).") var port = 8080
    @Option(help: "PEM certificate chain to serve HTTPS with.") var tlsCertificate: String?
    @Option(help: "PEM private key of that certificate.") var tlsKey: String?
    @OptionGroup var time: ProgramTimeOptions
    @Option(help: "Seconds a client has to send a whole request (headers and body) before it is cut off.") var requestTimeout = 30
    @Option(help: "Connections open at once; more wait to be accepted.") var maxConnections = 512
    @Option(help: "bcrypt's cost for passwords set at this hub (4-14; each step doubles the work; 4 is for tests only).") var passwordCost = 11
    @Option(help: "Seconds between the notifications' checks of what is due (1-3600).") var notifyInterval = 60

    var limits: ConnectionLimits { ConnectionLimits(requestSeconds: requestTimeout, maximumConnections: maxConnections) }

    func validate() throws {
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("HTTPS needs both --tls-certificate and --tls-key")
        }
        if let problem = limits.problem { throw ValidationError(problem) }
        guard (1...3_600).contains(notifyInterval) else { throw ValidationError("--notify-interval is 1–3600 seconds") }
        guard (4...14).contains(passwordCost) else { throw ValidationError("--password-cost is 4–14 (each step doubles every login's work)") }
    }

    /// HTTP/1.1, over TLS when a certificate is given.
    func serverBuilder() throws -> HTTPServerBuilder {
        guard let tlsCertificate, let tlsKey else { return .http1(configuration: limits.http1()) }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(tlsCertificate).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: tlsKey, format: .pem)
            return try .tls(.http1(configuration: limits.http1()), tlsConfiguration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
        } catch {
            throw ValidationError("cannot use the TLS certificate \(tlsCertificate) and key \(tlsKey): \(error)")
        }
    }

    func run() async throws {
        guard let token = FileManager.default.contents(atPath: options.adminTokenPath).map({ String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }),
              !token.isEmpty
        else { throw ValidationError("cannot read the admin token \(options.adminTokenPath); run `mentor-hub init`") }
        guard let secret = FileManager.default.contents(atPath: options.secretPath) else {
            throw ValidationError("cannot read the badge secret \(options.secretPath); run `mentor-hub init`")
        }
        let serverBuilder = try serverBuilder()
        try await options.withStore { store in
            let zone = try await time.zone(store)
            // A clock that stands still, for a rehearsal of the program at another moment: only with
            // an explicit --now (a MENTOR_HUB_NOW left in the environment must not freeze a live hub).
            let rehearsed = try time.rehearsed(in: zone, optionOnly: true)
            // Over HTTPS, here or at a proxy in front, the login cookie is Secure (and __Host- named).
            let publicURL = try await store.hubSetting(.publicURL)
            let secure = tlsCertificate != nil || publicURL?.lowercased().hasPrefix("https://") == true
            let server = HubServer(
                store: store, adminToken: token, badgeSecret: secret, timeZone: zone, passwordCost: UInt8(passwordCost), secureCookies: secure,
                clock: { rehearsed ?? Date() })
            let app = Application(
                router: server.router(), server: serverBuilder,
                configuration: .init(address: .hostname(host, port: port), availableConnectionsDelegate: limits.connectionsDelegate),
                onServerRunning: { channel in
                    print("mentor-hub listening on \(channel.localAddress.map { "\($0.ipAddress ?? host):\($0.port ?? port)" } ?? "\(host):\(port)")")
                    fflush(nil)
                })
            // The notifications, and the keeper of the sessions' replays, run beside the server and end with it.
            let notifications = NotificationLoop(
                store: store, timeZone: zone, hubURL: publicURL ?? "http://\(host):\(port)", interval: .seconds(notifyInterval), clock: { rehearsed ?? Date() })
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await notifications.run() }
                group.addTask { await ReplayKeeper(store: store).run() }
                try await app.runService()
                group.cancelAll()
            }
        }
    }
}
