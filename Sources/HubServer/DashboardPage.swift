import Foundation
import HubStore
import KioskCore

/// The admin's one page: the program at a glance, drawn on the server as HTML with inline SVG
/// charts and no external assets (the hub may have no internet, the page no scripts). Pure:
/// the report and the kiosk list in, the page out.
enum DashboardPage {
    struct Period {
        var from: Date
        var to: Date
        var location: String?
        var timeZone: TimeZone
        var now: Date
        var filter = ReportFilter()

        /// The query string that asks for this period again (for the download links).
        var query: String {
            var items = [URLQueryItem(name: "from", value: day(from)), URLQueryItem(name: "to", value: day(to))]
            if let location { items.append(URLQueryItem(name: "location", value: location)) }
            if let role = filter.role { items.append(URLQueryItem(name: "role", value: role.rawValue)) }
            if let group = filter.groupID { items.append(URLQueryItem(name: "group", value: group)) }
            if let cohort = filter.cohort { items.append(URLQueryItem(name: "cohort", value: cohort)) }
            var components = URLComponents()
            components.queryItems = items
            return components.percentEncodedQuery ?? ""
        }

        func day(_ date: Date) -> String {
            var style = Date.ISO8601FormatStyle().year().month().day()
            style.timeZone = timeZone
            return date.formatted(style)
        }
    }

    /// `signedIn`: the person's email and their logout form's token, when they came by a session
    /// (a script's token has nothing to log out of).
    static func render(_ report: EngagementReport, kiosks: [KioskSummary], period: Period, signedIn: (email: String, csrf: String)? = nil) -> String {
        let weeks = report.weeks.map { period.day($0.startsOn).dropFirst(5).replacingOccurrences(of: "-", with: "/") }
        let percent = { (value: Double?) in value.map { String(format: "%.0f%%", $0 * 100) } ?? "–" }
        func download(_ table: String, _ label: String = "CSV") -> String {
            "<a class=dl href=\"/dashboard/\(table).csv?\(escape(period.query))\">\(label)</a>"
        }
        var html = """
            <!doctype html>
            <html lang=en><head><meta charset=utf-8><title>Mentor hub — engagement</title>
            <meta name=viewport content="width=device-width, initial-scale=1">
            <style>
            body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1em;color:#1d2330;background:#f7f7f4}
            h1{font-size:1.4em;margin:.2em 0} h2{font-size:1.1em;margin:0 0 .4em} section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:1em;margin:1em 0}
            .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:1em} .figures{display:flex;flex-wrap:wrap;gap:1.5em}
            .figure b{display:block;font-size:1.6em} table{border-collapse:collapse;width:100%} td,th{text-align:left;padding:.2em .5em;border-bottom:1px solid #eee}
            .dl{float:right;font-size:.85em} form{margin:.5em 0} .quiet{color:#b3261e} tr.at_risk td:nth-child(2){color:#b3261e;font-weight:bold} tr.watch td:nth-child(2){color:#8a5a00} svg text{font:11px system-ui,sans-serif;fill:#444}
            .who{float:right} .who form{display:inline;margin:0}
            </style></head><body>
            \(signedIn.map { "<div class=who>\(escape($0.email)) <form method=post action=/logout><input type=hidden name=csrf value=\"\(escape($0.csrf))\"><button>Log out</button></form></div>" } ?? "")
            <h1>Engagement — \(escape(period.location ?? "all locations"))</h1>
            <form method=get action=/dashboard>
            from <input name=from value="\(period.day(period.from))" size=10> to <input name=to value="\(period.day(period.to))" size=10>
            location <input name=location value="\(escape(period.location ?? ""))" size=14>
            role <select name=role>\((["", "mentee", "mentor", "facilitator", "admin"]).map { "<option\($0 == (period.filter.role?.rawValue ?? "") ? " selected" : "")>\($0)</option>" }.joined())</select>
            group <input name=group value="\(escape(period.filter.groupID ?? ""))" size=8>
            cohort <input name=cohort value="\(escape(period.filter.cohort ?? ""))" size=10> <button>show</button>
            <small>(\(escape(period.timeZone.identifier)); sessions starting from the first day up to the second; definitions in docs/metrics.md)</small>
            </form>
            <section><div class=figures>
            <div class=figure><b>\(report.sessions)</b>sessions</div>
            <div class=figure><b>\(percent(report.attendanceRate))</b>attendance (\(report.present) of \(report.expected))</div>
            <div class=figure><b>\(percent(report.punctuality))</b>on time</div>
            <div class=figure><b>\(percent(report.completion))</b>completed ≥ \(percent(report.completionThreshold))</div>
            <div class=figure><b>\(report.satisfaction.mean.map { String(format: "%.1f", $0) } ?? "–")</b>of 4 satisfaction (\(percent(report.satisfaction.responseRate)) answered)</div>
            <div class=figure><b>\(report.atRisk.count)</b>at risk</div>
            <div class=figure><b>\(report.pairs.filter { $0.health == .atRisk }.count)</b>pairs at risk</div>
            <div class=figure><b>\(percent(report.goalAchievement.share))</b>goal achievement (\(report.goalAchievement.pairs) pairs answered)</div>
            </div></section>
            <div class=grid>
            <section id=attendance><h2>Attendance per week \(download("weeks")) \(download("attendance", "CSV of every attendance"))</h2>
            \(SVGChart.bars(report.weeks.map(\.attendanceRate), labels: weeks, maximum: 1, label: percent))
            </section>
            <section id=retention><h2>Retention (active in the first two weeks, still active)</h2>
            \(SVGChart.line(report.retention, labels: weeks))
            </section>
            <section id=satisfaction><h2>Satisfaction: ratings 1–4</h2>
            \(SVGChart.bars(report.satisfaction.distribution.map(Double.init), labels: ["1", "2", "3", "4"], maximum: nil) { value in value.map { String(Int($0)) } ?? "" })
            </section>
            <section id=active><h2>Active participants per week</h2>
            \(SVGChart.bars(report.weeks.map { Double($0.activeParticipants) }, labels: weeks, maximum: nil) { value in value.map { String(Int($0)) } ?? "" })
            </section>
            </div>
            <section id=pairs><h2>Verified pair meetings per week \(download("pairs"))</h2>
            \(SVGChart.heatMap(report.pairs.map { (label: $0.groupID + ($0.quiet ? " ⚠" : ""), values: $0.meetingsPerWeek) }, columns: weeks))
            </section>
            \(pairHealth(report.pairs))
            <section id=at-risk><h2>At risk (\(report.atRisk.count)) \(download("participants"))</h2>
            <table><tr><th>participant<th>name<th>why</tr>
            """
        for person in report.atRisk {
            html += "<tr><td>\(escape(person.participantID))<td>\(escape(person.name))<td class=quiet>\(escape(person.reason))</tr>\n"
        }
        if report.atRisk.isEmpty { html += "<tr><td colspan=3>nobody</tr>\n" }
        html += """
            </table></section>
            <section id=kiosks><h2>Kiosks and their last sync \(download("kiosks"))</h2>
            <table><tr><th>kiosk<th>location<th>state<th>events<th>rejected<th>last seen</tr>

            """
        for kiosk in kiosks {
            let state = kiosk.revoked ? "revoked" : kiosk.enrolled ? "enrolled" : "waiting for enrollment"
            let seen = kiosk.lastSeenAt.map { "\(period.day($0)) (\(Self.age(since: $0, now: period.now)))" } ?? "never"
            html += "<tr><td>\(escape(kiosk.kioskID))<td>\(escape(kiosk.location))<td>\(state)<td>\(kiosk.eventsStored)<td>\(kiosk.eventsRejected)<td>\(seen)</tr>\n"
        }
        if kiosks.isEmpty { html += "<tr><td colspan=6>no kiosks yet (mentor-hub kiosk add)</tr>\n" }
        return html + "</table></section>\n</body></html>\n"
    }

