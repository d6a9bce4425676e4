import Foundation
import Testing
import KioskTUI

/// Writes every pinned screen (`ScreenSnapshotTests.cases`) under $RECORD_SCREENS (a folder)
/// for review; the pinned copies live in Snapshots/ beside this file.
@Test("record screen snapshots when asked", .enabled(if: ProcessInfo.processInfo.environment["RECORD_SCREENS"] != nil))
func recordSnapshots() throws {
    let folder = URL(fileURLWithPath: ProcessInfo.processInfo.environment["RECORD_SCREENS"]!)
    for name in ScreenSnapshotTests.cases {
        let file = folder.appendingPathComponent("\(name).txt")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try (try ScreenSnapshotTests.render(name).text + "\n").write(to: file, atomically: true, encoding: .utf8)
    }
}
