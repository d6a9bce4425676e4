import Foundation
import KioskCore

/// A session as the idle screen lists it.
public struct SessionLine: Sendable, Equatable {
    public var title: String
    public var startsAt: Date
    public var endsAt: Date
    public var present: Int
    /// nil for a session without a group.
    public var expected: Int?

    public init(title: String, startsAt: Date, endsAt: Date, present: Int, expected: Int?) {
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
    /// The facilitator's status page: queue, sync, clock, disk, database.
    public var statusDetails: [String]

    public init(
        location: String, now: Date, openSessions: [SessionLine] = [], nextSession: SessionLine? = nil,
        clockTrusted: Bool = true, status: String = "", hint: [String] = [], statusDetails: [String] = []
    ) {
        self.statusDetails = statusDetails
        self.location = location
        self.now = now
        self.openSessions = openSessions
        self.nextSession = nextSession
        self.clockTrusted = clockTrusted
        self.status = status
        self.hint = hint
    }
}

/// Renders the kiosk's screens as a pure function of state into a `ScreenGrid`, in the
/// language of the person the screen is for (the kiosk's own when nobody has scanned).
public struct KioskScreens: Sendable {
    public var wording: KioskWording
    public var display: DisplaySettings

    public init(wording: KioskWording, display: DisplaySettings = DisplaySettings()) {
        self.wording = wording
        self.display = display
    }

    private var phrases: any KioskPhrasebook { wording.phrases }

    static let header = CellStyle(foreground: .black, background: .cyan, bold: true)
    static let emphasis = CellStyle(bold: true)
    static let footer = CellStyle(foreground: .black, background: .white)
    static let selected = CellStyle(foreground: .black, background: .yellow, bold: true)

    public func render(_ state: KioskState, _ surroundings: KioskSurroundings, rows: Int, columns: Int) -> ScreenGrid {
        var screens = self
        screens.wording = wording.speaking(to: state.screen.person)
        var grid = screens.paint(state, surroundings, rows: rows, columns: columns)
        if display.highContrast { grid.makeHighContrast() }
        return grid
    }

    private func paint(_ state: KioskState, _ surroundings: KioskSurroundings, rows: Int, columns: Int) -> ScreenGrid {
        var grid = ScreenGrid(rows: rows, columns: columns)
        guard rows >= 12, columns >= 40 else {
            grid.put(phrases.text(.enlargeTerminal), row: 0, column: 0, style: Self.emphasis)
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
        case .question(_, let report, let question, let thanks):
            drawQuestion(&grid, report: report, question: question, thanks: thanks)
        case .pinEntry(let facilitator, let digits):
            drawPIN(&grid, facilitator: facilitator, digits: digits)
        case .menu(let facilitator, let selected):
            drawMenu(&grid, facilitator: facilitator, selected: selected)
        case .tally(_, let tallies, let index):
            drawTally(&grid, tallies: tallies, index: index)
        case .pickAttendee(_, let action, let choices, let selected):
            let words: (ScreenText, ScreenText, ScreenText) = switch action {
            case .checkIn: (.pickCheckIn, .pickCheckInEmpty, .pickCheckInVerb)
            case .undo: (.pickUndo, .pickUndoEmpty, .pickUndoVerb)
            case .excuse: (.pickExcuse, .pickExcuseEmpty, .pickExcuseVerb)
            }
            drawPick(&grid, words, items: choices.map(Self.line), selected: selected)
        case .pickParticipant(_, _, let choices, let selected):
            drawPick(&grid, (.pickBadge, .pickBadgeEmpty, .pickBadgeVerb), items: choices.map(\.name), selected: selected)
        case .pickSession(_, .close, let sessions, let selected):
            let items = sessions.map { "\($0.title)  \(wording.clock($0.startsAt))–\(wording.clock($0.endsAt))" }
            drawPick(&grid, (.pickClose, .pickCloseEmpty, .pickCloseVerb), items: items, selected: selected)
        case .pickSession(_, .cancel, let sessions, let selected):
            let items = sessions.map { "\(wording.day($0.startsAt)) \(wording.clock($0.startsAt))  \($0.title)" }
            drawPick(&grid, (.pickCancel, .pickCancelEmpty, .pickCancelVerb), items: items, selected: selected)
        case .status:
            drawStatus(&grid, surroundings)
        case .facilitatorResult(_, let report):
            drawResult(&grid, report, footer: phrases.text(.facilitatorResultKeys))
        }
        return grid
    }

    private func drawFacilitatorTitle(_ grid: inout ScreenGrid, _ title: String) -> Int {
        grid.fill(row: 2, style: Self.selected)
        grid.center("\(phrases.text(.facilitator)) · \(title)", row: 2, style: Self.selected)
        return 4
    }

