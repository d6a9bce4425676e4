import Crypto
import Foundation
import HubProtocol
import KioskSync
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The hub's notifications against real peers on loopback: an SMTP server (aiosmtpd from PyPI)
/// that refuses mail before STARTTLS and wants a login, and an HTTP receiver for the webhook
/// that fails once. The hub and its commands are the real binaries, on each back-end.
@Suite("Hub notifications (real SMTP and HTTP peers, SQLite and PostgreSQL)", .serialized)
struct HubNotifyTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// A server child of the test (Python), stopped when this goes.
    final class Peer {
        let process: ChildProcess
        let port: String

        init(_ arguments: [String], log: String) throws {
            process = try ChildProcess(arguments, stdout: log, stderr: log + ".err")
            guard let port = ChildProcess.port(announcedIn: log) else {
                process.signal(SIGTERM)
                let errors = String(decoding: FileManager.default.contents(atPath: log + ".err") ?? Data(), as: UTF8.self)
                throw CLIHarness.HarnessError(message: "\(arguments[1]) did not start (is aiosmtpd installed? scripts/test installs it): \(errors)")
            }
            self.port = port
        }

        deinit {
            process.signal(SIGTERM)
            process.wait()
        }
    }

    /// A message the SMTP server kept: its headers (the server's envelope lines first) and its decoded text.
    struct Mail {
        var headers: String
        var text: String

        init(_ path: String) throws {
            let raw = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
            let parts = raw.components(separatedBy: "\r\n\r\n")
            headers = parts[0]
            let body = parts.dropFirst().joined(separator: "\r\n\r\n").replacingOccurrences(of: "\r\n", with: "")
            text = String(decoding: try #require(Data(base64Encoded: body)), as: UTF8.self)
        }

        func header(_ name: String) -> String? {
            headers.components(separatedBy: "\r\n").first { $0.hasPrefix(name + ": ") }.map { String($0.dropFirst(name.count + 2)) }
        }

        /// The subject, its encoded words decoded.
        var subject: String {
            let folded = headers.replacingOccurrences(of: "\r\n ", with: " ")
            let line = folded.components(separatedBy: "\r\n").first { $0.hasPrefix("Subject: ") } ?? ""
            return line.matches(of: /=\?utf-8\?B\?([A-Za-z0-9+\/=]+)\?=/).map { String(decoding: Data(base64Encoded: String($0.1)) ?? Data(), as: UTF8.self) }.joined()
        }
    }

    static func mails(in folder: String) throws -> [Mail] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".eml") }.sorted().map { try Mail(folder + "/" + $0) }
    }

    /// A hub with the sample program, two facilitators (Fatima by participants.csv's email,
    /// Grace by her account, also running a meeting of pair P1), an admin, and a kiosk's
    /// check-ins at today's circle and pair sessions. The program's day is `HubProcess.middayZone`'s,
    /// so that tomorrow's digest holds both sessions at any hour.
    static func hubWithAttendance(_ cli: CLIHarness, _ database: HubDatabase, serveArguments: [String] = ["--password-cost", "4"]) throws -> HubProcess {
        let hub = try HubProcess(
            directory: cli.directory, database: database, serveArguments: serveArguments, initArguments: ["--time-zone", HubProcess.middayZone])
        let folder = cli.directory
        try Data("id,name,role,badges,active,email\nF001,Fatima Okafor,facilitator,700001,true,Fatima.Okafor@Example.org\nF002,Grace Hopper,facilitator,700009,true,\n".utf8)
            .write(to: URL(fileURLWithPath: folder + "/people.csv"))
        let start = HubProcess.now.addingTimeInterval(-1_200)
        try Data("""
            session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id
            S-P1-GRACE,Maria & Jonas with Grace,one_on_one,Main Lobby,\(start.formatted(.iso8601)),\(start.addingTimeInterval(2_700).formatted(.iso8601)),P1,F002

            """.utf8).write(to: URL(fileURLWithPath: folder + "/grace.csv"))
        #expect(try hub.admin(["import", "participants", folder + "/people.csv"]).status == 0)
        #expect(try hub.admin(["import", "sessions", folder + "/grace.csv"]).status == 0)
        _ = try hub.admin(["user", "add", "grace@example.org", "--role", "facilitator", "--participant", "F002"])
        _ = try hub.admin(["user", "add", "ada@example.org", "--role", "admin"])
        try cli.run(["init"])
        #expect(try cli.run(["enroll", hub.url, try hub.addKiosk("kiosk-1")]).status == 0)
        for (badge, session) in [("200004", "S-CIRCLE"), ("200005", "S-CIRCLE"), ("100001", "S-P1-GRACE"), ("200001", "S-P1-GRACE")] {
            #expect(try cli.run(["checkin", badge, "--session", session, "--now", HubProcess.nowText]).status == 0)
        }
        #expect(try cli.run(["sync"]).status == 0)
        return hub
    }

    @Test("digests reach each facilitator over STARTTLS with a login, once, with only their groups; alerts reach the admins; the webhook gets them signed, after a retry",
          arguments: HubDatabase.available)
    func digestsAndAlerts(_ database: HubDatabase) async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let folder = cli.directory
        let hub = try Self.hubWithAttendance(cli, database)
        let certificates = try TestCertificates(in: folder)
        try FileManager.default.createDirectory(atPath: folder + "/mail", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/hooks", withIntermediateDirectories: true)
        let smtp = try Peer(["python3", Self.repository + "/Tests/Notify/smtp_server.py", folder + "/mail", certificates.certificate, certificates.key, "hub", "s3cret pass"],
                            log: folder + "/smtp.log")
        let receiver = try Peer(["python3", Self.repository + "/Tests/Notify/webhook_receiver.py", folder + "/hooks", "1"], log: folder + "/hook.log")

        let unset = try hub.admin(["notify", "digest"])
        #expect(unset.status != 0 && unset.stderr.contains("notifications are not set up"))
        try Data("s3cret pass\n".utf8).write(to: URL(fileURLWithPath: folder + "/smtp-password"))
        try Data("a webhook secret of forty characters.....\n".utf8).write(to: URL(fileURLWithPath: folder + "/hook-secret"))
        #expect(try hub.admin(["notify", "settings", "--digest", "daily"]).stderr.contains("notifications need an SMTP server"))
        let set = try hub.admin([
            "notify", "settings", "--smtp-host", "127.0.0.1", "--smtp-port", smtp.port, "--smtp-user", "hub", "--smtp-password-file", folder + "/smtp-password",
            "--smtp-ca-file", certificates.ca, "--mail-from", "Mentor Hub <hub@example.org>", "--digest", "daily", "--kiosk-offline-minutes", "30",
            "--webhook-url", "http://127.0.0.1:\(receiver.port)/hook", "--webhook-secret-file", folder + "/hook-secret",
        ])
        #expect(set.status == 0 && set.stdout.contains("digest = daily from 7:00") && !set.stdout.contains("s3cret"), "\(set.stderr)")
        #expect(set.stdout.contains("webhook = http://127.0.0.1:\(receiver.port)/…") && !set.stdout.contains("/hook"), "the URL's path may be a secret")
        let plain = try hub.admin(["notify", "settings", "--webhook-url", "http://hooks.example.org/x"])
        #expect(plain.status != 0 && plain.stderr.contains("the webhook URL is an https address"))

        // Tomorrow morning: the digest of today.
        let tomorrow = HubProcess.now.addingTimeInterval(86_400).formatted(.iso8601)
        let sent = try hub.admin(["notify", "digest", "--now", tomorrow])
        #expect(sent.status == 0, "\(sent.stdout)\(sent.stderr)")
        #expect(sent.stdout.contains("sent to fatima.okafor@example.org") && sent.stdout.contains("sent to grace@example.org"), "\(sent.stdout)")
        let mails = try Self.mails(in: folder + "/mail")
        #expect(mails.count == 2)
        let fatima = try #require(mails.first { $0.header("X-Envelope-To") == "fatima.okafor@example.org" })
        let grace = try #require(mails.first { $0.header("X-Envelope-To") == "grace@example.org" })
        for mail in mails {
            #expect(mail.header("X-Session-TLS") == "True" && mail.header("X-Session-Auth") == "True", "over STARTTLS, logged in")
            #expect(mail.header("From") == "Mentor Hub <hub@example.org>" && mail.subject.hasPrefix("Mentoring digest for "))
        }
        #expect(fatima.text.contains("Peer Circle A: 2 of 4 came (absent: Sofia Rossi, Tomás Silva)"), "\(fatima.text)")
        #expect(!fatima.text.contains("Maria") && !fatima.text.contains("Jonas"))
        #expect(grace.text.contains("Maria & Jonas with Grace: 2 of 2 came") && !grace.text.contains("Peer Circle A"), "\(grace.text)")
        #expect(grace.subject == "Mentoring digest for Grace Hopper, " + grace.subject.split(separator: ", ").last!)

        let again = try hub.admin(["notify", "digest", "--now", tomorrow])
        let afterAgain = try Self.mails(in: folder + "/mail").count
        #expect(again.stdout.contains("sent already") && afterAgain == 2, "a digest goes out once")
        #expect(try hub.admin(["notify", "digest", "--now", tomorrow, "--again"]).status == 0)
        #expect(try Self.mails(in: folder + "/mail").count == 4)

        // The kiosk was last heard from now: two hours on, the admins hear it is offline, once.
        let later = HubProcess.now.addingTimeInterval(7_200).formatted(.iso8601)
        let alert = try hub.admin(["notify", "alerts", "--now", later])
        #expect(alert.status == 0 && alert.stdout.contains("sent to ada@example.org"), "\(alert.stdout)\(alert.stderr)")
        let adminMail = try #require(try Self.mails(in: folder + "/mail").last)
        #expect(adminMail.header("X-Envelope-To") == "ada@example.org" && adminMail.text.contains("Kiosk kiosk-1 (Main Lobby) has not been heard from since"))
        #expect(try hub.admin(["notify", "alerts", "--now", later]).stdout.contains("nothing to send"))

        // The webhook: the first call was answered 503 and sent again; every call is signed.
        let hooks = try FileManager.default.contentsOfDirectory(atPath: folder + "/hooks").filter { $0.hasSuffix(".json") }.sorted()
        #expect(hooks.count == 5, "\(hooks)")
        for name in hooks {
            let raw = try Data(contentsOf: URL(fileURLWithPath: folder + "/hooks/" + name))
            let split = try #require(raw.firstRange(of: Data("\n\n".utf8)))
            let headers = try #require(try JSONSerialization.jsonObject(with: raw[..<split.lowerBound]) as? [String: String])
            let body = Data(raw[split.upperBound...])
            let timestamp = try #require(headers["X-Mentor-Hub-Timestamp"])
            let delivery = try #require(headers["X-Mentor-Hub-Delivery"])
            let expected = HMAC<SHA256>.authenticationCode(
                for: Data((timestamp + "." + delivery + ".").utf8) + body, using: SymmetricKey(data: Data("a webhook secret of forty characters.....".utf8)))
            #expect(headers["X-Mentor-Hub-Signature"] == "sha256=" + expected.map { String(format: "%02x", $0) }.joined())
            let event = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            #expect(["digest", "alert"].contains(event["event"] as? String) && event["data"] != nil)
        }
        withExtendedLifetime((smtp, receiver)) {}
    }

    @Test("serve sends the alerts on its own, once, whichever process finds them first", arguments: HubDatabase.available)
    func serveSendsAlerts(_ database: HubDatabase) async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let folder = cli.directory
        let hub = try Self.hubWithAttendance(cli, database, serveArguments: ["--password-cost", "4", "--notify-interval", "1"])
        let second = try HubProcess(alongside: hub, log: folder + "/second", serveArguments: ["--notify-interval", "1"])
        try FileManager.default.createDirectory(atPath: folder + "/hooks", withIntermediateDirectories: true)
        let receiver = try Peer(["python3", Self.repository + "/Tests/Notify/webhook_receiver.py", folder + "/hooks", "0"], log: folder + "/hook.log")
        try Data("a webhook secret of forty characters.....\n".utf8).write(to: URL(fileURLWithPath: folder + "/hook-secret"))
        #expect(try hub.admin([
            "notify", "settings", "--rejected-alerts", "true", "--webhook-url", "http://127.0.0.1:\(receiver.port)/hook", "--webhook-secret-file", folder + "/hook-secret",
        ]).status == 0)
        // A kiosk sends a check-in of someone the hub does not know: refused, kept, and alerted.
        let lab = try HubClient(baseURL: hub.url, token: try await HubClient(baseURL: hub.url, token: nil).enroll(code: try hub.addKiosk("lab-1")).token)
        _ = try await lab.push([WireEvent(
            seq: 1, id: UUID().uuidString.lowercased(), kind: "check_in", participantID: "N900", sessionID: "S-CIRCLE", actorID: nil, wallTime: HubProcess.now,
            monotonicNs: 1, clockTrusted: true, status: "on_time", durationSeconds: nil, rating: nil, undoesSeq: nil, viaBadge: true, effectiveAt: nil,
            badgeHash: nil, note: nil)])
        var hooks: [String] = []
        for _ in 0..<100 where hooks.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            hooks = try FileManager.default.contentsOfDirectory(atPath: folder + "/hooks").filter { $0.hasSuffix(".json") }
        }
        try await Task.sleep(for: .seconds(3))
        hooks = try FileManager.default.contentsOfDirectory(atPath: folder + "/hooks").filter { $0.hasSuffix(".json") }
        #expect(hooks.count == 1, "one alert from two hub processes: \(hooks)")
        let body = try String(contentsOfFile: folder + "/hooks/" + (hooks.first ?? "none"), encoding: .utf8)
        #expect(body.contains("\"kind\":\"rejected_events\"") && body.contains("lab-1"), "\(body)")
        withExtendedLifetime((second, receiver)) {}
    }
}
