import ArgumentParser
import Foundation
import KioskApp
import KioskCore
import KioskHardware
import KioskStore
import KioskSystem
import ProgramFiles

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Try the kiosk: a fresh local database with a sample program, on screen (or scripted).")

    @OptionGroup var options: KioskOptions
    @Option(help: "Where the demo's files go (recreated on each run).") var directory = "mentor-kiosk-demo"
    @Flag(help: "Print a scripted round of check-ins and the tally instead of opening the kiosk screen.") var script = false

    static let hint = [
        "Badges: 200004 Lena · 200001 Jonas · 100004 Tomás (in Spanish) · 100003 Priya · 999999 stranger",
        "Facilitator: 700001 Fatima, then [1] and PIN 1 2 3 4",
        "Type a badge + Enter, or s · 1–4 = buttons · v = speech · Ctrl-C quits",
    ]
    static let simulatedBadges = ["200004", "200001", "100004", "100003", "999999", "200004", "200005", "700001"]

    func run() throws {
        var context = try options.context()
        if options.config == nil, ProcessInfo.processInfo.environment["MENTOR_KIOSK_CONFIG"] == nil {
            context.config.timeZone = .current
        }
        context.databasePath = options.database ?? (directory as NSString).appendingPathComponent("kiosk.sqlite")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: context.databasePath + suffix) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try SecretFile.create(context.secretPath)
        let store = try KioskStore(path: context.databasePath, kioskID: context.config.kioskID)
        let desk = try context.desk(store: store)
        let start = context.clock.read()
        let sample = SampleProgram(around: start.wall, location: context.config.location)
        let reader = try context.programReader(hasher: desk.hasher)
        for (name, text) in [("participants.csv", sample.participantsCSV), ("groups.csv", sample.groupsCSV), ("sessions.csv", sample.sessionsCSV)] {
            let path = (directory as NSString).appendingPathComponent(name)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
        let imported = [
            try store.importParticipants(try reader.participants(Data(sample.participantsCSV.utf8), file: "participants.csv")),
            try store.importGroups(try reader.groups(Data(sample.groupsCSV.utf8), file: "groups.csv")),
            try store.importSessions(try reader.sessions(Data(sample.sessionsCSV.utf8), file: "sessions.csv")),
        ]
        try store.setPIN(participantID: "F001", hash: desk.hasher.pinHash(participantID: "F001", pin: ButtonPIN("1234")!))
        let wording = desk.wording
        guard script else {
            guard isatty(0) == 1, isatty(1) == 1 else {
                throw ValidationError("the kiosk screen needs a terminal; use `demo --script` for the printed version")
            }
            let app = KioskApp(
                desk: desk, clock: context.clock,
                options: KioskApp.Options(
                    demoBadges: Self.simulatedBadges, hint: Self.hint, demo: true, display: context.config.display, speech: context.config.speech),
                speaker: context.config.speech.mode == .off ? nil : Speaker(settings: context.config.speech))
            throw ExitCode(app.run())
        }
        print("Mentor Kiosk demo — \(context.config.location), \(wording.clock(start.wall)) (\(context.config.timeZone.identifier))")
        print("Imported the sample program into \(context.databasePath): \(imported.map(\.inserted).reduce(0, +)) records (CSV files in \(directory)/)\n")

        func at(_ seconds: TimeInterval) -> ClockReading {
            var reading = start
            reading.wall = start.wall.addingTimeInterval(seconds)
            return reading
        }
        func show(_ seconds: TimeInterval, _ what: String, _ report: OutcomeReport) {
            print("\(wording.clock(at(seconds).wall))  \(what.padding(toLength: 34, withPad: " ", startingAt: 0)) \(report.message)")
        }
        let badge = SampleProgram.badges
        show(0, "Lena taps her badge", desk.scan(badge["E004"]!, clock: at(0)))
        show(2, "Lena's badge bounces", desk.scan(badge["E004"]!, clock: at(2)))
        show(20, "Jonas taps (his pair meeting)", desk.scan(badge["E001"]!, clock: at(20)))
        show(25, "Maria taps her second badge", desk.scan("0100001", clock: at(25)))
        show(40, "Priya taps", desk.scan(badge["M003"]!, clock: at(40)))
        show(45, "Priya picks Networking Hour", desk.scan(badge["M003"]!, clock: at(45), chosenSessionID: "S-NETWORK"))
        show(60, "A stranger's card", desk.scan("999999", clock: at(60)))
        show(62, "A reader glitch", desk.scan("20\u{1B}[2J0004", clock: at(62)))
        show(70, "Noah (left the program)", desk.scan(badge["E007"]!, clock: at(70)))
        show(90, "Tomás taps", desk.scan(badge["M004"]!, clock: at(90)))
        show(120, "Lena taps again", desk.scan(badge["E004"]!, clock: at(120)))
        let manual = try store.manualCheckIn(
            participantID: "E005", sessionID: "S-CIRCLE", actorID: "F001", clock: at(150), rules: context.config.checkInRules)
        show(150, "Fatima checks Omar in by hand", OutcomeReport(code: "manual", verdict: .done, message: "✓ \(manual.0.name) checked in (manual) by Fatima Okafor"))
        _ = try store.manualCheckIn(
            participantID: "E006", sessionID: "S-CIRCLE", actorID: "F001", clock: at(170), rules: context.config.checkInRules)
        let undone = try store.undoCheckIn(participantID: "E006", sessionID: "S-CIRCLE", actorID: "F001", clock: at(180))
        show(180, "Fatima undoes a mistaken one", OutcomeReport(code: "undone", verdict: .done, message: "✓ \(undone.0.name) is no longer checked in (undo recorded)"))
        show(35 * 60, "Lena checks out", desk.checkOut(badge["E004"]!, clock: at(35 * 60)))
        show(35 * 60 + 5, "Lena rates the session", desk.rate(badge["E004"]!, value: 4, clock: at(35 * 60 + 5)))

        try store.closeEndedSessions(clock: at(35 * 60 + 10))
        print("\nTally at \(wording.clock(at(35 * 60 + 10).wall)):")
        if let tally = try store.tally(sessionID: "S-CIRCLE", timeZone: wording.timeZone) { print(TallyText(wording: wording).render(tally)) }
        if let tally = try store.tally(sessionID: "S-PAIR1", timeZone: wording.timeZone) {
            print("\n" + TallyText(wording: wording).render(tally))
            if tally.missing.isEmpty { print("Both members of the pair came: a verified pair meeting.") }
        }
        let database = context.databasePath
        print("""

            Try it yourself (the sessions are open for the next half hour):
              swift run mentor-kiosk checkin --database \(database) \(badge["E002"]!)     # Aisha: two open sessions, she chooses
              swift run mentor-kiosk checkin --database \(database) \(badge["E006"]!)     # Sofia, Peer Circle A
              swift run mentor-kiosk tally --database \(database) S-CIRCLE
              swift run mentor-kiosk export --database \(database) --format jsonl
            Badges: \(badge.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
            """)
    }
}
