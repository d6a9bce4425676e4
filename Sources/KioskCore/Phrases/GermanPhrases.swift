import Foundation

/// The kiosk's words in German: the participant is addressed as "du", as in a program's lobby.
public struct GermanPhrases: KioskPhrasebook {
    public init() {}
    public var language: KioskLanguage { .german }

    public func day(weekday: Int, day: Int, month: Int) -> String {
        let weekdays = ["So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"]
        let months = ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."]
        return "\(weekdays[weekday - 1]) \(day). \(months[month - 1])"
    }

    public func duration(hours: Int, minutes: Int) -> String { hours > 0 ? "\(hours) Std. \(minutes) Min." : "\(minutes) Min." }

    public func unknownBadge() -> String { "✗ Unbekannter Ausweis — bitte bei der Leitung melden" }
    public func inactive(name: String) -> String { "✗ \(name) ist im Programm nicht aktiv — bitte bei der Leitung melden" }
    public func duplicateScan(name: String) -> String { "• \(name), dein Ausweis wurde gerade schon gelesen" }
    func next(_ next: (title: String, at: String)?) -> String { next.map { " — als Nächstes: \($0.title) um \($0.at)" } ?? "" }
    public func noSessionNow(next: (title: String, at: String)?) -> String { "✗ Gerade keine Sitzung" + self.next(next) }
    public func sessionCancelled(title: String, next: (title: String, at: String)?) -> String { "✗ \(title) fällt heute aus" + self.next(next) }
    public func chooseSession(name: String, choices: [String]) -> String {
        "? \(name), mehrere Sitzungen sind offen — bitte eine wählen: \(choices.joined(separator: ", "))"
    }
    public func checkedIn(name: String, title: String, lateSince: String?) -> String {
        "✓ Willkommen, \(name) — angemeldet bei \(title) (\(lateSince.map { "verspätet, Beginn \($0)" } ?? "pünktlich"))"
    }
    public func alreadyCheckedIn(name: String, title: String, at: String) -> String {
        "• \(name), du bist seit \(at) bei \(title) angemeldet — noch einmal scannen zum Abmelden"
    }
    public func alreadyCheckedOut(name: String, title: String, at: String) -> String { "• \(name), du hast dich um \(at) von \(title) abgemeldet" }
    public func sessionNotOpen(name: String, sessionID: String) -> String { "✗ Sitzung \(sessionID) ist für \(name) gerade nicht offen" }
    public func firstSession() -> String { "★ Deine erste Sitzung — willkommen im Programm!" }
    public func milestone(count: Int) -> String { "★ Das ist deine \(count). Sitzung — gut gemacht!" }
    public func notCheckedIn(name: String) -> String { "✗ \(name), du bist bei keiner Sitzung angemeldet" }
    public func checkedOut(name: String, title: String, after duration: String) -> String {
        "✓ Tschüss, \(name) — abgemeldet von \(title) nach \(duration)"
    }
    public func notARating(_ value: Int, scale: ClosedRange<Int>) -> String {
        "✗ \(value) ist keine Bewertung; bewerte von \(scale.lowerBound) bis \(scale.upperBound)"
    }
    public func nothingToRate() -> String { "✗ Bewertet wird nach dem Abmelden; es gibt nichts zu bewerten" }
    public func alreadyRated() -> String { "• Diese Sitzung ist schon bewertet — danke" }
    public func ratingTooLate() -> String { "✗ Die Zeit, diese Sitzung zu bewerten, ist vorbei" }
    public func rated(_ value: Int, of maximum: Int, anonymous: Bool) -> String {
        "✓ Danke für deine Bewertung: \(value) von \(maximum)\(anonymous ? " (anonym)" : "")"
    }
    public func question(_ question: CheckOutQuestion) -> (question: String, choices: [String]) {
        switch question {
        case .rating: ("Wie war die Sitzung?", ["schlecht", "okay", "gut", "super"])
        case .pairFit: ("Passt ihr als Tandem gut zusammen?", ["passt gut", "noch unsicher", "passt nicht", "überspringen"])
        case .goalProgress: ("Fortschritt bei deinem Ziel seit dem letzten Mal?", ["keiner", "etwas", "gut", "sehr gut"])
        case .mentorHelpful: ("Wie hilfreich war dein Mentor heute?", ["kaum", "etwas", "hilfreich", "sehr"])
        case .menteeEngaged: ("Wie engagiert war dein Mentee heute?", ["kaum", "etwas", "engagiert", "sehr"])
        }
    }
    public func notAnAnswer(_ value: Int, question: String, answers: ClosedRange<Int>) -> String {
        "✗ \(value) ist keine Antwort auf \(question); antworte von \(answers.lowerBound) bis \(answers.upperBound)"
    }
    public func nothingToAnswer() -> String { "✗ Gefragt wird nach dem Abmelden; es gibt nichts zu beantworten" }
    public func answerTooLate() -> String { "✗ Die Zeit, für diese Sitzung zu antworten, ist vorbei" }
    public func notAsked(question: String) -> String { "• \(question) wird nach dieser Abmeldung nicht gefragt (beantwortet oder nicht fällig)" }
    public func answered(choice: String) -> String { "✓ Danke — \(choice)" }
    public func notABadge(_ reason: String) -> String { "✗ Kein Ausweis: \(reason)" }
    public func cannotRecord() -> String { "✗ Speichern nicht möglich — bitte bei der Leitung melden" }
}
