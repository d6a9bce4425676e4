import Foundation
import Testing

/// Pins the help text: a change to the CLI's surface must show up in review.
@Suite("mentor-kiosk --help")
struct HelpTextTests {
    @Test("top-level help")
    func topLevel() throws {
        let result = try CLIHarness.run(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout == """
            OVERVIEW: The check-in kiosk for peer mentoring programs.

            Every command takes --config, --database and --now (or MENTOR_KIOSK_CONFIG,
            MENTOR_KIOSK_DATABASE, MENTOR_KIOSK_NOW). Check-in commands exit 0 when done, 3
            unknown badge, 4 no session now, 5 already checked in/out, 6 choose a session,
            7 not a badge, 8 refused, 9 cannot record; sync exits 10 when the hub cannot be
            reached or refuses.

            USAGE: mentor-kiosk <subcommand>

            OPTIONS:
              -h, --help              Show help information.

            SUBCOMMANDS:
              demo                    Try the kiosk: a fresh local database with a sample
                                      program, on screen (or scripted).
              run                     Run the kiosk screen: the appliance's main job
                                      (config file, real database).
              init                    Create the kiosk database and the badge secret (safe
                                      to run again).
              config                  Work with the configuration file.
              import                  Import the roster, groups or schedule from CSV (all
                                      or nothing).
              checkin                 Check a badge in, exactly as a tap on the kiosk would.
              checkout                Check a badge out of its current session, optionally
                                      rating it.
              rate                    Rate the session a badge last checked out of (1-4).
              answer                  Answer a check-out question after the rating (what
                                      `checkout --json` lists as questions).
              manual-checkin          Check a participant in by hand (facilitator action).
              undo                    Undo a mistaken check-in (facilitator action).
              excuse                  Excuse an expected member from a session: they sent
                                      apologies (facilitator action).
              set-pin                 Set a facilitator's kiosk PIN: four presses of the
                                      buttons 1-4 (stored only as a hash).
              sessions                List today's sessions with their check-in window and
                                      counts.
              session                 Change one session of the schedule (facilitator
                                      actions).
              tally                   Show a session's tally: present, expected, late,
                                      missing.
              report                  Engagement figures for a period: attendance,
                                      punctuality, retention, pairs, satisfaction, who is
                                      at risk (docs/metrics.md).
              export                  Export attendance (expected and actual) as CSV or
                                      JSON Lines; see docs/exports.md.
              backup                  Write a consistent backup of the database and keep
                                      the newest few.
              restore                 Put a backup back in place of the database; the
                                      kiosk's services must be stopped. The replaced
                                      database is kept beside it.
              prune                   Delete the events the hub has acknowledged that are
                                      older than [retention] acknowledged_events_days.
              doctor                  Check the kiosk: config, database integrity, file
                                      modes, secret, event log, clock, disk.
              hardware                Check the buttons, LEDs, buzzer and badge reader as
                                      configured.
              enroll                  Enroll this kiosk at a hub with the one-time code
                                      from `mentor-hub kiosk add`.
              sync                    Export events to the hub and fetch the directory
                                      (once, or --loop).

              See 'mentor-kiosk help <subcommand>' for detailed help.

            """)
    }

    @Test("checkin help")
    func checkIn() throws {
        let result = try CLIHarness.run(["checkin", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout == """
            OVERVIEW: Check a badge in, exactly as a tap on the kiosk would.

            With --stdin, reads one badge per line and prints one outcome per line, each
            after it is committed.

            USAGE: mentor-kiosk checkin [--config <file>] [--database <file>] [--now <time>] [<badge>] [--session <session>] [--stdin] [--json]

            ARGUMENTS:
              <badge>                 The badge code as the reader sends it.

            OPTIONS:
              --config <file>         The configuration file (TOML).
                    Default: $MENTOR_KIOSK_CONFIG, else /etc/mentor-kiosk/kiosk.toml if it
                    exists, else built-in defaults.
              --database <file>       The kiosk database.
                    Default: $MENTOR_KIOSK_DATABASE, else kiosk.sqlite in the configured
                    state directory.
              --now <time>            Start the clock at this time, for scripts and demos
                                      (2026-03-02T15:00:00+01:00, or local 2026-03-02
                                      15:00).
              --session <session>     The session to check in to when several are open.
              --stdin                 Read badges from standard input, one per line.
              --json                  Print JSON instead of text.
              -h, --help              Show help information.


            """)
    }

    /// swift-argument-parser's GenerateManual drops every character that is not ASCII, so a
    /// "1–4" in a help text reads "14" in `man mentor-kiosk`: the texts the manuals are made of
    /// stay ASCII.
    @Test("every help text of both tools is ASCII, so the manual pages keep it whole", arguments: ["mentor-kiosk", "mentor-hub"])
    func manualSafe(_ tool: String) throws {
        let binary = (CLIHarness.binary as NSString).deletingLastPathComponent + "/" + tool
        let dump = try ChildProcess.run([binary, "--experimental-dump-help"])
        #expect(dump.status == 0)
        let help = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        var texts: [(String, String)] = []
        func collect(_ command: [String: Any], _ path: String) {
            for key in ["abstract", "discussion"] { if let text = command[key] as? String { texts.append((path, text)) } }
            for argument in command["arguments"] as? [[String: Any]] ?? [] {
                for key in ["abstract", "discussion"] { if let text = argument[key] as? String { texts.append((path, text)) } }
            }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] { collect(sub, path + " " + (sub["commandName"] as? String ?? "?")) }
        }
        collect(try #require(help["command"] as? [String: Any]), tool)
        #expect(texts.count > 50, "the dump holds the tool's help: \(texts.count) texts")
        for (path, text) in texts where !text.allSatisfy(\.isASCII) {
            Issue.record("\(path): \(text.filter { !$0.isASCII }) in \"\(text)\"")
        }
    }
}
