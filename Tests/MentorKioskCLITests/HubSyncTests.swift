import AsyncHTTPClient
import Foundation
import GRDB
import HubProtocol
@_spi(Benchmarks) import KioskStore
import KioskSync
import KioskSystem
import NIOCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real hub on loopback and real kiosk databases, driven through the real binaries.
@Suite("Hub and sync (real processes)", .serialized)
struct HubSyncTests {
    /// A kiosk database with the sample program, enrolled at `hub`.
    func enrolledKiosk(_ hub: HubProcess, id: String = "kiosk-1", in cli: CLIHarness) throws -> HubEnrollment {
        try cli.run(["init"])
        let code = try hub.addKiosk(id)
        let enrolled = try cli.run(["enroll", hub.url, code])
        guard enrolled.status == 0 else { throw CLIHarness.HarnessError(message: enrolled.stderr) }
        return try #require(try HubEnrollment.load(cli.directory + "/hub.json"))
    }

    /// A hub (its state inside the kiosk's folder, removed with it) and a kiosk enrolled there.
    func hubAndKiosk(_ database: HubDatabase = .sqlite) throws -> (HubProcess, CLIHarness, HubEnrollment) {
        let cli = try CLIHarness()
        let hub = try HubProcess(directory: cli.directory, database: database)
        return (hub, cli, try enrolledKiosk(hub, in: cli))
    }

    @Test("enroll, check in offline, sync: everything arrives once; a used code is refused", arguments: HubDatabase.available)
    func enrollAndSync(_ database: HubDatabase) throws {
        let (hub, cli, enrollment) = try hubAndKiosk(database)
        defer { withExtendedLifetime(hub) { cli.remove() } }
        #expect(enrollment.kioskID == "kiosk-1")
        #expect(try cli.run(["checkin", "200004", "--now", HubProcess.nowText]).status == 0)
        #expect(try cli.run(["checkin", "200001", "--now", HubProcess.nowText]).status == 0)
        let first = try cli.run(["sync"])
        #expect(first.stdout.contains("sync: 2 stored, 0 already there, 0 rejected; hub has events through 2"), "\(first.stdout)\(first.stderr)")
        let again = try cli.run(["sync"])
        #expect(again.stdout.contains("sync: 0 stored"), "nothing new to send")
        let exported = try hub.admin(["export"]).stdout.split(separator: "\n")
        #expect(exported.count == 2)
        #expect(exported.first?.contains("\"participant_id\":\"E004\"") == true)
        if database == .sqlite {
            // The server's replay keeper replays the session in the background (every 2 s): no
            // report has to, and nothing stays due.
            let hubDatabase = try DatabaseQueue(path: hub.state + "/hub.sqlite", configuration: { var c = Configuration(); c.readonly = true; return c }())
            var kept = (due: -1, replays: 0, sessions: 0)
            for _ in 0..<100 where kept.due != 0 || kept.replays != kept.sessions {
                kept = try hubDatabase.read { db in
                    (try Int.fetchOne(db, sql: "SELECT count(*) FROM hub_replay_due")!, try Int.fetchOne(db, sql: "SELECT count(*) FROM hub_session_replay")!,
                     try Int.fetchOne(db, sql: "SELECT count(DISTINCT session_id) FROM hub_event")!)
                }
                if kept.due != 0 || kept.replays != kept.sessions { usleep(200_000) }
            }
            #expect(kept.due == 0 && kept.sessions > 0 && kept.replays == kept.sessions, "the keeper replayed the sessions within 20 s: \(kept)")
        }

        // The code was used: a second kiosk with it is refused, nothing changes.
        let other = try CLIHarness()
        defer { other.remove() }
        try other.run(["init"])
        let code = try hub.addKiosk("kiosk-2")
        #expect(try other.run(["enroll", hub.url, code]).status == 0)
        let replay = try other.run(["enroll", hub.url, code])
        #expect(replay.status != 0)
        #expect(replay.stderr.contains("this enrollment code is unknown, used or revoked"))
    }

