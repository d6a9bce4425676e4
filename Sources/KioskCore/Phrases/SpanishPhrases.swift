import Foundation

/// The kiosk's words in Spanish: the participant is addressed as "tú", as in a program's lobby.
public struct SpanishPhrases: KioskPhrasebook {
    public init() {}
    public var language: KioskLanguage { .spanish }

    public func day(weekday: Int, day: Int, month: Int) -> String {
        let weekdays = ["dom", "lun", "mar", "mié", "jue", "vie", "sáb"]
        let months = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"]
        return "\(weekdays[weekday - 1]) \(day) \(months[month - 1])"
    }

    public func duration(hours: Int, minutes: Int) -> String { hours > 0 ? "\(hours) h \(minutes) min" : "\(minutes) min" }

    public func unknownBadge() -> String { "✗ Tarjeta desconocida — habla con la persona facilitadora" }
    public func inactive(name: String) -> String { "✗ \(name) no está activo en el programa — habla con la persona facilitadora" }
    public func duplicateScan(name: String) -> String { "• \(name), tu tarjeta se leyó hace un momento" }
    func next(_ next: (title: String, at: String)?) -> String { next.map { " — siguiente: \($0.title) a las \($0.at)" } ?? "" }
    public func noSessionNow(next: (title: String, at: String)?) -> String { "✗ Ahora no hay ninguna sesión" + self.next(next) }
    public func sessionCancelled(title: String, next: (title: String, at: String)?) -> String { "✗ \(title) de hoy se ha cancelado" + self.next(next) }
    public func chooseSession(name: String, choices: [String]) -> String {
        "? \(name), hay varias sesiones abiertas — elige una: \(choices.joined(separator: ", "))"
    }
    public func checkedIn(name: String, title: String, lateSince: String?) -> String {
        "✓ Hola, \(name) — entrada registrada en \(title) (\(lateSince.map { "con retraso, empezó a las \($0)" } ?? "a tiempo"))"
    }
    public func alreadyCheckedIn(name: String, title: String, at: String) -> String {
        "• \(name), ya registraste tu entrada en \(title) a las \(at) — pasa la tarjeta otra vez para salir"
    }
    public func alreadyCheckedOut(name: String, title: String, at: String) -> String { "• \(name), registraste tu salida de \(title) a las \(at)" }
    public func sessionNotOpen(name: String, sessionID: String) -> String { "✗ La sesión \(sessionID) no está abierta para \(name) ahora" }
    public func firstSession() -> String { "★ Tu primera sesión — ¡te damos la bienvenida al programa!" }
    public func milestone(count: Int) -> String { "★ Esta es tu sesión n.º \(count) — ¡bien hecho!" }
    public func notCheckedIn(name: String) -> String { "✗ \(name), no tienes entrada registrada en ninguna sesión" }
    public func checkedOut(name: String, title: String, after duration: String) -> String {
        "✓ Hasta pronto, \(name) — salida registrada de \(title) tras \(duration)"
    }
    public func notARating(_ value: Int, scale: ClosedRange<Int>) -> String {
        "✗ \(value) no es una valoración; valora del \(scale.lowerBound) al \(scale.upperBound)"
    }
    public func nothingToRate() -> String { "✗ Se valora después de registrar la salida; no hay nada que valorar" }
    public func alreadyRated() -> String { "• Esta sesión ya está valorada — gracias" }
    public func ratingTooLate() -> String { "✗ Ya pasó el plazo para valorar esa sesión" }
    public func rated(_ value: Int, of maximum: Int, anonymous: Bool) -> String {
        "✓ Gracias por tu valoración: \(value) de \(maximum)\(anonymous ? " (anónima)" : "")"
    }
    public func question(_ question: CheckOutQuestion) -> (question: String, choices: [String]) {
        switch question {
        case .rating: ("¿Qué tal la sesión?", ["mal", "regular", "bien", "genial"])
        case .pairFit: ("¿Encajáis bien como pareja de mentoría?", ["encajamos", "aún no sé", "no encajamos", "omitir"])
        case .goalProgress: ("¿Has avanzado en tu objetivo desde la última vez?", ["nada", "un poco", "bastante", "mucho"])
        case .mentorHelpful: ("¿Cuánto te ha ayudado tu mentor hoy?", ["poco", "algo", "bastante", "mucho"])
        case .menteeEngaged: ("¿Cuánto se ha implicado tu mentee hoy?", ["poco", "algo", "bastante", "mucho"])
        }
    }
    public func notAnAnswer(_ value: Int, question: String, answers: ClosedRange<Int>) -> String {
        "✗ \(value) no es una respuesta a \(question); responde del \(answers.lowerBound) al \(answers.upperBound)"
    }
    public func nothingToAnswer() -> String { "✗ Las preguntas van después de registrar la salida; no hay nada que responder" }
    public func answerTooLate() -> String { "✗ Ya pasó el plazo para responder sobre esa sesión" }
    public func notAsked(question: String) -> String { "• \(question) no se pregunta tras esta salida (ya respondida o aún no toca)" }
    public func answered(choice: String) -> String { "✓ Gracias — \(choice)" }
    public func notABadge(_ reason: String) -> String { "✗ No es una tarjeta: \(reason)" }
    public func cannotRecord() -> String { "✗ No se puede registrar — habla con la persona facilitadora" }
}
