import ArgumentParser
import Foundation
import KioskCore
import KioskStore
import ProgramFiles

struct Sessions: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List today's sessions with their check-in window and counts.")

    @OptionGroup var options: KioskOptions
    @Option(help: "How many days to list, from today.") var days = 1
    @Flag(help: "Include other locations than this kiosk's.") var allLocations = false

    func run() throws {
        let context = try options.context()
        let store = try context.openStore()
        let now = context.clock.read().wall
        try store.closeEndedSessions(clock: context.clock.read())
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = context.config.timeZone
        let today = calendar.startOfDay(for: now)
        let until = calendar.date(byAdding: .day, value: max(1, days), to: today)!
        let location = allLocations ? nil : context.config.location
        let summaries = try store.sessions(from: today, to: until, location: location, timeZone: context.config.timeZone)
        print("Sessions at \(location ?? "all locations") from \(ProgramTime.format(today)) (\(context.config.timeZone.identifier))")
        if summaries.isEmpty { print("  none") }
        let wording = context.wording
        let rules = try context.settings(store).settings.rules
        for summary in summaries {
            let session = summary.session
            let window: String = switch session.phase(at: now, rules: rules) {
            case .notYetOpen(let opensAt): "opens \(wording.clock(opensAt))"
            case .onTime: "open, on time"
            case .late: "open, late"
            case .closed: session.status == .scheduled ? "ended" : session.status.rawValue
            }
            print("  \(wording.clock(session.startsAt))–\(wording.clock(session.endsAt))  \(session.id.padding(toLength: 12, withPad: " ", startingAt: 0)) \(session.title) [\(session.kind.rawValue)]  \(window), \(summary.presence) present")
        }
    }
}

struct Tally: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a session's tally: present, expected, late, missing.")

    @OptionGroup var options: KioskOptions
    @Argument(help: "The session's id.") var session: String
    @Flag(help: "Print JSON instead of text.") var json = false

    func run() throws {
        let context = try options.context()
        let store = try context.openStore()
        try store.closeEndedSessions(clock: context.clock.read())
        guard let tally = try store.tally(sessionID: session, timeZone: context.config.timeZone) else {
            throw ValidationError("no session has the id \(session)")
        }
        if json {
            let line = { (entry: SessionTally.Line) -> [String: Any] in
                var object: [String: Any] = ["id": entry.participant.id, "name": entry.participant.name]
                if let attendance = entry.attendance {
                    object["status"] = attendance.status.rawValue
                    object["checked_in_at"] = ProgramTime.format(attendance.checkedInAt)
                    object["checked_out_at"] = attendance.checkedOutAt.map(ProgramTime.format) ?? NSNull()
                }
                return object
            }
            print(OutcomePrinter.jsonLine([
                "session": OutcomePrinter.describe(tally.session), "present": tally.present.count,
                "expected": tally.expectedCount, "late": tally.late.count, "checked_out": tally.checkedOut.count,
                "attendees": tally.present.map(line), "missing": tally.missing.map(line),
            ] as [String: Any]))
            return
        }
        print(TallyText(wording: context.wording).render(tally))
    }
}

/// The tally as the terminal shows it.
struct TallyText {
    var wording: KioskWording

    func render(_ tally: SessionTally) -> String {
        let session = tally.session
        var lines = [
            "\(session.title) (\(session.id)), \(wording.clock(session.startsAt))–\(wording.clock(session.endsAt)) at \(session.location)",
            "Present \(tally.presence) — \(tally.late.count) late, \(tally.checkedOut.count) checked out",
        ]
        for entry in tally.present {
            guard let attendance = entry.attendance else { continue }
            let out = attendance.checkedOutAt.map { " → \(wording.clock($0))\(attendance.checkOutKind == .auto ? " (auto)" : "")" } ?? ""
            lines.append("  ✓ \(entry.participant.name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(wording.clock(attendance.checkedInAt))\(out)  \(attendance.status.rawValue)")
        }
        if !tally.missing.isEmpty {
            lines.append("Missing:")
            lines += tally.missing.map { "  ✗ \($0.participant.name)" }
        }
        return lines.joined(separator: "\n")
    }
}
