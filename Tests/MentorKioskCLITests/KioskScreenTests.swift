import Foundation
import KioskStore
import Testing

/// The kiosk screen end to end: the real binary in tmux, keys in, screen text out.
@Suite("The kiosk on screen (tmux)")
struct KioskScreenTests {
    static let now = "2026-03-02T15:00:00Z"

    /// A fresh demo (sample program around 15:00) in its own folder; duplicate window 1 s.
    func demo(rows: Int = 24, columns: Int = 80) throws -> (TmuxKiosk, CLIHarness) {
        let cli = try CLIHarness()
        let config = cli.directory + "/kiosk.toml"
        try Data("[check_in]\nduplicate_window_seconds = 1\n".utf8).write(to: URL(fileURLWithPath: config))
        let kiosk = try TmuxKiosk(
            ["demo", "--now", Self.now, "--config", config, "--directory", cli.directory + "/demo"],
            directory: cli.directory, rows: rows, columns: columns)
        try kiosk.waitFor("Next: CV Workshop at 18:00")
        return (kiosk, cli)
    }

    @Test("idle screen: clock, open sessions with counts, next session, tap your badge")
    func idle() throws {
        let (kiosk, cli) = try demo()
        defer { cli.remove() }
        let screen = kiosk.screen
        #expect(screen.contains("Mentor Kiosk · Main Lobby"))
        #expect(screen.contains("● Now: Peer Circle A  14:58–15:58  0/4 here"))
        #expect(screen.contains("● Now: Networking Hour  14:50–15:50  0 here"), "open to all: nobody is expected")
        #expect(screen.contains("█████  ███  ████        ████   ███  ████   ████ █████"))
    }

    @Test("on-time check-in, then back to idle by itself; a bounce of the same badge is one scan")
    func onTime() throws {
        let (kiosk, cli) = try demo()
        defer { cli.remove() }
        try kiosk.scan("200004")
        try kiosk.waitFor("✓ Welcome, Lena Novak — checked in to Peer Circle A (on time)")
        try kiosk.scan("200004")
        usleep(300_000)
        #expect(kiosk.screen.contains("✓ Welcome, Lena Novak"))
        try kiosk.waitFor("● Now: Peer Circle A  14:58–15:58  1/4 here", timeout: 10)
    }

    @Test("late check-in says late and when it started")
    func late() throws {
        let (kiosk, cli) = try demo()
        defer { cli.remove() }
        try kiosk.scan("200001")
        let screen = try kiosk.waitFor("✓ Welcome, Jonas Weber — checked in to Maria & Jonas — one-on-one")
        #expect(screen.contains("started 14:40)"))
    }

    @Test("unknown badge and a reader glitch are refused in words")
    func unknown() throws {
        let (kiosk, cli) = try demo()
        defer { cli.remove() }
        try kiosk.scan("999999")
        try kiosk.waitFor("✗ Unknown badge — please see the facilitator")
        try kiosk.send("4") // any button returns to idle
        try kiosk.waitFor("Next: CV Workshop")
        try kiosk.scan("12ab!")
        try kiosk.waitFor("✗ Not a badge: the badge code does not match the allowed pattern")
    }

    @Test("second tap offers check-out; button 3 checks out; button 4 rates 4 of 4")
    func checkOutAndRate() throws {
        let (kiosk, cli) = try demo()
        defer { cli.remove() }
        try kiosk.scan("200004")
        try kiosk.waitFor("✓ Welcome, Lena Novak")
        usleep(1_200_000)
        try kiosk.scan("200004")
        try kiosk.waitFor("• Lena Novak, you checked in to Peer Circle A at 15:00.")
        try kiosk.send("3")
        try kiosk.waitFor("How was the session? Press one button:")
        #expect(kiosk.screen.contains("✓ Goodbye, Lena Novak — checked out of Peer Circle A after 0 min"))
        try kiosk.send("4")
        try kiosk.waitFor("✓ Thank you for rating 4 of 4")
    }

