import ArgumentParser
import Foundation
import HubPostgres
import HubProtocol
import HubServer
import HubStore
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import KioskCore
import KioskStore
import KioskSystem
import ProgramFiles
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
        subcommands: [Init.self, Serve.self, KioskCommand.self, Import.self, SettingsCommand.self, Report.self, Export.self, Status.self])
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

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create the hub's state: databases, badge secret, admin token (printed once).")
    @OptionGroup var options: HubOptions

    func run() async throws {
        try FileManager.default.createDirectory(atPath: options.state, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try await options.withStore(creating: true) { _ in }
        _ = try SecretFile.create(options.secretPath)
        if !FileManager.default.fileExists(atPath: options.adminTokenPath) {
            let token = Secrets.token()
            try PrivateFile.write(Data(token.utf8), to: options.adminTokenPath)
            print("admin token (also in \(options.adminTokenPath)): \(token)")
        }
        print("hub state in \(options.state)" + (options.database.map { "; databases in \((try? PostgresURL($0).description) ?? "PostgreSQL")" } ?? ""))
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the API: HTTPS with --tls-certificate and --tls-key, else plain HTTP (for loopback behind a TLS proxy).")
    @OptionGroup var options: HubOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port; the chosen one is printed).") var port = 8080
    @Option(help: "PEM certificate chain to serve HTTPS with.") var tlsCertificate: String?
    @Option(help: "PEM private key of that certificate.") var tlsKey: String?
    @Option(help: "The program's time zone, for the dashboard's days and weeks.") var timeZone = "UTC"

    func validate() throws {
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("HTTPS needs both --tls-certificate and --tls-key")
        }
    }

    /// HTTP/1.1, over TLS when a certificate is given.
    func serverBuilder() throws -> HTTPServerBuilder {
        guard let tlsCertificate, let tlsKey else { return .http1() }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(tlsCertificate).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: tlsKey, format: .pem)
            return try .tls(.http1(), tlsConfiguration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
        } catch {
            throw ValidationError("cannot use the TLS certificate \(tlsCertificate) and key \(tlsKey): \(error)")
        }
    }

    func run() async throws {
        guard let zone = TimeZone(identifier: timeZone) else { throw ValidationError("\(timeZone) is not a time zone") }
        guard let token = FileManager.default.contents(atPath: options.adminTokenPath).map({ String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }),
              !token.isEmpty
        else { throw ValidationError("cannot read the admin token \(options.adminTokenPath); run `mentor-hub init`") }
        guard let secret = FileManager.default.contents(atPath: options.secretPath) else {
            throw ValidationError("cannot read the badge secret \(options.secretPath); run `mentor-hub init`")
        }
        let serverBuilder = try serverBuilder()
        try await options.withStore { store in
            let server = HubServer(store: store, adminToken: token, badgeSecret: secret, timeZone: zone)
            let app = Application(
                router: server.router(), server: serverBuilder, configuration: .init(address: .hostname(host, port: port)),
                onServerRunning: { channel in
                    print("mentor-hub listening on \(channel.localAddress.map { "\($0.ipAddress ?? host):\($0.port ?? port)" } ?? "\(host):\(port)")")
                    fflush(nil)
                })
            try await app.runService()
        }
    }
}

struct KioskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk", abstract: "Add, list, rotate and revoke kiosks.", subcommands: [Add.self, List.self, Rotate.self, Revoke.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a kiosk and print its one-time enrollment code.")
        @OptionGroup var options: HubOptions
        @Argument(help: "The kiosk's id (as in its kiosk.toml).") var id: String
        @Option(help: "Where it stands: it is served this location's sessions.") var location: String

        func run() async throws {
            guard id.wholeMatch(of: /[A-Za-z0-9._-]{1,64}/) != nil else { throw ValidationError("a kiosk id is 1–64 letters, digits, '.', '_' or '-'") }
            let code = try await options.withStore { try await $0.addKiosk(id: id, location: location, at: Date()) }
            print("enrollment code for \(id): \(code)\non the kiosk: mentor-kiosk enroll <hub URL> \(code)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the kiosks with their sync state.")
        @OptionGroup var options: HubOptions

        func run() async throws {
            for kiosk in try await options.withStore({ try await $0.kiosks() }) {
                let state = kiosk.revoked ? "revoked" : kiosk.enrolled ? "enrolled" : "waiting for enrollment"
                print("\(kiosk.kioskID)  \(kiosk.location)  \(state)  events through \(kiosk.acknowledgedThrough), \(kiosk.eventsStored) stored, \(kiosk.eventsRejected) rejected, last seen \(kiosk.lastSeenAt.map { "\($0)" } ?? "never")")
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a new enrollment code (the current token works until it is used).")
        @OptionGroup var options: HubOptions
        @Argument var id: String

        func run() async throws {
            print("enrollment code for \(id): \(try await options.withStore { try await $0.rotateEnrollment(kioskID: id) })")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a kiosk's token and unused code.")
        @OptionGroup var options: HubOptions
        @Argument var id: String

        func run() async throws {
            try await options.withStore { try await $0.revoke(kioskID: id) }
            print("\(id) revoked")
        }
    }
}

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import the program's roster, groups or schedule (the kiosk's CSV formats; all or nothing).")
    @OptionGroup var options: HubOptions
    @Argument(help: "participants, groups or sessions") var kind: String
    @Argument(help: "The CSV file.") var file: String
    @Option(help: "Time zone for times written without an offset.") var timeZone = "UTC"

    func run() async throws {
        guard let zone = TimeZone(identifier: timeZone) else { throw ValidationError("\(timeZone) is not a time zone") }
        guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
        let reader = ProgramFileReader(normalizer: BadgeNormalizer(rules: BadgeRules()), hasher: try SecretFile.load(options.secretPath), timeZone: zone)
        let summary = try await options.withStore { store in
            switch kind {
            case "participants": try await store.importParticipants(try reader.participants(data, file: file))
            case "groups": try await store.importGroups(try reader.groups(data, file: file))
            case "sessions": try await store.importSessions(try reader.sessions(data, file: file))
            default: throw ValidationError("import participants, groups or sessions, not \(kind)")
            }
        }
        print("\(file): \(summary)")
    }
}

