import Foundation

/// One row of the hub's append-only audit log: who did what to which thing, when.
public struct AuditEntry: Sendable, Equatable, Codable {
    public var at: Date
    /// `cli` (a command on the hub's machine), `api` (the admin token), or `anonymous`.
    public var actor: String
    /// A dotted name: `import.participants`, `kiosk.revoke`, `settings.set`, `rejected.retry`, `login.failed` …
    public var action: String
    /// What it acted on (a kiosk id, a file), if anything.
    public var subject: String?
    /// Counts and the like, as text.
    public var detail: String?

    public init(at: Date, actor: String, action: String, subject: String? = nil, detail: String? = nil) {
        self.at = at
        self.actor = actor
        self.action = action
        self.subject = subject
        self.detail = detail
    }
}
