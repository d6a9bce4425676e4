import Foundation
import KioskCore

/// What the hub's notifications need from its storage: who to write to, and a record of what was
/// sent, shared by every hub process, so that a digest or an alert goes out once.
public protocol NoticeStorage: Sendable {
    /// Claims the sending of one notice (a facilitator's digest of a day, an alert about one
    /// episode): true for the first claim of `key` only, across every hub process.
    func claimNotice(_ key: String, at now: Date) async throws -> Bool
    /// Gives a claim back when its sending failed, so that a later round sends it.
    func releaseNotice(_ key: String) async throws
    /// The email addresses participants.csv gave, by participant id.
    func participantEmails() async throws -> [String: String]
}

/// The hub's notifications, all off until an admin turns them on (`mentor-hub notify settings`):
/// facilitators' digests and admins' alerts by email, and the same as signed JSON to a webhook.
public struct NotificationSettings: Codable, Sendable, Equatable {
    public var smtp: SMTPSettings?
    public var digest: DigestSchedule
    /// The hour of the program's day (0–23) from which the day's digest is sent.
    public var digestHour: Int
    /// Alert when an enrolled kiosk has not been heard from for this many minutes (nil: never).
    public var kioskOfflineMinutes: Int?
    /// Alert when a kiosk reports more than this many events waiting to be sent: sync lag (nil: never).
    public var queueAlertEvents: Int?
    /// Alert when the hub refuses events a kiosk sent.
    public var rejectedAlerts: Bool
    public var webhook: WebhookSettings?

    public init(
        smtp: SMTPSettings? = nil, digest: DigestSchedule = .off, digestHour: Int = 7, kioskOfflineMinutes: Int? = nil, queueAlertEvents: Int? = nil,
        rejectedAlerts: Bool = false, webhook: WebhookSettings? = nil
    ) {
        self.smtp = smtp
        self.digest = digest
        self.digestHour = digestHour
        self.kioskOfflineMinutes = kioskOfflineMinutes
        self.queueAlertEvents = queueAlertEvents
        self.rejectedAlerts = rejectedAlerts
        self.webhook = webhook
    }

    /// Why these settings cannot be used (nil: they can).
    public var problem: String? {
        if !(0...23).contains(digestHour) { return "the digest hour is 0–23" }
        if let minutes = kioskOfflineMinutes, !(1...10_080).contains(minutes) { return "the kiosk offline alert is 1–10080 minutes" }
        if let events = queueAlertEvents, events < 1 { return "the queue alert is 1 event or more" }
        if digest != .off || kioskOfflineMinutes != nil || queueAlertEvents != nil || rejectedAlerts, smtp == nil, webhook == nil {
            return "notifications need an SMTP server (--smtp-host and --mail-from) or a webhook (--webhook-url)"
        }
        return smtp?.problem ?? webhook?.problem
    }

    /// Whether anything is to be sent at all.
    public var isActive: Bool { digest != .off || kioskOfflineMinutes != nil || queueAlertEvents != nil || rejectedAlerts }
}

/// How often facilitators get their digest.
public enum DigestSchedule: String, Codable, Sendable, CaseIterable {
    case off
    case daily
    /// On Mondays, about the week before.
    case weekly
}

/// The mail server the hub sends through: always with STARTTLS, and AUTH PLAIN when a user is given.
public struct SMTPSettings: Codable, Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    /// The sender, as `hub@example.org` or `Mentor Hub <hub@example.org>`.
    public var from: String
    /// A PEM file of a private CA to trust for the server's certificate (else the system's).
    public var trustedCAFile: String?

    public init(host: String, port: Int = 587, username: String? = nil, password: String? = nil, from: String, trustedCAFile: String? = nil) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.from = from
        self.trustedCAFile = trustedCAFile
    }

    /// The address part of `from`.
    public var fromAddress: String? {
        var inner: Substring?
        if let start = from.firstIndex(of: "<"), let end = from.lastIndex(of: ">") {
            guard start < end else { return nil }
            inner = from[from.index(after: start)..<end]
        }
        return EmailAddress.normalized(String(inner ?? Substring(from)))
    }

    public var problem: String? {
        if host.isEmpty || host.utf8.contains(where: { !(0x21...0x7E).contains($0) }) { return "the SMTP host is a host name or address" }
        if !(1...65_535).contains(port) { return "the SMTP port is 1–65535" }
        if fromAddress == nil || from.utf8.contains(where: { !(0x20...0x7E).contains($0) }) {
            return "the sender (--mail-from) is an ASCII email address, such as hub@example.org or \"Mentor Hub <hub@example.org>\""
        }
        if (username == nil) != (password == nil) { return "an SMTP user needs a password, and a password a user" }
        return nil
    }
}

/// Where the hub also posts its notices: JSON signed with HMAC-SHA256 of a shared secret.
public struct WebhookSettings: Codable, Sendable, Equatable {
    public var url: String
    public var secret: String

    public init(url: String, secret: String) {
        self.url = url
        self.secret = secret
    }

    /// The URL without its path and query, which may carry a secret of the receiver's: for logs and the audit log.
    public var shownURL: String {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme, let host = parts.host else { return "(a webhook)" }
        return "\(scheme)://\(host)\(parts.port.map { ":\($0)" } ?? "")/…"
    }

    public var problem: String? {
        guard let parts = URLComponents(string: url), let host = parts.host, !host.isEmpty,
              parts.scheme?.lowercased() == "https" || (parts.scheme?.lowercased() == "http" && ["127.0.0.1", "::1", "localhost"].contains(host.lowercased()))
        else {
            return "the webhook URL is an https address (http only to this machine): notices name people"
        }
        if secret.utf8.count < 16 { return "the webhook secret has at least 16 characters" }
        return nil
    }
}

extension AccountStorage {
    /// The notifications' settings; nil: none set (nothing is sent).
    public func notificationSettings() async throws -> NotificationSettings? {
        guard let text = try await hubSetting(.notifications) else { return nil }
        return try JSONDecoder().decode(NotificationSettings.self, from: Data(text.utf8))
    }

    public func setNotificationSettings(_ settings: NotificationSettings?) async throws {
        try await setHubSetting(.notifications, to: try settings.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) })
    }
}
