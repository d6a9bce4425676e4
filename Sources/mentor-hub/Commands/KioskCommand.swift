import ArgumentParser
import Foundation
import HubStore
import KioskCore

struct KioskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk", abstract: "Add, list, rotate and revoke kiosks.", subcommands: [Add.self, List.self, Rotate.self, Revoke.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a kiosk and print its one-time enrollment code.")
        @OptionGroup var options: HubOptions
        @Argument(help: "The kiosk's id (as in its kiosk.toml).") var id: String
        @Option(help: "Where it stands: it is served this location's sessions.") var location: String

        func run() async throws {
            guard ProgramID.isValid(id) else { throw ValidationError("a kiosk id is 1–64 letters, digits, '.', '_' or '-'") }
            guard !location.isEmpty, location.count <= ProgramText.maximumLength else {
                throw ValidationError("a location is 1–\(ProgramText.maximumLength) characters")
            }
            let code = try await options.withStore { store in
                let code = try await store.addKiosk(id: id, location: location, at: Date())
                try await store.auditCommand("kiosk.add", subject: id, detail: "location \(location)")
                return code
            }
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
            let code = try await options.withStore { store in
                let code = try await store.rotateEnrollment(kioskID: id)
                try await store.auditCommand("kiosk.rotate", subject: id)
                return code
            }
            print("enrollment code for \(id): \(code)")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a kiosk's token and unused code.")
        @OptionGroup var options: HubOptions
        @Argument var id: String

        func run() async throws {
            try await options.withStore { store in
                try await store.revoke(kioskID: id)
                try await store.auditCommand("kiosk.revoke", subject: id)
            }
            print("\(id) revoked")
        }
    }
}
