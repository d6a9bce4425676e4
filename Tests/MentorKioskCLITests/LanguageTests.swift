import Foundation
import Testing

/// The kiosk's languages through the real binaries: `[kiosk] language` for everyone, a
/// participant's own (participants.csv's `language`) after their scan, at a kiosk alone and
/// through a hub's directory on each back-end.
@Suite("Languages (real processes)", .serialized)
struct LanguageTests {
    @Test("a German kiosk greets a Spanish-speaking participant in Spanish and everyone else in German; bad values name their place")
    func kioskLanguages() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.loadSample()
        let config = cli.directory + "/kiosk.toml"
        try Data("[kiosk]\nlocation = \"Main Lobby\"\nlanguage = \"de\"\n".utf8).write(to: URL(fileURLWithPath: config))
        let roster = cli.directory + "/languages.csv"
        try Data("id,name,role,badges,active,language\nE004,Lena Novak,mentee,200004,true,es\n".utf8).write(to: URL(fileURLWithPath: roster))
        #expect(try cli.run(["import", "participants", roster, "--config", config]).status == 0)

        let lena = try cli.run(["checkin", "200004", "--now", "2026-03-02T15:01:00Z", "--config", config])
        #expect(lena.stdout == "✓ Hola, Lena Novak — entrada registrada en Peer Circle A (a tiempo)\n★ Tu primera sesión — ¡te damos la bienvenida al programa!\n", "\(lena.stdout)\(lena.stderr)")
        let omar = try cli.run(["checkin", "200005", "--now", "2026-03-02T15:09:00Z", "--config", config])
        #expect(omar.stdout.hasPrefix("✓ Willkommen, Omar Haddad — angemeldet bei Peer Circle A (verspätet, Beginn 14:58)"), "\(omar.stdout)")
        let leaving = try cli.run(["checkout", "200004", "--rating", "4", "--now", "2026-03-02T15:40:00Z", "--config", config])
        #expect(leaving.stdout.contains("✓ Hasta pronto, Lena Novak — salida registrada de Peer Circle A tras 39 min") && leaving.stdout.contains("Gracias por tu valoración: 4 de 4"),
                "\(leaving.stdout)")
        #expect(try cli.run(["checkin", "999999", "--now", "2026-03-02T15:41:00Z", "--config", config]).stdout.hasPrefix("✗ Unbekannter Ausweis"))
        #expect(try cli.run(["config", "check", "--config", config]).stdout.contains("kiosk.language = de\n"))

        try Data("id,name,role,badges,active,language\nE004,Lena Novak,mentee,200004,true,klingon\n".utf8).write(to: URL(fileURLWithPath: roster))
        let refused = try cli.run(["import", "participants", roster, "--config", config])
        #expect(refused.status != 0 && refused.stderr.contains("languages.csv:2: column language: \"klingon\" is not a kiosk language; use one of en, es, de"), "\(refused.stderr)")
        try Data("[kiosk]\nlanguage = \"fr\"\n".utf8).write(to: URL(fileURLWithPath: config))
        let badConfig = try cli.run(["config", "check", "--config", config])
        #expect(badConfig.status != 0 && badConfig.stderr.contains("kiosk.language: expected one of \"en\", \"es\", \"de\", found \"fr\""), "\(badConfig.stderr)")
    }

    @Test("a participant's language set at the hub reaches the kiosk with the directory", arguments: HubDatabase.available)
    func throughTheHub(_ database: HubDatabase) throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let hub = try HubProcess(directory: cli.directory, database: database)
        let roster = cli.directory + "/languages.csv"
        try Data("id,name,role,badges,active,language\nE004,Lena Novak,mentee,200004,true,de\n".utf8).write(to: URL(fileURLWithPath: roster))
        #expect(try hub.admin(["import", "participants", roster]).status == 0)
        try cli.run(["init"])
        #expect(try cli.run(["enroll", hub.url, try hub.addKiosk("kiosk-1")]).status == 0)
        let lena = try cli.run(["checkin", "200004", "--now", HubProcess.nowText])
        #expect(lena.stdout.hasPrefix("✓ Willkommen, Lena Novak — angemeldet bei Peer Circle A"), "\(lena.stdout)\(lena.stderr)")
        #expect(try cli.run(["checkin", "200005", "--now", HubProcess.nowText]).stdout.hasPrefix("✓ Welcome, Omar Haddad"), "the kiosk's own: English")
    }
}

/// The hidden-style walk on the real kiosk screen (tmux) in each language: check-in, check-out,
/// rating, unknown badge, facilitator PIN and menu, and the status page saying why a kiosk with
/// speech on and no sound card is silent.
@Suite("The kiosk on screen in each language (tmux)")
struct LanguageWalkTests {
    /// What the screen says at each step, as each language writes it.
    struct Words: Sendable, CustomStringConvertible {
        var language: String
        var idle: String
        var welcome: String
        var offer: String
        var ratingPrompt: String
        var thanks: String
        var unknown: String
        var pin: String
        var menu: String
        var status: String
        var description: String { language }
    }

