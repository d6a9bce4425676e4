import Foundation
import KioskCore

/// A session as the idle screen lists it.
public struct SessionLine: Sendable, Equatable {
    public var title: String
    public var startsAt: Date
    public var endsAt: Date
    public var present: Int
    public var expected: Int

    public init(title: String, startsAt: Date, endsAt: Date, present: Int, expected: Int) {
        self.title = title
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.present = present
        self.expected = expected
    }
}

/// What the screens show besides the machine's state: the place, the time, the sessions and
/// the kiosk's health. Gathered by the app from the store and the system.
public struct KioskSurroundings: Sendable, Equatable {
    public var location: String
    public var now: Date
    public var openSessions: [SessionLine]
    public var nextSession: SessionLine?
    public var clockTrusted: Bool
    /// Short health text for the bottom line, e.g. "hub: not configured (works offline)".
    public var status: String
    /// Extra lines for the demo: badges to try and keys to press.
    public var hint: [String]

    public init(
        location: String, now: Date, openSessions: [SessionLine] = [], nextSession: SessionLine? = nil,
        clockTrusted: Bool = true, status: String = "", hint: [String] = []
    ) {
        self.location = location
        self.now = now
        self.openSessions = openSessions
        self.nextSession = nextSession
        self.clockTrusted = clockTrusted
        self.status = status
        self.hint = hint
    }
}

/// Renders the kiosk's screens as a pure function of state into a `ScreenGrid`.
public struct KioskScreens: Sendable {
    public var wording: KioskWording

    public init(wording: KioskWording) {
        self.wording = wording
    }

    static let header = CellStyle(foreground: .black, background: .cyan, bold: true)
    static let emphasis = CellStyle(bold: true)
    static let footer = CellStyle(foreground: .black, background: .white)
    static let selected = CellStyle(foreground: .black, background: .yellow, bold: true)

    public func render(_ state: KioskState, _ surroundings: KioskSurroundings, rows: Int, columns: Int) -> ScreenGrid {
        var grid = ScreenGrid(rows: rows, columns: columns)
        guard rows >= 12, columns >= 40 else {
            grid.put("Enlarge the terminal to at least 80×24", row: 0, column: 0, style: Self.emphasis)
            return grid
        }
        drawHeader(&grid, surroundings)
        switch state.screen {
        case .idle:
            drawIdle(&grid, surroundings)
        case .result(let report):
            drawResult(&grid, report)
        case .chooseSession(_, let participant, let choices, let selected):
            drawChoice(&grid, participant: participant, choices: choices, selected: selected)
        case .offerCheckOut(_, let report):
            drawOffer(&grid, report)
        case .rating(_, let report):
            drawRating(&grid, report)
        }
        return grid
    }

    private func drawHeader(_ grid: inout ScreenGrid, _ surroundings: KioskSurroundings) {
        grid.fill(row: 0, style: Self.header)
        grid.put(" Mentor Kiosk · \(surroundings.location)", row: 0, column: 0, style: Self.header)
        let day = wording.day(surroundings.now) + " "
        grid.put(day, row: 0, column: grid.columns - day.count, style: Self.header)
    }

    private func drawFooter(_ grid: inout ScreenGrid, _ text: String) {
        grid.fill(row: grid.rows - 1, style: Self.footer)
        grid.put(" " + text, row: grid.rows - 1, column: 0, style: Self.footer)
    }

    /// Big letters when they fit, else bold text; returns the next free row.
    @discardableResult
    private func drawBanner(_ grid: inout ScreenGrid, _ text: String, row: Int, style: CellStyle) -> Int {
        guard BannerFont.width(of: text) <= grid.columns - 2 else {
            grid.center(text.uppercased(), row: row, style: style)
            return row + 2
        }
        for (offset, line) in BannerFont.render(text).enumerated() {
            grid.center(line, row: row + offset, style: style)
        }
        return row + BannerFont.height + 1
    }

