import ArgumentParser
import Foundation
import HubStore
import KioskCore

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Add, list, disable and reset the accounts people log in to the hub's pages with.",
        discussion: """
            An admin account runs the program from the browser; a facilitator account sees the groups of the participant it names. \
            A new or reset account has no password: its one-time link (valid 72 hours) sets one. The links start with \
            settings --public-url.
            """,
        subcommands: [Add.self, List.self, Disable.self, Enable.self, Reset.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an account and print its one-time set-password link.")
        @OptionGroup var options: HubOptions
        @Argument(help: "The person's email: their name at the login form.") var email: String
        @Option(help: "admin or facilitator.") var role: HubUserRole
        @Option(help: "The participant id this person is (participants.csv); a facilitator needs one.") var participant: String?

        func validate() throws {
            guard EmailAddress.normalized(email) != nil else { throw ValidationError("\(email) is not an email address") }
            if role == .facilitator && participant == nil {
                throw ValidationError("a facilitator account needs --participant: their groups are those this participant facilitates")
            }
        }

        func run() async throws {
            let email = EmailAddress.normalized(email)!
            let (token, base) = try await options.withStore { store in
                let token = try await store.addUser(email: email, role: role, participantID: participant, at: Date())
                try await store.auditCommand("user.add", subject: email, detail: "role \(role.rawValue)" + (participant.map { ", participant \($0)" } ?? ""))
                return (token, try await store.hubSetting(.publicURL))
            }
            print("added \(email) (\(role.rawValue)); this link sets the password, once, within 72 hours:")
            print(UserCommand.link(base: base, token: token))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts.")
        @OptionGroup var options: HubOptions

        func run() async throws {
            let now = Date()
            for user in try await options.withStore({ try await $0.users() }) {
                let state = user.disabled ? "disabled" : !user.hasPassword ? "no password yet" : (user.lockedUntil.map { $0 > now } ?? false) ? "locked" : "active"
                let participant = user.participantID.map { "  participant \($0)" } ?? ""
                print("\(user.email)  \(user.role.rawValue)\(participant)  \(state)  last login \(user.lastLoginAt.map { "\($0)" } ?? "never")")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account: its sessions end and its links stop working.")
        @OptionGroup var options: HubOptions
        @Argument var email: String

        func run() async throws { try await UserCommand.setDisabled(true, email: email, options: options) }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account again (with its password, if it has one).")
        @OptionGroup var options: HubOptions
        @Argument var email: String

        func run() async throws { try await UserCommand.setDisabled(false, email: email, options: options) }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Clear an account's password and lockout, end its sessions, and print a new one-time set-password link.")
        @OptionGroup var options: HubOptions
        @Argument var email: String

        func run() async throws {
            let email = EmailAddress.normalized(email) ?? email
            let (token, base) = try await options.withStore { store in
                let token = try await store.resetPassword(email: email, at: Date())
                try await store.auditCommand("user.reset", subject: email)
                return (token, try await store.hubSetting(.publicURL))
            }
            print("the password of \(email) is cleared; this link sets a new one, once, within 72 hours:")
            print(UserCommand.link(base: base, token: token))
        }
    }

    static func setDisabled(_ disabled: Bool, email: String, options: HubOptions) async throws {
        let email = EmailAddress.normalized(email) ?? email
        try await options.withStore { store in
            _ = try await store.setUserDisabled(email: email, disabled, at: Date())
            try await store.auditCommand(disabled ? "user.disable" : "user.enable", subject: email)
        }
        print("\(email) \(disabled ? "disabled" : "enabled")")
    }

    static func link(base: String?, token: String) -> String {
        (base ?? "http://127.0.0.1:8080") + "/set-password?token=" + token
    }
}

extension HubUserRole: ExpressibleByArgument {}

/// The hub's public address as `settings --public-url` stores it: http or https, a host, an
/// optional port and path, no query or fragment, without a trailing slash.
enum PublicURL {
    static func normalized(_ text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = components.host, !host.isEmpty, components.query == nil, components.fragment == nil, components.user == nil
        else { return nil }
        var trimmed = text
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed
    }
}
