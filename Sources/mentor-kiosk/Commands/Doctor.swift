import ArgumentParser
import Foundation
import KioskStore
import KioskSystem

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the kiosk: config, database integrity, file modes, secret, event log, clock, disk.")

    @OptionGroup var options: KioskOptions

    func run() throws {
        var failures = 0
        /// true ✓ passed, false ✗ failed, nil ! a warning.
        func report(_ ok: Bool?, _ text: String) {
            print("\(ok == true ? "✓" : ok == false ? "✗" : "!") \(text)")
            if ok == false { failures += 1 }
        }
        let context: KioskContext
        do {
            context = try options.context()
            report(true, "config: \(options.config ?? ProcessInfo.processInfo.environment["MENTOR_KIOSK_CONFIG"] ?? "defaults or \(KioskOptions.defaultConfigPath)")")
        } catch {
            report(false, "config: \(error.localizedDescription)")
            throw ExitCode.failure
        }
        let path = context.databasePath
        do {
            // integrity_check below is the thorough form of the quick_check an open would run.
            let store = try context.openStore(verify: false)
            report(true, "database \(path) opens")
            let integrity = try store.integrityCheck()
            report(integrity == ["ok"], "integrity_check: \(integrity.prefix(3).joined(separator: "; "))")
            let mismatches = try store.projectionMismatches()
            let counts = try store.counts()
            report(mismatches.isEmpty, mismatches.isEmpty
                ? "attendance matches the event log (\(counts["event"] ?? 0) events, \(counts["attendance"] ?? 0) attendances)"
                : "attendance differs from the event log: \(mismatches.prefix(3).joined(separator: "; "))")
            if let pruned = try store.prunedBefore() {
                print("• retention: events before \(ISO8601DateFormatter().string(from: pruned)) were pruned; the attendance of sessions that ended before then is not proved from the log")
            }
            print("• roster: \(counts["participant"] ?? 0) participants, \(counts["badge"] ?? 0) badges, \(counts["mentoring_group"] ?? 0) groups, \(counts["session"] ?? 0) sessions")
            let (rules, fromHub) = try context.settings(store)
            if let programZone = try store.hubTimeZone() {
                let same = TimeZone(identifier: programZone) == context.config.timeZone
                report(same ? true : nil, same
                    ? "time zone \(programZone), as the hub's program"
                    : "time_zone is \(context.config.timeZone.identifier) in the config, but the program's (from the hub) is \(programZone): days and local times differ; set time_zone = \"\(programZone)\" under [kiosk] in kiosk.toml")
            }
            print("• check-in rules from \(fromHub ? "the hub" : "the config"): opens \(rules.opensBeforeMinutes) min before, on time until \(rules.onTimeGraceMinutes) min after, repeats within \(rules.duplicateWindowSeconds) s, ratings for \(rules.ratingWindowMinutes) min, anonymous ratings \(rules.anonymousRatings ? "on" : "off")")
            let feedback = rules.feedback ?? context.config.feedback
            let fit = feedback.pairFit ? "pairing fit at a pair's first \(feedback.fitSessions) sessions" : "no pairing fit"
            let goal = feedback.goalEvery > 0 ? "goal progress every \(feedback.goalEvery) sessions" : "no goal progress"
            print("• check-out questions from \(fromHub && rules.feedback != nil ? "the hub" : "the config"): the rating, then \(fit), \(goal), directed feedback \(feedback.directedFeedback ? "on" : "off"), goal texts \(feedback.showGoalText ? "shown" : "hidden"), \(feedback.questionSeconds) s to answer")
        } catch {
            report(false, "database: \(error.localizedDescription)")
        }
        report(Self.isPrivate(path), "database file mode is 0600")
        do {
            _ = try context.hasher()
            report(Self.isPrivate(context.secretPath), "badge secret \(context.secretPath) present, mode 0600")
        } catch {
            report(false, "\(error.localizedDescription)")
        }
        let synchronised = SystemClock.isSynchronised()
        report(synchronised ? true : nil, synchronised
            ? "system clock synchronised"
            : "system clock not synchronised: new events are marked clock_trusted=false")
        if let free = KioskStore.freeBytes(near: path) {
            report(free > 100 << 20 ? true : false, "free disk space: \(free >> 20) MiB")
        }
        if failures > 0 { throw ExitCode.failure }
    }

    static func isPrivate(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & 0o077 == 0
    }
}
