import ArgumentParser
import KioskCore
import KioskStore

struct CheckOut: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkout", abstract: "Check a badge out of its current session, optionally rating it.")

    @OptionGroup var options: KioskOptions
    @Argument(help: "The badge code.") var badge: String
    @Option(help: "Rate the session 1-4 right away.") var rating: Int?
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
    static let configuration = CommandConfiguration(abstract: "Rate the session a badge last checked out of (1-4).")

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

struct Answer: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer a check-out question after the rating (what `checkout --json` lists as questions).",
        discussion: """
            QUESTION is pair_fit (1 good fit, 2 still deciding, 3 not a fit), goal_progress (1-4), \
            mentor_helpful (a mentee's, 1-4) or mentee_engaged (a mentor's, 1-4). An answer is taken \
            once, about the session the badge last checked out of, when that check-out asks it.
            """)

    @OptionGroup var options: KioskOptions
    @Argument(help: "The badge code.") var badge: String
    @Argument(help: "The question: pair_fit, goal_progress, mentor_helpful or mentee_engaged.") var question: String
    @Argument(help: "The button pressed.") var value: Int
    @Flag(help: "Print JSON instead of text.") var json = false

    func validate() throws {
        guard let asked = CheckOutQuestion(rawValue: question), asked != .rating else {
            throw ValidationError("unknown question \"\(question)\"; use \(CheckOutQuestion.answerQuestions.map(\.rawValue).joined(separator: ", ")) (a rating: mentor-kiosk rate)")
        }
    }

    func run() throws {
        let context = try options.context()
        let report = try context.desk().answer(badge, question: CheckOutQuestion(rawValue: question)!, value: value, clock: context.clock.read())
        OutcomePrinter(json: json).print(report)
        try OutcomePrinter.finish(report)
    }
}
