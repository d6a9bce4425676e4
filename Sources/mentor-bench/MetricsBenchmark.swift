import ArgumentParser
import Foundation
import GRDB
import KioskCore
@_spi(Benchmarks) import KioskStore

/// The full engagement report over a large program, against the bare aggregate SQL a report
/// cannot do with less: the totals, the per-week figures and the per-participant counts,
/// straight from the same database. On SQLite it is `mentor-kiosk report`'s path (read the
/// input, then every metric); with `--postgres` it is `mentor-hub report`'s (the program and
/// the period's events from PostgreSQL, replayed, then every metric).
struct MetricsBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "The full engagement report over a large program, against bare aggregate SQL.")

    @Option(help: "Participants in the program.") var participants = 10_000
    @Option(help: "Sessions (each for one circle).") var sessions = 50_000
    @Option(help: "Attendance rows (spread evenly over the sessions).") var attendances = 1_000_000
    @Option(help: "Members per circle.") var circleSize = 25
    @Option(help: "Share of the participants in pairs (a mentor and a mentee meeting fortnightly, on top of the circles' sessions).") var pairShare = 0.4
    @Option(help: "Runs of each path; the median is reported.") var runs = 3
    @Option(help: "Keep the seeded database in this file, and reuse it when it exists (same sizes).") var database: String?
    @Option(help: "A PostgreSQL server (URL of any database on it) to run the hub's report on; the benchmark creates and drops its own database there.")
    var postgres: String?
    @Flag(help: "Run the hub's report on its default back-end (SQLite) instead of the kiosk's.") var hub = false
    @Flag(help: "Seed program life too (kiosk only): every circle's last seat changes hands mid-year (dated rows), one participant in 20 leaves after nine months, one member of every tenth session is excused.")
    var programLife = false

    func validate() throws {
        guard (0...0.9).contains(pairShare) else { throw ValidationError("--pair-share is 0–0.9") }
        guard participants - pairedParticipants >= circleSize, circleSize >= 2, sessions >= 1, runs >= 1 else {
            throw ValidationError("need at least one circle of 2 or more besides the pairs, one session and one run")
        }
        guard attendances <= sessions * circleSize else { throw ValidationError("--attendances must fit: at most sessions × circle size") }
        if programLife && (hub || postgres != nil) { throw ValidationError("--program-life seeds the kiosk's database only") }
    }

    func run() async throws {
        if let postgres { return try await runOnPostgres(serverURL: postgres) }
        if hub { return try await runOnHubSQLite() }
        let folder = try benchFolder("metrics")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = database ?? folder + "/kiosk.sqlite"
        let reuse = FileManager.default.fileExists(atPath: path)
        let store = try KioskStore(path: path, kioskID: "bench", verify: false)
        let (start, end) = Self.period
        let seedStart = ContinuousClock.now
        if !reuse { try seed(store, from: start, to: end) }
        let seeded = ContinuousClock.now - seedStart

        var reportTimes: [Duration] = []
        var readTimes: [Duration] = []
        var baselineTimes: [Duration] = []
        var report: EngagementReport?
        for _ in 0..<runs {
            let began = ContinuousClock.now
            let input = try store.engagementInput(from: start, to: end)
            readTimes.append(ContinuousClock.now - began)
            report = EngagementMetrics.report(input, from: start, to: end, now: end, timeZone: TimeZone(identifier: "UTC")!)
            reportTimes.append(ContinuousClock.now - began)
            let baseline = ContinuousClock.now
            try store.read { db in
                _ = try Row.fetchAll(db, sql: """
                    SELECT count(*), sum(a.status = 'on_time'), sum(a.check_out_kind = 'badge'), avg(a.rating)
                    FROM attendance a JOIN session s ON s.id = a.session_id WHERE s.starts_at >= ? AND s.starts_at < ?
                    """, arguments: [start, end])
                _ = try Row.fetchAll(db, sql: """
                    SELECT strftime('%Y-%W', s.starts_at) AS week, count(*), count(DISTINCT a.participant_id)
                    FROM attendance a JOIN session s ON s.id = a.session_id WHERE s.starts_at >= ? AND s.starts_at < ? GROUP BY week
                    """, arguments: [start, end])
                _ = try Row.fetchAll(db, sql: """
                    SELECT a.participant_id, count(*), max(s.starts_at)
                    FROM attendance a JOIN session s ON s.id = a.session_id WHERE s.starts_at >= ? AND s.starts_at < ? GROUP BY a.participant_id
                    """, arguments: [start, end])
            }
            baselineTimes.append(ContinuousClock.now - baseline)
        }
        let median = { (times: [Duration]) in times.sorted()[times.count / 2] }
        let real = median(reportTimes), base = median(baselineTimes)
        guard let report, report.attended == allAttendances else { throw BenchError("the report counted \(report?.attended ?? 0) arrivals, not \(allAttendances)") }
        try checkPairs(report)
        print("mentor-bench metrics: SQLite kiosk database\(programLife ? " with program life" : ""), \(programSize) attendance rows over 52 weeks (seeded in \(String(format: "%.1f", seeded.seconds)) s), median of \(runs)")
        print(String(format: "  full report: %.2f s (reading %.2f s, every metric %.2f s)   goal < 1 s: %@", real.seconds, median(readTimes).seconds,
                     (real - median(readTimes)).seconds, real < .seconds(1) ? "met" : "NOT met"))
        print(String(format: "  baseline bare aggregate SQL: %.2f s   ratio %.1f×", base.seconds, real.seconds / base.seconds))
        print(String(format: "  (report: %d expected, %d present, %d at risk, %d pairs, %d verified pair meetings)", report.expected, report.present,
                     report.atRisk.count, report.pairs.count, report.pairs.reduce(0) { $0 + $1.meetings }))
    }

    /// Pairs first (`pairedParticipants`, each meeting fortnightly), then circles of `circleSize`;
    /// each of `sessions` belongs to one circle, round-robin, over the period; `attendances`
    /// spread evenly over them, some late, some rated, most checked out by badge.
    func seed(_ store: KioskStore, from start: Date, to end: Date, withAttendance: Bool = true) throws {
        let circles = circleCount
        let perSession = Double(attendances) / Double(sessions)
        try store.benchmarkWrite { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            let day = { (fraction: Double) in ProgramDay(containing: start.addingTimeInterval(end.timeIntervalSince(start) * fraction), in: .gmt).description }
            let person = try db.makeStatement(sql: "INSERT INTO participant (id, name, role, left_on) VALUES (?, ?, ?, ?)")
            for index in 0..<participants {
                try person.execute(arguments: [
                    "P\(index)", "Participant \(index)", isMentor(index) ? "mentor" : "mentee", programLife && index % 20 == 7 ? day(0.75) : nil,
                ])
            }
            let group = try db.makeStatement(sql: "INSERT INTO mentoring_group (id, name, kind) VALUES (?, ?, ?)")
            let member = try db.makeStatement(sql: "INSERT INTO group_member (group_id, participant_id, role, from_day, until_day) VALUES (?, ?, ?, ?, ?)")
            for pair in 0..<pairCount {
                try group.execute(arguments: ["Q\(pair)", "Pair \(pair)", "pair"])
                try member.execute(arguments: ["Q\(pair)", "P\(2 * pair)", "mentor", nil, nil])
                try member.execute(arguments: ["Q\(pair)", "P\(2 * pair + 1)", "mentee", nil, nil])
            }
            for circle in 0..<circles {
                try group.execute(arguments: ["C\(circle)", "Circle \(circle)", "circle"])
                for seat in 0..<circleSize {
                    let handedOver = programLife && seat == circleSize - 1
                    try member.execute(arguments: [
                        "C\(circle)", circleMember(circle, seat), seat == 0 ? "mentor" : "mentee", nil, handedOver ? day(0.5) : nil,
                    ])
                    if handedOver {
                        try member.execute(arguments: ["C\(circle)", circleMember((circle + 1) % circles, seat), "mentee", day(0.5), nil])
                    }
                }
            }
            let excuse = try db.makeStatement(sql: """
                INSERT INTO event (id, kiosk_id, kind, participant_id, session_id, actor_id, wall_time, monotonic_ns, clock_trusted, note)
                VALUES (?, 'bench', 'excuse', ?, ?, 'P0', ?, 0, 1, 'apologies')
                """)
            let session = try db.makeStatement(sql: """
                INSERT INTO session (id, title, kind, location, starts_at, ends_at, group_id, status) VALUES (?, ?, 'group', 'Hall', ?, ?, ?, 'closed')
                """)
            let attendance = try db.makeStatement(sql: """
                INSERT INTO attendance (participant_id, session_id, status, checked_in_at, check_in_seq, checked_out_at, check_out_kind, rating,
                    has_rated, clock_trusted, kiosk_id) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, 1, 'bench')
                """)
            let step = end.timeIntervalSince(start) / Double(sessions)
            var written = 0
            for index in 0..<sessions {
                let begins = start.addingTimeInterval(Double(index) * step)
                let circle = index % circles
                try session.execute(arguments: ["S\(index)", "Session \(index)", DatabaseTime.text(begins), DatabaseTime.text(begins.addingTimeInterval(3600)), "C\(circle)"])
                let due = withAttendance ? Int((Double(index + 1) * perSession).rounded()) - written : 0
                if programLife && index % 10 == 0 && due < circleSize - 1 {
                    try excuse.execute(arguments: [UUID().uuidString.lowercased(), circleMember(circle, circleSize - 2), "S\(index)", DatabaseTime.text(begins)])
                }
                for seat in 0..<min(due, circleSize) {
                    let late = seat % 7 == 3
                    let badge = seat % 5 != 4
                    try attendance.execute(arguments: [
                        circleMember(circle, seat), "S\(index)", late ? "late" : "on_time", DatabaseTime.text(begins.addingTimeInterval(late ? 600 : 0)),
                        DatabaseTime.text(begins.addingTimeInterval(badge ? 2700 : 3600)), badge ? "badge" : "auto", badge && seat % 2 == 0 ? 1 + seat % 4 : nil,
                        badge && seat % 2 == 0,
                    ])
                    written += 1
                }
            }
            let pairSession = try db.makeStatement(sql: """
                INSERT INTO session (id, title, kind, location, starts_at, ends_at, group_id, status) VALUES (?, ?, 'one_on_one', 'Hall', ?, ?, ?, 'closed')
                """)
            for pair in 0..<pairCount {
                for meeting in 0..<Self.pairMeetings {
                    let begins = pairMeetingStart(pair, meeting, from: start)
                    try pairSession.execute(arguments: [
                        "Q\(pair)-\(meeting)", "Pair \(pair) meeting", DatabaseTime.text(begins), DatabaseTime.text(begins.addingTimeInterval(3600)), "Q\(pair)",
                    ])
                    guard withAttendance else { continue }
                    for person in pairAttendees(pair, meeting) {
                        let rated = person % 2 == 1
                        try attendance.execute(arguments: [
                            "P\(person)", "Q\(pair)-\(meeting)", "on_time", DatabaseTime.text(begins), DatabaseTime.text(begins.addingTimeInterval(2700)), "badge",
                            rated ? 1 + meeting % 4 : nil, rated,
                        ])
                    }
                }
            }
        }
    }
}

