import Foundation

extension GermanPhrases {
    public func text(_ text: ScreenText) -> String {
        switch text {
        case .welcome: "WILLKOMMEN"
        case .late: "VERSPÄTET"
        case .thankYou: "DANKE"
        case .goodbye: "TSCHÜSS"
        case .alreadyOut: "SCHON WEG"
        case .unknown: "UNBEKANNT"
        case .notABadge: "KEIN AUSWEIS"
        case .noSession: "KEIN TERMIN"
        case .cancelled: "ABGESAGT"
        case .inactive: "INAKTIV"
        case .notOpen: "NICHT OFFEN"
        case .error: "FEHLER"
        case .done: "ERLEDIGT"
        case .sorry: "LEIDER NEIN"
        case .chooseBanner: "WÄHLEN"
        case .checkOutBanner: "AUSCHECKEN?"
        case .oneMoreBanner: "NOCH EINE"
        case .pinBanner: "PIN"
        case .tapBadgeBanner: "AUSWEIS"
        case .tapBadgeLine: "▶ Ausweis auflegen zum Ein- oder Auschecken ◀"
        case .noSessionOpen: "Gerade ist kein Termin offen"
        case .clockSynchronised: "Uhr ✓ synchronisiert"
        case .clockNotSynchronised: "Uhr ✗ NICHT synchronisiert"
        case .resultKeys: "Jede Taste führt zum Start; er erscheint auch von selbst wieder."
        case .resultKeysFacilitator: "[1] Leitungsmenü · andere Tasten: Start"
        case .facilitatorResultKeys: "Jede Taste führt zurück zum Leitungsmenü."
        case .chooseKeys: "[1] hoch   [2] runter   [3] hier einchecken   [4] abbrechen"
        case .offerLeaving: "Du gehst? Drück [3] zum Auschecken."
        case .offerKeys: "[3] auschecken   [4] eingecheckt bleiben"
        case .offerFacilitatorKey: "   [1] Leitungsmenü"
        case .ratingKeys: "Keine Bewertung? Der Bildschirm schließt sich von selbst."
        case .questionKeysSkip: "[4] überspringen · keine Antwort? Der Bildschirm schließt sich in ein paar Sekunden."
        case .questionKeys: "Keine Antwort? Der Bildschirm schließt sich in ein paar Sekunden."
        case .pressOneButton: "Drück eine Taste:"
        case .you: "Du"
        case .yourSession: "deinem Termin"
        case .facilitator: "LEITUNG"
        case .pinKeys: "Vier Tastendrücke. Schließt sich von selbst, wenn niemand drückt."
        case .menuKeys: "[1] hoch   [2] runter   [3] wählen   [4] verlassen"
        case .tallyTitle: "Anwesenheit"
        case .noSessionOpenNow: "Gerade ist kein Termin offen."
        case .backKey: "[4] zurück"
        case .tallyKeys: "[1] [2] anderer Termin   [3] aktualisieren   [4] zurück"
        case .missing: "fehlt"
        case .excused: "entschuldigt"
        case .atRisk: "Gefährdet:"
        case .pairsNeedingAttention: "Paare, die Aufmerksamkeit brauchen:"
        case .statusTitle: "Kioskstatus"
        case .statusKeys: "Jede Taste führt zurück zum Menü"
        case .pickCheckIn: "Jemanden einchecken"
        case .pickCheckInEmpty: "Alle Erwarteten sind da."
        case .pickCheckInVerb: "einchecken"
        case .pickUndo: "Einchecken rückgängig machen"
        case .pickUndoEmpty: "Niemand ist eingecheckt."
        case .pickUndoVerb: "rückgängig machen"
        case .pickExcuse: "Jemanden entschuldigen"
        case .pickExcuseEmpty: "Von den Erwarteten fehlt niemand."
        case .pickExcuseVerb: "entschuldigen"
        case .pickBadge: "Wessen Ausweis ist das?"
        case .pickBadgeEmpty: "Die Teilnehmerliste ist leer."
        case .pickBadgeVerb: "Ausweis zuordnen"
        case .pickClose: "Einen Termin jetzt schließen"
        case .pickCloseEmpty: "Kein Termin ist offen."
        case .pickCloseVerb: "schließen"
        case .pickCancel: "Einen Termin absagen"
        case .pickCancelEmpty: "Hier steht kein Termin mehr bevor."
        case .pickCancelVerb: "absagen"
        case .enlargeTerminal: "Terminal auf mindestens 80×24 vergrößern"
        }
    }

