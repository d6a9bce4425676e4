import Crypto
import Foundation
import HubStore
import Hummingbird
import KioskCore
import ProgramFiles

/// The program's files from the browser: an upload is read by `ProgramFileReader` and checked
/// by the storage's own import run as a dry run, so the preview names every problem the import
/// would (file, line and column) and what it would add, update and cancel; only the preview's
/// button imports, all or nothing, the very file that was previewed. The people page shows the
/// roster, the sessions pages cancel and move sessions.
extension HubServer {
    /// The largest program file taken (a roster of thousands is well under it).
    static let maximumProgramFileBytes = 4 << 20

    func addAdminProgram(to router: Router<HubRequestContext>) {
        router.get("admin/program") { request, _ in
            try await adminPage(request) { visit in programPage(visit, kind: "participants", error: nil) }
        }
        router.post("admin/program") { request, _ in
            // Room for the file once as an upload, or base64-encoded in the preview's form.
            try await adminUpload(request, limit: Self.maximumProgramFileBytes * 3 / 2) { visit, fields in
                try await uploadProgram(visit, ProgramUploadForm(fields))
            }
        }
        router.get("admin/people") { request, _ in
            try await adminPage(request) { visit in try await peoplePage(visit) }
        }
    }

    func uploadProgram(_ visit: AdminVisit, _ form: ProgramUploadForm) async throws -> Response {
        let kind = form.kind ?? ""
        guard ProgramFileReader.kinds.contains(kind) else {
            return programPage(visit, kind: "participants", error: ["message": "Choose which file this is: participants, groups, sessions or goals."])
        }
        let cancelMissing = kind == "sessions" && form.cancelMissing == "on"
        let commit = form.commit == "import"
        let data: Data
        if commit {
            // Only the file a preview showed is imported: its form carries it with a signature of
            // this session's, over the kind and the options too.
            guard let content = form.content, let decoded = Data(base64Encoded: content),
                  Self.validPreviewSignature(form.signature, kind: kind, cancelMissing: cancelMissing, content: content, secret: visit.token)
            else { return programPage(visit, kind: kind, error: ["message": "Only a file checked on this page can be imported. Upload it again."]) }
            data = decoded
        } else if let file = form.file, !file.isEmpty {
            data = file
        } else {
            return programPage(visit, kind: kind, error: ["message": "Choose a CSV file to upload."])
        }
        guard data.count <= Self.maximumProgramFileBytes else {
            return programPage(visit, kind: kind, error: ["message": "The file is over \(Self.maximumProgramFileBytes >> 20) MiB."])
        }
        let name = kind + ".csv"
        let reader = ProgramFileReader(normalizer: BadgeNormalizer(rules: BadgeRules()), hasher: try BadgeHasher(secret: badgeSecret), timeZone: timeZone)
        do {
            guard let file = try reader.file(kind: kind, data, file: name, cancellingMissingAfter: cancelMissing ? clock() : nil) else {
                return programPage(visit, kind: kind, error: ["message": "Unknown kind of file."])
            }
            let content = data.base64EncodedString()
            let before = try await store.programSnapshot(startingFrom: .distantPast, before: .distantFuture, location: nil)
            let summary = try await store.importProgram(file, dryRun: !commit)
            let rows = Self.previewRows(file, before: before, wording: KioskWording(timeZone: timeZone))
            if commit {
                try await adminAudit(visit, "import.\(kind)", subject: name, detail: "\(summary) (uploaded)")
                return adminResponse("admin-imported", visit, title: "Imported \(name)", Self.shownRows(rows).merging([
                    "summary": "\(summary)", "people": kind == "participants",
                ]) { $1 })
            }
            return adminResponse("admin-preview", visit, title: "Check \(name) before importing", Self.shownRows(rows).merging([
                "summary": "\(summary)", "kind": kind, "content": content, "cancelMissing": cancelMissing,
                "signature": Self.previewSignature(kind: kind, cancelMissing: cancelMissing, content: content, secret: visit.token),
            ]) { $1 })
        } catch let error as ImportError {
            var shown: [String: Any] = ["message": error.message, "file": error.position.file, "line": error.position.line]
            shown["column"] = error.position.column
            return programPage(visit, kind: kind, error: shown, status: .unprocessableContent)
        }
    }