    @Test("a retried push stores nothing twice; a gap or a replaced database is caught", arguments: HubDatabase.available)
    func idempotentPush(_ database: HubDatabase) async throws {
        let (hub, cli, enrollment) = try hubAndKiosk(database)
        defer { withExtendedLifetime(hub) { cli.remove() } }
        for badge in ["200004", "200001"] { try cli.run(["checkin", badge, "--now", HubProcess.nowText]) }
        let events = try KioskStoreReader(cli.database).wireEvents()
        #expect(events.count == 2)
        let client = try HubClient(baseURL: enrollment.url, token: enrollment.token)
        let first = try await client.push(events)
        #expect(first.stored == events.count && first.duplicates == 0 && first.acknowledgedThrough == events.last!.seq)
        // The answer was lost; the kiosk sends the same batch again.
        let retry = try await client.push(events)
        #expect(retry.stored == 0 && retry.duplicates == events.count && retry.acknowledgedThrough == events.last!.seq)
        // A batch that starts after a gap is refused with the hub's cursor.
        var ahead = events.last!
        ahead.seq += 5
        await #expect(throws: HubClient.Failure.gap(acknowledgedThrough: events.last!.seq)) { try await client.push([ahead]) }
        // The same sequence number with another event id: a replaced kiosk database. Kept, not stored.
        var impostor = events[0]
        impostor.id = UUID().uuidString.lowercased()
        let replaced = try await client.push([impostor])
        #expect(replaced.stored == 0 && replaced.rejected.count == 1)
        #expect(replaced.acknowledgedThrough == impostor.seq, "a replaced kiosk's cursor never jumps past what it sent")
        #expect(replaced.rejected.first?.reason.contains("was already used by another event") == true)
        let listed = try hub.admin(["kiosk", "list"]).stdout
        #expect(listed.contains("events through \(events.last!.seq), \(events.count) stored, 1 rejected"), "\(listed)")
    }