/// The benchmark's program, the same on every back-end: pairs first (P0 mentors P1, P2 mentors
/// P3, …), then circles of the others.
extension MetricsBenchmark {
    /// Participants in pairs: `pairShare` of them, an even number.
    var pairedParticipants: Int { Int(Double(participants) * pairShare) / 2 * 2 }
    var pairCount: Int { pairedParticipants / 2 }
    var circleCount: Int { (participants - pairedParticipants) / circleSize }

    func circleMember(_ circle: Int, _ seat: Int) -> String { "P\(pairedParticipants + circle * circleSize + seat)" }

    func isMentor(_ index: Int) -> Bool { index < pairedParticipants ? index % 2 == 0 : (index - pairedParticipants) % circleSize == 0 }

    /// A pair meets fortnightly, all year.
    static let pairMeetings = 26

    /// Pairs meet on different days of the fortnight and at different hours.
    func pairMeetingStart(_ pair: Int, _ meeting: Int, from start: Date) -> Date {
        start.addingTimeInterval(Double((meeting * 14 + pair % 14) * 86_400 + (9 + pair % 8) * 3_600))
    }

    /// `pairMeetingStart`'s seconds after the period's start in SQL, over pair `k` and meeting `m`.
    static let pairMeetingOffset = "((m * 14 + k % 14) * 86400 + (9 + k % 8) * 3600)"

