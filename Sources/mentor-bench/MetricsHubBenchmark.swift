import Foundation
import HubProtocol
import HubStore
import KioskCore
import KioskStore

/// `mentor-bench metrics --hub` and `--postgres`: `mentor-hub report`'s path on a hub holding
/// the program's attendance as kiosk events, on either back-end.
extension MetricsBenchmark {
    /// The hub's default back-end: `program.sqlite` seeded as the kiosk's database is (without
    /// its attendance table), and the attendance as events in `hub.sqlite`.
    func runOnHubSQLite() async throws {
        let folder = NSTemporaryDirectory() + "mentor-bench-metrics-hub-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try HubStore(folder: folder)
        let (start, end) = Self.period
        let seedStart = ContinuousClock.now
        try seed(store.program, from: start, to: end, withAttendance: false)
        let raw = try RawSQLite(path: folder + "/hub.sqlite")
        let events = try seedHubEvents(raw, from: start, to: end)
        try raw.execute("ATTACH DATABASE '\(folder)/program.sqlite' AS program")
        try await measureHub(store, name: "SQLite hub (hub.sqlite, program.sqlite)", events: events, seeded: ContinuousClock.now - seedStart) {
            for query in Self.aggregateQueries(from: DatabaseTime.text(start), to: DatabaseTime.text(end)) { try raw.execute(query) }
        }
    }

    /// The events `seedHub` writes on PostgreSQL (check-in, check-out or automatic check-out,
    /// some ratings), through prepared statements in one transaction; returns their number.
    func seedHubEvents(_ raw: RawSQLite, from start: Date, to end: Date) throws -> Int {
        let circles = circleCount
        let step = end.timeIntervalSince(start) / Double(sessions)
        let perSession = Double(attendances) / Double(sessions)
        let received = DatabaseTime.text(end)
        try raw.execute("BEGIN")
        try raw.execute("INSERT INTO kiosk (id, location, created_at) VALUES ('bench', 'Hall', '\(received)')")
        let insert = try raw.prepare("""
            INSERT INTO hub_event (kiosk_id, seq, id, kind, participant_id, session_id, wall_time, monotonic_ns, clock_trusted, status, rating,
                                   via_badge, effective_at, received_at)
            VALUES ('bench', ?, ?, ?, ?, ?, ?, 0, 1, ?, ?, ?, ?, ?)
            """)
        var seq: Int64 = 0
        var written = 0
        func event(_ kind: String, _ person: String, _ session: String, _ at: Date, status: String? = nil, rating: Int? = nil, effective: Date? = nil) throws {
            seq += 1
            try insert.run([
                .integer(seq), .text(UUID().uuidString.lowercased()), .text(kind), .text(person), .text(session), .text(DatabaseTime.text(at)),
                status.map { .text($0) } ?? .null, rating.map { .integer(Int64($0)) } ?? .null, .integer(kind == "auto_check_out" ? 0 : 1),
                effective.map { .text(DatabaseTime.text($0)) } ?? .null, .text(received),
            ])
        }
        for index in 0..<sessions {
            let begins = start.addingTimeInterval(Double(index) * step)
            let circle = index % circles
            let due = Int((Double(index + 1) * perSession).rounded()) - written
            for seat in 0..<min(due, circleSize) {
                let (person, session) = (circleMember(circle, seat), "S\(index)")
                let late = seat % 7 == 3, badge = seat % 5 != 4
                try event("check_in", person, session, begins.addingTimeInterval(late ? 600 : 0), status: late ? "late" : "on_time")
                if badge {
                    try event("check_out", person, session, begins.addingTimeInterval(2700))
                } else {
                    try event("auto_check_out", person, session, begins.addingTimeInterval(3600), effective: begins.addingTimeInterval(3600))
                }
                if badge && seat % 2 == 0 { try event("rating", person, session, begins.addingTimeInterval(2705), rating: 1 + seat % 4) }
                written += 1
            }
        }
        for pair in 0..<pairCount {
            for meeting in 0..<Self.pairMeetings {
                let begins = pairMeetingStart(pair, meeting, from: start)
                for person in pairAttendees(pair, meeting) {
                    try event("check_in", "P\(person)", "Q\(pair)-\(meeting)", begins, status: "on_time")
                    try event("check_out", "P\(person)", "Q\(pair)-\(meeting)", begins.addingTimeInterval(2700))
                    if person % 2 == 1 { try event("rating", "P\(person)", "Q\(pair)-\(meeting)", begins.addingTimeInterval(2705), rating: 1 + meeting % 4) }
                }
            }
        }
        // What the hub's ingest keeps as it stores.
        try raw.execute("UPDATE kiosk SET events_stored = \(seq) WHERE id = 'bench'")
        try raw.execute("INSERT INTO hub_session_version (session_id, kiosk_id, version) SELECT session_id, 'bench', 1 FROM hub_event GROUP BY session_id")
        try raw.execute("INSERT INTO hub_replay_due (session_id, kiosk_id, marks) SELECT session_id, 'bench', 1 FROM hub_event GROUP BY session_id")
        try raw.execute("COMMIT")
        try raw.execute("ANALYZE")
        return Int(seq)
    }

