import Foundation
import ProgramFiles

/// Runs the built `mentor-kiosk` binary, as a user or a script would.
struct CLIHarness {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// 2026-03-02T15:00:00Z: the sample program is arranged around it.
    static let now = Date(timeIntervalSince1970: 1_772_463_600)
    static let nowText = "2026-03-02T15:00:00Z"

    let directory: String
    var database: String { directory + "/kiosk.sqlite" }

    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["MENTOR_KIOSK_BINARY"] { return path }
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = runner.deletingLastPathComponent()
        // The test runner sits in the build folder, or inside a bundle within it.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("mentor-kiosk").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return ".build/debug/mentor-kiosk"
    }

    init() throws {
        directory = NSTemporaryDirectory() + "kiosk-cli-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Runs with `--database` pointing into this harness's folder.
    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil, withDatabase: Bool = true) throws -> Result {
        try Self.run(withDatabase ? arguments + ["--database", database] : arguments, stdin: stdin)
    }

    static func run(_ arguments: [String], stdin: String? = nil) throws -> Result {
        var environment = ProcessInfo.processInfo.environment
        environment["COLUMNS"] = "80"
        environment["MENTOR_KIOSK_CONFIG"] = nil
        environment["MENTOR_KIOSK_DATABASE"] = nil
        environment["MENTOR_KIOSK_NOW"] = nil
        let result = try ChildProcess.run([binary] + arguments, environment: environment, stdin: stdin ?? "")
        return Result(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }

    /// `init` plus the sample program, imported through the CLI.
    func loadSample() throws {
        let sample = SampleProgram(around: Self.now, location: "Main Lobby")
        try run(["init"])
        for (kind, text) in [("participants", sample.participantsCSV), ("groups", sample.groupsCSV), ("sessions", sample.sessionsCSV)] {
            let path = directory + "/\(kind).csv"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let result = try run(["import", kind, path])
            guard result.status == 0 else { throw HarnessError(message: result.stderr) }
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// Writes a file into this harness's folder; returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    struct HarnessError: Error { var message: String }
}
