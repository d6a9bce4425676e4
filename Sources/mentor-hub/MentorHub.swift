import ArgumentParser
import Foundation
import HubPostgres
import HubStore

/// The central server's command line: `serve` plus the admin's commands, which work on the
/// hub's state folder directly (run them on the hub's machine, as the hub's user).
@main
struct MentorHub: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mentor-hub",
        abstract: "The hub the kiosks export to: ingest, directory, kiosk enrollment.",
        discussion: """
            Every command takes --state (or MENTOR_HUB_STATE): the folder with badge.key and admin.token, and the databases \
            hub.sqlite and program.sqlite unless --database (or MENTOR_HUB_DATABASE) names a PostgreSQL database \
            (postgres://user:password@host/database), which several hub processes can share.
            """,
        subcommands: [
            Init.self, Serve.self, KioskCommand.self, Import.self, SettingsCommand.self, Report.self, Export.self, Status.self, Rejected.self,
            AuditCommand.self,
        ])
}

struct HubOptions: ParsableArguments {
    @Option(help: "The hub's state folder (default: $MENTOR_HUB_STATE, else /var/lib/mentor-hub).")
    var state: String = ProcessInfo.processInfo.environment["MENTOR_HUB_STATE"] ?? "/var/lib/mentor-hub"

    var secretPath: String { state + "/badge.key" }
    var adminTokenPath: String { state + "/admin.token" }

    @Option(name: .customLong("database"), help: "A PostgreSQL URL, postgres://user:password@host:5432/database (default: $MENTOR_HUB_DATABASE, else SQLite in --state).")
    var databaseOption: String?

    var database: String? {
        databaseOption ?? ProcessInfo.processInfo.environment["MENTOR_HUB_DATABASE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func validate() throws {
        if let database { _ = try PostgresURL(database) }
    }

    /// Runs `body` with the hub's storage: PostgreSQL when --database names one, else the
    /// SQLite files in the state folder (created by `init`).
    func withStore<Result>(creating: Bool = false, _ body: (any HubStorage) async throws -> Result) async throws -> Result {
        if let database {
            return try await PostgresHubStore.withStore(url: database) { try await body($0) }
        }
        guard creating || FileManager.default.fileExists(atPath: state + "/hub.sqlite") else {
            throw ValidationError("no hub at \(state); run `mentor-hub init --state \(state)` first")
        }
        return try await body(try HubStore(folder: state))
    }
}

extension HubStorage {
    /// Appends an admin's action at the hub's command line to the audit log, naming the user.
    func auditCommand(_ action: String, subject: String? = nil, detail: String? = nil) async throws {
        // Who ran it: the sudo caller if any, else the account's name (root's shell may set no USER).
        let account = getpwuid(getuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
        let user = ProcessInfo.processInfo.environment["SUDO_USER"] ?? account ?? "uid \(getuid())"
        try await audit(AuditEntry(at: Date(), actor: "cli:\(user)", action: action, subject: subject, detail: detail))
    }
}