    @Test("choosing between two open sessions with the buttons")
    func choose() throws {
        let (kiosk, cli) = try demo()
        defer { cli.remove() }
        try kiosk.scan("100003")
        try kiosk.waitFor("? Priya Shah, several sessions are open. Which one are you here for?")
        #expect(kiosk.screen.contains("▶ Networking Hour  14:50–15:50"))
        try kiosk.send("2")
        try kiosk.waitFor("▶ Lunch & Learn: Giving Feedback  14:55–15:40")
        try kiosk.send("3")
        try kiosk.waitFor("✓ Welcome, Priya Shah — checked in to Lunch & Learn: Giving Feedback (late,")
    }

    @Test("facilitator: badge, [1], PIN, check someone in by hand, undo it, excuse them; all recorded with the actor")
    func facilitator() throws {
        let (kiosk, cli) = try demo()
        defer { cli.remove() }
        try kiosk.scan("700001")
        try kiosk.waitFor("? Fatima Okafor, several sessions are open")
        try kiosk.press(3)
        try kiosk.waitFor("✓ Welcome, Fatima Okafor")
        #expect(kiosk.screen.contains("[1] facilitator menu"))
        try kiosk.press(1)
        try kiosk.waitFor("Fatima Okafor, enter your PIN with the buttons 1–4")
        try kiosk.press(1, 2, 3, 4)
        try kiosk.waitFor("FACILITATOR · Fatima Okafor")
        try kiosk.press(2, 3)
        try kiosk.waitFor("▶ Jonas Weber")
        try kiosk.press(3)
        try kiosk.waitFor("✓ Jonas Weber checked in to Maria & Jonas — one-on-one")
        try kiosk.press(4, 2, 2, 2, 3)
        try kiosk.waitFor("FACILITATOR · Undo a check-in")
        let list = try kiosk.waitFor("▶ Jonas Weber")
        #expect(list.contains("Fatima Okafor"))
        try kiosk.press(3)
        try kiosk.waitFor("✓ Jonas Weber is no longer checked in to Maria & Jonas — one-on-one")
        try kiosk.press(4, 2, 2, 3)
        try kiosk.waitFor("FACILITATOR · Excuse someone missing")
        try kiosk.waitFor("▶ Jonas Weber")
        try kiosk.press(3)
        try kiosk.waitFor("✓ Jonas Weber is excused from Maria & Jonas — one-on-one")
        try kiosk.press(4, 3)
        try kiosk.waitFor("FACILITATOR · Tally")
        try kiosk.waitFor("Jonas Weber  excused")
        let store = try KioskStore(path: cli.directory + "/demo/kiosk.sqlite", kioskID: "kiosk-1")
        let events = try store.events().filter { $0.draft.participantID == "E001" }
        #expect(events.map(\.draft.kind) == [.manualCheckIn, .undo, .excuse])
        #expect(events.map(\.draft.actorID) == ["F001", "F001", "F001"])
    }

    @Test("facilitator links an unknown badge; it checks its new owner in at once")
    func linkBadge() throws {
        let (kiosk, cli) = try demo()
        defer { cli.remove() }
        try kiosk.scan("555555")
        try kiosk.waitFor("✗ Unknown badge — please see the facilitator")
        try kiosk.scan("700001")
        try kiosk.waitFor("? Fatima Okafor")
        try kiosk.press(3)
        try kiosk.waitFor("[1] facilitator menu")
        try kiosk.press(1, 1, 2, 3, 4)
        try kiosk.waitFor("FACILITATOR · Fatima Okafor")
        try kiosk.press(2, 2, 2, 2, 3)
        try kiosk.waitFor("FACILITATOR · Whose badge is it?")
        try kiosk.waitFor("▶ Aisha Bello")
        try kiosk.press(3)
        try kiosk.waitFor("✓ Aisha Bello now has this badge")
        try kiosk.press(4)
        try kiosk.waitFor("▶ Tally of open sessions")
        try kiosk.press(4)
        try kiosk.waitFor("Next: CV Workshop")
        try kiosk.scan("555555")
        try kiosk.waitFor("? Aisha Bello, several sessions are open")
    }

