import ArgumentParser
import Foundation
import HubPostgres
import HubProtocol
import HubStore
import KioskCore
import KioskSync
import PostgresNIO
import ProgramFiles

/// `mentor-bench fleet`: a district's kiosks at its hub. Each simulated kiosk has its own
/// token and, every few seconds, pushes a small batch of check-ins and polls its directory (as
/// `mentor-kiosk sync --loop` does), against real `mentor-hub serve` processes on one
/// PostgreSQL database (as behind a load balancer). The baseline is one kiosk doing the same
/// alone, measured first in the same run. At the end every kiosk drains what it still holds,
/// and the database is asked whether each event is stored exactly once.
struct FleetBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet", abstract: "Many kiosks pushing and polling two hub processes on one PostgreSQL; push latency vs one kiosk alone.")

    @Option(help: "A PostgreSQL server (URL of any database on it); the benchmark creates and drops its own database there.")
    var postgres: String
    @Option(help: "Simulated kiosks.") var kiosks = 500
    @Option(help: "Hub processes (mentor-hub serve) on the one database.") var hubs = 2
    @Option(help: "Seconds the fleet runs.") var seconds = 120
    @Option(help: "Seconds between a kiosk's rounds (a push, then a directory poll).") var every = 5.0
    @Option(help: "Locations the kiosks stand at (each with its session and its participants).") var locations = 50
    @Option(help: "Participants per location.") var participantsPerLocation = 40
    @Option(help: "The mentor-hub binary (default: the one beside mentor-bench).") var hubBinary: String?

    func validate() throws {
        guard kiosks >= 1, hubs >= 1, seconds >= 1, every > 0, locations >= 1, participantsPerLocation >= 1 else {
            throw ValidationError("every count and time must be positive")
        }
    }

    func run() async throws {
        let binary = hubBinary ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mentor-hub").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchError("no mentor-hub at \(binary): build it (swift build -c release --product mentor-hub) or give --hub-binary")
        }
        let folder = try benchFolder("fleet")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withScratchDatabase(on: postgres, named: "mentor_bench_fleet") { url in
            let state = folder + "/state"
            try HubProcesses.run(binary, ["init", "--state", state, "--database", url], log: folder + "/init")
            let now = Date()
            try await PostgresHubStore.withStore(url: url) { store in
                try await seedProgram(store, around: now)
                // serve's default connection limit (512 each) unless the fleet needs more.
                let perHub = (kiosks + 1 + self.hubs - 1) / self.hubs
                let hubs = try await HubProcesses(
                    binary: binary, state: state, databaseURL: url, count: self.hubs, maximumConnections: perHub + 32 > 512 ? perHub + 32 : nil, logs: folder)
                defer { hubs.stop() }
                // One more kiosk than the fleet: the baseline's, alone before the fleet starts.
                let tokens = try await enrollKiosks(kiosks + 1, store, hubs: hubs, at: now)
                try await measure(tokens: tokens, hubs: hubs, databaseURL: url, adminToken: try HubProcesses.adminToken(state: state))
            }
        }
    }

    // MARK: The program and the kiosks

    /// A location's name, its session's id and its participants' ids.
    static func location(_ index: Int) -> String { "Room \(index + 1)" }
    static func session(_ index: Int) -> String { "F-\(index + 1)" }
    func participant(_ location: Int, _ index: Int) -> String { "P\(location * participantsPerLocation + index)" }

    /// Everyone, and at each location one session running from an hour before `now` to three after.
    func seedProgram(_ store: any HubStorage, around now: Date) async throws {
        let reader = ProgramFileReader(normalizer: BadgeNormalizer(rules: BadgeRules()), hasher: try BadgeHasher(secret: Data(repeating: 7, count: 32)), timeZone: .gmt)
        let people = (0..<locations).flatMap { location in
            (0..<participantsPerLocation).map { "\(participant(location, $0)),Participant \(location)-\($0),\($0 == 0 ? "mentor" : "mentee"),,true\n" }
        }
        _ = try await store.importParticipants(try reader.participants(Data(("id,name,role,badges,active\n" + people.joined()).utf8), file: "fleet.csv"))
        let (start, end) = (ProgramTime.format(now.addingTimeInterval(-3_600)), ProgramTime.format(now.addingTimeInterval(3 * 3_600)))
        let sessions = (0..<locations).map { "\(Self.session($0)),Fleet session,group,\(Self.location($0)),\(start),\(end),,\n" }
        _ = try await store.importSessions(try reader.sessions(Data(("session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id\n" + sessions.joined()).utf8), file: "fleet.csv"))
    }

    /// Adds `count` kiosks (kiosk `i` at location `i % locations`) and enrolls each over HTTP at its hub; returns their tokens.
    func enrollKiosks(_ count: Int, _ store: any HubStorage, hubs: HubProcesses, at now: Date) async throws -> [String] {
        var codes: [String] = []
        for index in 0..<count {
            codes.append(try await store.addKiosk(id: "fleet-\(index)", location: Self.location(index % locations), at: now))
        }
        let urls = hubs.urls
        var tokens = [String](repeating: "", count: count)
        try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for (index, code) in codes.enumerated() {
                if index >= 16, let (done, token) = try await group.next() { tokens[done] = token }
                group.addTask {
                    let client = try HubClient(baseURL: urls[index % urls.count], token: nil)
                    do { return (index, try await client.enroll(code: code).token) } catch { throw BenchError("kiosk \(index) could not enroll: \(error)") }
                }
            }
            for try await (index, token) in group { tokens[index] = token }
        }
        return tokens
    }

    // MARK: The run

    func measure(tokens: [String], hubs: HubProcesses, databaseURL: String, adminToken: String) async throws {
        let urls = hubs.urls
        let clients = try tokens.enumerated().map { index, token in try HubClient(baseURL: urls[index % urls.count], token: token) }
        let period = Duration.milliseconds(Int64(every * 1000))
        let clock = ContinuousClock()

        // Every kiosk has its directory before the run, as an enrolled kiosk has (their first
        // fetches, all at once, are timed apart: a district's kiosks all booting together).
        var simulated = clients.enumerated().map { index, client in SimulatedKiosk(index: index, location: index % locations, client: client) }
        let firstFetchStart = clock.now
        simulated = try await withThrowingTaskGroup(of: SimulatedKiosk.self) { group in
            for var kiosk in simulated {
                group.addTask {
                    guard let directory = try await kiosk.client.directory(ifNoneMatch: nil) else { throw BenchError("no directory for kiosk \(kiosk.index)") }
                    kiosk.directoryVersion = directory.version
                    return kiosk
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }.sorted { $0.index < $1.index }
        }
        let firstFetches = clock.now - firstFetchStart

        // The baseline: the last kiosk, alone, 200 rounds a twentieth of the period apart.
        var alone = simulated[kiosks]
        var aloneSamples = FleetSamples()
        for _ in 0..<200 {
            await round(&alone, into: &aloneSamples)
            try await Task.sleep(for: period / 20)
        }

        let countersBefore = try await hubs.scrape(adminToken: adminToken)
        let pids = hubs.pids
        let cpuBefore = HubProcesses.cpuSeconds(pids)
        let start = clock.now
        let deadline = start + .seconds(seconds)
        async let cpuAtDeadline: [Double] = {
            try? await Task.sleep(until: deadline, clock: clock)
            return HubProcesses.cpuSeconds(pids)
        }()
        var fleet = FleetSamples()
        try await withThrowingTaskGroup(of: FleetSamples.self) { group in
            for var kiosk in simulated.prefix(kiosks) {
                group.addTask {
                    var samples = FleetSamples()
                    var next = start + period * Double.random(in: 0..<1)
                    while next < deadline {
                        try await Task.sleep(until: next, clock: clock)
                        await round(&kiosk, into: &samples)
                        next += period
                        while next < clock.now {
                            next += period
                            samples.missedRounds += 1
                        }
                    }
                    await drain(&kiosk, into: &samples)
                    return samples
                }
            }
            for try await samples in group { fleet.add(samples) }
        }
        let cpu = zip(await cpuAtDeadline, cpuBefore).map { $0 - $1 }
        let countersAfter = try await hubs.scrape(adminToken: adminToken)
        await drain(&alone, into: &aloneSamples)
        fleet.made.merge(aloneSamples.made) { $1 }

        let held = try await storedEvents(databaseURL: databaseURL)
        report(
            alone: aloneSamples, fleet: fleet, held: held, firstFetches: firstFetches, cpu: cpu,
            counters: countersAfter.merging(countersBefore) { $0 - $1 })
    }

    /// One round of a kiosk's sync loop: 1–3 new check-ins join what it holds, it pushes them,
    /// then polls its directory with the version it has.
    func round(_ kiosk: inout SimulatedKiosk, into samples: inout FleetSamples) async {
        for _ in 0..<Int.random(in: 1...3) { kiosk.checkIn(participant(kiosk.location, Int.random(in: 0..<participantsPerLocation)), Self.session(kiosk.location)) }
        await push(&kiosk, into: &samples)
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let directory = try await kiosk.client.directory(ifNoneMatch: kiosk.directoryVersion)
            let took = clock.now - start
            if let directory {
                kiosk.directoryVersion = directory.version
                samples.directorySent.append(took)
            } else {
                samples.directoryNotModified.append(took)
            }
        } catch {
            samples.errors.append("directory, kiosk \(kiosk.index): \(error)")
        }
    }

    func push(_ kiosk: inout SimulatedKiosk, into samples: inout FleetSamples) async {
        guard !kiosk.waiting.isEmpty else { return }
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let receipt = try await kiosk.client.push(Array(kiosk.waiting.prefix(HubAPI.maximumBatch)))
            samples.push.append(clock.now - start)
            samples.rejected += receipt.rejected.count
            kiosk.acknowledged(through: receipt.acknowledgedThrough)
        } catch {
            if case .gap(let through) = error { kiosk.acknowledged(through: through) }
            samples.errors.append("push, kiosk \(kiosk.index): \(error)")
        }
        samples.made[kiosk.kioskID] = kiosk.made
    }

    /// After the run: what a kiosk still holds goes out (a few tries, a second apart).
    func drain(_ kiosk: inout SimulatedKiosk, into samples: inout FleetSamples) async {
        for _ in 0..<10 where !kiosk.waiting.isEmpty {
            var discard = FleetSamples()
            await push(&kiosk, into: &discard)
            samples.errors += discard.errors
            if !kiosk.waiting.isEmpty { try? await Task.sleep(for: .seconds(1)) }
        }
        samples.made[kiosk.kioskID] = kiosk.made
        samples.unacknowledged += kiosk.waiting.count
    }

    /// Per kiosk: the event id the database holds under each sequence number.
    func storedEvents(databaseURL: String) async throws -> [String: [Int64: String]] {
        let database = try await PostgresBaseline(url: databaseURL)
        var held: [String: [Int64: String]] = [:]
        let rows = try await database.connection.query("SELECT kiosk_id, seq, id FROM hub_event", logger: database.logger)
        for try await (kiosk, seq, id) in rows.decode((String, Int64, String).self) { held[kiosk, default: [:]][seq] = id }
        try await database.close()
        return held
    }

    func report(
        alone: FleetSamples, fleet: FleetSamples, held: [String: [Int64: String]], firstFetches: Duration, cpu: [Double], counters: [String: Double]
    ) {
        let pushes = LatencySummary(fleet.push)
        let made = fleet.made.values.reduce(0) { $0 + $1.count }
        let heldRows = held.values.reduce(0) { $0 + $1.count }
        // Exactly once: each kiosk's rows are exactly the events it made, under the sequence numbers it gave them.
        let wrongKiosks = Set(fleet.made.keys).union(held.keys).filter { (fleet.made[$0] ?? [:]) != (held[$0] ?? [:]) }
        let errors = fleet.errors + alone.errors
        let unacknowledged = fleet.unacknowledged + alone.unacknowledged
        print("mentor-bench fleet: \(kiosks) kiosks, \(hubs) hub processes (mentor-hub serve) on one PostgreSQL database, \(seconds) s; "
            + "every \(every) s each kiosk pushes 1–3 check-ins and polls its directory; \(locations) locations, \(locations * participantsPerLocation) participants")
        print(String(format: "  before the run, every kiosk fetched its directory, all at once: %.2f s", firstFetches.seconds))
        LatencySummary.printComparison(off: LatencySummary(alone.push), "push, one kiosk alone", on: pushes, "push, the fleet")
        LatencySummary.printComparison(
            off: LatencySummary(alone.directoryNotModified), "directory 304, one kiosk alone", on: LatencySummary(fleet.directoryNotModified), "directory 304, the fleet")
        print(String(format: "  %d pushes (%.0f/s), %d directory polls: %d answered 304, %d sent; %d rounds missed (a kiosk still busy with its last)",
            fleet.push.count, Double(fleet.push.count) / Double(seconds), fleet.directoryNotModified.count + fleet.directorySent.count,
            fleet.directoryNotModified.count, fleet.directorySent.count, fleet.missedRounds))
        print(String(format: "  the hubs during the run: %.0f directory polls, %.0f directories built; CPU %@ s",
            counters["mentor_hub_directory_polls_total"] ?? 0, counters["mentor_hub_directory_builds_total"] ?? 0,
            cpu.map { String(format: "%.1f", $0) }.joined(separator: " + ")))
        print("  events made \(made), rows stored \(heldRows), kiosks whose rows differ from what they made \(wrongKiosks.count), "
            + "rejected \(fleet.rejected + alone.rejected), still unacknowledged \(unacknowledged), errors \(errors.count)")
        for error in errors.prefix(5) { print("    \(error)") }
        let p99 = LatencySummary.milliseconds(pushes.percentile(0.99))
        let kept = p99 <= 100 && fleet.missedRounds == 0
        print(String(format: "  goals: push p99 ≤ 100 ms with no round missed: %@ (%.1f ms, %d missed); 0 errors: %@; each event stored once: %@",
            kept ? "met" : "NOT met", p99, fleet.missedRounds, errors.isEmpty ? "met" : "NOT met",
            wrongKiosks.isEmpty && unacknowledged == 0 && fleet.rejected + alone.rejected == 0 ? "met" : "NOT met"))
    }
}

