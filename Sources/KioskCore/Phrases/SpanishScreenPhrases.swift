import Foundation

extension SpanishPhrases {
    public func text(_ text: ScreenText) -> String {
        switch text {
        case .welcome: "¡HOLA!"
        case .late: "TARDE"
        case .thankYou: "GRACIAS"
        case .goodbye: "¡ADIÓS!"
        case .alreadyOut: "YA SALISTE"
        case .unknown: "DESCONOCIDA"
        case .notABadge: "NO VÁLIDA"
        case .noSession: "SIN SESIÓN"
        case .cancelled: "CANCELADA"
        case .inactive: "INACTIVO"
        case .notOpen: "NO DISPONIBLE"
        case .error: "ERROR"
        case .done: "HECHO"
        case .sorry: "LO SIENTO"
        case .chooseBanner: "ELIGE"
        case .checkOutBanner: "¿SALIR?"
        case .oneMoreBanner: "UNA MÁS"
        case .pinBanner: "PIN"
        case .tapBadgeBanner: "TARJETA"
        case .tapBadgeLine: "▶ Pasa tu tarjeta para entrar o salir ◀"
        case .noSessionOpen: "Ahora no hay ninguna sesión abierta"
        case .clockSynchronised: "reloj ✓ sincronizado"
        case .clockNotSynchronised: "reloj ✗ NO sincronizado"
        case .resultKeys: "Pulsa cualquier botón para volver al inicio; también vuelve solo."
        case .resultKeysFacilitator: "[1] menú de facilitación · otros botones: inicio"
        case .facilitatorResultKeys: "Cualquier botón vuelve al menú de facilitación."
        case .chooseKeys: "[1] arriba   [2] abajo   [3] entrar aquí   [4] cancelar"
        case .offerLeaving: "¿Te vas? Pulsa [3] para salir."
        case .offerKeys: "[3] salir   [4] seguir dentro"
        case .offerFacilitatorKey: "   [1] menú de facilitación"
        case .ratingKeys: "¿Sin valoración? La pantalla se cierra sola."
        case .questionKeysSkip: "[4] omitir · ¿sin respuesta? La pantalla se cierra sola en unos segundos."
        case .questionKeys: "¿Sin respuesta? La pantalla se cierra sola en unos segundos."
        case .pressOneButton: "Pulsa un botón:"
        case .you: "Tú"
        case .yourSession: "tu sesión"
        case .facilitator: "FACILITACIÓN"
        case .pinKeys: "Cuatro pulsaciones. Se cierra sola si nadie pulsa."
        case .menuKeys: "[1] arriba   [2] abajo   [3] elegir   [4] salir"
        case .tallyTitle: "Recuento"
        case .noSessionOpenNow: "Ahora no hay ninguna sesión abierta."
        case .backKey: "[4] volver"
        case .tallyKeys: "[1] [2] otra sesión   [3] actualizar   [4] volver"
        case .missing: "falta"
        case .excused: "con excusa"
        case .atRisk: "En riesgo:"
        case .pairsNeedingAttention: "Parejas que necesitan atención:"
        case .statusTitle: "Estado del quiosco"
        case .statusKeys: "Cualquier botón vuelve al menú"
        case .pickCheckIn: "Registrar la entrada de alguien"
        case .pickCheckInEmpty: "Están todas las personas esperadas."
        case .pickCheckInVerb: "registrar"
        case .pickUndo: "Deshacer una entrada"
        case .pickUndoEmpty: "Nadie ha registrado su entrada."
        case .pickUndoVerb: "deshacer"
        case .pickExcuse: "Excusar a alguien que falta"
        case .pickExcuseEmpty: "No falta nadie de los esperados."
        case .pickExcuseVerb: "excusar"
        case .pickBadge: "¿De quién es la tarjeta?"
        case .pickBadgeEmpty: "La lista está vacía."
        case .pickBadgeVerb: "asignar la tarjeta"
        case .pickClose: "Cerrar una sesión ahora"
        case .pickCloseEmpty: "No hay ninguna sesión abierta."
        case .pickCloseVerb: "cerrarla"
        case .pickCancel: "Cancelar una sesión"
        case .pickCancelEmpty: "Aquí no queda ninguna sesión por empezar."
        case .pickCancelVerb: "cancelarla"
        case .enlargeTerminal: "Amplía la terminal a 80×24 como mínimo"
        }
    }

