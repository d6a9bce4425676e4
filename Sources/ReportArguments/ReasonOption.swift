import ArgumentParser
import KioskCore

/// `--reason` of the commands that cancel a session or excuse a member, at the kiosk and at
/// the hub: a program text, refused before anything is written when it is too long or holds a
/// control character.
public struct ReasonOption: ParsableArguments {
    @Option(help: "Why (kept with the change, and at the hub in the audit log; at most 200 characters).") public var reason: String?

    public init() {}

    public func validate() throws {
        if let reason, let problem = ProgramText.problem(reason, field: "--reason") { throw ValidationError(problem) }
    }
}