    /// Who comes to a pair's meeting (participant numbers): the mentor always, the mentee to
    /// three meetings in four; the mentee rates (1–4) each meeting they come to.
    func pairAttendees(_ pair: Int, _ meeting: Int) -> [Int] { meeting % 4 == 3 ? [2 * pair] : [2 * pair, 2 * pair + 1] }

    var pairAttendances: Int { pairCount * (0..<Self.pairMeetings).reduce(0) { $0 + pairAttendees(0, $1).count } }

    /// Throws unless the report found every pair and each one's verified meetings (both came).
    func checkPairs(_ report: EngagementReport) throws {
        let meetings = report.pairs.reduce(0) { $0 + $1.meetings }
        let expected = pairCount * (0..<Self.pairMeetings).filter { pairAttendees(0, $0).count == 2 }.count
        guard report.pairs.count == pairCount, meetings == expected else {
            throw BenchError("the report has \(report.pairs.count) pairs with \(meetings) verified meetings, not \(pairCount) with \(expected)")
        }
    }
    var allAttendances: Int { attendances + pairAttendances }

    /// The program in words, for the benchmarks' first line.
    var programSize: String {
        "\(participants) participants (\(pairCount) pairs meeting fortnightly, \(circleCount) circles of \(circleSize)), "
            + "\(sessions + pairCount * Self.pairMeetings) sessions, \(allAttendances)"
    }
}
