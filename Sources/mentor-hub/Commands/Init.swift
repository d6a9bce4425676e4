import ArgumentParser
import Foundation
import HubPostgres
import HubStore
import KioskSystem

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create the hub's state: databases, badge secret, admin token (printed once).")
    @OptionGroup var options: HubOptions
    @Option(help: "The program's time zone (an IANA name such as America/Chicago; later: settings --time-zone). Default: UTC.")
    var timeZone: String?

    func validate() throws {
        if let timeZone { _ = try ProgramTimeOptions.zone(timeZone) }
    }

    func run() async throws {
        try FileManager.default.createDirectory(atPath: options.state, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try await options.withStore(creating: true) { store in
            guard let timeZone else { return }
            try await store.setTimeZoneIdentifier(timeZone)
            try await store.auditCommand("settings.time_zone", detail: timeZone)
        }
        _ = try SecretFile.create(options.secretPath)
        if !FileManager.default.fileExists(atPath: options.adminTokenPath) {
            let token = Secrets.token()
            try PrivateFile.write(Data(token.utf8), to: options.adminTokenPath)
            // Only to a person at a terminal: a unit's first start would put it into the journal.
            if isatty(STDOUT_FILENO) == 1 {
                print("admin token (also in \(options.adminTokenPath)): \(token)")
            } else {
                print("admin token written to \(options.adminTokenPath) (0600; not printed: standard output is not a terminal)")
            }
        }
        print("hub state in \(options.state)" + (options.database.map { "; databases in \((try? PostgresURL($0).description) ?? "PostgreSQL")" } ?? ""))
    }
}
