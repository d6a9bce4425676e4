import ArgumentParser
import Foundation
import KioskStore

/// `prune`: the kiosk's retention, run nightly after the backup (`mentor-kiosk-backup.service`).
struct Prune: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete the events the hub has acknowledged that are older than [retention] acknowledged_events_days.",
        discussion: """
            Only events the hub acknowledged at least that many days ago go; never an event of a session that has \
            not ended by then, an excuse, a check-out answer or a linked badge; the attendance stays. With \
            acknowledged_events_days = 0 (the default), or a clock not synchronised, nothing is deleted. \
            docs/retention.md says what a report over a pruned period still shows.
            """)

    @OptionGroup var options: KioskOptions

    func run() throws {
        let context = try options.context()
        let days = context.config.acknowledgedEventsDays
        guard days > 0 else {
            print("retention is off ([retention] acknowledged_events_days = 0): every event is kept")
            return
        }
        let clock = context.clock.read()
        // --now names the moment on purpose; the system's clock must be synchronised.
        guard clock.isTrusted || options.now != nil else {
            print("the clock is not synchronised (no network time): nothing pruned, since a clock ahead would prune too much")
            return
        }
        let store = try context.openStore()
        let pruned = try store.pruneAcknowledgedEvents(olderThan: days, now: clock.wall)
        print("pruned \(pruned.events) events the hub acknowledged, older than \(days) days (before \(pruned.before.formatted(.iso8601)))")
    }
}