    private func drawIdle(_ grid: inout ScreenGrid, _ surroundings: KioskSurroundings) {
        var row = drawBanner(&grid, wording.clock(surroundings.now), row: 2, style: Self.emphasis)
        if surroundings.openSessions.isEmpty {
            grid.center("No session is open right now", row: row)
            row += 1
        }
        for session in surroundings.openSessions.prefix(3) {
            let count = "\(session.present)/\(session.expected) here"
            grid.center("● Now: \(session.title)  \(wording.clock(session.startsAt))–\(wording.clock(session.endsAt))  \(count)", row: row)
            row += 1
        }
        if let next = surroundings.nextSession {
            grid.center("Next: \(next.title) at \(wording.clock(next.startsAt))", row: row)
        }
        row += 2
        if grid.rows - row >= BannerFont.height + 4 {
            row = drawBanner(&grid, "TAP BADGE", row: row, style: CellStyle(foreground: .green, bold: true))
        } else {
            grid.center("▶ Tap your badge to check in or out ◀", row: row, style: CellStyle(foreground: .green, bold: true))
            row += 2
        }
        for (offset, line) in surroundings.hint.enumerated() where row + offset < grid.rows - 2 {
            grid.center(line, row: row + offset, style: CellStyle(foreground: .cyan))
        }
        let clock = surroundings.clockTrusted ? "clock ✓ synchronised" : "clock ✗ NOT synchronised"
        drawFooter(&grid, ([clock, surroundings.status].filter { !$0.isEmpty }).joined(separator: " │ "))
    }

    /// The big word, its colour and symbol for each outcome.
    static func headline(_ report: OutcomeReport) -> (word: String, symbol: String, color: ScreenColor) {
        switch report.code {
        case "checked_in":
            report.status == AttendanceStatus.late.rawValue ? ("LATE", "✓", .yellow) : ("WELCOME", "✓", .green)
        case "rated", "already_rated": ("THANK YOU", "✓", .green)
        case "checked_out": ("GOODBYE", "✓", .green)
        case "already_checked_out": ("ALREADY OUT", "•", .yellow)
        case "unknown_badge": ("UNKNOWN", "✗", .red)
        case "badge_rejected": ("NOT A BADGE", "✗", .red)
        case "no_session": ("NO SESSION", "✗", .red)
        case "inactive": ("INACTIVE", "✗", .red)
        case "session_not_open": ("NOT OPEN", "✗", .red)
        case "cannot_record": ("ERROR", "✗", .red)
        default: ("SORRY", "✗", .red)
        }
    }

    private func drawResult(_ grid: inout ScreenGrid, _ report: OutcomeReport) {
        let headline = Self.headline(report)
        let style = CellStyle(foreground: headline.color, bold: true)
        var row = drawBanner(&grid, headline.word, row: 2, style: style)
        for line in Self.wrap(report.message, width: grid.columns - 4) {
            grid.center(line, row: row, style: CellStyle(foreground: headline.color, bold: true))
            row += 1
        }
        drawFooter(&grid, "Any button returns to the start screen; it also returns by itself.")
    }

    private func drawChoice(_ grid: inout ScreenGrid, participant: Participant, choices: [Session], selected: Int) {
        var row = drawBanner(&grid, "CHOOSE", row: 2, style: CellStyle(foreground: .yellow, bold: true))
        grid.center("? \(participant.name), several sessions are open. Which one are you here for?", row: row, style: Self.emphasis)
        row += 2
        let lines = choices.enumerated().map { index, session in
            " \(index == selected ? "▶" : " ") \(session.title)  \(wording.clock(session.startsAt))–\(wording.clock(session.endsAt)) "
        }
        let width = lines.map(\.count).max() ?? 0
        for (index, line) in lines.enumerated() where row < grid.rows - 2 {
            let padded = line.padding(toLength: width, withPad: " ", startingAt: 0)
            grid.put(padded, row: row, column: max(0, (grid.columns - width) / 2), style: index == selected ? Self.selected : .plain)
            row += 1
        }
        drawFooter(&grid, "[1] up   [2] down   [3] check in here   [4] cancel")
    }

    private func drawOffer(_ grid: inout ScreenGrid, _ report: OutcomeReport) {
        var row = drawBanner(&grid, "CHECK OUT?", row: 2, style: CellStyle(foreground: .yellow, bold: true))
        let name = report.participant?.name ?? "You"
        let since = report.time.map { " at \(wording.clock($0))" } ?? ""
        grid.center("• \(name), you checked in to \(report.session?.title ?? "your session")\(since).", row: row, style: Self.emphasis)
        row += 2
        grid.center("Leaving? Press [3] to check out.", row: row)
        drawFooter(&grid, "[3] check out   [4] stay checked in")
    }

    private func drawRating(_ grid: inout ScreenGrid, _ report: OutcomeReport) {
        var row = drawBanner(&grid, "GOODBYE", row: 2, style: CellStyle(foreground: .green, bold: true))
        grid.center(report.message, row: row, style: CellStyle(foreground: .green, bold: true))
        row += 2
        grid.center("How was the session? Press one button:", row: row, style: Self.emphasis)
        row += 2
        grid.center("[1] poor     [2] okay     [3] good     [4] great", row: row, style: Self.emphasis)
        drawFooter(&grid, "No rating? The screen closes by itself.")
    }

    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