    static let walks = [
        Words(
            language: "en", idle: "Next: CV Workshop at 18:00", welcome: "✓ Welcome, Lena Novak — checked in to Peer Circle A (on time)",
            offer: "• Lena Novak, you checked in to Peer Circle A at 15:00.", ratingPrompt: "How was the session? Press one button:",
            thanks: "✓ Thank you for rating 4 of 4", unknown: "✗ Unknown badge — please see the facilitator",
            pin: "Fatima Okafor, enter your PIN with the buttons 1–4", menu: "FACILITATOR · Fatima Okafor", status: "FACILITATOR · Kiosk status"),
        Words(
            language: "es", idle: "Siguiente: CV Workshop a las 18:00", welcome: "✓ Hola, Lena Novak — entrada registrada en Peer Circle A (a tiempo)",
            offer: "• Lena Novak, registraste tu entrada en Peer Circle A a las 15:00.", ratingPrompt: "¿Qué tal la sesión? Pulsa un botón:",
            thanks: "✓ Gracias por tu valoración: 4 de 4", unknown: "✗ Tarjeta desconocida — habla con la persona facilitadora",
            pin: "Fatima Okafor, introduce tu PIN con los botones 1–4", menu: "FACILITACIÓN · Fatima Okafor", status: "FACILITACIÓN · Estado del quiosco"),
        Words(
            language: "de", idle: "Als Nächstes: CV Workshop um 18:00", welcome: "✓ Willkommen, Lena Novak — angemeldet bei Peer Circle A (pünktlich)",
            offer: "• Lena Novak, du hast dich um 15:00 bei Peer Circle A eingecheckt.", ratingPrompt: "Wie war die Sitzung? Drück eine Taste:",
            thanks: "✓ Danke für deine Bewertung: 4 von 4", unknown: "✗ Unbekannter Ausweis — bitte bei der Leitung melden",
            pin: "Fatima Okafor, gib deine PIN mit den Tasten 1–4 ein", menu: "LEITUNG · Fatima Okafor", status: "LEITUNG · Kioskstatus"),
    ]

    @Test("check-in, check-out, rating, unknown badge, facilitator PIN and status, in the kiosk's language", arguments: walks)
    func walk(_ words: Words) throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let config = cli.directory + "/kiosk.toml"
        try Data("""
            [kiosk]
            language = "\(words.language)"
            [check_in]
            duplicate_window_seconds = 1
            [speech]
            mode = "outcomes"
            device = "hw:CARD=NoSuchCard"
            """.utf8).write(to: URL(fileURLWithPath: config))
        let kiosk = try TmuxKiosk(
            ["demo", "--now", "2026-03-02T15:00:00Z", "--config", config, "--directory", cli.directory + "/demo"], directory: cli.directory)
        try kiosk.waitFor(words.idle)
        try kiosk.scan("200004")
        try kiosk.waitFor(words.welcome)
        usleep(1_200_000)
        try kiosk.scan("200004")
        try kiosk.waitFor(words.offer)
        try kiosk.send("3")
        try kiosk.waitFor(words.ratingPrompt)
        try kiosk.send("4")
        try kiosk.waitFor(words.thanks)
        try kiosk.send("4")
        try kiosk.waitFor(words.idle)
        try kiosk.scan("999999")
        try kiosk.waitFor(words.unknown)
        try kiosk.send("4")
        try kiosk.waitFor(words.idle)
        try kiosk.scan("700001")
        try kiosk.waitFor("Fatima Okafor")
        try kiosk.press(3, 1)
        try kiosk.waitFor(words.pin)
        try kiosk.press(1, 2, 3, 4)
        try kiosk.waitFor(words.menu)
        try kiosk.press(2, 2, 2, 2, 2, 2, 2, 2, 3)
        let status = try kiosk.waitFor(words.status)
        // No sound card here: the kiosk kept working, and its status page says why it is silent.
        let speech = try kiosk.waitFor("Speech         ✗ ALSA device \"hw:CARD=NoSuchCard\"")
        #expect(speech.contains("aplay"), "\(status)")
    }

    @Test("on an English kiosk, Tomás (Spanish in participants.csv) is answered in Spanish, and the next person in English")
    func participantInSpanish() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let config = cli.directory + "/kiosk.toml"
        try Data("[check_in]\nduplicate_window_seconds = 1\n".utf8).write(to: URL(fileURLWithPath: config))
        let kiosk = try TmuxKiosk(
            ["demo", "--now", "2026-03-02T15:00:00Z", "--config", config, "--directory", cli.directory + "/demo"], directory: cli.directory)
        try kiosk.waitFor("Next: CV Workshop at 18:00")
        // The demo's v turns speech on; this machine's default sound device may or may not work.
        try kiosk.send("v")
        try kiosk.waitFor("│ speech ")
        try kiosk.scan("100004")
        let screen = try kiosk.waitFor("Tomás Silva")
        #expect(screen.contains("Cualquier botón") || screen.contains("Pulsa") || screen.contains("¿"), "\(screen)")
        try kiosk.send("4")
        try kiosk.waitFor("Next: CV Workshop at 18:00")
        try kiosk.scan("200004")
        try kiosk.waitFor("✓ Welcome, Lena Novak")
    }
}
