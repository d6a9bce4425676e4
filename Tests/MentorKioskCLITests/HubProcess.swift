import Foundation
import ProgramFiles

/// A real `mentor-hub serve` on loopback with its own state folder, the sample program
/// imported and one kiosk added; stopped (SIGTERM) when released.
final class HubProcess {
    let state: String
    let url: String
    let adminToken: String
    private let server: ChildProcess

    /// The hub serves the sessions of the coming days by its own clock, so its sample program
    /// is placed around the real time (to the minute), and the kiosks check in at that time.
    static let now = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60)
    static var nowText: String { now.formatted(.iso8601) }

    static var binary: String { (CLIHarness.binary as NSString).deletingLastPathComponent + "/mentor-hub" }

    /// - Parameter tls: a PEM certificate and key: the hub then serves HTTPS itself.
    init(directory: String, tls: (certificate: String, key: String)? = nil) throws {
        state = directory + "/hub"
        try Self.run(["init", "--state", state])
        adminToken = String(decoding: FileManager.default.contents(atPath: state + "/admin.token") ?? Data(), as: UTF8.self)
        let sample = SampleProgram(around: Self.now, location: "Main Lobby")
        for (kind, text) in [("participants", sample.participantsCSV), ("groups", sample.groupsCSV), ("sessions", sample.sessionsCSV)] {
            let path = directory + "/hub-\(kind).csv"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            try Self.run(["import", kind, path, "--state", state])
        }
        let log = directory + "/hub.log"
        let https = tls.map { ["--tls-certificate", $0.certificate, "--tls-key", $0.key] } ?? []
        server = try ChildProcess([Self.binary, "serve", "--state", state, "--port", "0"] + https, stdout: log, stderr: directory + "/hub.err")
        var port: String?
        for _ in 0..<200 where port == nil {
            usleep(50_000)
            let text = String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self)
            port = text.firstMatch(of: /listening on 127\.0\.0\.1:(\d+)/).map { String($0.1) }
        }
        guard let port else { throw CLIHarness.HarnessError(message: "mentor-hub did not start") }
        url = (tls == nil ? "http" : "https") + "://127.0.0.1:\(port)"
    }

    deinit {
        server.signal(SIGTERM)
        server.wait()
    }

    /// Runs a `mentor-hub` admin command on this hub's state.
    @discardableResult
    func admin(_ arguments: [String]) throws -> ChildProcess.Result {
        try ChildProcess.run([Self.binary] + arguments + ["--state", state])
    }

    /// Adds a kiosk; returns its enrollment code.
    func addKiosk(_ id: String, location: String = "Main Lobby") throws -> String {
        let output = try admin(["kiosk", "add", id, "--location", location]).stdout
        guard let code = output.firstMatch(of: /[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/) else {
            throw CLIHarness.HarnessError(message: "no code in: \(output)")
        }
        return String(code.0)
    }

    @discardableResult
    static func run(_ arguments: [String]) throws -> ChildProcess.Result {
        let result = try ChildProcess.run([binary] + arguments)
        guard result.status == 0 else { throw CLIHarness.HarnessError(message: "mentor-hub \(arguments): \(result.stderr)") }
        return result
    }
}
