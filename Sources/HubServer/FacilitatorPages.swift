import Foundation
import HubStore
import Hummingbird
import KioskCore
import NIOCore
import ProgramFiles

/// A facilitator's own pages at `/my`: who is here now at today's sessions of their groups, and at
/// one still running from yesterday (from the kiosks' latest pushes), the health of their pairs,
/// their members at risk, one group's members, and the CSVs of those. Everything is narrowed by
/// `FacilitatorScope`; a group that is not theirs gets the same answer as one that does not exist.
extension HubServer {
    /// How far back a facilitator's figures look.
    static let facilitatorDays = 28

    func addFacilitatorPages(to router: Router<HubRequestContext>) {
        router.get("my") { request, _ in
            try await facilitatorPage(request) { view in try await facilitatorHome(view) }
        }
        router.get("my/group") { request, _ in
            try await facilitatorPage(request) { view in
                let id = request.uri.queryParameters.get("id") ?? ""
                guard view.scope.groupIDs.contains(id), let group = view.program.groups.first(where: { $0.id == id }) else {
                    return pages.response("message", [
                        "title": "Not one of your groups", "message": "None of the groups you facilitate has the id \(id).", "user": view.bar,
                        "link": ["href": "/my", "label": "Your groups"],
                    ], status: .notFound)
                }
                return try await groupPage(view, group)
            }
        }
        router.get("my/:table") { request, context in
            let table = try context.parameters.require("table")
            return try await facilitatorPage(request) { view in
                let data: Data
                switch table {
                case "today.csv":
                    // Each person's rating is theirs, not their facilitator's to read.
                    data = try AttendanceExport.encode(try await todaysAttendance(view).map { row in
                        var row = row
                        row.rating = nil
                        return row
                    }, as: .csv)
                case "pairs.csv": data = try EngagementExport.pairs(try await facilitatorReport(view), as: .csv)
                case "at-risk.csv":
                    var report = try await facilitatorReport(view)
                    let atRisk = Set(report.atRisk.map(\.participantID))
                    report.participants = report.participants.filter { atRisk.contains($0.participantID) }
                    data = try EngagementExport.participants(report, as: .csv)
                default:
                    return pages.response("message", [
                        "title": "No such file", "message": "Your files are today.csv, pairs.csv and at-risk.csv.", "user": view.bar,
                    ], status: .notFound)
                }
                let day = String(ProgramTime.format(view.now).prefix(10))
                return Response(
                    status: .ok,
                    headers: [.contentType: "text/csv; charset=utf-8; header=present",
                              .contentDisposition: "attachment; filename=\"my-\(table.dropLast(4))-\(day).csv\""],
                    body: .init(byteBuffer: ByteBuffer(data: data)))
            }
        }
    }

    /// Answers a facilitator's page: `render` runs only for a signed-in facilitator, with their scope.
    func facilitatorPage(_ request: Request, render: (FacilitatorView) async throws -> Response) async throws -> Response {
        guard let (user, token) = try await signedIn(request) else {
            return Self.toLogin(request)
        }
        guard user.role == .facilitator, let participantID = user.participantID else { return Self.redirect(Self.home(of: user)) }
        let now = clock()
        let program = try await store.programSnapshot(
            startingFrom: now.addingTimeInterval(-Double(Self.facilitatorDays) * 86_400), before: now.addingTimeInterval(14 * 86_400), location: nil)
        let scope = FacilitatorScope.current(participantID: participantID, in: program, at: now, timeZone: timeZone)
        return try await render(FacilitatorView(user: user, token: token, now: now, program: program, scope: scope))
    }

    /// The engagement figures of the last `facilitatorDays`, narrowed to the facilitator's pairs and members.
    func facilitatorReport(_ view: FacilitatorView) async throws -> EngagementReport {
        let report = try await store.engagementReport(
            from: view.now.addingTimeInterval(-Double(Self.facilitatorDays) * 86_400), to: view.now, location: nil, now: view.now, timeZone: timeZone,
            completionThreshold: 0.75)
        return view.scope.narrow(report, groups: view.program.groups, at: view.now, timeZone: timeZone)
    }

    /// The facilitator's sessions of today, and one of yesterday still running: an evening session
    /// past midnight stays on their page until it ends.
    func todaysSessions(_ view: FacilitatorView) -> [Session] {
        let day = ProgramDay(containing: view.now, in: timeZone)
        let yesterday = ProgramDay(containing: day.start(in: timeZone).addingTimeInterval(-12 * 3_600), in: timeZone)
        return view.program.sessions.filter { session in
            let started = ProgramDay(containing: session.startsAt, in: timeZone)
            return view.scope.includes(session)
                && (started == day || (started == yesterday && session.startsAt <= view.now && view.now < session.endsAt))
        }
    }

