import Foundation
import HubStore
import KioskCore
import ProgramFiles

/// Sends the hub's notices: each facilitator's digest, and the admins' alerts (kiosks offline,
/// kiosks that cannot get their events out, refused events), by email and to the webhook. Each
/// notice is claimed in the storage before it is sent and given back if sending fails, so every
/// hub process may run the notifier and each notice still goes out once.
public struct Notifier: Sendable {
    public let store: any HubStorage
    public let settings: NotificationSettings
    public let timeZone: TimeZone
    /// The hub's address for people (its public URL), for the links in the messages.
    public let hubURL: String
    var webhookDelays: [Duration]

    public init(store: any HubStorage, settings: NotificationSettings, timeZone: TimeZone, hubURL: String, webhookDelays: [Duration] = WebhookSender.standardDelays) {
        self.store = store
        self.settings = settings
        self.timeZone = timeZone
        self.hubURL = hubURL
        self.webhookDelays = webhookDelays
    }

    /// What became of one notice.
    public struct Outcome: Sendable, CustomStringConvertible {
        public var key: String
        public var recipients: [String]
        /// Nil: sent.
        public var failure: String?

        public var description: String {
            "\(key): " + (failure.map { "not sent: \($0)" } ?? "sent" + (recipients.isEmpty ? "" : " to \(recipients.joined(separator: ", "))"))
        }
    }

    // MARK: Digests