    /// The pairs worst first, with why, their fit answers over time and their feedback.
    static func pairHealth(_ pairs: [EngagementReport.Pair]) -> String {
        let worstFirst = pairs.enumerated().sorted { ($1.element.health, $0.offset) < ($0.element.health, $1.offset) }.map(\.element)
        var html = """
            <section id=pair-health><h2>Pair health, worst first</h2>
            <table><tr><th>pair<th>health<th>why<th>meetings<th>one-sided<th>fit answers (mentor, mentee)<th>goal<th>feedback from mentee / mentor</tr>

            """
        for pair in worstFirst {
            let fits = pair.fit.answers.map { "\($0.role): \($0.answer.replacingOccurrences(of: "_", with: " "))" }.joined(separator: " → ")
            let goal = pair.goalProgress.latest.map { "\($0) of 4" + (pair.goalProgress.trend.map { ", \($0)" } ?? "") } ?? "–"
            let feedback = [pair.feedbackFromMentee, pair.feedbackFromMentor].map { $0.map { String(format: "%.1f", $0) } ?? "–" }.joined(separator: " / ")
            html += "<tr class=\(pair.health.rawValue)><td>\(escape(pair.groupID))<td>\(pair.health.rawValue.replacingOccurrences(of: "_", with: " "))"
                + "<td class=quiet>\(escape(pair.reasons.joined(separator: "; ")))<td>\(pair.meetings)<td>\(pair.oneSidedSessions.count)"
                + "<td>\(escape(fits.isEmpty ? "–" : fits))<td>\(goal)<td>\(feedback)</tr>\n"
        }
        if pairs.isEmpty { html += "<tr><td colspan=8>no pairs in this period</tr>\n" }
        return html + "</table></section>"
    }

