import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import KioskSync
import Testing

extension HubSyncTests {
    @Test("the dashboard for scripts: the admin token as Basic, the charts as SVG, CSV downloads, clear refusals (Chromium: Tests/Browser)")
    func dashboard() async throws {
        let (hub, cli, _) = try hubAndKiosk()
        defer { withExtendedLifetime(hub) { cli.remove() } }
        for badge in ["200004", "200001"] { #expect(try cli.run(["checkin", badge, "--now", HubProcess.nowText]).status == 0) }
        #expect(try cli.run(["sync"]).status == 0)

        func get(_ path: String, password: String?) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
            var request = HTTPClientRequest(url: hub.url + path)
            if let password { request.headers.add(name: "Authorization", value: "Basic " + Data("admin:\(password)".utf8).base64EncodedString()) }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 8 << 20)
            return (Int(response.status.code), response.headers, String(buffer: body))
        }
        // A browser without a session goes to the login page (HubAccountsTests); a script with a wrong token is told so.
        let anonymous = try await get("/dashboard", password: nil)
        #expect(anonymous.status == 200 && anonymous.body.contains("action=\"/login\"") && anonymous.body.contains("value=\"/dashboard\""),
                "HTTPClient.shared followed the redirect to the login form, which goes back to the dashboard")
        let wrong = try await get("/dashboard", password: "not-the-token")
        #expect(wrong.status == 401 && wrong.headers.first(name: "WWW-Authenticate")?.hasPrefix("Basic realm=\"mentor-hub\"") == true)

        let page = try await get("/dashboard", password: hub.adminToken)
        #expect(page.status == 200 && page.headers.first(name: "Content-Type") == "text/html; charset=utf-8")
        for part in ["<svg", "Attendance per week", "Retention", "Verified pair meetings", "At risk", "kiosk-1", "Main Lobby"] {
            #expect(page.body.contains(part), "the page lacks \(part)")
        }
        #expect(!page.body.contains("<script") && !page.body.contains("http://") && !page.body.contains("https://"), "no scripts, no external assets")

        let weeks = try await get("/dashboard/weeks.csv", password: hub.adminToken)
        #expect(weeks.status == 200 && weeks.body.hasPrefix("week_starts,sessions,expected,present,attendance_rate,active_participants,retention\r\n"))
        #expect(weeks.headers.first(name: "Content-Disposition")?.contains("attachment; filename=\"weeks-") == true)
        let attendance = try await get("/dashboard/attendance.csv", password: hub.adminToken)
        let attendanceRows = attendance.body.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(attendanceRows.first?.hasPrefix("session_id,session_title,session_kind,location,starts_at") == true, "\(attendance.body)")
        #expect(attendanceRows.filter { $0.contains(",kiosk-1") }.count == 2, "the two check-ins, from kiosk-1: \(attendance.body)")
        #expect(page.body.contains("/dashboard/attendance.csv?"), "the page links the attendance download")
        let kiosks = try await get("/dashboard/kiosks.csv", password: hub.adminToken)
        #expect(kiosks.body.contains("\r\nkiosk-1,Main Lobby,true,false,2,2,0,"), "\(kiosks.body)")
        #expect(try await get("/dashboard/secrets.csv", password: hub.adminToken).status == 404)
        let garbled = try await get("/dashboard?from=yesterday", password: hub.adminToken)
        #expect(garbled.status == 400 && garbled.body.contains("&quot;yesterday&quot; is not a time"))
    }
}

extension HubSyncTests {
    @Test("/metrics: ingest counters per kiosk, each kiosk's queue and lag, errors by status, for the admin token only")
    func prometheusMetrics() async throws {
        let (hub, cli, enrollment) = try hubAndKiosk()
        defer { withExtendedLifetime(hub) { cli.remove() } }
        for badge in ["200004", "200001", "200005"] { #expect(try cli.run(["checkin", badge, "--now", HubProcess.nowText]).status == 0) }
        #expect(try cli.run(["sync"]).status == 0)
        // The same events again (a retry), and a request with a forged token.
        _ = try await HubClient(baseURL: enrollment.url, token: enrollment.token).push(try KioskStoreReader(cli.database).wireEvents())
        await #expect(throws: HubClient.Failure.self) { try await HubClient(baseURL: enrollment.url, token: "forged").push([]) }

        func scrape(_ token: String?) async throws -> (Int, String) {
            var request = HTTPClientRequest(url: hub.url + "/metrics")
            if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
        }
        #expect(try await scrape(nil).0 == 401)
        let (status, text) = try await scrape(hub.adminToken)
        #expect(status == 200)
        for line in [
            "mentor_hub_events_stored_total{kiosk=\"kiosk-1\"} 3", "mentor_hub_events_duplicate_total{kiosk=\"kiosk-1\"} 3",
            "mentor_hub_kiosk_queue_length_events{kiosk=\"kiosk-1\"} 0", "mentor_hub_kiosk_acknowledged_through_seq{kiosk=\"kiosk-1\"} 3",
            "mentor_hub_http_errors_total{status=\"401\"} 2", "# HELP mentor_hub_kiosk_queue_length_events Events waiting on the kiosk",
        ] {
            #expect(text.contains(line), "missing \(line) in:\n\(text)")
        }
    }
}
