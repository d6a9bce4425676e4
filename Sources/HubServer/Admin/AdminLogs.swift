import Foundation
import HubStore
import Hummingbird
import KioskCore
import ProgramFiles

/// What the hub refused and what people did, from the browser: the rejected events with a
/// retry (after the roster or schedule that refused them was fixed), and the audit log.
extension HubServer {
    /// The most audit entries one page shows (the CSV has them all).
    static let auditPageLimit = 1_000

    func addAdminLogs(to router: Router<HubRequestContext>) {
        router.get("admin/rejected") { request, _ in
            try await adminPage(request) { visit in
                let all = request.uri.queryParameters.get("all") == "1"
                let events = try await store.rejectedEvents(kioskID: nil, includingResolved: all).map { item -> [String: Any] in
                    [
                        "id": item.id, "kiosk": item.kioskID, "seq": item.seq,
                        "what": item.event.map { "\($0.kind) \($0.participantID ?? "–") in \($0.sessionID ?? "–")" } ?? "unreadable",
                        "received": ProgramTime.format(item.receivedAt), "reason": item.reason,
                        "state": item.resolvedAt.map { "taken in \(ProgramTime.format($0))" } ?? "refused", "open": item.resolvedAt == nil,
                    ]
                }
                return adminResponse("admin-rejected", visit, title: "Rejected events", ["events": events, "all": all, "any": !events.isEmpty])
            }
        }
        router.post("admin/rejected/retry") { request, _ in
            try await adminForm(request, RetryForm.self) { visit, form in
                var ids: [Int64]?
                if let text = form.id, !text.isEmpty {
                    guard let id = Int64(text) else { return adminMessage(visit, title: "Nothing retried", "\(text) is not a quarantine id.", back: "/admin/rejected", status: .badRequest) }
                    ids = [id]
                }
                let outcomes = try await store.retryRejected(ids: ids, at: clock())
                let taken = outcomes.filter { $0.stillRefused == nil }.count
                try await adminAudit(
                    visit, "rejected.retry", subject: ids.map { $0.map(String.init).joined(separator: " ") } ?? "all",
                    detail: "\(taken) taken in, \(outcomes.count - taken) still refused")
                let refused = outcomes.compactMap { outcome in outcome.stillRefused.map { "\(outcome.id) (\(outcome.kioskID) seq \(outcome.seq)): \($0)" } }
                return adminMessage(
                    visit, title: "Retried",
                    "\(taken) taken in, \(outcomes.count - taken) still refused." + (refused.isEmpty ? "" : " Still refused: " + refused.prefix(20).joined(separator: "; ")),
                    back: "/admin/rejected")
            }
        }
        router.get("admin/audit") { request, _ in
            try await adminPage(request) { visit in
                let days = Int(request.uri.queryParameters.get("days") ?? "") ?? 7
                guard (1...3_660).contains(days) else {
                    return adminMessage(visit, title: "Audit log", "days is 1–3660.", back: "/admin/audit", status: .badRequest)
                }
                let since = clock().addingTimeInterval(-Double(days) * 86_400)
                let entries = try await store.auditLog(since: since)
                let shown = entries.suffix(Self.auditPageLimit).reversed().map { entry -> [String: Any] in
                    ["at": ProgramTime.format(entry.at), "actor": entry.actor, "action": entry.action, "subject": entry.subject ?? "", "detail": entry.detail ?? ""]
                }
                return adminResponse("admin-audit", visit, title: "Audit log", [
                    "entries": shown, "days": days, "count": entries.count, "cut": entries.count > Self.auditPageLimit, "limit": Self.auditPageLimit,
                    "csv": "/dashboard/audit.csv?from=" + Self.queryValue(ProgramTime.format(since)),
                ])
            }
        }
    }
}

/// The retry button's form: one quarantine id, or none for all still refused.
struct RetryForm: AdminFormFields {
    var csrf: String?
    var id: String?
}
