import ArgumentParser
import Foundation
import HubProtocol
import KioskStore
import KioskSync
import KioskSystem

/// `enroll`: exchanges the hub's one-time code for this kiosk's device token, takes the
/// program's badge secret, and fetches the directory once.
struct Enroll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Enroll this kiosk at a hub with the one-time code from `mentor-hub kiosk add`.",
        discussion: """
            A kiosk whose database was lost is set up again under the same kiosk id with a code from \
            `mentor-hub kiosk rotate ID` and --replace: it takes back the events the hub holds of it from the last \
            \(KioskHistory.recentDays) days (today's tally, duplicate checks and check-outs work at once), and numbers \
            its next events after the hub's, so the hub refuses none as a number used twice.
            """)

    @OptionGroup var options: KioskOptions
    @Argument(help: "The hub's address, e.g. https://hub.example.org") var url: String
    @Argument(help: "The enrollment code, e.g. ABCD-EFGH-JKMN") var code: String
    @Option(help: "A PEM file with a private CA to trust for an https hub.") var caFile: String?
    @Flag(help: "Allow a plain http:// hub that is not on this machine (the token and the badge secret then cross the network in clear).")
    var insecure = false
    @Flag(help: "Replace a kiosk whose database was lost: take its recent events back from the hub and continue after them (a new, empty database; stop the kiosk's services first).")
    var replace = false

    func validate() throws {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw ValidationError("the hub's address starts with https:// (or http://)") }
        if url.hasPrefix("http://"), !insecure, !HubAddress.isLoopback(url) {
            throw ValidationError(
                "refusing to enroll over plain http with \(url): the device token and the program's badge secret would cross the network in clear. Use https:// (--ca-file for a private CA), or --insecure on a network you trust")
        }
    }

    func run() async throws {
        let context = try options.context()
        let store = try context.openStore()
        let numberedThrough = try store.numberedThrough()
        if replace, numberedThrough > 0 {
            throw ValidationError(
                "this database has numbered events (through \(numberedThrough)): --replace sets up a kiosk whose database was lost, from a new one. To put a backup back, use `mentor-kiosk restore`")
        }
        let enrollment = try HubClient(baseURL: url, token: nil, trustedCA: caFile, timeoutSeconds: 15)
        if replace, !(try await enrollment.offersHistory()) {
            throw ValidationError("\(url) cannot send a kiosk's events back (a hub of an older release): nothing was changed, and the code is still unused")
        }
        let answer = try await enrollment.enroll(code: code, lastSequence: numberedThrough, replace: replace)
        guard let secret = Data(base64Encoded: answer.badgeSecret), secret.count >= 16 else {
            throw ValidationError("the hub sent no usable badge secret")
        }
        let syncer = KioskSyncer(store: store, client: try HubClient(baseURL: url, token: answer.token, trustedCA: caFile))
        if replace {
            // Taken back before the enrollment is saved: a replacement that fails here leaves a kiosk
            // that cannot send the hub events numbered from 1 again.
            try await syncer.pullDirectory()
            guard let cursor = answer.acknowledgedThrough else { throw ValidationError("the hub did not say how far it holds this kiosk's events") }
            let adopted = try await syncer.adoptRecentHistory(acknowledgedThrough: cursor, location: answer.location)
            print("""
                took back \(adopted.events) events of the last \(KioskHistory.recentDays) days from the hub \
                (\(adopted.attendances) attendances); the next event is numbered after \(adopted.continuesAfter)
                """)
            if adopted.skipped > 0 { print("\(adopted.skipped) events of sessions this kiosk no longer serves stay at the hub only") }
        }
        try PrivateFile.write(secret, to: context.secretPath)
        try HubEnrollment(url: url, kioskID: answer.kioskID, token: answer.token, trustedCA: caFile)
            .save(HubEnrollment.path(database: context.databasePath))
        print("enrolled as \(answer.kioskID) at \(answer.location) (\(url))")
        if answer.kioskID != context.config.kioskID {
            print("note: kiosk.toml says id = \"\(context.config.kioskID)\"; the hub knows this kiosk as \(answer.kioskID)")
        }
        if !replace { try await syncer.pullDirectory() }
        print("directory fetched: \(try store.activeParticipants().count) active participants")
        print("the badge secret is now the hub's: restart a running kiosk screen (systemctl restart mentor-kiosk), then start the export (systemctl start mentor-kiosk-sync)")
    }
}

/// `sync`: sends the events the hub does not have yet and refreshes the directory; with
/// `--loop`, keeps doing so (the kiosk's sync service), backing off while the hub is away.
struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export events to the hub and fetch the directory (once, or --loop).")

    @OptionGroup var options: KioskOptions
    @Flag(help: "Keep syncing: every --interval seconds, backing off while the hub is away.") var loop = false
    @Option(help: "Seconds between rounds with --loop.") var interval: Double = 15

    func run() async throws {
        let context = try options.context()
        let store = try context.openStore()
        guard let enrollment = try HubEnrollment.load(HubEnrollment.path(database: context.databasePath)) else {
            throw ValidationError("this kiosk is not enrolled at a hub: run `mentor-kiosk enroll URL CODE`")
        }
        let syncer = KioskSyncer(
            store: store, client: try HubClient(baseURL: enrollment.url, token: enrollment.token, trustedCA: enrollment.trustedCA))
        let backoff = SyncBackoff()
        var failures = 0
        while true {
            do {
                let summary = try await syncer.syncOnce(clockTrusted: context.clock.read().isTrusted, softwareVersion: "mentor-kiosk")
                failures = 0
                print("sync: \(summary.stored) stored, \(summary.duplicates) already there, \(summary.rejected) rejected; hub has events through \(summary.acknowledgedThrough)")
                fflush(nil)
                guard loop else { return }
                try await Task.sleep(for: .seconds(interval))
            } catch let failure as HubClient.Failure {
                failures += 1
                FileHandle.standardError.write(Data("sync: \(failure)\n".utf8))
                guard loop else { throw ExitCode(10) }
                var retryAfter: Double?
                if case .unavailable(_, let seconds, _) = failure { retryAfter = seconds }
                try await Task.sleep(for: .seconds(backoff.delay(afterFailures: failures, retryAfter: retryAfter, random: Double.random(in: 0..<1))))
            }
        }
    }
}
