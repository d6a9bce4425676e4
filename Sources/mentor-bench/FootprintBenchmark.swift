import ArgumentParser
import Foundation
@_spi(Benchmarks) import KioskHardware

/// What the box carries: the stripped static appliance binary's size and the kiosk's resident
/// memory on its idle screen, next to the same figures for a bare static Swift "hello" (and one
/// that formats a date in a named time zone, which takes Foundation with ICU and its 34 MB of
/// data), built here with the same toolchain.
struct FootprintBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "footprint", abstract: "Binary size and idle RSS of the appliance binary, against a static Swift hello.")

    @Option(help: "The appliance binary (scripts/build-appliance).") var kiosk = ".build/appliance/mentor-kiosk"
    @Option(help: "Seconds to sample each program's RSS (after 2 s to settle).") var seconds = 10

    static let binaryGoalMB = 40.0
    static let rssGoalMB = 30.0

    func validate() throws {
        guard seconds >= 1 else { throw ValidationError("--seconds must be at least 1") }
    }

    func run() throws {
        guard FileManager.default.isExecutableFile(atPath: kiosk) else {
            throw ValidationError("\(kiosk) is not an executable: build it with scripts/build-appliance, or give --kiosk")
        }
        let folder = try benchFolder("footprint")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var rows: [(name: String, bytes: Int, rss: RSSSample)] = []
        for (name, source) in [
            ("hello (Swift stdlib only)", "print(\"hello\")\n_ = readLine()\n"),
            ("hello + time zones (ICU)", """
                import Foundation
                let formatter = DateFormatter()
                formatter.timeZone = TimeZone(identifier: "Europe/Berlin")
                formatter.dateStyle = .full
                print(formatter.string(from: Date()))
                _ = readLine()

                """),
        ] {
            let binary = try Self.buildHello(source, named: rows.count, in: folder)
            rows.append((name, try Self.size(binary), try Self.residentMemory(binary, [], seconds: seconds)))
        }
        let kioskRSS = try Self.residentMemory(kiosk, ["demo", "--directory", folder + "/demo"], seconds: seconds)
        rows.append(("mentor-kiosk (demo, idle screen)", try Self.size(kiosk), kioskRSS))

        print("mentor-bench footprint: stripped static binaries; resident memory sampled every 250 ms for \(seconds) s after 2 s")
        print("".padding(toLength: 34, withPad: " ", startingAt: 0) + "binary MB  RSS MB steady  (anon + file)  RSS MB max")
        for row in rows {
            print(row.name.padding(toLength: 34, withPad: " ", startingAt: 0)
                + String(format: "%9.1f  %13.1f  (%4.1f + %4.1f)  %10.1f", Double(row.bytes) / 1_048_576, row.rss.median,
                         row.rss.anonymous, row.rss.file, row.rss.max))
        }
        let kioskMB = Double(rows[2].bytes) / 1_048_576
        print(String(format: "ratio kiosk/hello: binary %.1f×, RSS %.1f×", kioskMB / (Double(rows[0].bytes) / 1_048_576), kioskRSS.median / rows[0].rss.median))
        print("goal binary ≤ 40 MB: \(kioskMB <= Self.binaryGoalMB ? "met" : "NOT met"); goal steady RSS ≤ 30 MB: \(kioskRSS.median <= Self.rssGoalMB ? "met" : "NOT met")")
    }

    /// Median and largest of a program's RSS samples, in MiB; the median's parts: anonymous
    /// memory (heap, stacks) and pages of files (the binary's own code and data among them).
    struct RSSSample {
        var median: Double
        var max: Double
        var anonymous: Double
        var file: Double
    }

    static func size(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    /// Builds the source statically, optimised and stripped, as scripts/build-appliance builds the kiosk.
    static func buildHello(_ source: String, named index: Int, in folder: String) throws -> String {
        let file = folder + "/hello\(index).swift"
        let binary = folder + "/hello\(index)"
        try Data(source.utf8).write(to: URL(fileURLWithPath: file))
        for command in [["swiftc", "-O", "-static-stdlib", file, "-o", binary], ["strip", binary]] {
            var program = try spawn(command[0], Array(command.dropFirst()), terminal: nil)
            var status = program.poll()
            while status == nil {
                usleep(50_000)
                status = program.poll()
            }
            guard status == 0 else { throw BenchError("\(command.joined(separator: " ")) failed (exit \(status ?? -1)); is the Swift toolchain on PATH?") }
        }
        return binary
    }

    /// Starts the program on a pseudo-terminal of 80×24, lets it settle for 2 s, samples its
    /// VmRSS from /proc, and kills it.
    static func residentMemory(_ path: String, _ arguments: [String], seconds: Int) throws -> RSSSample {
        let terminal = try PseudoTerminal(rows: 24, columns: 80)
        var program = try spawn(path, arguments, terminal: terminal.devicePath)
        defer { program.kill() }
        usleep(2_000_000)
        var samples: [[String: Double]] = []
        for _ in 0..<(seconds * 4) {
            guard program.poll() == nil else { throw BenchError("\(path) \(arguments.joined(separator: " ")) ended while being measured") }
            if let memory = residentMiB("\(program.pid)") { samples.append(memory) }
            usleep(250_000)
        }
        guard !samples.isEmpty else { throw BenchError("no RSS readings for \(path)") }
        samples.sort { $0["VmRSS", default: 0] < $1["VmRSS", default: 0] }
        let median = samples[samples.count / 2]
        return RSSSample(
            median: median["VmRSS", default: 0], max: samples[samples.count - 1]["VmRSS", default: 0],
            anonymous: median["RssAnon", default: 0], file: median["RssFile", default: 0] + median["RssShmem", default: 0])
    }

    /// VmRSS, VmHWM (the peak), RssAnon, RssFile and RssShmem from /proc/PROCESS/status (a pid,
    /// or `self`), in MiB.
    static func residentMiB(_ process: String) -> [String: Double]? {
        guard let status = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8) else { return nil }
        var memory: [String: Double] = [:]
        for line in status.split(separator: "\n") {
            let fields = line.split { $0 == " " || $0 == "\t" }
            guard fields.count >= 2, let key = fields.first?.dropLast(), ["VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem"].contains(String(key)),
                  let kilobytes = Double(fields[1]) else { continue }
            memory[String(key)] = kilobytes / 1024
        }
        return memory["VmRSS"] == nil ? nil : memory
    }

    static func spawn(_ program: String, _ arguments: [String], terminal: String?) throws -> SpawnedProgram {
        let path = program.contains("/") ? program : (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            .split(separator: ":").map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) } ?? program
        let environment = ["PATH=\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")", "HOME=\(NSTemporaryDirectory())",
                           "TERM=xterm-256color", "LANG=C.UTF-8"]
        let descriptor = terminal.map { open($0, O_RDWR | O_NOCTTY) }
        defer { if let descriptor, descriptor >= 0 { close(descriptor) } }
        if let descriptor, descriptor < 0 { throw BenchError("cannot open \(terminal ?? "")") }
        do {
            return try SpawnedProgram(path, arguments, environment: environment, stdin: descriptor, stdout: descriptor, stderr: descriptor)
        } catch {
            throw BenchError("cannot start \(path): \(error.message)")
        }
    }
}

/// The most memory this process held resident while `body` ran: its peak (VmHWM) restarted
/// from the current size first (`/proc/self/clear_refs`, Linux 4.0 on), in MiB.
func peakResidentMiB<T>(_ body: () async throws -> T) async throws -> (T, Double) {
    guard let restart = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { throw BenchError("cannot open /proc/self/clear_refs") }
    try restart.write(contentsOf: Data("5".utf8))
    try restart.close()
    let value = try await body()
    guard let peak = FootprintBenchmark.residentMiB("self")?["VmHWM"] else { throw BenchError("no VmHWM in /proc/self/status") }
    return (value, peak)
}