    func programPage(_ visit: AdminVisit, kind: String, error: [String: Any]?, status: HTTPResponse.Status = .ok) -> Response {
        var values: [String: Any] = [
            "kinds": ProgramFileReader.kinds.map { ["name": $0, "selected": $0 == kind] },
            "columns": [
                ["kind": "participants", "list": (ProgramFileReader.participantColumns + ProgramFileReader.optionalParticipantColumns.map { $0 + "?" }).joined(separator: ", ")],
                ["kind": "groups", "list": (ProgramFileReader.groupColumns + ProgramFileReader.optionalGroupColumns.map { $0 + "?" }).joined(separator: ", ")],
                ["kind": "sessions", "list": (ProgramFileReader.sessionColumns + ProgramFileReader.optionalSessionColumns.map { $0 + "?" }).joined(separator: ", ")],
                ["kind": "goals", "list": (ProgramFileReader.goalColumns + ProgramFileReader.optionalGoalColumns.map { $0 + "?" }).joined(separator: ", ")],
            ],
            "limit": Self.maximumProgramFileBytes >> 20,
        ]
        values["importError"] = error
        return adminResponse("admin-program", visit, title: "Program files", values, status: error == nil ? .ok : status)
    }

    /// What a preview's import button carries besides the file: an HMAC, keyed by the session's
    /// token, of the kind, the option and the file, so the import is the file the admin saw.
    static func previewSignature(kind: String, cancelMissing: Bool, content: String, secret: String) -> String {
        let message = Data("\(kind)\n\(cancelMissing)\n\(content)".utf8)
        return Secrets.hex(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(("mentor-hub preview " + secret).utf8))))
    }

    static func validPreviewSignature(_ given: String?, kind: String, cancelMissing: Bool, content: String, secret: String) -> Bool {
        guard let given else { return false }
        return Secrets.hash(given) == Secrets.hash(previewSignature(kind: kind, cancelMissing: cancelMissing, content: content, secret: secret))
    }

    /// The rows a page lists (the first 500), and how many more there are.
    static func shownRows(_ rows: [[String: Any]]) -> [String: Any] {
        var values: [String: Any] = ["rows": Array(rows.prefix(500))]
        if rows.count > 500 { values["more"] = rows.count - 500 }
        return values
    }

    /// What the file holds, row by row, each marked as new or an update of what the hub has.
    static func previewRows(_ file: ProgramFile, before: ProgramSnapshot, wording: KioskWording) -> [[String: Any]] {
        func change(_ exists: Bool) -> String { exists ? "update" : "new" }
        switch file {
        case .participants(let entries):
            let known = Set(before.participants.map(\.id))
            return entries.map { entry in
                let person = entry.participant
                return ["id": person.id, "label": person.name, "detail": person.role.rawValue + (person.isActive ? "" : ", inactive"),
                        "change": change(known.contains(person.id))]
            }
        case .groups(let entries):
            let known = Set(before.groups.map(\.id))
            return entries.map { entry in
                ["id": entry.group.id, "label": entry.group.name, "detail": "\(entry.group.kind.rawValue), \(entry.group.members.count) member rows",
                 "change": change(known.contains(entry.group.id))]
            }
        case .goals(let entries):
            return entries.map { entry in
                ["id": entry.groupID, "label": entry.goal?.text ?? "(goal cleared)", "detail": entry.goal?.targetOn.map { "by \($0)" } ?? "", "change": "update"]
            }
        case .sessions(let entries, _):
            let known = Set(before.sessions.map(\.id))
            return entries.map { entry in
                let session = entry.session
                let what = session.status == .cancelled && entry.statusGiven ? "cancel" : change(known.contains(session.id))
                return ["id": session.id, "label": session.title,
                        "detail": "\(wording.day(session.startsAt)) \(wording.clock(session.startsAt)), \(session.location)", "change": what]
            }
        }
    }

    func peoplePage(_ visit: AdminVisit) async throws -> Response {
        let now = clock()
        let program = try await store.programSnapshot(startingFrom: now, before: now, location: nil)
        let people = program.participants.sorted { $0.id < $1.id }.map { person -> [String: Any] in
            ["id": person.id, "name": person.name, "role": person.role.rawValue, "cohort": person.cohort ?? "",
             "active": person.isInProgram(at: now, in: timeZone)]
        }
        let groups = program.groups.sorted { $0.id < $1.id }.map { group -> [String: Any] in
            let members = group.members(at: now, timeZone: timeZone)
            return ["id": group.id, "name": group.name, "kind": group.kind.rawValue,
                    "members": members.map(\.participantID).joined(separator: ", ")]
        }
        return adminResponse("admin-people", visit, title: "People and groups", [
            "people": people, "count": people.count, "groups": groups, "groupCount": groups.count,
        ])
    }
}

/// The upload form: the file's kind and the file, or, from the preview, the file it showed
/// (base64), its signature and `commit=import`.
struct ProgramUploadForm {
    var kind: String?
    var file: Data?
    var content: String?
    var signature: String?
    var cancelMissing: String?
    var commit: String?

    init(_ fields: MultipartFields) {
        kind = fields.text("kind")
        file = fields.data("file")
        content = fields.text("content")
        signature = fields.text("signature")
        cancelMissing = fields.text("cancel_missing")
        commit = fields.text("commit")
    }
}
