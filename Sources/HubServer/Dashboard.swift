import Foundation
import HTTPTypes
import HubStore
import Hummingbird
import KioskCore
import NIOCore
import ProgramFiles

/// The admin's web dashboard: `/dashboard` (the page) and `/dashboard/{table}.csv` (its
/// tables). People log in at `/login` with an admin account; scripts send the admin token, as a
/// Bearer token or as the password of HTTP Basic (any user name).
extension HubServer {
    func addDashboard(to router: Router<HubRequestContext>) {
        router.get("dashboard") { request, _ in
            try await dashboardResponse(request) { period, session in
                let page = DashboardPage.render(
                    try await report(for: period), kiosks: try await store.kiosks(), period: period,
                    signedIn: session.map { ($0.user.email, Self.csrfToken(for: $0.token)) })
                return Response(
                    status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                    body: .init(byteBuffer: ByteBuffer(string: page)))
            }
        }
        router.get("dashboard/:table") { request, context in
            let name = try context.parameters.require("table")
            return try await dashboardResponse(request) { period, _ in
                let data: Data
                switch name {
                case "weeks.csv": data = try EngagementExport.weeks(try await report(for: period), as: .csv)
                case "pairs.csv": data = try EngagementExport.pairs(try await report(for: period), as: .csv)
                case "participants.csv": data = try EngagementExport.participants(try await report(for: period), as: .csv)
                case "attendance.csv":
                    data = try AttendanceExport.encode(
                        try await store.attendanceExport(from: period.from, to: period.to, location: period.location, now: period.now, timeZone: timeZone,
                            filter: period.filter),
                        as: .csv)
                case "audit.csv": data = try Self.auditCSV(try await store.auditLog(since: period.from))
                case "kiosks.csv":
                    data = try EngagementExport.table(
                        columns: ["kiosk_id", "location", "enrolled", "revoked", "acknowledged_through", "events_stored", "events_rejected", "last_seen_at"],
                        rows: try await store.kiosks().map { kiosk in
                            [kiosk.kioskID, kiosk.location, "\(kiosk.enrolled)", "\(kiosk.revoked)", "\(kiosk.acknowledgedThrough)",
                             "\(kiosk.eventsStored)", "\(kiosk.eventsRejected)", kiosk.lastSeenAt.map(ProgramTime.format)]
                        }, as: .csv)
                default: return Self.page(.notFound, "no table \(name); the tables are weeks.csv, pairs.csv, participants.csv, attendance.csv, kiosks.csv and audit.csv")
                }
                let file = name.replacingOccurrences(of: ".csv", with: "") + "-" + period.day(period.from) + "-" + period.day(period.to) + ".csv"
                return Response(
                    status: .ok,
                    headers: [.contentType: "text/csv; charset=utf-8; header=present", .contentDisposition: "attachment; filename=\"\(file)\""],
                    body: .init(byteBuffer: ByteBuffer(data: data)))
            }
        }
    }

    /// Authorises (an admin's session, or the admin token from a script), reads the period from
    /// the query, and lets `render` answer for that period. A browser without either is sent to
    /// the login page, a facilitator to their own page.
    func dashboardResponse(
        _ request: Request, render: (DashboardPage.Period, (user: HubUser, token: String)?) async throws -> Response
    ) async throws -> Response {
        var session: (user: HubUser, token: String)?
        if request.headers[.authorization] != nil {
            guard isAdmin(request) else {
                await failedLogins.record(request, store: store, at: clock())
                var response = Self.page(.unauthorized, "the admin token is wrong; people log in at /login")
                response.headers[.wwwAuthenticate] = "Basic realm=\"mentor-hub\", charset=\"UTF-8\""
                return response
            }
        } else {
            guard let signedIn = try await signedIn(request) else {
                return Self.toLogin(request)
            }
            guard signedIn.user.role == .admin else { return Self.redirect(Self.home(of: signedIn.user)) }
            session = signedIn
        }
        let query = request.uri.queryParameters
        let now = clock()
        func day(_ name: String) throws -> Date? {
            guard let text = query.get(name), !text.isEmpty else { return nil }
            guard let date = ProgramTime.parseDayOrTime(text, timeZone: timeZone) else { throw APIError(.badRequest, "bad_request", ProgramTime.notADayOrTime(text)) }
            return date
        }
        let period: DashboardPage.Period
        do {
            // By default up to the end of today, so that the form shows a period it can ask for again.
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            let to = try day("to") ?? calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: now))!
            let from = try day("from") ?? to.addingTimeInterval(-28 * 86_400)
            guard from < to, to.timeIntervalSince(from) <= 2 * 366 * 86_400 else {
                return Self.page(.badRequest, "from must be before to, and at most two years apart")
            }
            let role = query.get("role").flatMap { $0.isEmpty ? nil : $0 }
            if let role, Role(rawValue: role) == nil { return Self.page(.badRequest, "role is one of mentee, mentor, facilitator, admin; not \(role)") }
            period = .init(
                from: from, to: to, location: query.get("location").flatMap { $0.isEmpty ? nil : $0 }, timeZone: timeZone, now: now,
                filter: ReportFilter(
                    role: role.flatMap(Role.init(rawValue:)), groupID: query.get("group").flatMap { $0.isEmpty ? nil : $0 },
                    cohort: query.get("cohort").flatMap { $0.isEmpty ? nil : $0 }))
        } catch let error as APIError {
            return Self.page(.badRequest, error.body.message)
        }
        return try await render(period, session)
    }

    func report(for period: DashboardPage.Period) async throws -> EngagementReport {
        try await store.engagementReport(
            from: period.from, to: period.to, location: period.location, now: period.now, timeZone: timeZone, completionThreshold: 0.75,
            filter: period.filter)
    }

    /// The admin token as Bearer, or as the password of HTTP Basic (what a browser sends): for
    /// the dashboard's GET pages only. The admin API takes Bearer alone (`authorizeAdmin`).
    func isAdmin(_ request: Request) -> Bool {
        if let token = bearer(request) { return Secrets.hash(token) == adminTokenHash }
        guard let value = request.headers[.authorization], value.hasPrefix("Basic "),
              let decoded = Data(base64Encoded: String(value.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let credentials = String(data: decoded, encoding: .utf8), let colon = credentials.firstIndex(of: ":")
        else { return false }
        return Secrets.hash(String(credentials[credentials.index(after: colon)...])) == adminTokenHash
    }

    /// The audit log as CSV (docs/exports.md): the dashboard's download and `mentor-hub audit --format csv`.
    public static func auditCSV(_ entries: [AuditEntry]) throws -> Data {
        try EngagementExport.table(
            columns: ["at", "actor", "action", "subject", "detail"],
            rows: entries.map { [ProgramTime.format($0.at), $0.actor, $0.action, $0.subject, $0.detail] }, as: .csv)
    }

    static func page(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let html = "<!doctype html><html lang=en><meta charset=utf-8><title>\(status.code)</title><p>\(DashboardPage.escape(message))</p></html>\n"
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