    /// The period a digest sent at `now` covers, and whether the schedule has it due by now:
    /// daily, yesterday (from `digestHour` on); weekly, the seven days before Monday (on Mondays).
    public static func digestPeriod(_ schedule: DigestSchedule, hour: Int, at now: Date, timeZone: TimeZone) -> (from: Date, to: Date, due: Bool) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.startOfDay(for: now)
        let late = calendar.component(.hour, from: now) >= hour
        if schedule == .weekly {
            return (calendar.date(byAdding: .day, value: -7, to: today)!, today, late && calendar.component(.weekday, from: now) == 2)
        }
        return (calendar.date(byAdding: .day, value: -1, to: today)!, today, late && schedule == .daily)
    }

    /// Sends each facilitator with something to tell their digest of the period before `now`,
    /// once (with `again`, also those sent already).
    public func sendDigests(at now: Date, again: Bool = false) async throws -> [Outcome] {
        let period = Self.digestPeriod(settings.digest, hour: settings.digestHour, at: now, timeZone: timeZone)
        let program = try await store.programSnapshot(
            startingFrom: now.addingTimeInterval(-29 * 86_400), before: now.addingTimeInterval(14 * 86_400), location: nil)
        let recipients = try await facilitatorAddresses(program, at: now)
        guard !recipients.isEmpty else { return [] }
        let report = try await store.engagementReport(
            from: now.addingTimeInterval(-28 * 86_400), to: now, location: nil, now: now, timeZone: timeZone, completionThreshold: 0.75)
        let rows = try await store.attendanceExport(from: period.from, to: period.to, location: nil, now: now, timeZone: timeZone)
        let names = Dictionary(program.groups.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let people = Dictionary(program.participants.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var outcomes: [Outcome] = []
        for (participantID, address) in recipients.sorted(by: { $0.key < $1.key }) {
            let scope = FacilitatorScope.current(participantID: participantID, in: program, at: now, timeZone: timeZone)
            let sessions = Set(program.sessions.filter(scope.includes).map(\.id))
            let digest = FacilitatorDigest(
                facilitatorID: participantID, facilitatorName: people[participantID]?.name ?? participantID, from: period.from, to: period.to,
                report: scope.narrow(report, groups: program.groups, at: now, timeZone: timeZone), rows: rows.filter { sessions.contains($0.sessionID) },
                groupNames: names)
            guard !digest.isEmpty else { continue }
            let key = "digest:\(participantID):\(ProgramDay(containing: period.to.addingTimeInterval(-1), in: timeZone))"
            let message = MailMessage(to: [address], subject: digest.subject(timeZone: timeZone), text: digest.text(timeZone: timeZone, link: hubURL + "/my"))
            outcomes.append(await send(key: key, message: message, event: "digest", payload: digest, at: now, again: again))
        }
        return outcomes
    }

    /// The address of each facilitator still in the program (active, not left): their account's,
    /// else the one participants.csv gives; none for one whose account is disabled.
    func facilitatorAddresses(_ program: ProgramSnapshot, at now: Date) async throws -> [String: String] {
        let current = Set(program.participants.filter { $0.role == .facilitator && $0.isInProgram(at: now, in: timeZone) }.map(\.id))
        let emails = try await store.participantEmails()
        var addresses = emails.filter { current.contains($0.key) }
        for user in try await store.users() where user.role == .facilitator {
            guard let id = user.participantID, current.contains(id) else { continue }
            addresses[id] = user.disabled ? nil : user.email
        }
        return addresses
    }

    // MARK: Alerts

    /// One thing the admins should hear about, under the key that makes it be told once.
    public struct Alert: Sendable, Codable, Equatable {
        public var key: String
        public var kind: String
        public var kioskID: String
        public var message: String
    }

    /// The alerts the kiosks' state calls for at `now` (pure: from the kiosk list).
    public static func alerts(kiosks: [KioskSummary], settings: NotificationSettings, at now: Date, timeZone: TimeZone) -> [Alert] {
        let day = ProgramDay(containing: now, in: timeZone).description
        var alerts: [Alert] = []
        for kiosk in kiosks where kiosk.enrolled && !kiosk.revoked {
            if let minutes = settings.kioskOfflineMinutes, let seen = kiosk.lastSeenAt, now.timeIntervalSince(seen) > Double(minutes) * 60 {
                alerts.append(Alert(
                    key: "alert:offline:\(kiosk.kioskID):\(Int(seen.timeIntervalSince1970))", kind: "kiosk_offline", kioskID: kiosk.kioskID,
                    message: "Kiosk \(kiosk.kioskID) (\(kiosk.location)) has not been heard from since \(ProgramTime.format(seen)), \(Int(now.timeIntervalSince(seen) / 60)) minutes."))
            }
            if let limit = settings.queueAlertEvents, let queue = kiosk.queueLength, queue > limit {
                alerts.append(Alert(
                    key: "alert:queue:\(kiosk.kioskID):\(day)", kind: "sync_lag", kioskID: kiosk.kioskID,
                    message: "Kiosk \(kiosk.kioskID) (\(kiosk.location)) holds \(queue) events it has not sent to the hub."))
            }
            if settings.rejectedAlerts, kiosk.eventsRejected > 0 {
                alerts.append(Alert(
                    key: "alert:rejected:\(kiosk.kioskID):\(day)", kind: "rejected_events", kioskID: kiosk.kioskID,
                    message: "The hub refused \(kiosk.eventsRejected) events of kiosk \(kiosk.kioskID) (\(kiosk.location)); see the Rejected page."))
            }
        }
        return alerts
    }

    /// Sends the admins every alert not told yet on each channel, in one message (and one webhook call) per round.
    public func sendAlerts(at now: Date) async throws -> [Outcome] {
        let alerts = Self.alerts(kiosks: try await store.kiosks(), settings: settings, at: now, timeZone: timeZone)
        guard !alerts.isEmpty else { return [] }
        let admins = try await store.users().filter { $0.role == .admin && !$0.disabled }.map(\.email).sorted()
        var outcomes: [Outcome] = []
        for channel in channels(mailTo: admins) {
            var fresh: [Alert] = []
            for alert in alerts where try await store.claimNotice(alert.key + ":" + channel.name, at: now) { fresh.append(alert) }
            guard !fresh.isEmpty else { continue }
            let text = "Hello,\n\n" + fresh.map { "- " + $0.message }.joined(separator: "\n")
                + "\n\nThe hub's kiosks: \(hubURL)/admin/kiosks\n\nYou receive this as an admin of the program's hub.\n"
            let subject = fresh.count == 1 ? "Hub alert: \(fresh[0].message.prefix(60))" : "Hub alerts: \(fresh.count) things need a look"
            let failure = await deliver(on: channel, MailMessage(to: admins, subject: subject, text: text), event: "alert", payload: fresh)
            if failure != nil {
                for alert in fresh { try? await store.releaseNotice(alert.key + ":" + channel.name) }
            }
            outcomes.append(Outcome(key: fresh.map(\.key).joined(separator: " ") + " (\(channel.name))", recipients: channel.name == "mail" ? admins : [], failure: failure))
        }
        return outcomes
    }

    // MARK: Sending

    /// The ways notices go out: email (to `mailTo`, when SMTP is set and there is someone to write to) and the webhook.
    func channels(mailTo recipients: [String]) -> [Channel] {
        var channels: [Channel] = []
        if let smtp = settings.smtp, !recipients.isEmpty { channels.append(.mail(smtp)) }
        if let webhook = settings.webhook { channels.append(.webhook(webhook)) }
        return channels
    }

    /// Sends one notice on each channel, each claimed apart (`key:mail`, `key:webhook`): a webhook
    /// that is down does not make the email go out again, nor the other way round. A claim is
    /// given back only by the call that took it.
    func send(key: String, message: MailMessage, event: String, payload: some Encodable & Sendable, at now: Date, again: Bool) async -> Outcome {
        var failures: [String] = []
        var sentAlready = true
        for channel in channels(mailTo: message.to) {
            let channelKey = key + ":" + channel.name
            let claimed: Bool
            do {
                claimed = try await store.claimNotice(channelKey, at: now)
            } catch {
                failures.append("\(error)")
                continue
            }
            guard claimed || again else { continue }
            sentAlready = false
            if let failure = await deliver(on: channel, message, event: event, payload: payload) {
                failures.append(failure)
                if claimed { try? await store.releaseNotice(channelKey) }
            }
        }
        if sentAlready && failures.isEmpty { return Outcome(key: key, recipients: message.to, failure: "sent already") }
        return Outcome(key: key, recipients: message.to, failure: failures.isEmpty ? nil : failures.joined(separator: "; "))
    }

    /// Sends on one channel; the failure, or nil.
    func deliver(on channel: Channel, _ message: MailMessage, event: String, payload: some Encodable & Sendable) async -> String? {
        do {
            switch channel {
            case .mail(let smtp): try await SMTPClient(settings: smtp).send(message)
            case .webhook(let webhook): try await WebhookSender(settings: webhook, delays: webhookDelays).post(try WebhookSender.body(event: event, payload: payload), event: event)
            }
            return nil
        } catch {
            return "\(channel.name): \(error)"
        }
    }

    /// One way a notice goes out.
    enum Channel {
        case mail(SMTPSettings)
        case webhook(WebhookSettings)

        var name: String {
            switch self {
            case .mail: "mail"
            case .webhook: "webhook"
            }
        }
    }
}
