import Foundation
import Testing
import KioskCore
@testable import KioskTUI

/// Every screen at 80×24 and 120×40 in each language, and the start and result screens in the
/// large layout, compared as plain text with the pinned copies in Snapshots/ (English at the top,
/// es/ and de/ beside it, large/ for the large layout). To update after a deliberate change:
/// `RECORD_SCREENS=Tests/KioskTUITests/Snapshots swift test --filter recordSnapshots`, then
/// review the diff.
@Suite("Screens as text")
struct ScreenSnapshotTests {
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    static let largeScreens = ["idle", "welcome", "late", "unknown", "no_session", "answered"]
    static let cases: [String] = KioskLanguage.allCases.flatMap { language in
        let folder = language == .english ? "" : "\(language.rawValue)/"
        return ScreenFixtures.states.keys.sorted().map { folder + $0 } + largeScreens.map { "large/\(language.rawValue)/\($0)" }
    }.flatMap { ["\($0)-80x24", "\($0)-120x40"] }

    /// Renders the screen a case names: [large/]LANGUAGE/STATE-COLUMNSxROWS.
    static func render(_ name: String) throws -> ScreenGrid {
        var path = name.split(separator: "/").map(String.init)
        let large = path.first == "large"
        if large { path.removeFirst() }
        let language = path.count > 1 ? try #require(KioskLanguage(rawValue: path.removeFirst())) : .english
        let parts = path[0].split(separator: "-")
        let size = parts.last!.split(separator: "x").map { Int($0)! }
        let wording = KioskWording(timeZone: ScreenFixtures.wording.timeZone, language: language)
        let state = try #require(ScreenFixtures.states(wording)[parts.dropLast().joined(separator: "-")])
        let screens = KioskScreens(wording: wording, display: DisplaySettings(large: large))
        return screens.render(state, ScreenFixtures.surroundings, rows: size[1], columns: size[0])
    }

    @Test("screen matches its snapshot", arguments: cases)
    func snapshot(_ name: String) throws {
        let pinned = try String(contentsOf: Self.snapshots.appendingPathComponent("\(name).txt"), encoding: .utf8)
        #expect(try Self.render(name).text + "\n" == pinned)
    }

    @Test("colour is never the only signal: every outcome has a word and a symbol")
    func wordsAndSymbols() {
        for code in ["checked_in", "rated", "unknown_badge", "badge_rejected", "no_session", "inactive", "cannot_record", "anything"] {
            let headline = KioskScreens.headline(OutcomeReport(code: code, verdict: .done, message: ""))
            #expect(!headline.word.isEmpty)
            #expect(["✓", "✗", "•"].contains(headline.symbol))
        }
        let welcome = ScreenFixtures.screens.render(ScreenFixtures.states["welcome"]!, ScreenFixtures.surroundings, rows: 24, columns: 80)
        let unknown = ScreenFixtures.screens.render(ScreenFixtures.states["unknown"]!, ScreenFixtures.surroundings, rows: 24, columns: 80)
        #expect(welcome[2, 19].style.foreground == .green)
        // A facilitator's action that worked is not a failure, whatever its code.
        let done = KioskScreens.headline(OutcomeReport(code: "session_opened", verdict: .done, message: "✓ open"))
        #expect(done.word == "DONE" && done.symbol == "✓" && done.color == .green)
        #expect(KioskScreens.headline(OutcomeReport(code: "badge_taken", verdict: .refused, message: "")).word == "SORRY")
        #expect(unknown.text.contains("✗ Unknown badge"))
    }

    @Test("high contrast: the same words, every cell white on black or black on white", arguments: ["idle", "welcome", "unknown", "menu", "tally_pairs"])
    func highContrast(_ name: String) throws {
        let state = try #require(ScreenFixtures.states[name])
        let plain = ScreenFixtures.screens.render(state, ScreenFixtures.surroundings, rows: 24, columns: 80)
        let contrast = KioskScreens(wording: ScreenFixtures.wording, display: DisplaySettings(highContrast: true))
            .render(state, ScreenFixtures.surroundings, rows: 24, columns: 80)
        #expect(contrast.text == plain.text)
        let allowed = [CellStyle(foreground: .white, background: .black), CellStyle(foreground: .black, background: .white)]
        for cell in contrast.cells {
            var style = cell.style
            style.bold = false
            #expect(allowed.contains(style), "\(name): \(cell)")
        }
        // What the footer's colour marked is still marked, by inverse video.
        #expect(contrast[23, 0].style.background == .white)
    }

    @Test("on an English kiosk, a Spanish-speaking participant's screens are all in Spanish; the next idle screen is English again")
    func participantLanguage() throws {
        let tomas = Participant(id: "M004", name: "Tomás Silva", role: .mentor, language: .spanish)
        let wording = ScreenFixtures.wording
        let welcome = wording.speaking(to: tomas).report(ScanOutcome.checkIn(tomas, ScreenFixtures.circle, .onTime))
        let result = ScreenFixtures.screens.render(ScreenFixtures.state(.result(welcome)), ScreenFixtures.surroundings, rows: 24, columns: 80)
        #expect(result.text.contains("✓ Hola, Tomás Silva"))
        #expect(result.text.contains("Pulsa cualquier botón para volver al inicio"))
        #expect(result.text.contains("lun 2 mar"))
        let rating = wording.speaking(to: tomas).report(CheckOutOutcome.checkOut(tomas, ScreenFixtures.circle, checkedInAt: ScreenFixtures.now, duration: 600))
        let rate = ScreenFixtures.screens.render(ScreenFixtures.state(.rating(badge: [], report: rating)), ScreenFixtures.surroundings, rows: 24, columns: 80)
        #expect(rate.text.contains("Pulsa un botón:") && rate.text.contains("¿Sin valoración?"), "\(rate.text)")
        let idle = ScreenFixtures.screens.render(ScreenFixtures.states["idle"]!, ScreenFixtures.surroundings, rows: 24, columns: 80)
        #expect(idle.text.contains("No session is open") || idle.text.contains("● Now:"))
    }

    @Test("too small a terminal says so instead of drawing garbage")
    func tooSmall() {
        let grid = ScreenFixtures.screens.render(ScreenFixtures.states["idle"]!, ScreenFixtures.surroundings, rows: 10, columns: 30)
        #expect(grid.text.hasPrefix("Enlarge the terminal"))
    }

    @Test("the banner font spells with blocks, five rows high")
    func banner() {
        let rows = BannerFont.render("OK")
        #expect(rows == [" ███  █   █", "█   █ █  █ ", "█   █ ███  ", "█   █ █  █ ", " ███  █   █"])
        #expect(BannerFont.width(of: "OK") == 11)
    }

    @Test("the banner font has the capitals Spanish and German need; a word with a letter it lacks is not drawn in blocks")
    func bannerLetters() {
        for word in ["¡HOLA!", "¿YA?", "AÑO", "GRÜSSE", "ÄÖÜ", "ÁÉÍÓÚ", "tschüss", "adiós"] {
            #expect(BannerFont.canDraw(word), "\(word)")
            #expect(BannerFont.render(word).allSatisfy { $0.count == BannerFont.width(of: word) }, "\(word)")
        }
        #expect(BannerFont.render("Ñ")[0] == " ██ █" && BannerFont.render("Ü") != BannerFont.render("U"))
        for word in ["ŁÓDŹ", "ÇA", "★"] { #expect(!BannerFont.canDraw(word), "\(word)") }
    }
}
