import Foundation
import Testing

extension HubSyncTests {
    @Test("hub retention: refused bounds; prune does nothing until set, a dry run counts and changes nothing, then it freezes the term's figures; a late event is quarantined",
          arguments: HubDatabase.available)
    func hubRetention(_ database: HubDatabase) throws {
        let cli = try CLIHarness()
        let hub = try HubProcess(directory: cli.directory, database: database)
        defer { withExtendedLifetime(hub) { cli.remove() } }
        _ = try enrolledKiosk(hub, in: cli)
        let at = { (minutes: Double) in HubProcess.now.addingTimeInterval(minutes * 60).formatted(.iso8601) }
        for badge in ["200004", "200001"] { #expect(try cli.run(["checkin", badge, "--now", at(0)]).status == 0) }
        #expect(try cli.run(["checkout", "200004", "--now", at(20)]).status == 0)
        #expect(try cli.run(["sync"]).stdout.contains("hub has events through 3"))
        let period = ["--from", at(-12 * 60), "--to", at(24 * 60), "--now", at(30), "--format", "json"]
        let before = try hub.admin(["report"] + period)
        #expect(before.status == 0 && before.stdout.contains("\"present\" : 2"), "\(before.stdout)\(before.stderr)")
        #expect(try hub.admin(["export"]).stdout.split(separator: "\n").count == 3)

        let checkout = try cli.run(["checkout", "200001", "--now", at(15)])
        #expect(checkout.status == 0, "\(checkout.stdout)\(checkout.stderr)")

        for refused in ["51", "-1"] {
            let set = try hub.admin(["settings", "--retention-years=\(refused)"])
            #expect(set.status != 0 && set.stderr.contains("--retention-years must be 0 (keep every event) or 1–50"), "\(set.stderr)")
        }
        let twoYears = at(2 * 366 * 24 * 60)
        let off = try hub.admin(["prune", "--now", twoYears])
        #expect(off.status == 0 && off.stdout == "no retention set (settings --retention-years N): every event is kept\n", "\(off.stdout)\(off.stderr)")
        // A dry run counts what a year's retention would freeze, before it is set, and changes nothing.
        #expect(try hub.admin(["prune", "--dry-run", "--now", twoYears]).stdout.contains("--dry-run --retention-years N counts what N years would prune"))
        let misplaced = try hub.admin(["prune", "--retention-years", "1"])
        #expect(misplaced.status != 0 && misplaced.stderr.contains("--retention-years goes with --dry-run"), "\(misplaced.stderr)")
        #expect(try hub.admin(["prune", "--dry-run", "--retention-years", "51"]).stderr.contains("--retention-years must be 1–50"))
        let preview = try hub.admin(["prune", "--dry-run", "--retention-years", "1", "--now", twoYears])
        let would = try #require(
            preview.stdout.firstMatch(of: /keeping 1 year, before [0-9-]+: a prune now would freeze (\d+) sessions? \((\d+) scheduled, up to 0 of a kiosk's own\)/),
            "\(preview.stdout)\(preview.stderr)")
        #expect(Int(would.1) ?? 0 > 0 && would.1 == would.2, "\(preview.stdout)")
        #expect(try hub.admin(["export"]).stdout.split(separator: "\n").count == 3, "a dry run deletes nothing")
        #expect(try hub.admin(["settings", "--retention-years", "1"]).stdout.contains("retention_years = 1 ("))

        let tooEarly = try hub.admin(["prune", "--now", at(60)])
        #expect(tooEarly.stdout.contains(": 0 sessions frozen, 0 events and 0 quarantined events deleted"), "\(tooEarly.stdout)\(tooEarly.stderr)")
        let pruned = try hub.admin(["prune", "--now", twoYears])
        #expect(pruned.status == 0 && pruned.stdout.contains(/sessions? frozen, 3 events and 0 quarantined events deleted\n/), "\(pruned.stdout)\(pruned.stderr)")
        #expect(pruned.stdout.firstMatch(of: /: (\d+) sessions? frozen/)?.1 == would.1, "the dry run counted what the prune froze: \(pruned.stdout)")
        #expect(try hub.admin(["prune", "--dry-run", "--now", twoYears]).stdout.contains("would freeze 0 sessions (0 scheduled, up to 0 of a kiosk's own)"))
        #expect(try hub.admin(["export"]).stdout.isEmpty, "the raw events are gone")
        let after = try hub.admin(["report"] + period)
        #expect(after.stdout == before.stdout, "the same report from the frozen figures")
        #expect(try hub.admin(["audit"]).stdout.contains("retention.prune"))

        // The check-out the kiosk had not sent yet: the hub quarantines it.
        let late = try cli.run(["sync"])
        #expect(late.stdout.contains("0 stored, 0 already there, 1 rejected"), "\(late.stdout)\(late.stderr)")
        let rejected = try hub.admin(["rejected", "list"])
        #expect(rejected.stdout.contains("retention period"), "\(rejected.stdout)")
        #expect(try hub.admin(["settings", "--retention-years", "0"]).stdout.contains("retention_years = 0 (every event kept)"))
    }
}