    @Test("bad requests get the right 4xx with a message and store nothing")
    func badInput() async throws {
        let (hub, cli, enrollment) = try hubAndKiosk()
        defer { withExtendedLifetime(hub) { cli.remove() } }
        func send(_ path: String, body: [UInt8], token: String? = enrollment.token, headers: [(String, String)] = []) async throws -> (Int, String) {
            var request = HTTPClientRequest(url: hub.url + path)
            request.method = .POST
            if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let text = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), String(buffer: text))
        }
        let event = #"{"id":"01a20d3c-1223-7fe6-b356-6052951e171a","kind":"check_in","wall_time":"2026-03-02T15:00:00.000Z","monotonic_ns":1,"clock_trusted":true,"seq":"#
        let overflow = #"{"events":["# + event + "9223372036854775807}," + event + "1}]}"
        let cases: [(String, [UInt8], String?, [(String, String)], Int, String)] = [
            ("/v1/events", Array("{\"events\": [".utf8), enrollment.token, [], 400, "the body is not JSON"),
            ("/v1/events", Array("{\"events\": [{\"seq\": \"one\"}]}".utf8), enrollment.token, [], 400, "expected Int64 at events[0].seq"),
            ("/v1/events", Array("{\"events\": []}".utf8), nil, [], 401, "device token is needed"),
            ("/v1/events", Array("{\"events\": []}".utf8), "mkt_forged", [], 401, "unknown or revoked"),
            ("/v1/events", Array(repeating: 0x20, count: 9 << 20), enrollment.token, [], 413, "over 8 MiB"),
            ("/v1/events", Array("not gzip".utf8), enrollment.token, [("Content-Encoding", "gzip")], 400, "not valid gzip"),
            ("/v1/events", Array("{}".utf8), enrollment.token, [("Content-Encoding", "br")], 415, "Content-Encoding br is not supported"),
            ("/v1/enroll", Array("{\"code\": 7}".utf8), nil, [], 400, "expected String at code"),
            ("/v1/events", Array(overflow.utf8), enrollment.token, [], 400, "consecutive sequence numbers"),
            ("/v1/admin/kiosks", Array("{\"kiosk_id\": \"x\", \"location\": \"y\"}".utf8), enrollment.token, [], 401, "admin token"),
        ]
        for (path, body, token, headers, status, message) in cases {
            let (got, text) = try await send(path, body: body, token: token, headers: headers)
            #expect(got == status, "\(path) \(String(decoding: body.prefix(40), as: UTF8.self)): \(text)")
            #expect(text.contains(message), "\(text)")
            #expect(text.contains("\"error\":"), "every refusal is a JSON error body")
        }
        #expect(try hub.admin(["status"]).stdout.contains("0 events stored, 0 rejected"))
        // The hub still serves, and a revoked kiosk is shut out.
        try hub.admin(["kiosk", "revoke", "kiosk-1"])
        try cli.run(["checkin", "200004", "--now", HubProcess.nowText])
        let refused = try cli.run(["sync"])
        #expect(refused.status == 10)
        #expect(refused.stderr.contains("hub refused this kiosk's token"))
    }

    @Test("HTTPS served by the hub itself: a kiosk trusts a private CA, and only with it")
    func privateCA() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let folder = cli.directory
        let certificates = try TestCertificates(in: folder)
        let hub = try HubProcess(directory: folder, tls: (certificates.certificate, certificates.key))
        defer { withExtendedLifetime(hub) {} }
        #expect(hub.url.hasPrefix("https://"))
        try cli.run(["init"])
        let code = try hub.addKiosk("kiosk-1")
        let untrusted = try cli.run(["enroll", hub.url, code])
        #expect(untrusted.status != 0)
        #expect(untrusted.stderr.contains("CERTIFICATE_VERIFY_FAILED"), "\(untrusted.stderr)")
        let trusted = try cli.run(["enroll", hub.url, code, "--ca-file", certificates.ca])
        #expect(trusted.status == 0, "\(trusted.stderr)")
        #expect(try cli.run(["checkin", "200004", "--now", HubProcess.nowText]).status == 0)
        #expect(try cli.run(["sync"]).stdout.contains("sync: 1 stored"), "the saved enrollment keeps trusting the CA")
    }

    @Test("the kiosk's report and the hub's report agree on the same data", arguments: HubDatabase.available)
    func reportsAgree(_ database: HubDatabase) throws {
        let (hub, cli, _) = try hubAndKiosk(database)
        defer { withExtendedLifetime(hub) { cli.remove() } }
        let at = { (minutes: Double) in HubProcess.now.addingTimeInterval(minutes * 60).formatted(.iso8601) }
        // The program rates anonymously: the rating reaches the hub without a name.
        #expect(try hub.admin(["settings", "--anonymous-ratings", "true"]).status == 0)
        #expect(try cli.run(["sync"]).status == 0)
        for badge in ["200004", "200001", "200005"] { #expect(try cli.run(["checkin", badge, "--now", at(0)]).status == 0) }
        #expect(try cli.run(["checkout", "200004", "--rating", "3", "--now", at(30)]).status == 0)
        let period = ["--from", at(-12 * 60), "--to", at(24 * 60), "--now", at(120), "--format", "json"]
        // A hub report now keeps its replays of these sessions; the automatic check-outs the next
        // sync brings must make them stale (the attendance CSVs below differ if they do not).
        #expect(try cli.run(["sync"]).status == 0)
        let early = try hub.admin(["report"] + period)
        let earlyFigures = try #require(try JSONSerialization.jsonObject(with: Data(early.stdout.utf8)) as? [String: Any], "\(early.stderr)")
        #expect(earlyFigures["attended"] as? Int == 3, "\(early.stdout)")
        // Two hours on, every session of the check-ins has ended: the kiosk's report checks the
        // others out automatically, and those events go to the hub with the next sync.
        let kiosk = try cli.run(["report"] + period)
        #expect(kiosk.status == 0, "\(kiosk.stderr)")
        #expect(try cli.run(["sync"]).status == 0)
        let central = try hub.admin(["report"] + period)
        #expect(central.status == 0, "\(central.stderr)")
        #expect(central.stdout == kiosk.stdout)
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(kiosk.stdout.utf8)) as? [String: Any])
        #expect(figures["attended"] as? Int == 3 && (figures["time_in_session"] as? [String: Any])?["automatic_check_outs"] as? Int == 2, "\(kiosk.stdout)")
        let satisfaction = try #require(figures["satisfaction"] as? [String: Any])
        #expect(satisfaction["mean"] as? Double == 3 && satisfaction["response_rate"] as? Double == 1, "the anonymous rating counts: \(satisfaction)")
        let ratings = Array(period.dropLast(2)) + ["--format", "csv", "--table", "ratings"]
        let kioskRatings = try cli.run(["report"] + ratings), centralRatings = try hub.admin(["report"] + ratings)
        #expect(centralRatings.stdout == kioskRatings.stdout, "\(centralRatings.stderr)")
        let rows = kioskRatings.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(rows.count == 2 && rows[1].hasSuffix(",,3"), "one anonymous rating, no participant: \(kioskRatings.stdout)")
        let attendance = Array(period.dropLast(2)) + ["--format", "csv", "--table", "attendance"]
        let kioskAttendance = try cli.run(["report"] + attendance), centralAttendance = try hub.admin(["report"] + attendance)
        #expect(centralAttendance.stdout == kioskAttendance.stdout, "kiosk:\n\(kioskAttendance.stdout)\nhub:\n\(centralAttendance.stdout)\(centralAttendance.stderr)")
        #expect(kioskAttendance.stdout.components(separatedBy: "\r\n").filter { $0.contains(",kiosk-1,") || $0.hasSuffix(",kiosk-1") }.count == 3, "three arrivals")
        let spring = ["--cohort", "2026 spring"]
        let kioskSpring = try cli.run(["report"] + period + spring), centralSpring = try hub.admin(["report"] + period + spring)
        #expect(kioskSpring.status == 0 && centralSpring.stdout == kioskSpring.stdout, "\(centralSpring.stderr)")
        let springFigures = try #require(try JSONSerialization.jsonObject(with: Data(kioskSpring.stdout.utf8)) as? [String: Any])
        #expect(springFigures["attended"] as? Int == 2, "E001 and E005 of the three arrivals are in the spring cohort: \(kioskSpring.stdout)")
        let mentees = try cli.run(["report"] + attendance + ["--role", "mentee"])
        let menteeRows = mentees.stdout.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
        #expect(!menteeRows.isEmpty && menteeRows.allSatisfy { $0.contains(",mentee,") }, "\(mentees.stdout)")
    }

    @Test("a redirect is not followed: the device token never goes to another address")
    func redirectsRefused() async throws {
        let (hub, cli, enrollment) = try hubAndKiosk()
        defer { withExtendedLifetime(hub) { cli.remove() } }
        // A server that sends every request on to the real hub with 307 (which keeps the method and body).
        let script = """
            import http.server, sys
            class Redirect(http.server.BaseHTTPRequestHandler):
                def answer(self):
                    self.send_response(307); self.send_header("Location", sys.argv[1] + self.path); self.send_header("Content-Length", "0"); self.end_headers()
                do_GET = do_POST = answer
                def log_message(self, *args): pass
            server = http.server.HTTPServer(("127.0.0.1", 0), Redirect)
            print("listening on", server.server_address[1], flush=True)
            server.serve_forever()
            """
        try Data(script.utf8).write(to: URL(fileURLWithPath: cli.directory + "/redirect.py"))
        let log = cli.directory + "/redirect.log"
        let redirector = try ChildProcess(["python3", cli.directory + "/redirect.py", hub.url], stdout: log)
        defer {
            redirector.signal(SIGTERM)
            redirector.wait()
        }
        let port = ChildProcess.port(announcedIn: log)
        try cli.run(["checkin", "200004", "--now", HubProcess.nowText])
        let client = try HubClient(baseURL: "http://127.0.0.1:\(try #require(port))", token: enrollment.token)
        do {
            _ = try await client.push(try KioskStoreReader(cli.database).wireEvents())
            Issue.record("the push followed the redirect")
        } catch let failure as HubClient.Failure {
            guard case .refused(307, "redirect", let message) = failure else { Issue.record("\(failure)"); return }
            #expect(message.contains("redirects are not followed"))
        }
        #expect(try hub.admin(["kiosk", "list"]).stdout.contains("0 stored"), "nothing reached the hub")
    }

    @Test("the program's check-in rules set at the hub reach the kiosk with its directory; cleared, the kiosk's own apply again")
    func programSettings() throws {
        let (hub, cli, _) = try hubAndKiosk()
        defer { withExtendedLifetime(hub) { cli.remove() } }
        let refused = try hub.admin(["settings", "--opens-before-minutes", "999"])
        #expect(refused.status != 0 && refused.stderr.contains("opens_before_minutes must be 0–240, not 999"), "\(refused.stderr)")
        #expect(try hub.admin(["settings"]).stdout.contains("no program settings"), "a refused value changes nothing")
        let set = try hub.admin(["settings", "--opens-before-minutes", "3", "--anonymous-ratings", "true"])
        #expect(set.stdout.contains("opens_before_minutes = 3\non_time_grace_minutes = 5"), "\(set.stdout)\(set.stderr)")
        #expect(try cli.run(["sync"]).status == 0)
        let configured = try cli.run(["doctor"]).stdout
        #expect(configured.contains("• check-in rules from the hub: opens 3 min before, on time until 5 min after, repeats within 5 s, ratings for 30 min, anonymous ratings on"), "\(configured)")
        #expect(try cli.run(["sessions"]).status == 0)

        #expect(try hub.admin(["settings", "--clear"]).status == 0)
        #expect(try cli.run(["sync"]).status == 0)
        let own = try cli.run(["doctor"]).stdout
        #expect(own.contains("• check-in rules from the config: opens 15 min before"), "\(own)")
    }

    @Test("the directory comes with an ETag; unchanged, it is not sent again", arguments: HubDatabase.available)
    func directoryETag(_ database: HubDatabase) async throws {
        let (hub, cli, enrollment) = try hubAndKiosk(database)
        defer { withExtendedLifetime(hub) { cli.remove() } }
        let client = try HubClient(baseURL: enrollment.url, token: enrollment.token)
        let fetched = try #require(try await client.directory(ifNoneMatch: nil))
        #expect(fetched.location == "Main Lobby")
        #expect(fetched.participants.count == 41)
        #expect(fetched.groups.contains { !$0.members.isEmpty })
        #expect(try await client.directory(ifNoneMatch: fetched.version) == nil)
    }

    @Test("a sync killed mid-drain and restarted loses and duplicates nothing", arguments: HubDatabase.available)
    func killedMidDrain(_ database: HubDatabase) throws {
        let (hub, cli, _) = try hubAndKiosk(database)
        defer { withExtendedLifetime(hub) { cli.remove() } }
        // 3000 people check in to a session open to all: 3000 events waiting for the hub.
        let people = 3000
        var csv = "id,name,role,badges,active\n"
        for index in 0..<people { csv += "Q\(index),Person \(index),mentee,8\(String(format: "%06d", index)),true\n" }
        try Data(csv.utf8).write(to: URL(fileURLWithPath: cli.directory + "/many.csv"))
        try Data("session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id\nS-ALL,Open House,networking,Main Lobby,\(HubProcess.now.addingTimeInterval(-600).formatted(.iso8601)),\(HubProcess.now.addingTimeInterval(7200).formatted(.iso8601)),,\n".utf8)
            .write(to: URL(fileURLWithPath: cli.directory + "/open.csv"))
        // On the hub too: it refuses events of people or sessions it does not know.
        for (kind, file) in [("participants", "/many.csv"), ("sessions", "/open.csv")] {
            #expect(try cli.run(["import", kind, cli.directory + file]).status == 0)
            #expect(try hub.admin(["import", kind, cli.directory + file]).status == 0)
        }
        let input = (0..<people).map { "8" + String(format: "%06d", $0) + "\n" }.joined()
        _ = try cli.run(["checkin", "--stdin", "--session", "S-ALL", "--now", HubProcess.nowText], stdin: input)
        let total = try KioskStoreReader(cli.database).wireEvents().count
        #expect(total >= people)
        var kills = 0
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let sync = try ChildProcess([CLIHarness.binary, "sync", "--database", cli.database])
            usleep(UInt32.random(in: 20_000...200_000, using: &generator))
            if sync.isRunning { kills += 1 }
            sync.signal(SIGKILL)
            sync.wait()
        }
        #expect(try cli.run(["sync"]).status == 0)
        let exported = try hub.admin(["export"]).stdout.split(separator: "\n")
        #expect(exported.count == total)
        let sequences = exported.compactMap { $0.firstMatch(of: /"seq":(\d+)/).map { Int($0.1)! } }
        #expect(sequences == Array(1...total))
        print("hub sync: \(total) events, \(kills) syncs killed mid-run, each event stored once")
    }
}

