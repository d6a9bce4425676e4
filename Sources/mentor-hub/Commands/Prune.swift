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
            time or at --now; MENTOR_HUB_NOW, which other commands take, is ignored here. --dry-run counts the sessions a prune \
            would freeze, for the years set or for --retention-years N, and changes nothing.
            """)
    @OptionGroup var options: HubOptions
    @OptionGroup var time: ProgramTimeOptions
    @Flag(help: "Count the sessions a prune would freeze now, and change nothing.")
    var dryRun = false
    @Option(help: "With --dry-run: count for N years (1-50) instead of the retention set.")
    var retentionYears: Int?

    func validate() throws {
        guard let retentionYears else { return }
        guard dryRun else { throw ValidationError("--retention-years goes with --dry-run; to keep N years, run settings --retention-years N") }
        guard HubRetention.years.contains(retentionYears) else { throw ValidationError("--retention-years must be 1–50") }
    }

    func run() async throws {
        let said: String = try await options.withStore { store in
            let set = try await store.retentionYears()
            guard let years = retentionYears ?? set else {
                return dryRun
                    ? "no retention set (settings --retention-years N): --dry-run --retention-years N counts what N years would prune"
                    : "no retention set (settings --retention-years N): every event is kept"
            }
            let zone = try await time.zone(store)
            // Only `--now` rehearses: a MENTOR_HUB_NOW left in database.env must not prune ahead.
            let now = try time.rehearsed(in: zone, optionOnly: true) ?? Date()
            let cutoff = HubRetention.cutoff(years: years, now: now, timeZone: zone)
            if dryRun { return Self.summary(try await store.prunePreview(before: cutoff), years: years, in: zone) }
            let outcome = try await store.pruneHistory(before: cutoff, at: now)
            if outcome.sessions + outcome.events + outcome.quarantined > 0 {
                try await store.auditCommand("retention.prune", detail: Self.summary(outcome, in: zone))
            }
            guard outcome.skipped > 0 else { return Self.summary(outcome, in: zone) }
            let them = outcome.skipped == 1 ? "it" : "them"
            return Self.summary(outcome, in: zone) + """

                \(outcome.skipped) session\(outcome.skipped == 1 ? "" : "s") left for a later run: an event reached \(them) \
                while this run replayed \(them), or (a kiosk's own session) after the cutoff
                """
        }
        print(said)
    }

    static func summary(_ outcome: HubPruneOutcome, in zone: TimeZone) -> String {
        "before \(day(outcome.cutoff, in: zone)): \(outcome.sessions) session\(outcome.sessions == 1 ? "" : "s") frozen, "
            + "\(outcome.events) event\(outcome.events == 1 ? "" : "s") and \(outcome.quarantined) quarantined event\(outcome.quarantined == 1 ? "" : "s") deleted"
    }

    static func summary(_ preview: HubPrunePreview, years: Int, in zone: TimeZone) -> String {
        let total = preview.scheduled + preview.kioskOwn
        return """
            keeping \(years) year\(years == 1 ? "" : "s"), before \(day(preview.cutoff, in: zone)): a prune now would freeze \(preview.kioskOwn > 0 ? "up to " : "")\(total) session\(total == 1 ? "" : "s") \
            (\(preview.scheduled) scheduled, up to \(preview.kioskOwn) of a kiosk's own) and delete their events but excuses and openings, \
            and the failed PINs and quarantine received before then; nothing was changed
            """
    }

    static func day(_ moment: Date, in zone: TimeZone) -> String {
        moment.formatted(Date.ISO8601FormatStyle(timeZone: zone).year().month().day())
    }
}

extension HubStorage {
    /// The retention years set (`HubSetting.retentionYears`); nil: every event is kept.
    func retentionYears() async throws -> Int? {
        try await hubSetting(.retentionYears).flatMap(Int.init).flatMap { HubRetention.years.contains($0) ? $0 : nil }
    }
}
