import ArgumentParser
import KioskCore
import KioskStore

struct CheckOut: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkout", abstract: "Check a badge out of its current session, optionally rating it.")

    @OptionGroup var options: KioskOptions
    @Argument(help: "The badge code.") var badge: String
    @Option(help: "Rate the session 1–4 right away.") var rating: Int?
    @Flag(help: "Print JSON instead of text.") var json = false

    func run() throws {
        let context = try options.context()
        let desk = try context.desk()
        try desk.store.closeEndedSessions(clock: context.clock.read())
        let printer = OutcomePrinter(json: json)
        let report = desk.checkOut(badge, clock: context.clock.read())
        printer.print(report)
        try OutcomePrinter.finish(report)
        if let rating {
            let rated = desk.rate(badge, value: rating, clock: context.clock.read())
            printer.print(rated)
            try OutcomePrinter.finish(rated)
        }
    }
}

struct Rate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Rate the session a badge last checked out of (1–4).")

    @OptionGroup var options: KioskOptions
    @Argument(help: "The badge code.") var badge: String
    @Argument(help: "The rating, 1 (poor) to 4 (great).") var value: Int
    @Flag(help: "Print JSON instead of text.") var json = false

    func run() throws {
        let context = try options.context()
        let report = try context.desk().rate(badge, value: value, clock: context.clock.read())
        OutcomePrinter(json: json).print(report)
        try OutcomePrinter.finish(report)
    }
}
