import ArgumentParser
import Foundation
import KioskApp
import KioskCore
import CKioskSystem
import KioskStore
import KioskSystem
import KioskTUI

/// From a badge's Enter to the result painted on a terminal: the kiosk's own main-loop step
/// (key decoding, state machine, committed check-in, rendering, ncurses paint to a
/// pseudo-terminal), against the same check-ins through the desk alone, in the same run.
struct ScreenBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screen", abstract: "Badge Enter → result on screen, against the check-in without the screen.")

    @Option(help: "Check-ins to measure (each path).") var scans = 2_000

    static let location = "Bench Hall"

    func run() throws {
        let folder = NSTemporaryDirectory() + "mentor-bench-screen-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let now = Date()
        let store = try KioskStore(path: folder + "/kiosk.sqlite", kioskID: "bench-1")
        let hasher = try BadgeHasher(secret: Data(repeating: 0x42, count: 32))
        let normalizer = BadgeNormalizer(rules: BadgeRules())
        _ = try store.importParticipants(try (0..<(2 * scans)).map { index in
            ParticipantEntry(
                participant: Participant(id: "P\(index)", name: "Participant \(index)", role: .mentee),
                badges: [hasher.hash(try normalizer.normalize(Self.badge(index)))],
                position: SourcePosition(file: "bench", line: index + 2))
        })
        _ = try store.importSessions([SessionEntry(
            session: Session(
                id: "S-NOW", title: "Open Session", kind: .networking, location: Self.location,
                startsAt: now.addingTimeInterval(-60), endsAt: now.addingTimeInterval(4 * 3600)),
            position: SourcePosition(file: "bench", line: 2))])
        let desk = CheckInDesk(
            store: store, normalizer: normalizer, hasher: hasher, rules: CheckInRules(), location: Self.location,
            anonymousRatings: false, wording: KioskWording(timeZone: TimeZone(identifier: "UTC")!))

        let terminal = try PseudoTerminal(rows: 24, columns: 80)
        setenv("TERM", "xterm-256color", 0)
        let screen = CursesTerminal(device: terminal.devicePath)
        screen.start()
        let app = KioskApp(desk: desk, clock: SystemClock(), options: KioskApp.Options(), terminal: screen)
        app.step(keys: [], at: 0)
        var withScreen: [Duration] = []
        var deskOnly: [Duration] = []
        let clock = ContinuousClock()
        var failures = 0
        for blockStart in stride(from: 0, to: scans, by: 100) {
            for index in blockStart..<min(scans, blockStart + 100) {
                let keys = Array((Self.badge(index) + "\n").utf8).map(Int32.init)
                withScreen.append(clock.measure { app.step(keys: keys, at: Double(index)) })
            }
            for index in blockStart..<min(scans, blockStart + 100) {
                var report: OutcomeReport?
                deskOnly.append(clock.measure { report = desk.scan(Self.badge(scans + index), clock: SystemClock().read()) })
                if report?.code != "checked_in" { failures += 1 }
            }
        }
        screen.stop()
        let counted = try store.counts()["attendance"] ?? 0
        guard counted == 2 * scans, failures == 0 else {
            throw BenchError("expected \(2 * scans) check-ins, the database has \(counted) (\(failures) desk failures)")
        }
        let ui = LatencySummary(withScreen)
        let base = LatencySummary(deskOnly)
        print("mentor-bench screen: \(scans) check-ins per path, painted to an 80×24 pseudo-terminal")
        _ = terminal
        print(LatencySummary.header)
        print(base.row("baseline: check-in, no screen"))
        print(ui.row("Enter → result painted"))
        let p99 = LatencySummary.milliseconds(ui.percentile(0.99))
        print(String(format: "ratio screen/baseline: p50 %.2f×, p99 %.2f×", LatencySummary.milliseconds(ui.percentile(0.5)) / LatencySummary.milliseconds(base.percentile(0.5)), p99 / LatencySummary.milliseconds(base.percentile(0.99))))
        print("goal p99 under 15 ms: \(p99 < 15 ? "met" : "NOT met")")
    }

    static func badge(_ index: Int) -> String { String(format: "B%07d", index) }
}

/// A pseudo-terminal whose output is read and discarded on a background thread, so painting
/// never blocks on a full buffer.
final class PseudoTerminal {
    let devicePath: String
    private let master: Int32

    init(rows: UInt16, columns: UInt16) throws {
        var path = [CChar](repeating: 0, count: 256)
        master = ckiosk_open_pseudo_terminal(rows, columns, &path, UInt(path.count))
        guard master >= 0 else { throw BenchError("cannot open a pseudo-terminal") }
        devicePath = String(decoding: path.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let descriptor = master
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = read(descriptor, &buffer, buffer.count)
                if count <= 0 { break }
            }
        }
    }
}
