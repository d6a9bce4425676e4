import ArgumentParser

@main
struct MentorBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mentor-bench",
        abstract: "Benchmarks of the real code paths, each against a baseline measured in the same run.",
        subcommands: [CheckInBenchmark.self, ScreenBenchmark.self, SyncBenchmark.self, MetricsBenchmark.self, FootprintBenchmark.self])
}