struct SettingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Show or set the program's check-in rules, which every kiosk takes with its directory.",
        discussion: "Options not given keep their current value (or the kiosk default). Without settings, each kiosk keeps its kiosk.toml's [check_in].")
    @OptionGroup var options: HubOptions
    @Option(help: "Minutes before the start a session's check-in opens (0–240).") var opensBeforeMinutes: Int?
    @Option(help: "Minutes after the start an arrival is still on time (0–240).") var onTimeGraceMinutes: Int?
    @Option(help: "Seconds within which a second scan repeats the first (0–300).") var duplicateWindowSeconds: Int?
    @Option(help: "Minutes after check-out a rating is still taken (1–1440).") var ratingWindowMinutes: Int?
    @Option(help: "Store ratings without who gave them (true or false).") var anonymousRatings: Bool?
    @Flag(help: "Remove the program's settings: each kiosk goes back to its own.") var clear = false

    func run() async throws {
        let changes = [opensBeforeMinutes, onTimeGraceMinutes, duplicateWindowSeconds, ratingWindowMinutes].contains { $0 != nil } || anonymousRatings != nil
        if clear && changes { throw ValidationError("--clear takes no other option") }
        let settings: ProgramSettings? = try await options.withStore { store in
            if clear {
                try await store.setSettings(nil)
                return nil
            }
            guard changes else { return try await store.settings() }
            var settings = try await store.settings() ?? ProgramSettings(rules: CheckInRules(), anonymousRatings: false)
            settings.opensBeforeMinutes = opensBeforeMinutes ?? settings.opensBeforeMinutes
            settings.onTimeGraceMinutes = onTimeGraceMinutes ?? settings.onTimeGraceMinutes
            settings.duplicateWindowSeconds = duplicateWindowSeconds ?? settings.duplicateWindowSeconds
            settings.ratingWindowMinutes = ratingWindowMinutes ?? settings.ratingWindowMinutes
            settings.anonymousRatings = anonymousRatings ?? settings.anonymousRatings
            if let problem = settings.problem { throw ValidationError(problem) }
            try await store.setSettings(settings)
            return settings
        }
        guard let settings else {
            print("no program settings: each kiosk uses its kiosk.toml's [check_in]")
            return
        }
        print("""
            opens_before_minutes = \(settings.opensBeforeMinutes)
            on_time_grace_minutes = \(settings.onTimeGraceMinutes)
            duplicate_window_seconds = \(settings.duplicateWindowSeconds)
            rating_window_minutes = \(settings.ratingWindowMinutes)
            anonymous_ratings = \(settings.anonymousRatings)
            """)
    }
}

struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The program's engagement figures from every kiosk's events, as mentor-kiosk report prints them (docs/metrics.md).")
    @OptionGroup var options: HubOptions
    @OptionGroup var report: ReportArguments
    @Option(help: "Time zone for days, weeks and times written without an offset.") var timeZone = "UTC"
    @Option(help: "Report as of this time (default: now), for scripts and checks.") var now: String?

    func run() async throws {
        guard let zone = TimeZone(identifier: timeZone) else { throw ValidationError("\(timeZone) is not a time zone") }
        let current = try now.map { try ReportArguments.dayOrTime($0, timeZone: zone) } ?? Date()
        let (start, end) = try report.period(now: current, timeZone: zone)
        if report.wantsAttendance {
            let rows = try await options.withStore { store in
                try await store.attendanceExport(from: start, to: end, location: report.location, now: current)
            }
            return try report.print(attendance: rows)
        }
        let progress = ProgressLine()
        defer { progress.finish() }
        let figures = try await options.withStore { store in
            try await store.engagementReport(
                from: start, to: end, location: report.location, now: current, timeZone: zone, completionThreshold: report.completionThreshold,
                filter: report.filter, listingRatings: report.listsRatings, progress: progress.show)
        }
        progress.finish()
        try report.print(figures, timeZone: zone)
    }
}

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the stored events as JSON Lines.")
    @OptionGroup var options: HubOptions
    @Option(help: "Only this kiosk's events.") var kiosk: String?

    func run() async throws {
        let encoder = HubJSONLines()
        for (kioskID, event) in try await options.withStore({ try await $0.events(kioskID: kiosk, after: 0, limit: .max) }) {
            print(try encoder.line(kioskID: kioskID, event: event))
        }
    }
}

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Kiosks and events at a glance.")
    @OptionGroup var options: HubOptions

    func run() async throws {
        let kiosks = try await options.withStore { try await $0.kiosks() }
        print("\(kiosks.count) kiosks, \(kiosks.filter(\.enrolled).count) enrolled; \(kiosks.map(\.eventsStored).reduce(0, +)) events stored, \(kiosks.map(\.eventsRejected).reduce(0, +)) rejected")
    }
}
