import Foundation
import HubStore
import Testing
@testable import HubNotify

/// The notifications' pure parts: which alerts the kiosks call for, when a digest is due, how a
/// message is written, which settings are refused.
@Suite("Notifications (pure)")
struct NotificationTests {
    let now = Date(timeIntervalSince1970: 1_772_463_600) // Monday 2026-03-02 15:00 UTC

    func kiosk(_ id: String, seenMinutesAgo: Double?, queue: Int? = nil, rejected: Int = 0, revoked: Bool = false) -> KioskSummary {
        KioskSummary(
            kioskID: id, location: "Lobby", enrolled: true, revoked: revoked, acknowledgedThrough: 0,
            lastSeenAt: seenMinutesAgo.map { now.addingTimeInterval(-$0 * 60) }, eventsStored: 0, eventsRejected: rejected, queueLength: queue)
    }

    @Test("alerts: a kiosk silent too long, once per silence; a long queue and refused events once a day; nothing for revoked or never-seen kiosks")
    func alerts() {
        let settings = NotificationSettings(kioskOfflineMinutes: 30, queueAlertEvents: 100, rejectedAlerts: true)
        let kiosks = [
            kiosk("quiet", seenMinutesAgo: 40), kiosk("fine", seenMinutesAgo: 20, queue: 100), kiosk("laggy", seenMinutesAgo: 1, queue: 101),
            kiosk("refused", seenMinutesAgo: 1, rejected: 2), kiosk("gone", seenMinutesAgo: 400, revoked: true), kiosk("new", seenMinutesAgo: nil),
        ]
        let alerts = Notifier.alerts(kiosks: kiosks, settings: settings, at: now, timeZone: .gmt)
        #expect(alerts.map(\.kind) == ["kiosk_offline", "sync_lag", "rejected_events"])
        #expect(alerts.map(\.kioskID) == ["quiet", "laggy", "refused"])
        #expect(alerts[0].key == "alert:offline:quiet:\(Int(now.timeIntervalSince1970) - 2_400)")
        #expect(alerts[1].key == "alert:queue:laggy:2026-03-02")
        #expect(Notifier.alerts(kiosks: kiosks, settings: NotificationSettings(), at: now, timeZone: .gmt).isEmpty, "all off by default")
    }

    @Test("a daily digest is due from its hour and covers yesterday; a weekly one on Mondays, the week before")
    func digestPeriods() {
        let daily = Notifier.digestPeriod(.daily, hour: 7, at: now, timeZone: .gmt)
        #expect(daily.due && daily.to.timeIntervalSince(daily.from) == 86_400 && daily.to == now.addingTimeInterval(-15 * 3_600))
        #expect(!Notifier.digestPeriod(.daily, hour: 16, at: now, timeZone: .gmt).due)
        let weekly = Notifier.digestPeriod(.weekly, hour: 7, at: now, timeZone: .gmt)
        #expect(weekly.due && weekly.to.timeIntervalSince(weekly.from) == 7 * 86_400)
        #expect(!Notifier.digestPeriod(.weekly, hour: 7, at: now.addingTimeInterval(86_400), timeZone: .gmt).due, "Tuesday")
        #expect(!Notifier.digestPeriod(.off, hour: 0, at: now, timeZone: .gmt).due)
    }

    @Test("a message: the subject in encoded words of at most 75 characters, however many marks; the text in base64; no header can be broken")
    func message() {
        let marks = "A" + String(repeating: "\u{301}", count: 3_000)
        let message = MailMessage(to: ["a@example.org"], subject: "Digest\r\nBcc: x@evil.example " + marks, text: "line\n.\nend")
        let rendered = message.rendered(from: "Mentor Hub <hub@example.org>")
        let lines = rendered.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 998 })
        #expect(!lines.contains { $0.hasPrefix("Bcc:") })
        let subject = lines.drop { !$0.hasPrefix("Subject: ") }.prefix { $0.hasPrefix("Subject: ") || $0.hasPrefix(" ") }
        #expect(subject.allSatisfy { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "Subject: ", with: "").utf8.count <= 75 })
        let body = rendered.components(separatedBy: "\r\n\r\n")[1].replacingOccurrences(of: "\r\n", with: "")
        #expect(String(decoding: Data(base64Encoded: body) ?? Data(), as: UTF8.self) == "line\r\n.\r\nend")
    }

    @Test("settings: a sender must be an ASCII address; a webhook https (http only to this machine); its shown URL hides the path")
    func settings() {
        #expect(SMTPSettings(host: "mail.example.org", from: ">a<").fromAddress == nil)
        #expect(SMTPSettings(host: "mail.example.org", from: "Hub <hub@example.org>").fromAddress == "hub@example.org")
        #expect(SMTPSettings(host: "mail.example.org", from: "Hüb <hub@example.org>").problem != nil)
        #expect(SMTPSettings(host: "mail.example.org", username: "u", from: "hub@example.org").problem == "an SMTP user needs a password, and a password a user")
        #expect(WebhookSettings(url: "http://hooks.example.org/x", secret: String(repeating: "s", count: 16)).problem != nil)
        #expect(WebhookSettings(url: "http://127.0.0.1:9/x", secret: String(repeating: "s", count: 16)).problem == nil)
        #expect(WebhookSettings(url: "https://hooks.example.org/T0/B1/secret", secret: "x").problem == "the webhook secret has at least 16 characters")
        #expect(WebhookSettings(url: "https://hooks.example.org:8443/T0/B1/secret", secret: "x").shownURL == "https://hooks.example.org:8443/…")
        #expect(NotificationSettings(digest: .daily).problem?.contains("need an SMTP server") == true)
        #expect(SMTPClient.isAddress("127.0.0.1") && SMTPClient.isAddress("::1") && !SMTPClient.isAddress("1mail.example.org"))
    }
}
