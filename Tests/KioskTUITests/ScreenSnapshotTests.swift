import Foundation
import Testing
import KioskCore
@testable import KioskTUI

/// Every screen at 80×24 and 120×40, compared as plain text with the pinned copies in
/// Snapshots/. To update after a deliberate change: `RECORD_SCREENS=Tests/KioskTUITests/Snapshots
/// swift test --filter recordSnapshots`, then review the diff.
@Suite("Screens as text")
struct ScreenSnapshotTests {
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    static let cases: [String] = ScreenFixtures.states.keys.sorted().flatMap { ["\($0)-80x24", "\($0)-120x40"] }

    @Test("screen matches its snapshot", arguments: cases)
    func snapshot(_ name: String) throws {
        let parts = name.split(separator: "-")
        let size = parts.last!.split(separator: "x").map { Int($0)! }
        let state = try #require(ScreenFixtures.states[parts.dropLast().joined(separator: "-")])
        let grid = ScreenFixtures.screens.render(state, ScreenFixtures.surroundings, rows: size[1], columns: size[0])
        let pinned = try String(contentsOf: Self.snapshots.appendingPathComponent("\(name).txt"), encoding: .utf8)
        #expect(grid.text + "\n" == pinned)
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
