import ArgumentParser
import Foundation
import KioskCore
import KioskStore

struct CheckIn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkin",
        abstract: "Check a badge in, exactly as a tap on the kiosk would.",
        discussion: "With --stdin, reads one badge per line and prints one outcome per line, each after it is committed.")

    @OptionGroup var options: KioskOptions
    @Argument(help: "The badge code as the reader sends it.") var badge: String?
    @Option(help: "The session to check in to when several are open.") var session: String?
    @Flag(help: "Read badges from standard input, one per line.") var stdin = false
    @Flag(help: "Print JSON instead of text.") var json = false

    func validate() throws {
        if stdin == (badge != nil) { throw ValidationError("give either a badge or --stdin") }
    }

    func run() throws {
        let context = try options.context()
        let desk = try context.desk()
        try desk.store.closeEndedSessions(clock: context.clock.read())
        let printer = OutcomePrinter(json: json)
        if let badge {
            let report = desk.scan(badge, clock: context.clock.read(), chosenSessionID: session)
            printer.print(report)
            try OutcomePrinter.finish(report)
            return
        }
        while let line = readRawLine() {
            let report = desk.scan(bytes: line, clock: context.clock.read(), chosenSessionID: session)
            printer.print(report)
            if report.verdict == .cannotRecord { throw ExitCode(report.verdict.rawValue) }
        }
    }

    /// One line of standard input as bytes, without its newline; nil at the end.
    private func readRawLine() -> [UInt8]? {
        var bytes: [UInt8] = []
        while true {
            let character = getchar()
            if character == EOF { return bytes.isEmpty ? nil : bytes }
            if character == 0x0A { return bytes }
            bytes.append(UInt8(truncatingIfNeeded: character))
        }
    }
}
