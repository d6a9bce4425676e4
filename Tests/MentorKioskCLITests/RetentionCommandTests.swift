import Foundation
import Testing

@Suite("prune and [retention] through the binary")
struct RetentionCommandTests {
    @Test("[retention] is checked and shown; prune says what it did, or that retention is off")
    func retentionConfig() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.loadSample()
        let config = cli.directory + "/kiosk.toml"
        try Data("[kiosk]\nlocation = \"Main Lobby\"\n".utf8).write(to: URL(fileURLWithPath: config))
        let off = try cli.run(["prune", "--config", config])
        #expect(off.status == 0 && off.stdout.contains("retention is off ([retention] acknowledged_events_days = 0): every event is kept"),
                "\(off.stdout)\(off.stderr)")
        try Data("[retention]\nacknowledged_events_days = 3\n".utf8).write(to: URL(fileURLWithPath: config))
        let short = try cli.run(["config", "check", "--config", config])
        #expect(short.status == 1 && short.stderr.contains(
            "\(config): retention.acknowledged_events_days: expected 0 (keep every event) or 7 to 3650 days, found 3"), "\(short.stderr)")
        try Data("[retention]\nacknowledged_events_days = 30\n".utf8).write(to: URL(fileURLWithPath: config))
        #expect(try cli.run(["config", "check", "--config", config]).stdout.contains("retention.acknowledged_events_days = 30\n"))
        #expect(try cli.run(["checkin", "200004", "--now", CLIHarness.nowText, "--config", config]).status == 0)
        let pruned = try cli.run(["prune", "--config", config, "--now", "2026-05-01T12:00:00Z"])
        #expect(pruned.status == 0 && pruned.stdout.contains("pruned 0 events the hub acknowledged, older than 30 days (before 2026-04-01T12:00:00Z)"),
                "not enrolled: the hub acknowledged nothing, nothing goes: \(pruned.stdout)\(pruned.stderr)")
    }
}
