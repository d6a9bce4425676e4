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
