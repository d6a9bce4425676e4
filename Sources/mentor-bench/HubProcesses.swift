import AsyncHTTPClient
import Foundation
import NIOCore
import PostgresNIO

/// Real `mentor-hub serve` processes on one state folder and PostgreSQL database, each on a
/// free loopback port, as behind a load balancer; stopped (SIGTERM) by `stop()`.
final class HubProcesses {
    let urls: [String]
    let pids: [Int32]
    private let processes: [Process]

    /// - Parameter maximumConnections: `serve`'s `--max-connections`, when the default is not enough.
    init(binary: String, state: String, databaseURL: String, count: Int, maximumConnections: Int?, logs: String) async throws {
        var processes: [Process] = []
        var urls: [String] = []
        do {
            for index in 0..<count {
                let log = logs + "/hub-\(index).log"
                let limit = maximumConnections.map { ["--max-connections", "\($0)"] } ?? []
                let process = try Self.start(binary, ["serve", "--state", state, "--database", databaseURL, "--port", "0"] + limit, log: log)
                processes.append(process)
                urls.append("http://127.0.0.1:\(try await Self.port(announcedIn: log, by: process))")
            }
        } catch {
            for process in processes { Self.stop(process) }
            throw error
        }
        self.processes = processes
        self.urls = urls
        pids = processes.map(\.processIdentifier)
    }

    func stop() {
        for process in processes { Self.stop(process) }
    }

    /// Each process's CPU time so far (user and system), in seconds.
    static func cpuSeconds(_ pids: [Int32]) -> [Double] {
        pids.map { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let afterName = stat.range(of: ") ")
            else { return 0 }
            // Fields after the name: state is the 3rd of the line, utime the 14th, stime the 15th.
            let fields = stat[afterName.upperBound...].split(separator: " ")
            guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
            return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
        }
    }

    /// The `mentor_hub_…_total` counters of `/metrics`, summed over the processes.
    func scrape(adminToken: String) async throws -> [String: Double] {
        var totals: [String: Double] = [:]
        for url in urls {
            var request = HTTPClientRequest(url: url + "/metrics")
            request.headers.add(name: "Authorization", value: "Bearer \(adminToken)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let text = String(buffer: try await response.body.collect(upTo: 16 << 20))
            for line in text.split(separator: "\n") where line.hasPrefix("mentor_hub_") {
                let parts = line.split(separator: " ")
                guard parts.count == 2, let value = Double(parts[1]) else { continue }
                let name = parts[0].prefix { $0 != "{" }
                if name.hasSuffix("_total") { totals[String(name), default: 0] += value }
            }
        }
        return totals
    }

    static func adminToken(state: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: state + "/admin.token") else { throw BenchError("no admin token in \(state)") }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a `mentor-hub` command to its end; its output goes to `log`.
    static func run(_ binary: String, _ arguments: [String], log: String) throws {
        let process = try start(binary, arguments, log: log)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError("mentor-hub \(arguments.first ?? "") failed: " + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? ""))
        }
    }

    private static func start(_ binary: String, _ arguments: [String], log: String) throws -> Process {
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        guard let output = FileHandle(forWritingAtPath: log) else { throw BenchError("cannot write \(log)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return process
    }

    /// The port `mentor-hub serve` says it listens on (within 30 s).
    private static func port(announcedIn log: String, by process: Process) async throws -> Int {
        for _ in 0..<300 {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let match = text.firstMatch(of: /mentor-hub listening on [^\n]*:(\d+)\n/), let port = Int(match.1) { return port }
            guard process.isRunning else { throw BenchError("mentor-hub serve ended: \(text)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError("mentor-hub serve did not say where it listens within 30 s")
    }

    private static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

/// Runs `body` on a new database (its URL) on the PostgreSQL server `serverURL` names, and drops
/// it afterwards, also when `body` fails.
func withScratchDatabase(on serverURL: String, named prefix: String, _ body: (String) async throws -> Void) async throws {
    let server = try await PostgresBaseline(url: serverURL)
    let name = prefix + "_" + UUID().uuidString.prefix(8).lowercased()
    guard var components = URLComponents(string: serverURL) else { throw BenchError("not a URL: \(serverURL)") }
    components.path = "/" + name
    guard let url = components.string else { throw BenchError("cannot name database \(name) in \(serverURL)") }
    try await server.connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: server.logger)
    do {
        try await body(url)
    } catch {
        _ = try? await server.connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)"), logger: server.logger)
        try? await server.close()
        throw error
    }
    try await server.connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)"), logger: server.logger)
    try await server.close()
}