    static func age(since date: Date, now: Date) -> String {
        let minutes = Int(now.timeIntervalSince(date) / 60)
        switch minutes {
        case ..<1: return "just now"
        case ..<120: return "\(minutes) min ago"
        case ..<(48 * 60): return "\(minutes / 60) h ago"
        default: return "\(minutes / 1440) days ago"
        }
    }

    /// Text and attribute values safe in HTML.
    static func escape(_ text: String) -> String {
        // By scalar, not by Character: a quote followed by a combining mark is one Character,
        // and must still be escaped.
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}

/// Small charts as inline SVG, sized for a dashboard card.
enum SVGChart {
    static let width = 480.0
    static let height = 180.0
    static let margin = 24.0

    static func bars(_ values: [Double?], labels: [String], maximum: Double?, label: (Double?) -> String) -> String {
        guard !values.isEmpty else { return "<p>no weeks in the period</p>" }
        let top = maximum ?? max(values.compactMap { $0 }.max() ?? 0, 1)
        let slot = (width - 2 * margin) / Double(values.count)
        var svg = "<svg role=img viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\">"
        for (index, value) in values.enumerated() {
            let x = margin + Double(index) * slot
            let barHeight = (value ?? 0) / top * (height - 2 * margin)
            let y = height - margin - barHeight
            svg += "<rect x=\"\(f(x + slot * 0.15))\" y=\"\(f(y))\" width=\"\(f(slot * 0.7))\" height=\"\(f(barHeight))\" fill=\"#3b6ea8\"><title>\(DashboardPage.escape(labels[index])): \(label(value))</title></rect>"
            svg += "<text x=\"\(f(x + slot / 2))\" y=\"\(f(y - 4))\" text-anchor=middle>\(DashboardPage.escape(label(value)))</text>"
            svg += "<text x=\"\(f(x + slot / 2))\" y=\"\(f(height - margin + 14))\" text-anchor=middle>\(DashboardPage.escape(labels[index]))</text>"
        }
        return svg + "<line x1=\"\(f(margin))\" y1=\"\(f(height - margin))\" x2=\"\(f(width - margin))\" y2=\"\(f(height - margin))\" stroke=\"#999\"/></svg>"
    }

    static func line(_ values: [Double], labels: [String]) -> String {
        guard !values.isEmpty else { return "<p>nobody was active in the period's first two weeks</p>" }
        let step = values.count > 1 ? (width - 2 * margin) / Double(values.count - 1) : 0
        let points = values.enumerated().map { index, value in
            (margin + Double(index) * step, height - margin - value * (height - 2 * margin))
        }
        var svg = "<svg role=img viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\">"
        svg += "<polyline fill=none stroke=\"#2e7d4f\" stroke-width=2 points=\"\(points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " "))\"/>"
        for (index, point) in points.enumerated() {
            svg += "<circle cx=\"\(f(point.0))\" cy=\"\(f(point.1))\" r=3 fill=\"#2e7d4f\"><title>\(DashboardPage.escape(labels[index])): \(Int((values[index] * 100).rounded()))%</title></circle>"
            svg += "<text x=\"\(f(point.0))\" y=\"\(f(height - margin + 14))\" text-anchor=middle>\(DashboardPage.escape(labels[index]))</text>"
        }
        return svg + "</svg>"
    }

    static func heatMap(_ rows: [(label: String, values: [Int])], columns: [String]) -> String {
        guard !rows.isEmpty else { return "<p>no pairs in the program</p>" }
        let cell = 40.0, labelWidth = 90.0
        let top = max(rows.flatMap(\.values).max() ?? 0, 1)
        let svgWidth = labelWidth + Double(columns.count) * cell + margin
        let rowHeight = 22.0
        let svgHeight = Double(rows.count) * rowHeight + 20
        var svg = "<svg role=img viewBox=\"0 0 \(Int(svgWidth)) \(Int(svgHeight))\" width=\"\(Int(min(svgWidth, 1000)))\">"
        for (column, name) in columns.enumerated() {
            svg += "<text x=\"\(f(labelWidth + Double(column) * cell + cell / 2 - 1))\" y=12 text-anchor=middle>\(DashboardPage.escape(name))</text>"
        }
        for (rowIndex, row) in rows.enumerated() {
            let y = 16 + Double(rowIndex) * rowHeight
            svg += "<text x=0 y=\"\(f(y + rowHeight * 0.7))\">\(DashboardPage.escape(row.label))</text>"
            for (column, value) in row.values.enumerated() {
                let shade = value == 0 ? "#eeeeee" : "rgba(59,110,168,\(f(0.3 + 0.7 * Double(value) / Double(top))))"
                svg += "<rect x=\"\(f(labelWidth + Double(column) * cell))\" y=\"\(f(y))\" width=\"\(f(cell - 2))\" height=\"\(f(rowHeight - 2))\" fill=\"\(shade)\"><title>\(DashboardPage.escape(row.label)), \(DashboardPage.escape(columns[column])): \(value)</title></rect>"
            }
        }
        return svg + "</svg>"
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
