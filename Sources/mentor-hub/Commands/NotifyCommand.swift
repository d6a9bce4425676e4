import ArgumentParser
import Foundation
import HubNotify
import HubStore
import KioskCore
import ReportArguments

/// `mentor-hub notify …`: the facilitators' digests and the admins' alerts, by email and webhook.
struct NotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Facilitators' digests and admins' alerts by email (SMTP with STARTTLS) and webhook; off until set up.",
        discussion: """
            `notify settings` turns them on; `mentor-hub serve` then sends them on its own (every minute it checks what is due). \
            `notify digest` and `notify alerts` send now, for a test or from a timer of your own.
            """,
        subcommands: [NotifySettings.self, SendDigests.self, SendAlerts.self])
}

struct NotifySettings: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings", abstract: "Show or change the notifications' settings (options not given keep their value).")
    @OptionGroup var options: HubOptions
    @Option(help: "The SMTP server's host name (STARTTLS is required).") var smtpHost: String?
    @Option(help: "Its port (default 587).") var smtpPort: Int?
    @Option(help: "The SMTP user (AUTH PLAIN, only over TLS).") var smtpUser: String?
    @Option(help: "A file holding the SMTP user's password (read now, kept in the hub's database).") var smtpPasswordFile: String?
    @Option(help: "A PEM file of a private CA that signed the SMTP server's certificate.") var smtpCaFile: String?
    @Option(help: "The sender, such as hub@example.org or \"Mentor Hub <hub@example.org>\".") var mailFrom: String?
    @Option(help: "off, daily (yesterday's) or weekly (on Mondays, the week before).") var digest: DigestSchedule?
    @Option(help: "The hour of the program's day the digest goes out from (0-23, default 7).") var digestHour: Int?
    @Option(help: "Alert the admins when a kiosk is not heard from for this many minutes (0: never).") var kioskOfflineMinutes: Int?
    @Option(help: "Alert the admins when a kiosk holds more than this many unsent events (0: never).") var queueAlertEvents: Int?
    @Option(help: "Alert the admins when the hub refuses a kiosk's events (true or false).") var rejectedAlerts: Bool?
    @Option(help: "Also post every notice as signed JSON to this URL (empty: no webhook).") var webhookUrl: String?
    @Option(help: "A file holding the webhook's shared secret (at least 16 characters).") var webhookSecretFile: String?
    @Flag(help: "Turn every notification off and forget the SMTP and webhook settings.") var off = false

    func run() async throws {
        let settings = try await options.withStore { store in
            if off {
                try await store.setNotificationSettings(nil)
                try await store.auditCommand("notify.off")
                return NotificationSettings?.none
            }
            var settings = try await store.notificationSettings() ?? NotificationSettings()
            if let smtpHost {
                let password = try smtpPasswordFile.map(Self.secret)
                settings.smtp = smtpHost.isEmpty ? nil : SMTPSettings(
                    host: smtpHost, port: smtpPort ?? settings.smtp?.port ?? 587, username: smtpUser ?? settings.smtp?.username,
                    password: password ?? settings.smtp?.password, from: mailFrom ?? settings.smtp?.from ?? "", trustedCAFile: smtpCaFile ?? settings.smtp?.trustedCAFile)
            } else if var smtp = settings.smtp {
                smtp.port = smtpPort ?? smtp.port
                smtp.username = smtpUser ?? smtp.username
                smtp.password = try smtpPasswordFile.map(Self.secret) ?? smtp.password
                smtp.from = mailFrom ?? smtp.from
                smtp.trustedCAFile = smtpCaFile ?? smtp.trustedCAFile
                settings.smtp = smtp
            } else if smtpPort != nil || smtpUser != nil || smtpPasswordFile != nil || mailFrom != nil || smtpCaFile != nil {
                throw ValidationError("set the SMTP server with --smtp-host first")
            }
            settings.digest = digest ?? settings.digest
            settings.digestHour = digestHour ?? settings.digestHour
            if let kioskOfflineMinutes { settings.kioskOfflineMinutes = kioskOfflineMinutes == 0 ? nil : kioskOfflineMinutes }
            if let queueAlertEvents { settings.queueAlertEvents = queueAlertEvents == 0 ? nil : queueAlertEvents }
            settings.rejectedAlerts = rejectedAlerts ?? settings.rejectedAlerts
            if let webhookUrl {
                settings.webhook = webhookUrl.isEmpty ? nil : WebhookSettings(
                    url: webhookUrl, secret: try webhookSecretFile.map(Self.secret) ?? settings.webhook?.secret ?? "")
            } else if let webhookSecretFile {
                guard var webhook = settings.webhook else { throw ValidationError("set the webhook with --webhook-url first") }
                webhook.secret = try Self.secret(webhookSecretFile)
                settings.webhook = webhook
            }
            if let problem = settings.problem { throw ValidationError(problem) }
            try await store.setNotificationSettings(settings)
            try await store.auditCommand("notify.settings", detail: Self.lines(settings).joined(separator: "; "))
            return settings
        }
        print(settings.map { Self.lines($0).joined(separator: "\n") } ?? "notifications are off")
    }

    static func secret(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The settings as `key = value` lines, secrets shown only as set or not.
    static func lines(_ settings: NotificationSettings) -> [String] {
        [
            "smtp = " + (settings.smtp.map { "\($0.host):\($0.port) from \($0.from)" + ($0.username.map { " as \($0)" } ?? "") } ?? "(none)"),
            "digest = \(settings.digest.rawValue) from \(settings.digestHour):00",
            "kiosk_offline_minutes = \(settings.kioskOfflineMinutes.map(String.init) ?? "off")",
            "queue_alert_events = \(settings.queueAlertEvents.map(String.init) ?? "off")",
            "rejected_alerts = \(settings.rejectedAlerts)",
            "webhook = \(settings.webhook?.shownURL ?? "(none)")",
        ]
    }
}

extension DigestSchedule: ExpressibleByArgument {}

/// What the digest and alert commands share: the store, the program's zone and the hub's address.
struct NotifyContext: ParsableArguments {
    @OptionGroup var options: HubOptions
    @OptionGroup var time: ProgramTimeOptions

    func run(_ work: @Sendable (Notifier, Date) async throws -> [Notifier.Outcome]) async throws {
        let outcomes = try await options.withStore { store in
            guard let settings = try await store.notificationSettings() else { throw ValidationError("notifications are not set up: mentor-hub notify settings") }
            let zone = try await time.zone(store)
            let url = try await store.hubSetting(.publicURL) ?? "http://127.0.0.1:8080"
            return try await work(Notifier(store: store, settings: settings, timeZone: zone, hubURL: url), try time.moment(in: zone))
        }
        if outcomes.isEmpty { print("nothing to send") }
        for outcome in outcomes { print(outcome) }
        if outcomes.contains(where: { $0.failure != nil && $0.failure != "sent already" }) { throw ExitCode(1) }
    }
}

struct SendDigests: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest", abstract: "Send each facilitator the digest of the period before now (yesterday, or the week with --digest weekly).")
    @OptionGroup var context: NotifyContext
    @Flag(help: "Send also the digests already sent for this period.") var again = false

    func run() async throws {
        let again = again
        try await context.run { notifier, now in try await notifier.sendDigests(at: now, again: again) }
    }
}

struct SendAlerts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "alerts", abstract: "Send the admins the alerts due now that were not sent yet.")
    @OptionGroup var context: NotifyContext

    func run() async throws {
        try await context.run { notifier, now in try await notifier.sendAlerts(at: now) }
    }
}
