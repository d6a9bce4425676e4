import ArgumentParser
import Foundation
import HubPostgres
import HubStore
import ReportArguments

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
            Init.self, Serve.self, KioskCommand.self, Import.self, SessionCommand.self, Excuse.self, ParticipantCommand.self, SettingsCommand.self,
            Report.self, Export.self, Status.self, Rejected.self, AuditCommand.self, UserCommand.self, NotifyCommand.self, Backup.self,
            Restore.self, Prune.self,
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
        if !creating { try requireState() }
        return try await body(try HubStore(folder: state))
    }

    /// The SQLite hub's files exist (`init` made them).
    func requireState() throws {
        guard FileManager.default.fileExists(atPath: state + "/hub.sqlite") else {
            throw ValidationError("no hub at \(state); run `mentor-hub init --state \(state)` first")
        }
    }
}

extension HubStorage {
    /// Appends an admin's action at the hub's command line to the audit log, naming the user.
    func auditCommand(_ action: String, subject: String? = nil, detail: String? = nil) async throws {
        try await audit(AuditEntry(at: Date(), actor: "cli:\(CommandLineAccount.current)", action: action, subject: subject, detail: detail))
    }
}

/// Who runs an admin command: the sudo caller if any, else the account's name (root's shell may
/// set no USER).
enum CommandLineAccount {
    static var current: String {
        let account = getpwuid(getuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
        return ProcessInfo.processInfo.environment["SUDO_USER"] ?? account ?? "uid \(getuid())"
    }
}

/// `--time-zone` and `--now` of the hub's commands: the program's days, weeks and local times
/// are in the zone `init --time-zone` or `settings --time-zone` stored, unless the command names
/// another; and a command acts as of now, unless `--now` (or `MENTOR_HUB_NOW`) names another
/// moment: for rehearsing a term and for tests, as `mentor-kiosk --now` is.
struct ProgramTimeOptions: ParsableArguments {
    @Option(help: "The time zone of days and times written without an offset (default: the program's, from settings --time-zone; else UTC).")
    var timeZone: String?
    @Option(help: "Act as of this day or time, for rehearsals and tests (default: $MENTOR_HUB_NOW, else now).")
    var now: String?

    func validate() throws {
        if let timeZone { _ = try Self.zone(timeZone) }
    }

    /// The zone this command uses: the one given, else the program's, else UTC.
    func zone(_ store: any HubStorage) async throws -> TimeZone {
        if let timeZone { return try Self.zone(timeZone) }
        return try await store.timeZoneIdentifier().flatMap(TimeZone.init(identifier:)) ?? .gmt
    }

    /// The moment this command acts at, a day or a time read in `zone`.
    func moment(in zone: TimeZone) throws -> Date {
        try rehearsed(in: zone) ?? Date()
    }

    /// The moment `--now` (or, unless `optionOnly`, `MENTOR_HUB_NOW`) names; nil: the real time.
    /// A rehearsed moment is said on standard error, so a leftover one is noticed.
    func rehearsed(in zone: TimeZone, optionOnly: Bool = false) throws -> Date? {
        let variable = optionOnly ? nil : ProcessInfo.processInfo.environment["MENTOR_HUB_NOW"].flatMap { $0.isEmpty ? nil : $0 }
        guard let text = now ?? variable else { return nil }
        let moment = try ReportArguments.dayOrTime(text, timeZone: zone)
        FileHandle.standardError.write(Data("mentor-hub: acting as of \(ISO8601DateFormatter().string(from: moment)) (\(now == nil ? "MENTOR_HUB_NOW" : "--now")), not the real time\n".utf8))
        return moment
    }

    static func zone(_ identifier: String) throws -> TimeZone {
        guard let zone = TimeZone(identifier: identifier) else {
            throw ValidationError("\(identifier) is not a time zone; use an IANA name such as Europe/Berlin or America/Chicago")
        }
        return zone
    }
}