    @Test("five wrong PINs lock facilitator mode, even for the right PIN")
    func lockout() throws {
        let (kiosk, cli) = try demo()
        defer { cli.remove() }
        try kiosk.scan("700001")
        try kiosk.waitFor("? Fatima Okafor")
        try kiosk.press(3)
        for attempt in 1...5 {
            try kiosk.waitFor("[1] facilitator menu")
            try kiosk.press(1)
            try kiosk.waitFor("enter your PIN")
            try kiosk.press(4, 4, 4, 4)
            let expected = attempt < 5 ? "✗ Wrong PIN — \(5 - attempt) \(5 - attempt == 1 ? "try" : "tries") left" : "✗ Too many wrong PINs"
            try kiosk.waitFor(expected)
            try kiosk.press(4)
            try kiosk.waitFor("Next: CV Workshop")
            usleep(1_100_000) // past the duplicate window
            try kiosk.scan("700001")
            try kiosk.waitFor("you checked in to")
        }
        try kiosk.press(1)
        try kiosk.waitFor("enter your PIN")
        try kiosk.press(1, 2, 3, 4)
        try kiosk.waitFor("✗ Too many wrong PINs — facilitator mode is locked for a few minutes")
    }

    @Test("a resize redraws for the new size")
    func resize() throws {
        let (kiosk, cli) = try demo()
        defer { cli.remove() }
        try kiosk.resize(rows: 40, columns: 120)
        let wide = try kiosk.waitFor(String(repeating: " ", count: 84) + "Mon 2 Mar")
        #expect(wide.split(separator: "\n").first?.hasPrefix(" Mentor Kiosk · Main Lobby") == true)
        try kiosk.resize(rows: 24, columns: 80)
        try kiosk.waitFor(" Mentor Kiosk · Main Lobby" + String(repeating: " ", count: 44) + "Mon 2 Mar")
    }

    @Test("SIGTERM restores the terminal and exits 0")
    func sigterm() throws {
        let (kiosk, cli) = try demo()
        defer { cli.remove() }
        try kiosk.signal("TERM")
        let screen = try kiosk.waitFor("EXITED:0")
        #expect(!screen.contains("TAP BADGE") && !screen.contains("Mentor Kiosk · Main Lobby"), "the kiosk screen should be gone")
    }

    @Test("the appliance ignores Ctrl-C, Ctrl-Z and Ctrl-\\ and stops on SIGTERM")
    func unattended() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.loadSample()
        let kiosk = try TmuxKiosk(["run", "--database", cli.database, "--now", Self.now], directory: cli.directory)
        try kiosk.waitFor("Next: CV Workshop at 18:00")
        try kiosk.send("C-c")
        try kiosk.send("C-z")
        try kiosk.send("C-\\")
        usleep(500_000)
        #expect(kiosk.screen.contains("Mentor Kiosk · Main Lobby"))
        #expect(!kiosk.screen.contains("EXITED"))
        try kiosk.scan("200005")
        try kiosk.waitFor("✓ Welcome, Omar Haddad — checked in to Peer Circle A (on time)")
        try kiosk.signal("TERM")
        try kiosk.waitFor("EXITED:0")
    }
}

@Suite("The kiosk at rest")
struct KioskIdleTests {
    /// User + system CPU ticks of a process (clock ticks, normally 1/100 s).
    static func cpuTicks(_ pid: String) -> Int {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return -1 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
    }

    @Test("an idle kiosk sleeps: no busy loop (under 0.2 s of CPU in 4 s), on the Linux console's TERM")
    func idleCPU() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.loadSample()
        let kiosk = try TmuxKiosk(
            ["run", "--database", cli.database, "--now", KioskScreenTests.now], directory: cli.directory, rows: 25,
            columns: 80, term: "linux")
        try kiosk.waitFor("Next: CV Workshop at 18:00")
        let pid = try kiosk.kioskPID()
        let before = Self.cpuTicks(pid)
        usleep(4_000_000)
        let used = Self.cpuTicks(pid) - before
        #expect(before >= 0)
        #expect(used < 20, "the idle kiosk used \(used) ticks of CPU in 4 s")
        #expect(kiosk.screen.contains("Mentor Kiosk · Main Lobby"))
    }
}