extension HubSyncTests {
    @Test("through a proxy that drops, fails, delays and cuts after commit, 100,000 events arrive exactly once", arguments: HubDatabase.available)
    func faultInjection(_ database: HubDatabase) throws {
        let count = Int(ProcessInfo.processInfo.environment["MENTOR_KIOSK_FAULT_EVENTS"] ?? "") ?? 100_000
        let (hub, cli, enrollment) = try hubAndKiosk(database)
        defer { withExtendedLifetime(hub) { cli.remove() } }
        try KioskStoreReader(cli.database).seed(events: count)

        let proxyScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("fault_proxy.py").path
        let proxyLog = cli.directory + "/proxy.log"
        let hubPort = enrollment.url.split(separator: ":").last.map(String.init)!
        let proxy = try ChildProcess(["python3", proxyScript, hubPort, "20261124"], stdout: proxyLog)
        defer {
            proxy.signal(SIGTERM)
            proxy.wait()
        }
        let proxyPort = ChildProcess.port(announcedIn: proxyLog)
        var routed = enrollment
        routed.url = "http://127.0.0.1:\(try #require(proxyPort))"
        try routed.save(cli.directory + "/hub.json")

        var rounds = 0
        while rounds < 3000 {
            rounds += 1
            if try cli.run(["sync"]).status == 0, try KioskStore(path: cli.database, kioskID: "kiosk-1").syncState().queueLength == 0 { break }
        }
        let faults = String(decoding: FileManager.default.contents(atPath: proxyLog) ?? Data(), as: UTF8.self)
        for fault in ["drop", "503", "500", "delay", "cut_after_commit"] {
            #expect(faults.contains("fault \(fault)\n"), "the proxy never injected \(fault)")
        }
        let listed = try hub.admin(["kiosk", "list"]).stdout
        #expect(listed.contains("events through \(count), \(count) stored, 0 rejected"), "\(listed)")
        let exported = try hub.admin(["export"]).stdout.split(separator: "\n")
        #expect(exported.count == count)
        #expect(Set(exported.compactMap { $0.firstMatch(of: /"seq":(\d+)/).map { Int($0.1)! } }) == Set(1...count))
        print("hub sync under faults: \(count) events in \(rounds) sync runs, each stored once; faults: \(faults.split(separator: "\n").filter { $0.hasPrefix("fault") && !$0.hasSuffix("pass") }.count)")
    }
}