    /// `aggregateQueries` of the PostgreSQL run in SQLite's dialect, the program attached.
    static func aggregateQueries(from start: String, to end: String) -> [String] {
        let join = "FROM hub_event e JOIN program.session s ON s.id = e.session_id WHERE s.starts_at >= '\(start)' AND s.starts_at < '\(end)'"
        return [
            "SELECT count(*), sum(e.status = 'on_time') \(join) AND e.kind = 'check_in'",
            "SELECT strftime('%Y-%W', s.starts_at) AS week, count(*), count(DISTINCT e.participant_id) \(join) AND e.kind = 'check_in' GROUP BY week",
            "SELECT e.participant_id, count(*), max(s.starts_at) \(join) AND e.kind = 'check_in' GROUP BY e.participant_id",
            "SELECT avg(e.rating), count(*) \(join) AND e.kind = 'rating'",
        ]
    }

    /// The year the program runs over, on every back-end.
    static var period: (start: Date, end: Date) {
        let end = Date(timeIntervalSince1970: 1_772_463_600)
        return (end.addingTimeInterval(-52 * 7 * 86_400), end)
    }

    /// `mentor-hub report`'s path on a seeded hub: the replay keeper's round over the year (what
    /// `mentor-hub serve` does in the background as the events arrive), the first report, then
    /// `runs` times a report, a push of `lateArrivals` check-ins through the hub's ingest, a
    /// report again and the baseline.
    func measureHub(_ store: some HubStorage, name: String, events: Int, seeded: Duration, baseline: () async throws -> Void) async throws {
        let (start, end) = Self.period
        let report = { try await store.engagementReport(
            from: start, to: end, location: nil, now: end, timeZone: TimeZone(identifier: "UTC")!, completionThreshold: 0.75) }
        let keeperStart = ContinuousClock.now
        let (kept, keeperPeak) = try await peakResidentMiB { try await ReplayKeeper(store: store).catchUp() }
        let keeperTime = ContinuousClock.now - keeperStart
        let firstStart = ContinuousClock.now
        let (first, firstPeak) = try await peakResidentMiB { try await report() }
        let firstTime = ContinuousClock.now - firstStart
        var reportTimes: [Duration] = [], readTimes: [Duration] = [], freshTimes: [Duration] = [], baselineTimes: [Duration] = []
        var last = first
        for run in 0..<runs {
            let began = ContinuousClock.now
            last = try await report()
            reportTimes.append(ContinuousClock.now - began)
            let reading = ContinuousClock.now
            let program = try await store.programSnapshot(startingFrom: start, before: end, location: nil)
            _ = try await store.storedReplays(ofSessions: program.sessions.map(\.id))
            readTimes.append(ContinuousClock.now - reading)
            try await ingestLateArrivals(store, run: run, from: start, to: end)
            let afterIngest = ContinuousClock.now
            last = try await report()
            freshTimes.append(ContinuousClock.now - afterIngest)
            let baselineStart = ContinuousClock.now
            try await baseline()
            baselineTimes.append(ContinuousClock.now - baselineStart)
        }
        let median = { (times: [Duration]) in times.sorted()[times.count / 2] }
        let real = median(reportTimes), fresh = median(freshTimes), base = median(baselineTimes)
        guard first.attended == allAttendances else { throw BenchError("the report counted \(first.attended) arrivals, not \(allAttendances)") }
        guard last.attended == allAttendances + runs * Self.lateArrivals else {
            throw BenchError("after the pushes the report counted \(last.attended) arrivals, not \(allAttendances + runs * Self.lateArrivals)")
        }
        try checkPairs(first)
        print("mentor-bench metrics: \(name), \(programSize) attendances as \(events) events over 52 weeks (seeded in \(String(format: "%.1f", seeded.seconds)) s), median of \(runs)")
        // The peaks are this process's (on PostgreSQL the server's memory is not in them).
        let peak = max(keeperPeak, firstPeak)
        print(String(format: "  replay keeper's round over the year (serve does it in the background as events arrive; a report on a hub no keeper ran does the same; %d sessions, %d at a time): %.2f s, peak RSS %.0f MiB",
                     kept, HubAttendance.page, keeperTime.seconds, keeperPeak))
        print(String(format: "  first report after the keeper's round: %.2f s, peak RSS %.0f MiB   goal < 3 s: %@; peak of both < 400 MB: %@",
                     firstTime.seconds, firstPeak, firstTime < .seconds(3) ? "met" : "NOT met", peak * 1.048576 < 400 ? "met" : "NOT met"))
        print(String(format: "  full report: %.2f s (reading the program and kept replays alone %.2f s)   goal < 1 s: %@", real.seconds,
                     median(readTimes).seconds, real < .seconds(1) ? "met" : "NOT met"))
        print(String(format: "  full report after %d kiosks pushed a check-in each (%d sessions replayed): %.2f s   goal < 1 s: %@", Self.lateArrivals,
                     Self.lateArrivals, fresh.seconds, fresh < .seconds(1) ? "met" : "NOT met"))
        print(String(format: "  baseline bare aggregate SQL: %.2f s   ratio %.1f× (first report %.1f×, after a push %.1f×)", base.seconds,
                     real.seconds / base.seconds, firstTime.seconds / base.seconds, fresh.seconds / base.seconds))
        print(String(format: "  (first report: %d expected, %d present, %d at risk, %d pairs, %d verified pair meetings)", first.expected, first.present,
                     first.atRisk.count, first.pairs.count, first.pairs.reduce(0) { $0 + $1.meetings }))

        // The hub's retention over the whole year (`mentor-hub prune`): every session frozen and
        // its events deleted; the report then reads the frozen figures, which must be the same.
        let cutoff = end.addingTimeInterval(86_400)
        let pruneStart = ContinuousClock.now
        let pruned = try await store.pruneHistory(before: cutoff, at: cutoff)
        let pruneTime = ContinuousClock.now - pruneStart
        let frozenStart = ContinuousClock.now
        let frozen = try await report()
        let frozenTime = ContinuousClock.now - frozenStart
        guard frozen == last else { throw BenchError("the report over the pruned year differs from the one before the prune") }
        guard pruned.sessions > 0, pruned.skipped == 0 else { throw BenchError("the prune froze \(pruned.sessions) sessions and left \(pruned.skipped)") }
        print(String(format: "  retention prune of the year (%d sessions frozen, %d events deleted): %.2f s   ratio %.1f× the baseline", pruned.sessions,
                     pruned.events, pruneTime.seconds, pruneTime.seconds / base.seconds))
        print(String(format: "  full report over the pruned year, from the frozen figures (the same as before): %.2f s   ratio %.1f× the baseline (before the prune %.1f×)",
                     frozenTime.seconds, frozenTime.seconds / base.seconds, real.seconds / base.seconds))
    }

