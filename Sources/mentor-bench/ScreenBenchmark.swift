import ArgumentParser
import Foundation
import KioskApp
import KioskCore
import KioskHardware
import CKioskSystem
import KioskStore
import KioskSystem
import KioskTUI
import GRDB

/// From a badge's Enter to the result painted on a terminal: the kiosk's own main-loop step
/// (key decoding, state machine, committed check-in, rendering, ncurses paint to a
/// pseudo-terminal), against the same check-ins through the desk alone, in the same run.
/// `--check-out`: a pair member's check-out button to the question screen painted, with the
/// check-out questions on, against the same with them off (the rating alone, as before them).
/// `--speech`: Enter → result painted with spoken confirmations on (espeak-ng and aplay on ALSA's
/// null device, started for every result), against the same kiosk silent.
struct ScreenBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screen", abstract: "Badge Enter → result on screen, against the check-in without the screen (or --check-out).")

    @Option(help: "Check-ins to measure (each path).") var scans = 2_000
    @Flag(help: "Measure a pair member's check-out (button → rating screen painted), questions on against off.") var checkOut = false
    @Flag(help: "Measure Enter → result painted with speech on (ALSA null device) against speech off.") var speech = false
    @Option(help: "With --speech: milliseconds between check-ins (both paths), the time the speech has to run.") var pauseMs = 30

    static let location = "Bench Hall"

    func run() throws {
        if checkOut { return try runCheckOuts() }
        if speech { return try runSpeech() }
        let folder = try benchFolder("screen")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (store, desk) = try Self.openSession(in: folder, people: 2 * scans)

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

    /// The same kiosk silent and speaking, alternating in blocks of 100 check-ins.
    func runSpeech() throws {
        let folder = try benchFolder("screen")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (store, desk) = try Self.openSession(in: folder, people: 2 * scans)
        let terminal = try PseudoTerminal(rows: 24, columns: 80)
        setenv("TERM", "xterm-256color", 0)
        let screen = CursesTerminal(device: terminal.devicePath)
        screen.start()
        let speaker = Speaker(settings: SpeechSettings(mode: .outcomes, device: "null"))
        let apps = [nil, speaker].map { KioskApp(desk: desk, clock: SystemClock(), options: KioskApp.Options(), terminal: screen, speaker: $0) }
        var measured: [[Duration]] = [[], []]
        let clock = ContinuousClock()
        for blockStart in stride(from: 0, to: scans, by: 100) {
            for (path, app) in apps.enumerated() {
                for index in blockStart..<min(scans, blockStart + 100) {
                    let keys = Array((Self.badge(path * scans + index) + "\n").utf8).map(Int32.init)
                    measured[path].append(clock.measure { app.step(keys: keys, at: Double(index)) })
                    usleep(useconds_t(pauseMs * 1000))
                }
            }
        }
        screen.stop()
        _ = terminal
        let said = speaker.spoken
        speaker.close()
        let counted = try store.counts()["attendance"] ?? 0
        guard counted == 2 * scans else { throw BenchError("expected \(2 * scans) check-ins, the database has \(counted)") }
        guard speaker.problem == nil, said > 0 else { throw BenchError("speech did not run: \(speaker.statusLine)") }
        let (off, on) = (LatencySummary(measured[0]), LatencySummary(measured[1]))
        print("mentor-bench screen --speech: \(scans) check-ins per path, \(pauseMs) ms apart, painted to an 80×24 pseudo-terminal; \(said) utterances said or cut off")
        let ratio = LatencySummary.printComparison(off: off, "baseline: speech off", on: on, "speech on (outcomes)")
        print("goal p99 within 1.25× of speech off: \(ratio <= 1.25 ? "met" : "NOT met")")
    }

    static func badge(_ index: Int) -> String { String(format: "B%07d", index) }

    /// A kiosk database in `folder` with `people` mentees and one session open to all, now.
    static func openSession(in folder: String, people: Int) throws -> (KioskStore, CheckInDesk) {
        let now = Date()
        let (store, hasher, normalizer) = try store(in: folder, people: people) { _ in .mentee }
        _ = try store.importSessions([SessionEntry(
            session: Session(
                id: "S-NOW", title: "Open Session", kind: .networking, location: location,
                startsAt: now.addingTimeInterval(-60), endsAt: now.addingTimeInterval(4 * 3600)),
            position: SourcePosition(file: "bench", line: 2))])
        let desk = CheckInDesk(
            store: store, normalizer: normalizer, hasher: hasher, rules: CheckInRules(), location: location,
            anonymousRatings: false, wording: KioskWording(timeZone: TimeZone(identifier: "UTC")!))
        return (store, desk)
    }

    /// A kiosk database in `folder` with `people` participants P0, P1, … whose badges are `badge(index)`.
    static func store(
        in folder: String, people: Int, role: (Int) -> Role
    ) throws -> (KioskStore, BadgeHasher, BadgeNormalizer) {
        let store = try KioskStore(path: folder + "/kiosk.sqlite", kioskID: "bench-1")
        let hasher = try BadgeHasher(secret: Data(repeating: 0x42, count: 32))
        let normalizer = BadgeNormalizer(rules: BadgeRules())
        _ = try store.importParticipants(try (0..<people).map { index in
            ParticipantEntry(
                participant: Participant(id: "P\(index)", name: "Participant \(index)", role: role(index)),
                badges: [hasher.hash(try normalizer.normalize(badge(index)))], position: SourcePosition(file: "bench", line: index + 2))
        })
        return (store, hasher, normalizer)
    }

    /// `scans` pairs, each at a session of its own that is open now; every member checks in,
    /// then half check out through a kiosk asking the questions and half through one asking none,
    /// alternating in blocks of 100, each from the offer screen of their second tap.
    func runCheckOuts() throws {
        let folder = try benchFolder("screen")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let now = Date()
        let people = 2 * scans
        let (store, hasher, normalizer) = try Self.store(in: folder, people: people) { $0.isMultiple(of: 2) ? .mentor : .mentee }
        _ = try store.importGroups((0..<scans).map { pair in
            GroupEntry(
                group: MentoringGroup(id: "G\(pair)", name: "Pair \(pair)", kind: .pair, members: [
                    GroupMember(participantID: "P\(2 * pair)", role: .mentor), GroupMember(participantID: "P\(2 * pair + 1)", role: .mentee),
                ]), memberPositions: [SourcePosition(file: "bench", line: pair + 2), SourcePosition(file: "bench", line: pair + 2)])
        })
        _ = try store.importSessions((0..<scans).map { pair in
            SessionEntry(
                session: Session(
                    id: "S\(pair)", title: "Pair \(pair)", kind: .oneOnOne, location: Self.location, startsAt: now.addingTimeInterval(-60),
                    endsAt: now.addingTimeInterval(4 * 3600), groupID: "G\(pair)"),
                position: SourcePosition(file: "bench", line: pair + 2))
        })
        var desk = CheckInDesk(
            store: store, normalizer: normalizer, hasher: hasher, rules: CheckInRules(duplicateWindow: 0), location: Self.location,
            anonymousRatings: false, wording: KioskWording(timeZone: TimeZone(identifier: "UTC")!))
        for index in 0..<people where desk.scan(Self.badge(index), clock: SystemClock().read()).code != "checked_in" {
            throw BenchError("\(Self.badge(index)) was not checked in")
        }
        let asking = desk
        desk.feedback = nil
        let silent = desk

        let terminal = try PseudoTerminal(rows: 24, columns: 80)
        setenv("TERM", "xterm-256color", 0)
        let screen = CursesTerminal(device: terminal.devicePath)
        screen.start()
        let apps = [asking, silent].map { KioskApp(desk: $0, clock: SystemClock(), options: KioskApp.Options(), terminal: screen) }
        var measured: [[Duration]] = [[], []]
        let clock = ContinuousClock()
        var seconds = 0.0
        for blockStart in stride(from: 0, to: people, by: 200) {
            for (path, app) in apps.enumerated() {
                for index in stride(from: blockStart + path, to: min(people, blockStart + 200), by: 2) {
                    seconds += 1
                    app.step(keys: Array((Self.badge(index) + "\n").utf8).map(Int32.init), at: seconds)
                    measured[path].append(clock.measure { app.step(keys: [], hardware: [.button(.select)], at: seconds + 0.5) })
                }
            }
        }
        screen.stop()
        _ = terminal
        let outs = try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM attendance WHERE check_out_kind = 'badge'") } ?? 0
        guard outs == people else { throw BenchError("expected \(people) check-outs, the database has \(outs)") }
        let (on, off) = (LatencySummary(measured[0]), LatencySummary(measured[1]))
        print("mentor-bench screen --check-out: \(people) pair members, each checking out from the offer screen (button → rating screen painted, 80×24)")
        LatencySummary.printComparison(off: off, "baseline: questions off", on: on, "questions on")
    }
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
