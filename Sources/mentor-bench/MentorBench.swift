import Foundation
import ArgumentParser

@main
struct MentorBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mentor-bench",
        abstract: "Benchmarks of the real code paths, each against a baseline measured in the same run.",
        subcommands: [CheckInBenchmark.self, ScreenBenchmark.self, SyncBenchmark.self, MetricsBenchmark.self, FootprintBenchmark.self, FleetBenchmark.self])
}

/// A fresh folder under the temporary directory for one benchmark run; the caller removes it.
func benchFolder(_ name: String) throws -> String {
    let folder = NSTemporaryDirectory() + "mentor-bench-\(name)-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
}