    public func action(_ action: FacilitatorAction) -> String {
        switch action {
        case .tally: "Anwesenheit der offenen Termine"
        case .checkIn: "Jemanden einchecken (Ausweis vergessen)"
        case .excuse: "Jemanden entschuldigen (abgemeldet)"
        case .undo: "Einchecken rückgängig machen"
        case .linkBadge: "Letzten unbekannten Ausweis zuordnen"
        case .adHoc: "Spontanen Termin öffnen (1 Stunde)"
        case .closeSession: "Einen Termin jetzt schließen"
        case .cancelSession: "Einen künftigen Termin absagen"
        case .status: "Kioskstatus"
        case .leave: "Leitungsmodus verlassen"
        }
    }

    public func status(_ status: AttendanceStatus) -> String {
        switch status {
        case .onTime: "pünktlich"
        case .late: "verspätet"
        case .manual: "manuell"
        }
    }

    public func enterPIN(name: String) -> String { "\(name), gib deine PIN mit den Tasten 1–4 ein" }
    public func openNow(title: String, times: String, present: Int, expected: Int?) -> String {
        "● Jetzt: \(title)  \(times)  \(expected.map { "\(present)/\($0)" } ?? "\(present)") da"
    }
    public func nextSession(title: String, at: String) -> String { "Als Nächstes: \(title) um \(at)" }
    public func whichSession(name: String) -> String { "? \(name), mehrere Termine sind offen. Zu welchem kommst du?" }
    public func youCheckedIn(name: String, title: String, at: String?) -> String {
        "• \(name), du hast dich\(at.map { " um \($0)" } ?? "") bei \(title) eingecheckt."
    }
    public func oneMoreQuestion(name: String) -> String { "\(name), noch eine Frage, nur für das Programmbüro:" }
    public func yourGoal(_ goal: String) -> String { "Dein Ziel: \(goal)" }
    public func tallyPosition(_ position: Int, of count: Int) -> String { "(\(position) von \(count))" }
    public func tallyCounts(_ counts: TallyCounts) -> String {
        "Anwesend \(counts.present) von \(counts.expected) erwarteten"
            + (counts.guests > 0 ? " + \(counts.guests) \(counts.guests == 1 ? "Gast" : "Gäste")" : "")
            + (counts.excused > 0 ? ", \(counts.excused) entschuldigt" : "")
            + " · \(counts.late) verspätet · \(counts.checkedOut) ausgecheckt"
    }
    public func arrivals(from: String) -> String { "Ankünfte ab \(from), in 5-Minuten-Schritten:" }
    public func pickKeys(verb: String) -> String { "[1] hoch   [2] runter   [3] \(verb)   [4] zurück" }
    public func wrongPIN(triesLeft: Int) -> String {
        "✗ Falsche PIN — noch \(triesLeft) \(triesLeft == 1 ? "Versuch" : "Versuche")"
    }
    public func pinLocked() -> String { "✗ Zu viele falsche PINs — der Leitungsmodus ist für ein paar Minuten gesperrt" }
    public func noFacilitatorPIN(name: String) -> String { "✗ \(name) hat auf diesem Kiosk keine Leitungs-PIN" }
    public func noUnknownBadge() -> String { "✗ Kein unbekannter Ausweis zum Zuordnen: erst auflegen, dann dieses Menü wieder öffnen" }
    public func idleStatus(_ status: IdleStatus) -> String {
        guard let events = status.eventsStored else { return "Datenbank nicht verfügbar — Einchecken kann nicht gespeichert werden" }
        let export = switch status.export {
        case .offline: "kein Server: arbeitet offline"
        case .allAtHub: "alles beim Server"
        case .waiting(let count): "\(count) warten auf den Server"
        }
        let refused = status.refused > 0 ? ", ✗ \(status.refused) vom Server abgelehnt" : ""
        let speech = status.speechWorks.map { $0 ? " │ Sprache an" : " │ Sprache ✗ siehe Status" } ?? ""
        return "\(events) \(events == 1 ? "Ereignis gespeichert" : "Ereignisse gespeichert") │ \(export)\(refused)\(speech)"
    }

    public func done(_ done: FacilitatorDone, when: String) -> String {
        switch done {
        case .checkedIn(let person, let session): "\(person.name) ist bei \(session.title) eingecheckt"
        case .badgeLinked(let person): "Dieser Ausweis gehört jetzt \(person.name)"
        case .opened(let session): "\(session.title) ist bis \(when) offen"
        case .closed(let session, let checkedOut): "\(session.title) ist geschlossen; \(checkedOut) ausgecheckt"
        case .excused(let person, let session): "\(person.name) ist für \(session.title) entschuldigt"
        case .cancelled(let session): "\(session.title) am \(when) ist abgesagt"
        case .undone(let person, let session): "Das Einchecken von \(person.name) bei \(session.title) wurde rückgängig gemacht"
        }
    }
}
