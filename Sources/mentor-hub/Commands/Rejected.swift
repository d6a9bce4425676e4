import ArgumentParser
import Foundation
import HubStore
import KioskCore
import ProgramFiles

/// `rejected list|retry`: the events the hub keeps in quarantine, and taking them back once
/// the roster or schedule that refused them is fixed.
struct Rejected: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the events the hub refused, or judge them again after the roster or schedule was fixed.",
        subcommands: [List.self, Retry.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List quarantined events: id, kiosk, seq, when, why.")
        @OptionGroup var options: HubOptions
        @Option(help: "Only this kiosk's.") var kiosk: String?
        @Flag(help: "Also those a retry took in.") var all = false

        func run() async throws {
            let events = try await options.withStore { try await $0.rejectedEvents(kioskID: kiosk, includingResolved: all) }
            if events.isEmpty { print("no rejected events") }
            for item in events {
                let state = item.resolvedAt.map { "taken in \(ProgramTime.format($0))" } ?? "refused"
                let what = item.event.map { "\($0.kind) \($0.participantID ?? "-") in \($0.sessionID ?? "-")" } ?? "unreadable"
                print("\(item.id)  \(item.kioskID)  seq \(item.seq)  \(what)  received \(ProgramTime.format(item.receivedAt))  \(state): \(item.reason)")
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Judge quarantined events again as a push would now; store those that pass.",
            discussion: "Without ids, every event still refused is retried, kiosk by kiosk in sequence order (a check-in before its undo).")
        @OptionGroup var options: HubOptions
        @Argument(help: "Quarantine ids from `rejected list` (default: all still refused).") var ids: [Int64] = []

        func run() async throws {
            let outcomes = try await options.withStore { store in
                let outcomes = try await store.retryRejected(ids: ids.isEmpty ? nil : ids, at: Date())
                let taken = outcomes.filter { $0.stillRefused == nil }
                try await store.auditCommand(
                    "rejected.retry", subject: ids.isEmpty ? "all" : ids.map(String.init).joined(separator: " "),
                    detail: "\(taken.count) taken in, \(outcomes.count - taken.count) still refused")
                return outcomes
            }
            for outcome in outcomes {
                print("\(outcome.id)  \(outcome.kioskID)  seq \(outcome.seq)  " + (outcome.stillRefused.map { "still refused: \($0)" } ?? "stored"))
            }
            let taken = outcomes.filter { $0.stillRefused == nil }.count
            print("\(taken) taken in, \(outcomes.count - taken) still refused")
        }
    }
}
