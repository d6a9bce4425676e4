import AsyncHTTPClient
import Foundation
import HubProtocol
import KioskStore
import KioskSync
import NIOCore
import Testing

extension HubSyncTests {
    @Test("a kiosk whose database died mid-term is replaced: nothing lost, duplicated or refused, its tally back, the hub's report unchanged",
          arguments: HubDatabase.available)
    func deadKioskReplaced(_ database: HubDatabase) throws {
        let (hub, cli, _) = try hubAndKiosk(database)
        defer { withExtendedLifetime(hub) { cli.remove() } }
        let at = { (minutes: Double) in HubProcess.now.addingTimeInterval(minutes * 60).formatted(.iso8601) }
        for badge in ["200004", "200001", "200005"] { #expect(try cli.run(["checkin", badge, "--now", at(0)]).status == 0) }
        // The pair meeting of 200001 and 200004 ends 25 minutes after now: 200001 leaves early.
        #expect(try cli.run(["checkout", "200001", "--now", at(10)]).status == 0)
        #expect(try cli.run(["sync"]).stdout.contains("hub has events through 4"))
        let period = ["--from", at(-12 * 60), "--to", at(24 * 60), "--now", at(15), "--format", "json"]
        let hubBefore = try hub.admin(["report"] + period), kioskBefore = try cli.run(["report"] + period)
        #expect(hubBefore.status == 0 && kioskBefore.status == 0, "\(hubBefore.stderr)\(kioskBefore.stderr)")

        // The SD card dies: a new one holds a new kiosk database, and nothing else (the hub's state
        // is in the same test folder).
        for file in try FileManager.default.contentsOfDirectory(atPath: cli.directory) where file != "hub" {
            try FileManager.default.removeItem(atPath: cli.directory + "/" + file)
        }
        #expect(try cli.run(["init"]).status == 0)
        let rotated = try hub.admin(["kiosk", "rotate", "kiosk-1"])
        let code = String(try #require(rotated.stdout.firstMatch(of: /[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/)?.0, "\(rotated.stdout)\(rotated.stderr)"))
        let plain = try cli.run(["enroll", hub.url, code])
        #expect(plain.status != 0 && plain.stderr.contains("through number 4") && plain.stderr.contains("--replace"), "\(plain.stdout)\(plain.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.directory + "/hub.json"), "refused: not enrolled")

        let replaced = try cli.run(["enroll", hub.url, code, "--replace"])
        #expect(replaced.status == 0, "the refused enrollment left the code usable: \(replaced.stdout)\(replaced.stderr)")
        #expect(replaced.stdout.contains("took back 4 events") && replaced.stdout.contains("numbered after 4"), "\(replaced.stdout)")
        let store = try KioskStore(path: cli.database, kioskID: "kiosk-1")
        #expect(try store.projectionMismatches().isEmpty, "the attendance table is what the events say")
        #expect(try cli.run(["report"] + period).stdout == kioskBefore.stdout, "the kiosk's own report is back")
        #expect(try hub.admin(["report"] + period).stdout == hubBefore.stdout, "the hub's report is unchanged")

        // Today's tally works at once: a second badge-in is a duplicate, 200001 is out already, 200004 can leave.
        let again = try cli.run(["checkin", "200004", "--now", at(12)])
        #expect(again.status != 0 && (again.stdout + again.stderr).contains("already checked in"), "\(again.stdout)\(again.stderr)")
        #expect(try cli.run(["checkout", "200001", "--now", at(12)]).status != 0, "200001 left before the database died")
        #expect(try cli.run(["checkout", "200004", "--now", at(13)]).status == 0)
        let sent = try cli.run(["sync"])
        #expect(sent.stdout.contains("sync: 1 stored, 0 already there, 0 rejected; hub has events through 5"), "\(sent.stdout)\(sent.stderr)")
        #expect(!(try hub.admin(["rejected", "list"]).stdout.contains("seq")), "nothing kept apart as a reused number")
        let exported = try hub.admin(["export"]).stdout.split(separator: "\n")
        let ids = exported.compactMap { $0.firstMatch(of: /"id":"([0-9a-f-]{36})"/)?.1 }.map(String.init)
        #expect(exported.count == 5 && Set(ids).count == 5, "four events before, one after, each once: \(exported)")
    }
}

extension HubSyncTests {
    @Test("GET /v1/events gives a kiosk its own recent events, page by page, refuses bad requests, and paces a token that reads on")
    func kioskHistoryEndpoint() async throws {
        let (hub, cli, enrollment) = try hubAndKiosk()
        defer { withExtendedLifetime(hub) { cli.remove() } }
        let other = try CLIHarness()
        defer { other.remove() }
        let otherEnrollment = try enrolledKiosk(hub, id: "kiosk-2", in: other)
        for badge in ["200004", "200001"] { #expect(try cli.run(["checkin", badge, "--now", HubProcess.nowText]).status == 0) }
        #expect(try other.run(["checkin", "200005", "--now", HubProcess.nowText]).status == 0)
        #expect(try cli.run(["sync"]).status == 0 && other.run(["sync"]).status == 0)
        func get(_ query: String, token: String?) async throws -> (Int, String) {
            var request = HTTPClientRequest(url: hub.url + "/v1/events" + query)
            if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
        }
        let (status, own) = try await get("", token: enrollment.token)
        let history = try HubJSON.decoder().decode(KioskHistory.self, from: Data(own.utf8))
        #expect(status == 200 && history.events.map(\.seq) == [1, 2] && history.acknowledgedThrough == 2, "\(own)")
        let (_, page) = try await get("?after=1&limit=1", token: enrollment.token)
        #expect(try HubJSON.decoder().decode(KioskHistory.self, from: Data(page.utf8)).events.map(\.seq) == [2], "\(page)")
        let (_, theirs) = try await get("", token: otherEnrollment.token)
        let otherHistory = try HubJSON.decoder().decode(KioskHistory.self, from: Data(theirs.utf8))
        #expect(otherHistory.events.map(\.participantID) == ["E005"], "only the asking kiosk's own events: \(theirs)")
        for (query, token, expected, message) in [
            ("", nil, 401, "device token is needed"), ("", "mkt_forged", 401, "unknown or revoked"),
            ("?after=-1", enrollment.token, 400, "after must be"), ("?limit=0", enrollment.token, 400, "limit must be"),
            ("?limit=2001", enrollment.token, 400, "limit must be"),
        ] as [(String, String?, Int, String)] {
            let (got, text) = try await get(query, token: token)
            #expect(got == expected && text.contains(message) && text.contains("\"error\":"), "\(query): \(got) \(text)")
        }
        // Reading on past a whole history is paced, for this kiosk alone; the kiosk's own client
        // waits as told, and an enrollment under its id starts afresh.
        var paced = (200, ""), asked = 0
        while paced.0 == 200, asked < 130 {
            paced = try await get("?limit=1", token: enrollment.token)
            asked += 1
        }
        #expect(paced.0 == 429 && paced.1.contains("more often than a replacement needs") && (105...120).contains(asked), "\(asked): \(paced)")
        var request = HTTPClientRequest(url: hub.url + "/v1/events")
        request.headers.add(name: "Authorization", value: "Bearer \(enrollment.token)")
        let refused = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        #expect(refused.status.code == 429 && (1...6).contains(Int(refused.headers.first(name: "Retry-After") ?? "") ?? 0), "\(refused.headers)")
        #expect(try await get("", token: otherEnrollment.token).0 == 200)
        let waited = try await HubClient(baseURL: hub.url, token: enrollment.token).recentHistory(acknowledgedThrough: 2)
        #expect(waited.events.map(\.seq) == [1, 2])
        let code = try #require(try hub.admin(["kiosk", "rotate", "kiosk-1"]).stdout.firstMatch(of: /[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/))
        let replaced = try await HubClient(baseURL: hub.url, token: nil).enroll(code: String(code.0), replace: true)
        #expect(try await get("", token: replaced.token).0 == 200)
        // Three days on, nothing is recent: only the cursor comes back.
        try hub.restart(serveArguments: ["--now", HubProcess.now.addingTimeInterval(3 * 86_400).formatted(.iso8601)])
        let (_, later) = try await get("", token: replaced.token)
        #expect(try HubJSON.decoder().decode(KioskHistory.self, from: Data(later.utf8)) == KioskHistory(events: [], acknowledgedThrough: 2), "\(later)")
    }
}
