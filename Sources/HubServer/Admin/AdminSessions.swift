import Foundation
import HubStore
import Hummingbird
import KioskCore
import ProgramFiles

/// The schedule from the browser: the sessions of the coming weeks, and one session's page
/// to cancel it (`SessionCancelRefusal`'s rule) or move it (`SessionRescheduleRefusal`'s).
/// Kiosks learn either with their next directory.
extension HubServer {
    /// How far ahead the sessions page lists.
    static let listedSessionDays = 28

    func addAdminSessions(to router: Router<HubRequestContext>) {
        router.get("admin/sessions") { request, _ in
            try await adminPage(request) { visit in
                let now = clock()
                let program = try await store.programSnapshot(
                    startingFrom: now.addingTimeInterval(-86_400), before: now.addingTimeInterval(Double(Self.listedSessionDays) * 86_400), location: nil)
                let wording = KioskWording(timeZone: timeZone)
                let sessions = program.sessions.sorted { ($0.startsAt, $0.id) < ($1.startsAt, $1.id) }.map { session -> [String: Any] in
                    ["id": session.id, "title": session.title, "location": session.location, "group": session.groupID ?? "",
                     "when": "\(wording.day(session.startsAt)) \(wording.clock(session.startsAt))–\(wording.clock(session.endsAt))",
                     "status": session.status.rawValue, "link": "/admin/session?id=" + Self.queryValue(session.id)]
                }
                return adminResponse("admin-sessions", visit, title: "Sessions", ["sessions": sessions, "any": !sessions.isEmpty, "days": Self.listedSessionDays])
            }
        }
        router.get("admin/session") { request, _ in
            try await adminPage(request) { visit in
                let id = request.uri.queryParameters.get("id") ?? ""
                guard let session = try await store.session(id: id) else { return noSession(visit, id) }
                return sessionPage(visit, session, error: nil)
            }
        }
        router.post("admin/session/cancel") { request, _ in
            try await adminForm(request, SessionChangeForm.self) { visit, form in
                let id = form.id ?? ""
                let reason = (form.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                if !reason.isEmpty, let problem = ProgramText.problem(reason, field: "the reason") { return try await sessionRefusal(visit, id, problem) }
                do {
                    let session = try await store.cancelSession(id: id, reason: reason.isEmpty ? nil : reason, at: clock())
                    try await adminAudit(visit, "session.cancel", subject: id, detail: reason.isEmpty ? nil : reason)
                    return adminMessage(visit, title: "Session cancelled", "\(session.title) (\(session.id)) is cancelled; kiosks learn it with their next directory.", back: "/admin/sessions")
                } catch let refusal as SessionCancelRefusal {
                    return try await sessionRefusal(visit, id, refusal.description)
                }
            }
        }
        router.post("admin/session/reschedule") { request, _ in
            try await adminForm(request, SessionChangeForm.self) { visit, form in
                let id = form.id ?? ""
                guard let starts = ProgramTime.parse(form.startsAt ?? "", timeZone: timeZone), let ends = ProgramTime.parse(form.endsAt ?? "", timeZone: timeZone) else {
                    return try await sessionRefusal(visit, id, "give the new start and end as a day and a time, such as 2026-03-02 15:00")
                }
                do {
                    let session = try await store.rescheduleSession(id: id, startsAt: starts, endsAt: ends, at: clock())
                    try await adminAudit(visit, "session.reschedule", subject: id, detail: "\(ProgramTime.format(starts)) to \(ProgramTime.format(ends))")
                    let wording = KioskWording(timeZone: timeZone)
                    return adminMessage(
                        visit, title: "Session moved",
                        "\(session.title) (\(session.id)) is now \(wording.day(starts)) \(wording.clock(starts))–\(wording.clock(ends)); kiosks learn it with their next directory.",
                        back: "/admin/sessions")
                } catch let refusal as SessionRescheduleRefusal {
                    return try await sessionRefusal(visit, id, refusal.description)
                }
            }
        }
    }

    func sessionRefusal(_ visit: AdminVisit, _ id: String, _ message: String) async throws -> Response {
        guard let session = try await store.session(id: id) else { return noSession(visit, id) }
        return sessionPage(visit, session, error: message)
    }

    /// The answer for an unknown session id; the id is repeated only when it is a valid one.
    func noSession(_ visit: AdminVisit, _ id: String) -> Response {
        adminMessage(
            visit, title: "No such session", ProgramID.isValid(id) ? "No session has the id \(id)." : "That is not a session id.", back: "/admin/sessions",
            status: .notFound)
    }

    func sessionPage(_ visit: AdminVisit, _ session: Session, error: String?) -> Response {
        let wording = KioskWording(timeZone: timeZone)
        var values: [String: Any] = [
            "id": session.id, "sessionTitle": session.title, "location": session.location,
            "when": "\(wording.day(session.startsAt)) \(wording.clock(session.startsAt))–\(wording.clock(session.endsAt))",
            "status": session.status.rawValue, "scheduled": session.status == .scheduled,
            "starts": Self.localInput(session.startsAt, timeZone), "ends": Self.localInput(session.endsAt, timeZone), "zone": timeZone.identifier,
        ]
        values["error"] = error
        values["group"] = session.groupID
        values["reason"] = session.cancelReason
        return adminResponse("admin-session", visit, title: "Session \(session.id)", values, status: error == nil ? .ok : .unprocessableContent)
    }

    /// A time as a `datetime-local` field shows it, in the program's time zone.
    static func localInput(_ date: Date, _ timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter.string(from: date)
    }

    /// A value for a link's query string.
    static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}

/// The session page's forms: cancel (a reason) or move (a new start and end).
struct SessionChangeForm: AdminFormFields {
    var csrf: String?
    var id: String?
    var reason: String?
    var startsAt: String?
    var endsAt: String?

    enum CodingKeys: String, CodingKey {
        case csrf, id, reason
        case startsAt = "starts_at"
        case endsAt = "ends_at"
    }
}