    /// The attendance rows (the kiosks' events so far) of `todaysSessions`.
    func todaysAttendance(_ view: FacilitatorView) async throws -> [AttendanceReportRow] {
        let sessions = todaysSessions(view)
        guard let earliest = sessions.map(\.startsAt).min() else { return [] }
        let today = ProgramDay(containing: view.now, in: timeZone).start(in: timeZone)
        let tomorrow = ProgramDay(containing: today.addingTimeInterval(36 * 3_600), in: timeZone).start(in: timeZone)
        let rows = try await store.attendanceExport(from: min(earliest, today), to: tomorrow, location: nil, now: view.now, timeZone: timeZone)
        let mine = Set(sessions.map(\.id))
        return rows.filter { mine.contains($0.sessionID) }
    }

    func facilitatorHome(_ view: FacilitatorView) async throws -> Response {
        let wording = KioskWording(timeZone: timeZone)
        let groups = view.program.groups.filter(view.scope.includes).map { group -> [String: Any] in
            let current = group.members(at: view.now, timeZone: timeZone).filter { $0.role != .facilitator }
            return ["name": group.name, "id": group.id, "kind": group.kind.rawValue, "members": current.count, "link": "/my/group?id=" + Self.queryValue(group.id)]
        }
        let rows = Dictionary(grouping: try await todaysAttendance(view), by: \.sessionID)
        let today = todaysSessions(view)
            .sorted { ($0.startsAt, $0.id) < ($1.startsAt, $1.id) }
            .map { session -> [String: Any] in
                // The facilitator is among the session's expected; their own page does not list them.
                let rows = (rows[session.id] ?? []).filter { $0.participantID != view.scope.participantID }
                func names(_ keep: (AttendanceReportRow) -> Bool) -> String { rows.filter(keep).map(\.participantName).sorted().joined(separator: ", ") }
                let here = rows.filter { $0.checkedInAt != nil && $0.checkedOutAt == nil }.count
                let others = [
                    ("Left", names { $0.checkedOutAt != nil }), ("Not here yet", names { $0.status == .pending }),
                    ("Absent", names { $0.status == .absent }), ("Excused", names { $0.status == .excused }),
                ].filter { !$0.1.isEmpty }.map { "\($0.0): \($0.1)" }
                var values: [String: Any] = [
                    "title": session.title, "location": session.location,
                    "when": "\(wording.clock(session.startsAt))–\(wording.clock(session.endsAt))", "cancelled": session.status == .cancelled,
                    "hereCount": here, "here": names { $0.checkedInAt != nil && $0.checkedOutAt == nil }, "others": others,
                ]
                if rows.isEmpty { values["quiet"] = session.startsAt > view.now ? "It has not started; its check-in opens before the start." : "Nobody has checked in." }
                return values
            }
        let report = try await facilitatorReport(view)
        let names = Dictionary(view.program.groups.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let pairs = report.pairs.sorted { ($0.health, $0.groupID) > ($1.health, $1.groupID) }.map { pair -> [String: Any] in
            ["name": names[pair.groupID] ?? pair.groupID, "id": pair.groupID, "health": pair.health.rawValue.replacingOccurrences(of: "_", with: " "),
             "meetings": pair.meetings, "reasons": pair.reasons.joined(separator: "; "), "link": "/my/group?id=" + Self.queryValue(pair.groupID)]
        }
        let sessions = view.program.sessions.filter { view.scope.includes($0) && $0.startsAt >= view.now.addingTimeInterval(-86_400) }
            .sorted { $0.startsAt < $1.startsAt }
            .map { session -> [String: Any] in
                ["starts": wording.day(session.startsAt) + " " + wording.clock(session.startsAt), "title": session.title, "location": session.location,
                 "cancelled": session.status == .cancelled]
            }
        return pages.response("facilitator-home", [
            "title": "Your groups", "user": view.bar, "refresh": 60, "groups": groups, "hasGroups": !groups.isEmpty, "today": today,
            "pairs": pairs, "hasPairs": !pairs.isEmpty, "days": Self.facilitatorDays,
            "atRisk": report.atRisk.map { ["name": $0.name, "id": $0.participantID, "reason": $0.reason] }, "sessions": sessions,
        ])
    }

    func groupPage(_ view: FacilitatorView, _ group: MentoringGroup) async throws -> Response {
        let report = try await facilitatorReport(view)
        let figures = Dictionary(report.participants.map { ($0.participantID, $0) }, uniquingKeysWith: { first, _ in first })
        let reasons = Dictionary(report.atRisk.map { ($0.participantID, $0.reason) }, uniquingKeysWith: { first, _ in first })
        let people = Dictionary(view.program.participants.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let wording = KioskWording(timeZone: timeZone)
        let members = group.members(at: view.now, timeZone: timeZone).map { member -> [String: Any] in
            let figure = figures[member.participantID]
            return [
                "name": people[member.participantID]?.name ?? member.participantID, "id": member.participantID, "role": member.role.rawValue,
                "present": figure.map { "\($0.present) of \($0.expected)" } ?? "–",
                "last": figure?.lastArrival.map { wording.day($0) } ?? "–", "risk": reasons[member.participantID] ?? "",
            ]
        }
        var values: [String: Any] = ["title": group.name, "user": view.bar, "id": group.id, "kind": group.kind.rawValue, "members": members, "days": Self.facilitatorDays]
        if let pair = report.pairs.first(where: { $0.groupID == group.id }) {
            values["pair"] = ["health": pair.health.rawValue.replacingOccurrences(of: "_", with: " "), "meetings": pair.meetings,
                              "reasons": pair.reasons.joined(separator: "; ")]
        }
        return pages.response("facilitator-group", values)
    }
}

/// A signed-in facilitator on one request: who, their scope, and the program around now.
struct FacilitatorView {
    var user: HubUser
    var token: String
    var now: Date
    var program: ProgramSnapshot
    var scope: FacilitatorScope
    var bar: [String: Any] { HubServer.bar(user, token: token) }
}

extension WebPages {
    static let facilitatorTemplates: [String: String] = [
        "facilitator-home": """
            {{<layout}}{{$content}}
            {{^hasGroups}}<p>No group names you as its facilitator yet. The admin sets that in groups.csv (role facilitator) or sessions.csv (facilitator_id).</p>{{/hasGroups}}
            <h2>Today</h2>
            {{^today}}<p>None of your sessions is today.</p>{{/today}}
            {{#today}}<section class="today"><h3>{{when}} · {{title}} · {{location}}{{#cancelled}} · cancelled{{/cancelled}}</h3>
            <p><strong>Here now ({{hereCount}}):</strong> {{here}}</p>
            {{#others}}<p class="note">{{.}}</p>{{/others}}{{#quiet}}<p class="note">{{quiet}}</p>{{/quiet}}</section>{{/today}}
            <p class="note">From the kiosks' latest pushes; this page reloads every minute. <a href="/my/today.csv">today.csv</a></p>
            {{#hasGroups}}<h2>Your groups</h2><table id="groups"><thead><tr><th>Group</th><th>Id</th><th>Kind</th><th>Members now</th></tr></thead><tbody>
            {{#groups}}<tr><td><a href="{{link}}">{{name}}</a></td><td>{{id}}</td><td>{{kind}}</td><td>{{members}}</td></tr>{{/groups}}
            </tbody></table>{{/hasGroups}}
            {{#hasPairs}}<h2>Your pairs</h2><table id="pairs"><thead><tr><th>Pair</th><th>Health</th><th>Meetings ({{days}} days)</th><th>Why</th></tr></thead><tbody>
            {{#pairs}}<tr><td><a href="{{link}}">{{name}}</a></td><td>{{health}}</td><td>{{meetings}}</td><td>{{reasons}}</td></tr>{{/pairs}}
            </tbody></table><p class="note"><a href="/my/pairs.csv">pairs.csv</a></p>{{/hasPairs}}
            <h2>At risk</h2>
            {{^atRisk}}<p>None of your members.</p>{{/atRisk}}
            {{#atRisk}}<p class="risk">{{name}} ({{id}}): {{reason}}</p>{{/atRisk}}
            <p class="note"><a href="/my/at-risk.csv">at-risk.csv</a></p>
            <h2>Your sessions</h2>
            {{^sessions}}<p>None.</p>{{/sessions}}
            {{#sessions}}<p>{{starts}} · {{title}} · {{location}}{{#cancelled}} · <strong>cancelled</strong>{{/cancelled}}</p>{{/sessions}}
            {{/content}}{{/layout}}
            """,
        "facilitator-group": """
            {{<layout}}{{$content}}
            <p>{{kind}} {{id}} · the last {{days}} days</p>
            {{#pair}}<p id="pair-health">Health: <strong>{{health}}</strong>, {{meetings}} verified meetings. {{reasons}}</p>{{/pair}}
            <table id="members"><thead><tr><th>Member</th><th>Id</th><th>Role</th><th>Came</th><th>Last came</th><th>At risk</th></tr></thead><tbody>
            {{#members}}<tr><td>{{name}}</td><td>{{id}}</td><td>{{role}}</td><td>{{present}}</td><td>{{last}}</td><td>{{risk}}</td></tr>{{/members}}
            </tbody></table>
            <p><a href="/my">Your groups</a></p>
            {{/content}}{{/layout}}
            """,
    ]
}