    private func drawPIN(_ grid: inout ScreenGrid, facilitator: Participant, digits: [Int]) {
        var row = drawBanner(&grid, phrases.text(.pinBanner), row: 2, style: CellStyle(foreground: .yellow, bold: true))
        grid.center(phrases.enterPIN(name: facilitator.name), row: row, style: Self.emphasis)
        row += 2
        let dots = (0..<ButtonPIN.length).map { $0 < digits.count ? "●" : "○" }.joined(separator: " ")
        grid.center(dots, row: row, style: Self.emphasis)
        drawFooter(&grid, phrases.text(.pinKeys))
    }

    private func drawMenu(_ grid: inout ScreenGrid, facilitator: Participant, selected: Int) {
        var row = drawFacilitatorTitle(&grid, facilitator.name)
        // A blank line between entries when the screen has room for it.
        let spacing = row + 2 * FacilitatorAction.allCases.count + 2 <= grid.rows ? 2 : 1
        let width = min(grid.columns, max(40, (FacilitatorAction.allCases.map { phrases.action($0).count }.max() ?? 0) + 4))
        for action in FacilitatorAction.allCases {
            let marker = action.rawValue == selected ? "▶" : " "
            grid.put(" \(marker) \(phrases.action(action)) ".padding(toLength: width, withPad: " ", startingAt: 0), row: row,
                     column: max(0, (grid.columns - width) / 2), style: action.rawValue == selected ? Self.selected : .plain)
            row += spacing
        }
        drawFooter(&grid, phrases.text(.menuKeys))
    }

    private func drawTally(_ grid: inout ScreenGrid, tallies: [SessionTally], index: Int) {
        var row = drawFacilitatorTitle(&grid, phrases.text(.tallyTitle))
        guard tallies.indices.contains(index) else {
            grid.center(phrases.text(.noSessionOpenNow), row: row)
            drawFooter(&grid, phrases.text(.backKey))
            return
        }
        let tally = tallies[index]
        let session = tally.session
        grid.center("\(session.title)  \(wording.clock(session.startsAt))–\(wording.clock(session.endsAt))   \(phrases.tallyPosition(index + 1, of: tallies.count))", row: row, style: Self.emphasis)
        row += 1
        grid.center(phrases.tallyCounts(tally.counts), row: row)
        row += 1
        let trend = tally.arrivalTrend()
        if !trend.counts.isEmpty {
            grid.center("\(phrases.arrivals(from: wording.clock(trend.from))) \(EngagementText.sparkline(trend.counts.map(Double.init)))", row: row)
        }
        row += 2
        let left = max(2, (grid.columns - 70) / 2)
        for line in tally.present where row < grid.rows - 2 {
            guard let attendance = line.attendance else { continue }
            let out = attendance.checkedOutAt.map { " → \(wording.clock($0))" } ?? ""
            grid.put("✓ \(line.participant.name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(wording.clock(attendance.checkedInAt))\(out)  \(phrases.status(attendance.status))", row: row, column: left, style: CellStyle(foreground: attendance.status == .late ? .yellow : .green))
            row += 1
        }
        for line in tally.missing where row < grid.rows - 2 {
            grid.put("✗ \(line.participant.name)  \(phrases.text(.missing))", row: row, column: left, style: CellStyle(foreground: .red))
            row += 1
        }
        for line in tally.excused where row < grid.rows - 2 {
            grid.put("~ \(line.participant.name)  \(phrases.text(.excused))", row: row, column: left)
            row += 1
        }
        if !tally.atRisk.isEmpty, row < grid.rows - 3 {
            row += 1
            grid.put(phrases.text(.atRisk), row: row, column: left, style: Self.emphasis)
            row += 1
            for person in tally.atRisk where row < grid.rows - 2 {
                grid.put("! \(person.name) — \(person.reason)", row: row, column: left, style: CellStyle(foreground: .yellow))
                row += 1
            }
        }
        if !tally.pairsNeedingAttention.isEmpty, row < grid.rows - 3 {
            row += 1
            grid.put(phrases.text(.pairsNeedingAttention), row: row, column: left, style: Self.emphasis)
            row += 1
            for pair in tally.pairsNeedingAttention where row < grid.rows - 2 {
                let line = "! " + PairHealthRules.onScreen(pair)
                let width = grid.columns - left - 1
                grid.put(line.count > width ? line.prefix(width - 1) + "…" : line, row: row, column: left,
                         style: CellStyle(foreground: pair.health == .atRisk ? .red : .yellow))
                row += 1
            }
        }
        drawFooter(&grid, phrases.text(.tallyKeys))
    }

