import Foundation
import HubStore
import Hummingbird
import KioskCore

/// The kiosks from the browser: each one's last contact, queue, clock and version (from its
/// status reports), adding one (its enrollment code is shown once, with the command that
/// enrolls the kiosk), a new code (rotate), and revoking one.
extension HubServer {
    func addAdminKiosks(to router: Router<HubRequestContext>) {
        router.get("admin/kiosks") { request, _ in
            try await adminPage(request) { visit in try await kiosksPage(visit, error: nil) }
        }
        router.post("admin/kiosks/add") { request, _ in
            try await adminForm(request, KioskForm.self) { visit, form in
                let id = (form.kioskID ?? "").trimmingCharacters(in: .whitespaces)
                let location = (form.location ?? "").trimmingCharacters(in: .whitespaces)
                guard ProgramID.isValid(id) else { return try await kiosksPage(visit, error: "A kiosk id is 1–64 letters, digits, '.', '_' or '-'.") }
                guard !location.isEmpty else { return try await kiosksPage(visit, error: "Give the kiosk's location: the room its sessions are in, as sessions.csv names it.") }
                if let problem = ProgramText.problem(location, field: "the location") { return try await kiosksPage(visit, error: problem) }
                let address = try await hubAddress(request)
                let code: String
                do {
                    code = try await store.addKiosk(id: id, location: location, at: clock())
                } catch let failure as KioskFailure {
                    return try await kiosksPage(visit, error: failure.description)
                }
                try await adminAudit(visit, "kiosk.add", subject: id, detail: "location \(location)")
                return enrollmentPage(visit, kioskID: id, code: code, title: "Kiosk \(id) added", address: address)
            }
        }
        router.post("admin/kiosks/rotate") { request, _ in
            try await adminForm(request, KioskForm.self) { visit, form in
                let id = form.kioskID ?? ""
                let address = try await hubAddress(request)
                do {
                    let code = try await store.rotateEnrollment(kioskID: id)
                    try await adminAudit(visit, "kiosk.rotate", subject: id)
                    return enrollmentPage(visit, kioskID: id, code: code, title: "A new code for kiosk \(id)", address: address)
                } catch let failure as KioskFailure {
                    return try await kiosksPage(visit, error: failure.description)
                }
            }
        }
        router.post("admin/kiosks/revoke") { request, _ in
            try await adminForm(request, KioskForm.self) { visit, form in
                let id = form.kioskID ?? ""
                guard form.confirm == id else {
                    return try await kiosksPage(visit, error: "To revoke kiosk \(id), type its id in the box next to the button.")
                }
                do {
                    try await store.revoke(kioskID: id)
                } catch let failure as KioskFailure {
                    return try await kiosksPage(visit, error: failure.description)
                }
                try await adminAudit(visit, "kiosk.revoke", subject: id)
                return adminMessage(
                    visit, title: "Kiosk \(id) revoked",
                    "Its token and any unused code no longer work. What it stored and sent stays. A new code (rotate) lets it enroll again.",
                    back: "/admin/kiosks")
            }
        }
    }

    func kiosksPage(_ visit: AdminVisit, error: String?) async throws -> Response {
        let now = clock()
        let kiosks = try await store.kiosks().map { kiosk -> [String: Any] in
            let state = kiosk.revoked ? "revoked" : kiosk.enrolled ? "enrolled" : "waiting for enrollment"
            return [
                "id": kiosk.kioskID, "location": kiosk.location, "state": state, "revoked": kiosk.revoked,
                "lastSeen": kiosk.lastSeenAt.map { Self.ago($0, now: now) } ?? "never",
                "queue": kiosk.queueLength.map(String.init) ?? "–",
                "clock": kiosk.clockTrusted.map { $0 ? "trusted" : "not trusted" } ?? "–",
                "version": kiosk.softwareVersion ?? "–",
                "stored": kiosk.eventsStored, "rejected": kiosk.eventsRejected,
            ]
        }
        var values: [String: Any] = ["kiosks": kiosks]
        values["error"] = error
        return adminResponse("admin-kiosks", visit, title: "Kiosks", values, status: error == nil ? .ok : .unprocessableContent)
    }

    /// The address kiosks reach the hub at: its public URL, or the one this page was asked at.
    func hubAddress(_ request: Request) async throws -> String {
        try await store.hubSetting(.publicURL) ?? "http://" + (request.head.authority ?? "127.0.0.1:8080")
    }

    func enrollmentPage(_ visit: AdminVisit, kioskID: String, code: String, title: String, address: String) -> Response {
        adminResponse("admin-enrollment", visit, title: title, [
            "kiosk": kioskID, "code": code, "command": "mentor-kiosk enroll \(address) \(code)",
        ])
    }

    /// How long ago, in the words of a status column: "12 s ago", "5 min ago", "3 h ago", "4 days ago".
    static func ago(_ date: Date, now: Date) -> String {
        let seconds = Int(now.timeIntervalSince(date))
        switch seconds {
        case ..<0: return "just now"
        case ..<60: return "\(seconds) s ago"
        case ..<3_600: return "\(seconds / 60) min ago"
        case ..<172_800: return "\(seconds / 3_600) h ago"
        default: return "\(seconds / 86_400) days ago"
        }
    }
}

/// The kiosk forms: add (id and location), rotate, revoke (the id typed again to confirm).
struct KioskForm: AdminFormFields {
    var csrf: String?
    var kioskID: String?
    var location: String?
    var confirm: String?

    enum CodingKeys: String, CodingKey {
        case csrf, location, confirm
        case kioskID = "kiosk_id"
    }
}
