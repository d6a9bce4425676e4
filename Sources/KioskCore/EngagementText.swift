import Foundation

/// The engagement report as the terminal shows it: a readable table with a sparkline per week.
/// Pure text; the command prints it.
public enum EngagementText {
    /// One block per value, nil as a space: ▁ is 0, █ is the row's largest (or 1 for rates).
    public static func sparkline(_ values: [Double?], maximum: Double? = nil) -> String {
        let blocks = Array("▁▂▃▄▅▆▇█")
        let top = maximum ?? max(values.compactMap { $0 }.max() ?? 0, 1e-9)
        return String(values.map { value in
            guard let value else { return " " }
            return blocks[min(blocks.count - 1, max(0, Int((value / top * Double(blocks.count - 1)).rounded())))]
        })
    }

    static func percent(_ value: Double?) -> String {
        value.map { String(format: "%.0f%%", $0 * 100) } ?? "–"
    }

    public static func render(_ report: EngagementReport, scope: String, timeZone: TimeZone) -> String {
        func date(_ value: Date) -> String {
            var style = Date.ISO8601FormatStyle().year().month().day()
            style.timeZone = timeZone
            return value.formatted(style)
        }
        let rates = report.weeks.map(\.attendanceRate)
        let active = report.weeks.map { Double($0.activeParticipants) }
        var lines = [
            "Engagement, \(scope), \(date(report.from)) to \(date(report.to.addingTimeInterval(-1))) (\(timeZone.identifier)), weeks from Monday",
            "",
            row("sessions", "\(report.sessions)"),
            row("attendance rate", "\(percent(report.attendanceRate)) (\(report.present) of \(report.expected) expected)", spark: sparkline(rates, maximum: 1)),
            row("punctuality", "\(percent(report.punctuality)) of \(report.attended) arrivals on time"),
            row("active participants", weekly(report.weeks.map(\.activeParticipants), String.init, spelledOut: " per week"), spark: sparkline(active)),
            row("retention", report.retention.isEmpty ? "–" : weekly(report.retention, percent), spark: sparkline(report.retention, maximum: 1)),
            row("completion", "\(percent(report.completion)) reached \(percent(report.completionThreshold)) of their sessions"),
            row("satisfaction", report.satisfaction.mean.map { String(format: "%.1f of 4", $0) }.map {
                "\($0) (1:\(report.satisfaction.distribution[0]) 2:\(report.satisfaction.distribution[1]) 3:\(report.satisfaction.distribution[2]) 4:\(report.satisfaction.distribution[3])), response rate \(percent(report.satisfaction.responseRate))"
            } ?? "no ratings"),
            row("time in session", minutes(report.timeInSession.medianMinutes, report.timeInSession.badgeCheckOuts, "badge check-out")
                + "; automatic check-outs " + minutes(report.timeInSession.automaticMedianMinutes, report.timeInSession.automaticCheckOuts, "")),
            "",
            "Pairs (verified meetings: both came)",
        ]
        if report.pairs.isEmpty { lines.append("  none") }
        for pair in report.pairs.prefix(listed) {
            let last = pair.lastMeeting.map { "last \(date($0))" } ?? "never met"
            lines.append("  \(pair.groupID.padding(toLength: 12, withPad: " ", startingAt: 0)) \(pair.meetings) meeting\(pair.meetings == 1 ? "" : "s"), \(last)\(pair.quiet ? "  ← none in \(EngagementMetrics.quietDays) days" : "")")
            if pair.health != .ok {
                lines.append("    \(pair.health == .atRisk ? "AT RISK" : "watch"): \(pair.reasons.joined(separator: "; "))")
            }
        }
        if report.pairs.count > listed { lines.append("  … and \(report.pairs.count - listed) more: --format csv --table pairs lists them all") }
        if report.goalAchievement.pairs > 0 {
            let cohorts = report.goalAchievement.byCohort.sorted { $0.key < $1.key }.filter { !$0.key.isEmpty }
                .map { "\($0.key) \(percent($0.value.share))" }
            lines.append(row(
                "goal achievement", "\(percent(report.goalAchievement.share)) of \(report.goalAchievement.pairs) pairs at 3–4"
                    + (cohorts.isEmpty ? "" : " (" + cohorts.joined(separator: ", ") + ")")))
        }
        lines.append("")
        lines.append("At risk (\(report.atRisk.count))")
        if report.atRisk.isEmpty { lines.append("  nobody") }
        for person in report.atRisk.prefix(listed) {
            lines.append("  \(person.participantID.padding(toLength: 8, withPad: " ", startingAt: 0)) \(person.name) — \(person.reason)")
        }
        if report.atRisk.count > listed { lines.append("  … and \(report.atRisk.count - listed) more: --format csv lists everyone, with at_risk_reason") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Pairs and people listed in the table; the machine formats have them all.
    static let listed = 25
    /// Weeks whose figures the table spells out one by one; a longer period shows the last
    /// week and the range (the sparkline shows the shape).
    static let weeksSpelledOut = 8

    static func weekly<Value: Comparable>(_ values: [Value], _ text: (Value) -> String, spelledOut suffix: String = "") -> String {
        guard values.count > weeksSpelledOut, let last = values.last, let low = values.min(), let high = values.max() else {
            return values.map(text).joined(separator: " ") + suffix
        }
        return "\(text(last)) in the last week (\(text(low))–\(text(high)) over \(values.count) weeks)"
    }

    static func row(_ label: String, _ value: String, spark: String? = nil) -> String {
        "  " + label.padding(toLength: 20, withPad: " ", startingAt: 0) + value + (spark.map { "   " + $0 } ?? "")
    }

    static func minutes(_ median: Double?, _ count: Int, _ noun: String) -> String {
        guard let median else { return "–" }
        return String(format: "median %.0f min", median) + " (\(count)\(noun.isEmpty ? "" : " " + noun + (count == 1 ? "" : "s")))"
    }
}
