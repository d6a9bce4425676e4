import Foundation
import Testing
import KioskTUI

/// Writes every screen at 80×24 and 120×40 to $RECORD_SCREENS (a folder) for review; the
/// pinned copies live in Snapshots/ beside this file and are compared by ScreenSnapshotTests.
@Test("record screen snapshots when asked", .enabled(if: ProcessInfo.processInfo.environment["RECORD_SCREENS"] != nil))
func recordSnapshots() throws {
    let folder = ProcessInfo.processInfo.environment["RECORD_SCREENS"]!
    for (name, state) in ScreenFixtures.states {
        for (rows, columns) in [(24, 80), (40, 120)] {
            let grid = ScreenFixtures.screens.render(state, ScreenFixtures.surroundings, rows: rows, columns: columns)
            try (grid.text + "\n").write(toFile: "\(folder)/\(name)-\(columns)x\(rows).txt", atomically: true, encoding: .utf8)
        }
    }
}