    public func action(_ action: FacilitatorAction) -> String {
        switch action {
        case .tally: "Recuento de las sesiones abiertas"
        case .checkIn: "Registrar a alguien (olvidó la tarjeta)"
        case .excuse: "Excusar a alguien que falta (avisó)"
        case .undo: "Deshacer una entrada"
        case .linkBadge: "Asignar la última tarjeta desconocida"
        case .adHoc: "Abrir una sesión improvisada (1 hora)"
        case .closeSession: "Cerrar una sesión ahora"
        case .cancelSession: "Cancelar una sesión que no ha empezado"
        case .status: "Estado del quiosco"
        case .leave: "Salir del modo de facilitación"
        }
    }

    public func status(_ status: AttendanceStatus) -> String {
        switch status {
        case .onTime: "a tiempo"
        case .late: "tarde"
        case .manual: "manual"
        }
    }

    public func enterPIN(name: String) -> String { "\(name), introduce tu PIN con los botones 1–4" }
    public func openNow(title: String, times: String, present: Int, expected: Int?) -> String {
        "● Ahora: \(title)  \(times)  \(expected.map { "\(present)/\($0)" } ?? "\(present)") aquí"
    }
    public func nextSession(title: String, at: String) -> String { "Siguiente: \(title) a las \(at)" }
    public func whichSession(name: String) -> String { "? \(name), hay varias sesiones abiertas. ¿A cuál vienes?" }
    public func youCheckedIn(name: String, title: String, at: String?) -> String {
        "• \(name), registraste tu entrada en \(title)\(at.map { " a las \($0)" } ?? "")."
    }
    public func oneMoreQuestion(name: String) -> String { "\(name), una pregunta más, solo para la oficina del programa:" }
    public func yourGoal(_ goal: String) -> String { "Tu objetivo: \(goal)" }
    public func tallyPosition(_ position: Int, of count: Int) -> String { "(\(position) de \(count))" }
    public func tallyCounts(_ counts: TallyCounts) -> String {
        "Presentes \(counts.present) de \(counts.expected) \(counts.expected == 1 ? "persona esperada" : "personas esperadas")"
            + (counts.guests > 0 ? " + \(counts.guests) \(counts.guests == 1 ? "persona invitada" : "personas invitadas")" : "")
            + (counts.excused > 0 ? ", \(counts.excused) con excusa" : "")
            + " · \(counts.late) con retraso · \(counts.checkedOut) \(counts.checkedOut == 1 ? "ha salido" : "han salido")"
    }
    public func arrivals(from: String) -> String { "Llegadas desde las \(from), cada 5 min:" }
    public func pickKeys(verb: String) -> String { "[1] arriba   [2] abajo   [3] \(verb)   [4] volver" }
    public func wrongPIN(triesLeft: Int) -> String {
        "✗ PIN incorrecto — \(triesLeft == 1 ? "queda 1 intento" : "quedan \(triesLeft) intentos")"
    }
    public func pinLocked() -> String { "✗ Demasiados PIN incorrectos — el modo de facilitación queda bloqueado unos minutos" }
    public func noFacilitatorPIN(name: String) -> String { "✗ \(name) no tiene PIN de facilitación en este quiosco" }
    public func noUnknownBadge() -> String { "✗ No hay ninguna tarjeta desconocida: pásala primero y vuelve a abrir este menú" }
    public func idleStatus(_ status: IdleStatus) -> String {
        guard let events = status.eventsStored else { return "base de datos no disponible — no se pueden registrar entradas" }
        let export = switch status.export {
        case .offline: "sin servidor: funciona sin conexión"
        case .allAtHub: "todo enviado al servidor"
        case .waiting(let count): "\(count) por enviar al servidor"
        }
        let refused = status.refused > 0 ? ", ✗ \(status.refused) rechazados por el servidor" : ""
        let speech = status.speechWorks.map { $0 ? " │ voz activada" : " │ voz ✗ ver estado" } ?? ""
        return "\(events) \(events == 1 ? "evento guardado" : "eventos guardados") │ \(export)\(refused)\(speech)"
    }

    public func done(_ done: FacilitatorDone, when: String) -> String {
        switch done {
        case .checkedIn(let person, let session): "Entrada de \(person.name) registrada en \(session.title)"
        case .badgeLinked(let person): "Esta tarjeta es ahora de \(person.name)"
        case .opened(let session): "\(session.title) está abierta hasta las \(when)"
        case .closed(let session, let checkedOut): "\(session.title) está cerrada; \(checkedOut) \(checkedOut == 1 ? "salida registrada" : "salidas registradas")"
        case .excused(let person, let session): "\(person.name) tiene excusa para \(session.title)"
        case .cancelled(let session): "\(session.title) del \(when) queda cancelada"
        case .undone(let person, let session): "Se ha deshecho la entrada de \(person.name) en \(session.title)"
        }
    }
}