extension HubSyncTests {
    @Test("two hub processes on one PostgreSQL database: the same batches pushed to both at once are stored once",
          .enabled(if: HubDatabase.server != nil, "needs MENTOR_HUB_TEST_POSTGRES (scripts/with-postgres)"))
    func twoHubsOneDatabase() async throws {
        let (first, cli, enrollment) = try hubAndKiosk(.postgres)
        let second = try HubProcess(alongside: first, log: cli.directory + "/hub-2")
        defer { withExtendedLifetime((first, second)) { cli.remove() } }
        try KioskStoreReader(cli.database).seed(events: 5_000)
        let events = try KioskStoreReader(cli.database).wireEvents()
        let clients = [try HubClient(baseURL: first.url, token: enrollment.token), try HubClient(baseURL: second.url, token: enrollment.token)]
        for start in stride(from: 0, to: events.count, by: 250) {
            let batch = Array(events[start..<min(events.count, start + 250)])
            let receipts = try await withThrowingTaskGroup(of: PushReceipt.self) { group in
                for client in clients { group.addTask { try await client.push(batch) } }
                return try await group.reduce(into: [PushReceipt]()) { $0.append($1) }
            }
            #expect(receipts.map(\.stored).reduce(0, +) == batch.count, "each event of the batch stored by exactly one hub")
            #expect(receipts.allSatisfy { $0.stored + $0.duplicates == batch.count && $0.acknowledgedThrough == batch.last!.seq })
        }
        let exported = try first.admin(["export"]).stdout.split(separator: "\n")
        #expect(exported.compactMap { $0.firstMatch(of: /"seq":(\d+)/).map { Int($0.1)! } } == Array(1...events.count))

        // The kiosk enrolled through the first hub syncs through the second.
        var routed = enrollment
        routed.url = second.url
        try routed.save(cli.directory + "/hub.json")
        #expect(try cli.run(["checkin", "200004", "--now", HubProcess.nowText]).status == 0)
        let sync = try cli.run(["sync"])
        #expect(sync.stdout.contains("sync: 1 stored"), "\(sync.stdout)\(sync.stderr)")
    }
}

/// Reads a kiosk database's events as the wire sends them.
struct KioskStoreReader {
    let path: String

    init(_ path: String) { self.path = path }

    func seed(events count: Int) throws {
        try KioskStore(path: path, kioskID: "kiosk-1").seedCheckInEvents(count: count)
    }

    func wireEvents() throws -> [WireEvent] {
        try KioskStore(path: path, kioskID: "kiosk-1").events().map(WireEvent.init)
    }
}