    static func line(_ choice: RosterChoice) -> String {
        "\(choice.participant.name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(choice.session.title)"
    }

    /// A scrolling list with one selected entry.
    private func drawPick(_ grid: inout ScreenGrid, _ words: (title: ScreenText, empty: ScreenText, verb: ScreenText), items: [String], selected: Int) {
        var row = drawFacilitatorTitle(&grid, phrases.text(words.title))
        if items.isEmpty { grid.center(phrases.text(words.empty), row: row) }
        let first = max(0, min(selected - (grid.rows - 8) / 2, items.count - (grid.rows - 7)))
        for (index, item) in items.enumerated().dropFirst(first) where row < grid.rows - 2 {
            let marker = index == selected ? "▶" : " "
            let text = " \(marker) \(item) "
            grid.put(text.padding(toLength: 64, withPad: " ", startingAt: 0), row: row, column: max(0, (grid.columns - 64) / 2),
                     style: index == selected ? Self.selected : .plain)
            row += 1
        }
        drawFooter(&grid, phrases.pickKeys(verb: phrases.text(words.verb)))
    }

    private func drawStatus(_ grid: inout ScreenGrid, _ surroundings: KioskSurroundings) {
        var row = drawFacilitatorTitle(&grid, phrases.text(.statusTitle))
        for line in surroundings.statusDetails where row < grid.rows - 2 {
            grid.put(line, row: row, column: max(2, (grid.columns - 64) / 2))
            row += 1
        }
        drawFooter(&grid, phrases.text(.statusKeys))
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
        // Too wide, or a letter the font lacks: plain bold text, never blanks.
        guard BannerFont.width(of: text) <= grid.columns - 2, BannerFont.canDraw(text) else {
            var bold = style
            bold.bold = true
            grid.center(text.uppercased(), row: row, style: bold)
            return row + 2
        }
        for (offset, line) in BannerFont.render(text).enumerated() {
            grid.center(line, row: row + offset, style: style)
        }
        return row + BannerFont.height + 1
    }

    private func drawIdle(_ grid: inout ScreenGrid, _ surroundings: KioskSurroundings) {
        var row = drawBanner(&grid, wording.clock(surroundings.now), row: 2, style: Self.emphasis)
        let clock = phrases.text(surroundings.clockTrusted ? .clockSynchronised : .clockNotSynchronised)
        defer { drawFooter(&grid, ([clock, surroundings.status].filter { !$0.isEmpty }).joined(separator: " │ ")) }
        if display.large {
            // Low vision: the time and what to do, in big letters, and nothing else to read.
            drawBanner(&grid, phrases.text(.tapBadgeBanner), row: row + 1, style: CellStyle(foreground: .green, bold: true))
            return
        }
        if surroundings.openSessions.isEmpty {
            grid.center(phrases.text(.noSessionOpen), row: row)
            row += 1
        }
        for session in surroundings.openSessions.prefix(3) {
            let times = "\(wording.clock(session.startsAt))–\(wording.clock(session.endsAt))"
            grid.center(phrases.openNow(title: session.title, times: times, present: session.present, expected: session.expected), row: row)
            row += 1
        }
        if let next = surroundings.nextSession {
            grid.center(phrases.nextSession(title: next.title, at: wording.clock(next.startsAt)), row: row)
        }
        row += 2
        if grid.rows - row >= BannerFont.height + 4 {
            row = drawBanner(&grid, phrases.text(.tapBadgeBanner), row: row, style: CellStyle(foreground: .green, bold: true))
        } else {
            grid.center(phrases.text(.tapBadgeLine), row: row, style: CellStyle(foreground: .green, bold: true))
            row += 2
        }
        for (offset, line) in surroundings.hint.enumerated() where row + offset < grid.rows - 2 {
            grid.center(line, row: row + offset, style: CellStyle(foreground: .cyan))
        }
    }

    /// The big word (in `phrases`' language), its colour and symbol for each outcome.
    static func headline(_ report: OutcomeReport, in phrases: any KioskPhrasebook = EnglishPhrases()) -> (word: String, symbol: String, color: ScreenColor) {
        let (word, symbol, color): (ScreenText, String, ScreenColor) = switch report.code {
        case "checked_in":
            report.status == AttendanceStatus.late.rawValue ? (.late, "✓", .yellow) : (.welcome, "✓", .green)
        case "rated", "already_rated", "answered": (.thankYou, "✓", .green)
        case "checked_out": (.goodbye, "✓", .green)
        case "already_checked_out": (.alreadyOut, "•", .yellow)
        case "unknown_badge": (.unknown, "✗", .red)
        case "badge_rejected": (.notABadge, "✗", .red)
        case "no_session": (.noSession, "✗", .red)
        case "session_cancelled": (.cancelled, "✗", .yellow)
        case "inactive": (.inactive, "✗", .red)
        case "session_not_open": (.notOpen, "✗", .red)
        case "cannot_record": (.error, "✗", .red)
        default: report.verdict == .done ? (.done, "✓", .green) : (.sorry, "✗", .red)
        }
        return (phrases.text(word), symbol, color)
    }

