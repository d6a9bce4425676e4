import Foundation
import KioskSystem
import ProgramFiles
import Testing

/// A real `mentor-hub serve` on loopback with its own state folder, the sample program
/// imported; stopped (SIGTERM) when released. Its databases are SQLite files in the state
/// folder, or a fresh PostgreSQL database.
final class HubProcess {
    let state: String
    let adminToken: String
    /// `--database URL` for every command, or nothing (SQLite).
    let databaseArguments: [String]
    private(set) var url: String
    private var server: ChildProcess
    private let log: String

    /// The hub serves the sessions of the coming days by its own clock, so its sample program
    /// is placed around the real time (to the minute), and the kiosks check in at that time.
    static let now = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60)
    static var nowText: String { now.formatted(.iso8601) }

    /// A program time zone (`init --time-zone`) in which `now` falls between 12:00 and 13:00, so
    /// that the sample program's sessions of today (20 minutes before now to 4½ hours after) are
    /// on one program day whatever the hour the tests run. Etc/GMT-5 is five hours ahead of UTC.
    static var middayZone: String {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = .gmt
        let ahead = 12 - utc.component(.hour, from: now)
        return ahead == 0 ? "Etc/UTC" : "Etc/GMT\(ahead > 0 ? "-" : "+")\(abs(ahead))"
    }

    static var binary: String { (CLIHarness.binary as NSString).deletingLastPathComponent + "/mentor-hub" }

    /// - Parameters:
    ///   - tls: a PEM certificate and key: the hub then serves HTTPS itself.
    ///   - database: where the hub keeps its data.
    ///   - serveArguments: more options for `mentor-hub serve` (limits, say).
    ///   - initArguments: more options for `mentor-hub init` (the program's time zone, say).
    ///   - program: the participants, groups and sessions CSV to import (default: the sample program around now).
    init(
        directory: String, tls: (certificate: String, key: String)? = nil, database: HubDatabase = .sqlite, serveArguments: [String] = [],
        initArguments: [String] = [], program: [(kind: String, csv: String)]? = nil
    ) throws {
        state = directory + "/hub"
        log = directory + "/hub"
        databaseArguments = try database.arguments()
        try Self.run(["init", "--state", state] + databaseArguments + initArguments)
        adminToken = String(decoding: FileManager.default.contents(atPath: state + "/admin.token") ?? Data(), as: UTF8.self)
        let sample = SampleProgram(around: Self.now, location: "Main Lobby")
        for (kind, text) in program ?? [("participants", sample.participantsCSV), ("groups", sample.groupsCSV), ("sessions", sample.sessionsCSV)] {
            let path = directory + "/hub-\(kind).csv"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            try Self.run(["import", kind, path, "--state", state] + databaseArguments)
        }
        (server, url) = try Self.serve(state: state, databaseArguments: databaseArguments + serveArguments, log: log, tls: tls)
    }

    /// Stops the server and starts another on the same state (at a new port) with these options.
    func restart(serveArguments: [String]) throws {
        server.signal(SIGTERM)
        server.wait()
        (server, url) = try Self.serve(state: state, databaseArguments: databaseArguments + serveArguments, log: log, tls: nil)
    }

    /// A second hub process on `other`'s state and (PostgreSQL) database, as behind a load balancer.
    init(alongside other: HubProcess, log: String, serveArguments: [String] = []) throws {
        state = other.state
        self.log = log
        adminToken = other.adminToken
        databaseArguments = other.databaseArguments
        (server, url) = try Self.serve(state: state, databaseArguments: databaseArguments + serveArguments, log: log, tls: nil)
    }

    private static func serve(
        state: String, databaseArguments: [String], log: String, tls: (certificate: String, key: String)?
    ) throws -> (ChildProcess, String) {
        let https = tls.map { ["--tls-certificate", $0.certificate, "--tls-key", $0.key] } ?? []
        let server = try ChildProcess(
            [binary, "serve", "--state", state, "--port", "0"] + databaseArguments + https, stdout: log + ".log", stderr: log + ".err")
        guard let port = ChildProcess.port(announcedIn: log + ".log") else {
            let errors = String(decoding: FileManager.default.contents(atPath: log + ".err") ?? Data(), as: UTF8.self)
            throw CLIHarness.HarnessError(message: "mentor-hub did not start: \(errors)")
        }
        return (server, (tls == nil ? "http" : "https") + "://127.0.0.1:\(port)")
    }

    deinit { stop() }

    /// Stops the server (SIGTERM) and waits for it to exit.
    func stop() {
        server.signal(SIGTERM)
        server.wait()
    }

    /// Runs a `mentor-hub` admin command on this hub's state.
    @discardableResult
    func admin(_ arguments: [String]) throws -> ChildProcess.Result {
        try ChildProcess.run([Self.binary] + arguments + ["--state", state] + databaseArguments)
    }

    /// Syncs the kiosk of `cli` (with `arguments`, its config say) with this hub, which may have
    /// moved to another port since the kiosk enrolled (a restart with a new clock).
    func sync(_ cli: CLIHarness, _ arguments: [String]) throws -> CLIHarness.Result {
        let path = HubEnrollment.path(database: cli.database)
        guard var enrollment = try HubEnrollment.load(path) else { throw CLIHarness.HarnessError(message: "the kiosk is not enrolled") }
        enrollment.url = url
        try enrollment.save(path)
        return try cli.run(["sync"] + arguments)
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

/// Where a test hub keeps its data: SQLite files in its state folder, or a fresh database on
/// the PostgreSQL server named by `MENTOR_HUB_TEST_POSTGRES` (`scripts/with-postgres`).
enum HubDatabase: String, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    static var server: String? { ProcessInfo.processInfo.environment["MENTOR_HUB_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 } }

    /// SQLite, and PostgreSQL when a test server is given.
    static var available: [HubDatabase] { server == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// `mentor-hub`'s arguments for this database; for PostgreSQL, a new database is created.
    func arguments() throws -> [String] {
        guard self == .postgres else { return [] }
        guard let server = Self.server, var url = URLComponents(string: server) else {
            throw CLIHarness.HarnessError(message: "MENTOR_HUB_TEST_POSTGRES is not set")
        }
        let name = "hub_cli_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let created = try ChildProcess.run(["psql", "-q", server, "-c", "CREATE DATABASE \(name)"])
        guard created.status == 0 else { throw CLIHarness.HarnessError(message: "psql: \(created.stderr)") }
        url.path = "/" + name
        return ["--database", url.string!]
    }
}