    /// Check-ins pushed between reports, one by each of as many kiosks, each to its own session.
    static let lateArrivals = 20

    /// Through the hub's own ingest, as kiosks push: a late badge check-in of a circle's last seat
    /// (which the seeding leaves empty in every session) in `lateArrivals` sessions.
    func ingestLateArrivals(_ store: some HubStorage, run: Int, from start: Date, to end: Date) async throws {
        let step = end.timeIntervalSince(start) / Double(sessions)
        for kiosk in 0..<Self.lateArrivals {
            let kioskID = "late-\(run)-\(kiosk)"
            _ = try await store.addKiosk(id: kioskID, location: "Hall", at: end)
            let session = (run * Self.lateArrivals + kiosk) * 97 % sessions
            let event = WireEvent(
                seq: 1, id: UUID().uuidString.lowercased(), kind: KioskEventKind.checkIn.rawValue,
                participantID: circleMember(session % circleCount, circleSize - 1), sessionID: "S\(session)", actorID: nil,
                wallTime: start.addingTimeInterval(Double(session) * step + 1_200), monotonicNs: 0, clockTrusted: true, status: "late",
                durationSeconds: nil, rating: nil, undoesSeq: nil, viaBadge: true, effectiveAt: nil, badgeHash: nil, note: nil)
            guard case .accepted(let receipt) = try await store.ingest(kioskID: kioskID, events: [event], at: end), receipt.stored == 1 else {
                throw BenchError("the hub did not store a late check-in")
            }
        }
    }

}