    private func drawResult(_ grid: inout ScreenGrid, _ report: OutcomeReport, footer: String? = nil) {
        let headline = Self.headline(report, in: phrases)
        let style = CellStyle(foreground: headline.color, bold: true)
        var row = drawBanner(&grid, headline.word, row: 2, style: style)
        if display.large, let name = report.participant?.name.split(separator: " ").first {
            // Low vision: whose result it is, in big letters too.
            row = drawBanner(&grid, String(name), row: row, style: style)
        }
        for line in Self.wrap(report.message, width: grid.columns - 4) {
            grid.center(line, row: row, style: CellStyle(foreground: headline.color, bold: true))
            row += 1
        }
        if let milestone = report.milestone {
            grid.center(milestone, row: row + 1, style: CellStyle(foreground: .magenta, bold: true))
        }
        let supervisor = report.participant?.role.maySupervise == true && report.code != "pin_refused"
        drawFooter(&grid, footer ?? phrases.text(supervisor ? .resultKeysFacilitator : .resultKeys))
    }

    private func drawChoice(_ grid: inout ScreenGrid, participant: Participant, choices: [Session], selected: Int) {
        var row = drawBanner(&grid, phrases.text(.chooseBanner), row: 2, style: CellStyle(foreground: .yellow, bold: true))
        grid.center(phrases.whichSession(name: participant.name), row: row, style: Self.emphasis)
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
        drawFooter(&grid, phrases.text(.chooseKeys))
    }

    private func drawOffer(_ grid: inout ScreenGrid, _ report: OutcomeReport) {
        var row = drawBanner(&grid, phrases.text(.checkOutBanner), row: 2, style: CellStyle(foreground: .yellow, bold: true))
        grid.center(wording.youCheckedIn(report), row: row, style: Self.emphasis)
        row += 2
        grid.center(phrases.text(.offerLeaving), row: row)
        let supervisor = report.participant?.role.maySupervise == true
        drawFooter(&grid, phrases.text(.offerKeys) + (supervisor ? phrases.text(.offerFacilitatorKey) : ""))
    }

    private func drawRating(_ grid: inout ScreenGrid, _ report: OutcomeReport) {
        var row = drawBanner(&grid, phrases.text(.goodbye), row: 2, style: CellStyle(foreground: .green, bold: true))
        grid.center(report.message, row: row, style: CellStyle(foreground: .green, bold: true))
        row += 2
        drawPrompt(&grid, .rating, row: row)
        drawFooter(&grid, phrases.text(.ratingKeys))
    }

    /// A question after the rating: whose it is, the question, one button per answer. Directed
    /// feedback names no one: the screen stands in a lobby.
    private func drawQuestion(_ grid: inout ScreenGrid, report: OutcomeReport, question: CheckOutQuestion, thanks: String) {
        var row = drawBanner(&grid, phrases.text(.oneMoreBanner), row: 2, style: CellStyle(foreground: .cyan, bold: true))
        grid.center(thanks, row: row, style: CellStyle(foreground: .green, bold: true))
        row += 2
        if let name = report.participant?.name {
            grid.center(phrases.oneMoreQuestion(name: name), row: row)
            row += 2
        }
        if question == .goalProgress, let goal = report.goal {
            grid.center(phrases.yourGoal(goal), row: row, style: CellStyle(foreground: .cyan))
            row += 2
        }
        drawPrompt(&grid, question, row: row)
        drawFooter(&grid, phrases.text(question.answers.count < 4 ? .questionKeysSkip : .questionKeys))
    }

    /// The question and one button per answer.
    private func drawPrompt(_ grid: inout ScreenGrid, _ question: CheckOutQuestion, row: Int) {
        let prompt = wording.prompt(question)
        grid.center("\(prompt.question) \(phrases.text(.pressOneButton))", row: row, style: Self.emphasis)
        let choices = prompt.choices.enumerated().map { "[\($0.offset + 1)] \($0.element)" }.joined(separator: "     ")
        grid.center(choices, row: row + 2, style: Self.emphasis)
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
