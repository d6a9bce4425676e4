import Foundation

/// The languages a kiosk speaks to participants and facilitators in.
public enum KioskLanguage: String, Sendable, Codable, CaseIterable {
    case english = "en"
    case spanish = "es"
    case german = "de"

    /// The language's phrasebook: every word the kiosk shows, in this language.
    public var phrases: any KioskPhrasebook {
        switch self {
        case .english: EnglishPhrases()
        case .spanish: SpanishPhrases()
        case .german: GermanPhrases()
        }
    }
}

extension KioskPhrasebook {
    /// The phrasebook of `person`'s language when they have one, else this one.
    public func speaking(to person: Participant?) -> any KioskPhrasebook { person?.language?.phrases ?? self }
}

/// Every participant- and facilitator-facing phrase of the kiosk's outcomes, questions and screens
/// (`ScreenPhrases`), one
/// conforming type per language (`EnglishPhrases`, `SpanishPhrases`, `GermanPhrases`). A
/// language that lacks a phrase does not compile; `PhrasebookTests` renders every phrase of every
/// language. Names, titles and ids come in already chosen; times and durations as the language
/// writes them (`day`, `clock`, `duration`). Pure: no I/O, no clock.
public protocol KioskPhrasebook: ScreenPhrases {
    var language: KioskLanguage { get }
    /// Abbreviated weekday (Sunday first) and month names, and how a day is written from them.
    func day(weekday: Int, day: Int, month: Int) -> String
    func duration(hours: Int, minutes: Int) -> String

    func unknownBadge() -> String
    func inactive(name: String) -> String
    func duplicateScan(name: String) -> String
    func noSessionNow(next: (title: String, at: String)?) -> String
    func sessionCancelled(title: String, next: (title: String, at: String)?) -> String
    /// `choices` are "id (title, start–end)".
    func chooseSession(name: String, choices: [String]) -> String
    func checkedIn(name: String, title: String, lateSince: String?) -> String
    func alreadyCheckedIn(name: String, title: String, at: String) -> String
    func alreadyCheckedOut(name: String, title: String, at: String) -> String
    func sessionNotOpen(name: String, sessionID: String) -> String
    func firstSession() -> String
    func milestone(count: Int) -> String
    func notCheckedIn(name: String) -> String
    func checkedOut(name: String, title: String, after duration: String) -> String
    func notARating(_ value: Int, scale: ClosedRange<Int>) -> String
    func nothingToRate() -> String
    func alreadyRated() -> String
    func ratingTooLate() -> String
    func rated(_ value: Int, of maximum: Int, anonymous: Bool) -> String
    func question(_ question: CheckOutQuestion) -> (question: String, choices: [String])
    func notAnAnswer(_ value: Int, question: String, answers: ClosedRange<Int>) -> String
    func nothingToAnswer() -> String
    func answerTooLate() -> String
    func notAsked(question: String) -> String
    func answered(choice: String) -> String
    func notABadge(_ reason: String) -> String
    func cannotRecord() -> String
}
