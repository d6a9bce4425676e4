import AsyncHTTPClient
import Foundation
import HubProtocol
import KioskStore
import KioskSync
import NIOCore
import NIOHTTP1
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The hub against bad actors: a stolen kiosk token, a hostile roster, a hostile web page, a
/// slow or greedy client, through the real binaries on loopback.
extension HubSyncTests {
    /// A token for a new kiosk at `location`, as an attacker holding that kiosk's SD card has it.
    func stolenToken(_ hub: HubProcess, id: String, location: String) async throws -> String {
        let code = try hub.addKiosk(id, location: location)
        return try await HubClient(baseURL: hub.url, token: nil).enroll(code: code).token
    }

    func pairMeetings(_ hub: HubProcess, _ group: String) throws -> Int? {
        let report = try hub.admin(["report", "--format", "json", "--now", HubProcess.now.addingTimeInterval(3_600).formatted(.iso8601)])
        let object = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any]
        let pairs = object?["pairs"] as? [[String: Any]] ?? []
        return pairs.first { $0["group_id"] as? String == group }?["meetings"] as? Int
    }

    @Test("a Library Lab token cannot undo a Main Lobby check-in; refused events are kept, listed and taken back once the roster is fixed", arguments: HubDatabase.available)
    func kioskAuthority(_ database: HubDatabase) async throws {
        let (hub, cli, _) = try hubAndKiosk(database)
        defer { withExtendedLifetime(hub) { cli.remove() } }
        for badge in ["100001", "200001"] {
            #expect(try cli.run(["checkin", badge, "--session", "S-PAIR1", "--now", HubProcess.nowText]).status == 0)
        }
        #expect(try cli.run(["sync"]).status == 0)
        #expect(try pairMeetings(hub, "P1") == 1, "Maria and Jonas met")

        let lab = try HubClient(baseURL: hub.url, token: try await stolenToken(hub, id: "lab-1", location: "Library Lab"))
        let events = try KioskStoreReader(cli.database).wireEvents()
        var undo = events[1]
        (undo.seq, undo.id, undo.kind, undo.actorID, undo.undoesSeq, undo.status, undo.viaBadge) = (1, UUID().uuidString.lowercased(), "undo", "F001", 2, nil, nil)
        var stranger = events[0]
        (stranger.seq, stranger.id, stranger.participantID, stranger.sessionID) = (2, UUID().uuidString.lowercased(), "N900", "LAB-1")
        let sessions = cli.directory + "/lab-sessions.csv"
        try Data("""
            session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id
            LAB-1,Study hall,group,Library Lab,\(HubProcess.now.addingTimeInterval(-600).formatted(.iso8601)),\(HubProcess.now.addingTimeInterval(3_000).formatted(.iso8601)),,

            """.utf8).write(to: URL(fileURLWithPath: sessions))
        try hub.admin(["import", "sessions", sessions])
        let receipt = try await lab.push([undo, stranger])
        #expect(receipt.stored == 0 && receipt.acknowledgedThrough == 2)
        #expect(receipt.rejected == [
            RejectedEvent(seq: 1, reason: "session S-PAIR1 is at Main Lobby, not at this kiosk's location (Library Lab)"),
            RejectedEvent(seq: 2, reason: "participant N900 is not on the hub's roster"),
        ])
        #expect(try pairMeetings(hub, "P1") == 1, "the verified meeting stands")

        let listed = try hub.admin(["rejected", "list"]).stdout
        #expect(listed.contains("lab-1  seq 1  undo E001 in S-PAIR1") && listed.contains("refused: session S-PAIR1 is at Main Lobby"), "\(listed)")
        let participants = cli.directory + "/n900.csv"
        try Data("id,name,role,badges,active\nN900,Nadia Verhoeven,mentee,,true\n".utf8).write(to: URL(fileURLWithPath: participants))
        try hub.admin(["import", "participants", participants])
        let retried = try hub.admin(["rejected", "retry"])
        #expect(retried.stdout.contains("1 taken in, 1 still refused"), "\(retried.stdout)\(retried.stderr)")
        #expect(try hub.admin(["export", "--kiosk", "lab-1"]).stdout.contains("\"participant_id\":\"N900\""))
        #expect(try hub.admin(["rejected", "list"]).stdout.split(separator: "\n").count == 1, "the undo stays refused")
        let audit = try hub.admin(["audit"]).stdout
        #expect(audit.contains("kiosk.add  lab-1") && audit.contains("import.participants") && audit.contains("rejected.retry  all  1 taken in, 1 still refused"), "\(audit)")

        // Bounded input: refused as a whole with the field named; nothing stored.
        var huge = stranger
        (huge.seq, huge.participantID) = (3, String(repeating: "x", count: 100_000))
        await #expect(throws: HubClient.Failure.refused(
            status: 400, code: "bad_request", message: "events[0] (seq 3): participant_id is 100000 characters long; at most 64 are allowed")
        ) { try await lab.push([huge]) }
        #expect(try hub.admin(["export"]).stdout.split(separator: "\n").count == 3)
    }

    @Test("another site cannot use the admin's browser: a cross-site form POST in Chromium revokes nothing; Basic works only for the dashboard's pages; every answer carries the security headers")
    func browserCannotActForTheAdmin() async throws {
        let (hub, cli, _) = try hubAndKiosk()
        defer { withExtendedLifetime(hub) { cli.remove() } }
        func send(_ method: HTTPMethod, _ path: String, headers: [(String, String)]) async throws -> (Int, HTTPHeaders, String) {
            var request = HTTPClientRequest(url: hub.url + path)
            request.method = method
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            if method == .POST { request.body = .bytes(ByteBuffer(string: "{}")) }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            return (Int(response.status.code), response.headers, String(buffer: try await response.body.collect(upTo: 1 << 20)))
        }
        let basic = ("Authorization", "Basic " + Data("admin:\(hub.adminToken)".utf8).base64EncodedString())
        let bearer = ("Authorization", "Bearer \(hub.adminToken)")
        let json = ("Content-Type", "application/json")
        #expect(try await send(.POST, "/v1/admin/kiosks/kiosk-1/rotate", headers: [basic, json]).0 == 401, "Basic is for the dashboard's pages")
        #expect(try await send(.GET, "/v1/admin/kiosks", headers: [basic]).0 == 401)
        #expect(try await send(.POST, "/v1/admin/kiosks/kiosk-1/rotate", headers: [bearer]).0 == 415, "no JSON, no change")
        let crossSite = try await send(.POST, "/v1/admin/kiosks/kiosk-1/rotate", headers: [bearer, json, ("Origin", "http://evil.example")])
        #expect(crossSite.0 == 403 && crossSite.2.contains("cross_site"))
        #expect(try await send(.POST, "/v1/admin/kiosks/kiosk-1/rotate", headers: [bearer, json, ("Origin", hub.url)]).0 == 200, "its own origin is fine")

        for path in ["/dashboard", "/dashboard/weeks.csv", "/v1/health", "/v1/admin/kiosks"] {
            let (_, headers, _) = try await send(.GET, path, headers: [path.hasPrefix("/dashboard") ? basic : bearer])
            #expect(headers.first(name: "X-Content-Type-Options") == "nosniff", "\(path)")
            #expect(headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true, "\(path)")
            #expect(headers.first(name: "Content-Security-Policy")?.contains("default-src 'none'") == true, "\(path)")
            #expect(headers.first(name: "Referrer-Policy") == (path == "/dashboard" ? "same-origin" : "no-referrer"), "\(path)")
            #expect(headers.first(name: "Cache-Control") == "no-store", "\(path)")
        }

        // The admin's browser logs in to the dashboard (a window the hostile page opens, as the
        // admin would have earlier: Chromium then holds the Basic login for the hub), and the
        // hostile page, on another origin (loopback, another port), submits a form to revoke.
        let site = cli.directory + "/evil"
        try FileManager.default.createDirectory(atPath: site, withIntermediateDirectories: true)
        let login = hub.url.replacingOccurrences(of: "http://", with: "http://admin:\(hub.adminToken)@") + "/dashboard"
        try Data("""
            <!doctype html><html><body><form id=f method=post action="\(hub.url)/v1/admin/kiosks/kiosk-1/revoke" enctype=text/plain>
            <input name='{"a":"' value='"}'></form><script>
            window.open("\(login)");
            setTimeout(function () { document.getElementById("f").submit() }, 3000);
            </script></body></html>
            """.utf8).write(to: URL(fileURLWithPath: site + "/index.html"))
        let serve = """
            import functools, http.server, sys
            server = http.server.HTTPServer(("127.0.0.1", 0), functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1]))
            print("listening on", server.server_port, flush=True)
            server.serve_forever()
            """
        let web = try ChildProcess(["python3", "-c", serve, site], stdout: site + ".log", stderr: site + ".err")
        defer {
            web.signal(SIGTERM)
            web.wait()
        }
        let port = try #require(ChildProcess.port(announcedIn: site + ".log"), "the hostile page is served")
        func refusedCrossSite() async throws -> Int {
            let text = try await send(.GET, "/metrics", headers: [bearer]).2
            return Int(text.firstMatch(of: /mentor_hub_http_errors_total\{status="403"\} (\d+)/)?.1 ?? "0") ?? 0
        }
        let before = try await refusedCrossSite()
        let browser = try ChildProcess.chromium(["--disable-popup-blocking", "--virtual-time-budget=10000", "--dump-dom", "http://127.0.0.1:\(port)/index.html"])
        #expect(browser.status == 0, "\(browser.stderr.suffix(400))")
        #expect(try await refusedCrossSite() == before + 1, "the browser's POST reached the hub and was refused as cross-site")
        let kiosks = try hub.admin(["kiosk", "list"]).stdout
        #expect(kiosks.contains("kiosk-1  Main Lobby  enrolled"), "kiosk-1 is not revoked: \(kiosks)")
    }

    @Test("slow and greedy clients: a request not sent whole in time is cut off; connections over the limit wait")
    func slowClients() async throws {
        let cli = try CLIHarness()
        let hub = try HubProcess(directory: cli.directory, serveArguments: ["--request-timeout", "3", "--max-connections", "2"])
        defer { withExtendedLifetime(hub) { cli.remove() } }
        let port = try #require(UInt16(hub.url.split(separator: ":").last ?? ""))
        func connect() throws -> Int32 {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            guard connected == 0 else { throw CLIHarness.HarnessError(message: "cannot connect: \(errno)") }
            return socket
        }
        /// Seconds until the socket has something to read (an answer, or the end), or nil after `seconds`.
        func readable(_ socket: Int32, within seconds: Double) -> Double? {
            let start = Date()
            var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            return poll(&poller, 1, Int32(seconds * 1000)) == 1 ? Date().timeIntervalSince(start) : nil
        }
        let slow = try connect()
        defer { close(slow) }
        _ = "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".withCString { send(slow, $0, strlen($0), 0) }
        usleep(300_000)  // one connection per accept, so the limit is reached in order
        let idle = try connect()
        defer { close(idle) }
        // Both places are taken: a third client's whole request waits…
        usleep(300_000)
        let third = try connect()
        defer { close(third) }
        _ = "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".withCString { send(third, $0, strlen($0), 0) }
        #expect(readable(third, within: 1.2) == nil, "over the limit: not answered while two connections are open")
        // …until the deadline cuts the two off (the slow one mid-header), and then it is answered.
        let cut = readable(slow, within: 10)
        #expect(cut != nil && cut! < 4, "the half-sent request is cut off after about 3 s (\(String(describing: cut)))")
        var byte: UInt8 = 0
        #expect(recv(slow, &byte, 1, 0) == 0, "closed, not answered")
        #expect(readable(third, within: 10) != nil, "the waiting client is served once a place is free")
        var answer = [UInt8](repeating: 0, count: 512)
        let count = recv(third, &answer, answer.count, 0)
        #expect(count > 0 && String(decoding: answer.prefix(max(count, 0)), as: UTF8.self).hasPrefix("HTTP/1.1 200"))

        // A client that gets its answer before it has sent its body, then sends the body, cannot
        // switch the deadline off: its next, trickled request is cut off too.
        let sneaky = try connect()
        defer { close(sneaky) }
        _ = "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1\r\n\r\n".withCString { send(sneaky, $0, strlen($0), 0) }
        #expect(readable(sneaky, within: 10) != nil, "refused (no token) before its body")
        let refused = recv(sneaky, &answer, answer.count, 0)
        #expect(refused > 0 && String(decoding: answer.prefix(max(refused, 0)), as: UTF8.self).hasPrefix("HTTP/1.1 401"))
        _ = "{GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".withCString { send(sneaky, $0, strlen($0), 0) }
        let sneakyCut = readable(sneaky, within: 10)
        #expect(sneakyCut != nil && sneakyCut! < 4, "cut off about 3 s after its answer (\(String(describing: sneakyCut)))")
        #expect(recv(sneaky, &byte, 1, 0) == 0)
    }

    @Test("the admin event export comes in pages that name the next one")
    func pagedExport() async throws {
        let (hub, cli, _) = try hubAndKiosk()
        defer { withExtendedLifetime(hub) { cli.remove() } }
        for badge in ["200004", "200001", "200005"] { #expect(try cli.run(["checkin", badge, "--now", HubProcess.nowText]).status == 0) }
        #expect(try cli.run(["sync"]).status == 0)
        func page(_ path: String) async throws -> (Int, String?, [Substring]) {
            var request = HTTPClientRequest(url: hub.url + path)
            request.headers.add(name: "Authorization", value: "Bearer \(hub.adminToken)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
            return (Int(response.status.code), response.headers.first(name: "Link"), body.split(separator: "\n"))
        }
        let first = try await page("/v1/admin/events?limit=2")
        #expect(first.0 == 200 && first.2.count == 2)
        let next = try #require(first.1?.firstMatch(of: /<([^>]+)>; rel="next"/)?.1, "\(String(describing: first.1))")
        #expect(next == "/v1/admin/events?after_kiosk=kiosk-1&after=2&limit=2")
        let second = try await page(String(next))
        #expect(second.2.count == 1 && second.2[0].contains("\"seq\":3") && second.1 == nil)
        #expect(try await page("/v1/admin/events?after=2").0 == 400)
        #expect(try await page("/v1/admin/events?limit=10001").0 == 400)
        #expect(try hub.admin(["export"]).stdout.split(separator: "\n").count == 3)
    }

    @Test("files are private whatever the umask; init prints the admin token only to a terminal; enroll refuses plain http off this machine")
    func privateFiles() async throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        func mode(_ path: String) -> String {
            guard let value = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int else { return "none" }
            return String(value, radix: 8)
        }
        let state = cli.directory + "/hub"
        let initialized = try ChildProcess.run(["sh", "-c", "umask 000 && exec \"$0\" init --state \"$1\"", HubProcess.binary, state])
        #expect(initialized.status == 0)
        #expect(initialized.stdout.contains("admin token written to \(state)/admin.token") && !initialized.stdout.contains("mkt_"), "\(initialized.stdout)")
        for file in ["hub.sqlite", "program.sqlite", "admin.token", "badge.key"] { #expect(mode(state + "/" + file) == "600", "\(file): \(mode(state + "/" + file))") }
        let log = cli.directory + "/serve"
        let server = try ChildProcess(["sh", "-c", "umask 000 && exec \"$0\" serve --state \"$1\" --port 0", HubProcess.binary, state], stdout: log + ".log", stderr: log + ".err")
        defer {
            server.signal(SIGTERM)
            server.wait()
        }
        let port = try #require(ChildProcess.port(announcedIn: log + ".log"))
        let code = try ChildProcess.run([HubProcess.binary, "kiosk", "add", "k1", "--location", "Main Lobby", "--state", state]).stdout
            .firstMatch(of: /[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/).map { String($0.0) }
        try cli.loadSample()
        let kiosk = { (command: String) in
            try ChildProcess.run(["sh", "-c", "umask 000 && exec \"$0\" \(command) --database \"$1\"", CLIHarness.binary, cli.database])
        }
        let enrolled = try kiosk("enroll http://127.0.0.1:\(port) \(try #require(code))")
        #expect(enrolled.status == 0, "\(enrolled.stderr)")
        for file in ["hub.sqlite-wal", "hub.sqlite-shm"] { #expect(mode(state + "/" + file) == "600", "\(file) while serving: \(mode(state + "/" + file))") }
        #expect(mode(cli.directory + "/hub.json") == "600")
        #expect(try kiosk("export --output \(cli.directory)/attendance.csv").status == 0)
        #expect(mode(cli.directory + "/attendance.csv") == "600")
        let backup = try kiosk("backup --directory \(cli.directory)/backups")
        let path = try #require(backup.stdout.firstMatch(of: /Backup written: (.+)/)?.1)
        #expect(mode(String(path)) == "600")

        let clear = try cli.run(["enroll", "http://192.0.2.10:8080", "ABCD-EFGH-JKMN"])
        #expect(clear.status != 0 && clear.stderr.contains("refusing to enroll over plain http") && clear.stderr.contains("--insecure"), "\(clear.stderr)")
    }
}

extension HubSyncTests {
    @Test("a participant named =HYPERLINK(…) reaches every CSV as text: the kiosk's export and report, the hub's report and dashboard downloads")
    func spreadsheetSafeCSV() async throws {
        let (hub, cli, _) = try hubAndKiosk()
        defer { withExtendedLifetime(hub) { cli.remove() } }
        let roster = cli.directory + "/hostile.csv"
        try Data("id,name,role,badges,active\nX900,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"open\"\")\",mentee,900900,true\n".utf8)
            .write(to: URL(fileURLWithPath: roster))
        try hub.admin(["import", "participants", roster])
        #expect(try cli.run(["sync"]).status == 0, "the kiosk takes the roster")
        #expect(try cli.run(["checkin", "900900", "--session", "S-NETWORK", "--now", HubProcess.nowText]).status == 0)
        #expect(try cli.run(["sync"]).status == 0)
        let later = HubProcess.now.addingTimeInterval(3_600).formatted(.iso8601)
        var downloads: [(String, String)] = [
            ("kiosk export", try cli.run(["export", "--now", later]).stdout),
            ("kiosk report", try cli.run(["report", "--format", "csv", "--now", later]).stdout),
            ("hub report", try hub.admin(["report", "--format", "csv", "--now", later]).stdout),
            ("hub attendance", try hub.admin(["report", "--format", "csv", "--table", "attendance", "--now", later]).stdout),
        ]
        for table in ["participants", "attendance"] {
            var request = HTTPClientRequest(url: hub.url + "/dashboard/\(table).csv")
            request.headers.add(name: "Authorization", value: "Bearer \(hub.adminToken)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            downloads.append(("dashboard \(table).csv", String(buffer: try await response.body.collect(upTo: 8 << 20))))
        }
        for (name, csv) in downloads {
            #expect(csv.contains(#""'=HYPERLINK(""http://evil.example"",""open"")""#), "\(name) holds the name as text: \(csv.prefix(600))")
            #expect(!csv.contains(#""=HYPERLINK("#), "\(name) holds no live formula")
        }
        let jsonl = try cli.run(["export", "--format", "jsonl", "--now", later]).stdout
        #expect(jsonl.contains(#""participant_name":"=HYPERLINK(\"http://evil.example\",\"open\")""#), "JSON Lines keeps the name as it is")
    }
}