/// One simulated kiosk: its own token and sequence, and the check-ins the hub has not yet acknowledged.
struct SimulatedKiosk {
    let index: Int
    let location: Int
    let client: HubClient
    var kioskID: String { "fleet-\(index)" }
    private(set) var waiting: [WireEvent] = []
    /// Every event it made: seq → id.
    private(set) var made: [Int64: String] = [:]
    private var nextSeq: Int64 = 1
    var directoryVersion: String?

    init(index: Int, location: Int, client: HubClient) {
        self.index = index
        self.location = location
        self.client = client
    }

    mutating func checkIn(_ participant: String, _ session: String) {
        let now = Date()
        waiting.append(WireEvent(
            seq: nextSeq, id: UUID().uuidString.lowercased(), kind: "check_in", participantID: participant, sessionID: session, actorID: nil,
            wallTime: now, monotonicNs: Int64(now.timeIntervalSince1970 * 1e9), clockTrusted: true, status: "on_time", durationSeconds: nil,
            rating: nil, undoesSeq: nil, viaBadge: true, effectiveAt: nil, badgeHash: nil, note: nil))
        made[nextSeq] = waiting[waiting.count - 1].id
        nextSeq += 1
    }

    mutating func acknowledged(through seq: Int64) {
        waiting.removeAll { $0.seq <= seq }
    }
}

/// What the simulated kiosks measured and saw.
struct FleetSamples {
    var push: [Duration] = []
    var directoryNotModified: [Duration] = []
    var directorySent: [Duration] = []
    var errors: [String] = []
    var rejected = 0
    var missedRounds = 0
    var unacknowledged = 0
    /// Per kiosk: every event it made, seq → id.
    var made: [String: [Int64: String]] = [:]

    mutating func add(_ other: FleetSamples) {
        push += other.push
        directoryNotModified += other.directoryNotModified
        directorySent += other.directorySent
        errors += other.errors
        rejected += other.rejected
        missedRounds += other.missedRounds
        unacknowledged += other.unacknowledged
        made.merge(other.made) { $1 }
    }
}
