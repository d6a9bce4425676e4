import Foundation
import HubStore

/// The notifications' clock inside `mentor-hub serve`: every `interval` it reads the settings
/// (an admin's change needs no restart), sends the alerts due, and, once the digest is due, the
/// period's digests. Each process runs one; the storage's claims keep a notice from going out
/// twice. What it sent, and what it could not, goes to standard output (the journal).
public struct NotificationLoop: Sendable {
    public let store: any HubStorage
    public let timeZone: TimeZone
    public let hubURL: String
    public let interval: Duration
    public let clock: @Sendable () -> Date

    public init(store: any HubStorage, timeZone: TimeZone, hubURL: String, interval: Duration = .seconds(60), clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.timeZone = timeZone
        self.hubURL = hubURL
        self.interval = interval
        self.clock = clock
    }

    /// Runs until its task is cancelled.
    public func run() async {
        // The last digest period this process finished: until the next, a round reads no report.
        var digests = DigestProgress()
        while !Task.isCancelled {
            do {
                try await round(&digests)
            } catch {
                print("notifications: \(error)")
                fflush(nil)
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }

    /// Where this process stands with the digests: the period it finished, and when to try
    /// again after a failed round (a report of four weeks is not read every minute).
    struct DigestProgress {
        var done: Date?
        var retryAt: Date?
    }

    /// How long after a round with a failed digest the next one tries again.
    static let digestRetrySeconds: TimeInterval = 900

    func round(_ digests: inout DigestProgress) async throws {
        guard let settings = try await store.notificationSettings(), settings.isActive else { return }
        let now = clock()
        let notifier = Notifier(store: store, settings: settings, timeZone: timeZone, hubURL: hubURL)
        var outcomes = try await notifier.sendAlerts(at: now)
        let period = Notifier.digestPeriod(settings.digest, hour: settings.digestHour, at: now, timeZone: timeZone)
        if period.due, digests.done != period.to, digests.retryAt.map({ now >= $0 }) ?? true {
            let sent = try await notifier.sendDigests(at: now)
            outcomes += sent.filter { $0.failure != "sent already" }
            if sent.allSatisfy({ $0.failure == nil || $0.failure == "sent already" }) {
                digests = DigestProgress(done: period.to)
            } else {
                digests.retryAt = now.addingTimeInterval(Self.digestRetrySeconds)
            }
        }
        for outcome in outcomes { print("notifications: \(outcome)") }
        if !outcomes.isEmpty { fflush(nil) }
    }
}
