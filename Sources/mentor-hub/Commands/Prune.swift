import ArgumentParser
import Foundation
import HubStore

/// `mentor-hub prune`: the hub's retention, run nightly by mentor-hub-backup.service after the
/// backup (docs/retention.md).
struct Prune: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete the raw events of sessions that ended before the retention period (settings --retention-years), keeping their figures.",
        discussion: """
            Each such session's replay is kept frozen as its figures, so reports over any period stay the same; its events go, \
            except excuses and the opening of a kiosk's own session. Sessionless events (failed PINs) and quarantined events \
            received before the cutoff go too. A kiosk's later event of a frozen session is quarantined. Without a retention \
            set, nothing is deleted. Backups made before still hold the events until they are rotated out. It acts at the real \
            time or at --now; MENTOR_HUB_NOW, which other commands take, is ignored here.
            """)
    @OptionGroup var options: HubOptions
    @OptionGroup var time: ProgramTimeOptions

    func run() async throws {
        let pruned: (HubPruneOutcome, TimeZone)? = try await options.withStore { store in
            guard let years = try await store.retentionYears() else { return nil }
            let zone = try await time.zone(store)
            // Only `--now` rehearses: a MENTOR_HUB_NOW left in database.env must not prune ahead.
            let now = try time.rehearsed(in: zone, optionOnly: true) ?? Date()
            let outcome = try await store.pruneHistory(before: HubRetention.cutoff(years: years, now: now, timeZone: zone), at: now)
            if outcome.sessions + outcome.events + outcome.quarantined > 0 {
                try await store.auditCommand("retention.prune", detail: Self.summary(outcome, in: zone))
            }
            return (outcome, zone)
        }
        guard let (outcome, zone) = pruned else {
            print("no retention set (settings --retention-years N): every event is kept")
            return
        }
        print(Self.summary(outcome, in: zone))
        if outcome.skipped > 0 {
            print("""
                \(outcome.skipped) session\(outcome.skipped == 1 ? "" : "s") left for a later run: an event reached \(outcome.skipped == 1 ? "it" : "them") \
                while this run replayed \(outcome.skipped == 1 ? "it" : "them"), or (a kiosk's own session) after the cutoff
                """)
        }
    }

    static func summary(_ outcome: HubPruneOutcome, in zone: TimeZone) -> String {
        let day = outcome.cutoff.formatted(Date.ISO8601FormatStyle(timeZone: zone).year().month().day())
        return "before \(day): \(outcome.sessions) session\(outcome.sessions == 1 ? "" : "s") frozen, \(outcome.events) event\(outcome.events == 1 ? "" : "s") "
            + "and \(outcome.quarantined) quarantined event\(outcome.quarantined == 1 ? "" : "s") deleted"
    }
}

extension HubStorage {
    /// The retention years set (`HubSetting.retentionYears`); nil: every event is kept.
    func retentionYears() async throws -> Int? {
        try await hubSetting(.retentionYears).flatMap(Int.init).flatMap { HubRetention.years.contains($0) ? $0 : nil }
    }
}
