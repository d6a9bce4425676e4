import ArgumentParser
import Foundation
import KioskCore
import ProgramFiles
import HubPostgres
import HubProtocol
import HubServer
import HubStore
import Hummingbird
@_spi(Benchmarks) import KioskStore
import KioskSync
import Logging
import PostgresNIO
import ServiceLifecycle

/// The export path against the raw database: a kiosk drains its backlog to a real hub on
/// loopback (HTTP, JSON, gzip, validation, one transaction per batch), and 20 simulated
/// kiosks push at once; the baseline is the same rows inserted straight into the same hub
/// database, in transactions of the same size: prepared statements on SQLite, one multi-row
/// INSERT (arrays through `unnest`) per batch on PostgreSQL.
struct SyncBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Drain a kiosk's backlog to a hub on loopback; ingest from concurrent kiosks; vs raw inserts.")

    @Option(help: "Events in the kiosk's backlog.") var events = 100_000
    @Option(help: "Simulated kiosks pushing at once.") var kiosks = 20
    @Option(help: "Events per kiosk in the concurrent run.") var eventsPerKiosk = 5_000
    @Option(help: "Events per push.") var batch = 1_000
    @Option(help: "A PostgreSQL database to run the hub on (it adds kiosks named bench-…), instead of SQLite.")
    var postgres: String?

    func run() async throws {
        let folder = try benchFolder("sync")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        if let postgres {
            let raw = try await PostgresBaseline(url: postgres)
            try await PostgresHubStore.withStore(url: postgres) { store in
                try await measure(hubStore: store, named: "PostgreSQL", folder: folder) { events, kioskID in
                    try await raw.insert(events, kioskID: kioskID, batch: batch)
                }
            }
            try await raw.close()
        } else {
            let store = try HubStore(folder: folder + "/hub")
            try await measure(hubStore: store, named: "SQLite", folder: folder) { events, kioskID in
                try rawInsert(events, kioskID: kioskID, path: folder + "/hub/hub.sqlite", batch: batch)
            }
        }
    }

    func measure(
        hubStore: any HubStorage, named backend: String, folder: String,
        rawInsert: ([WireEvent], String) async throws -> Duration
    ) async throws {
        // Kiosk ids unique to this run: a PostgreSQL database may hold earlier runs.
        let run = "bench-" + UUID().uuidString.prefix(8).lowercased()
        let server = HubServer(store: hubStore, adminToken: "bench", badgeSecret: Data(repeating: 7, count: 32))
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { portSink.yield($0.localAddress?.port ?? 0) }, logger: .init(label: "bench-hub", factory: { _ in SwiftLogNoOpLogHandler() }))
        let services = ServiceGroup(configuration: .init(services: [app], logger: .init(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })))
        let serving = Task { try await services.run() }
        var portIterator = ports.makeAsyncIterator()
        let url = "http://127.0.0.1:\(await portIterator.next() ?? 0)"

        // The participant and session the seeded events name, on the hub's roster and schedule
        // at the kiosks' location: the hub refuses events of people or sessions it does not know.
        let reader = ProgramFileReader(normalizer: BadgeNormalizer(rules: BadgeRules()), hasher: try BadgeHasher(secret: Data(repeating: 7, count: 32)), timeZone: .gmt)
        _ = try await hubStore.importParticipants(try reader.participants(Data("id,name,role,badges,active\nE004,Bench Mentee,mentee,,true\n".utf8), file: "bench.csv"))
        _ = try await hubStore.importSessions(try reader.sessions(Data("""
            session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id
            S-CIRCLE,Bench circle,group,Main Lobby,2026-03-02T14:00:00Z,2026-03-02T16:00:00Z,,

            """.utf8), file: "bench.csv"))

        // 1. One kiosk drains its backlog.
        let kiosk = try KioskStore(path: folder + "/kiosk.sqlite", kioskID: "kiosk-1")
        try kiosk.seedCheckInEvents(count: events)
        let token = try await enroll("\(run)-kiosk", hubStore: hubStore, url: url)
        let syncer = KioskSyncer(store: kiosk, client: try HubClient(baseURL: url, token: token), batchSize: batch)
        let clock = ContinuousClock()
        let drainStart = clock.now
        let drained = try await syncer.pushAll()
        let drainTime = clock.now - drainStart
        guard drained.stored == events else { throw BenchError("drained \(drained.stored) of \(events)") }
        let wire = try kiosk.events().map(WireEvent.init)
        let rawDrain = try await rawInsert(wire, "\(run)-raw-drain")

        // 2. Concurrent kiosks push at once.
        var fleet: [(String, [WireEvent])] = []
        for index in 0..<kiosks {
            let id = "\(run)-fleet-\(index)"
            fleet.append((try await enroll(id, hubStore: hubStore, url: url), Array(wire.prefix(eventsPerKiosk))))
        }
        let ingestStart = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (token, events) in fleet {
                group.addTask {
                    let client = try HubClient(baseURL: url, token: token)
                    for start in stride(from: 0, to: events.count, by: batch) {
                        _ = try await client.push(Array(events[start..<min(events.count, start + batch)]))
                    }
                }
            }
            try await group.waitForAll()
        }
        let ingestTime = clock.now - ingestStart
        let total = kiosks * eventsPerKiosk
        var rawIngest = Duration.zero
        for index in 0..<kiosks {
            rawIngest += try await rawInsert(Array(wire.prefix(eventsPerKiosk)), "\(run)-raw-fleet-\(index)")
        }
        await services.triggerGracefulShutdown()
        _ = await serving.result

        func rate(_ count: Int, _ time: Duration) -> String { String(format: "%.0f events/s", Double(count) / time.seconds) }
        func ratio(_ real: Duration, _ base: Duration) -> String { String(format: "%.2f×", real.seconds / base.seconds) }
        print("mentor-bench sync: \(backend) hub on loopback, batches of \(batch)")
        print(String(format: "  drain %d events, 1 kiosk: %.2f s (%@)   goal < 10 s: %@", events, drainTime.seconds, rate(events, drainTime), drainTime < .seconds(10) ? "met" : "NOT met"))
        print(String(format: "  baseline raw insert of the same rows: %.2f s (%@)   ratio %@", rawDrain.seconds, rate(events, rawDrain), ratio(drainTime, rawDrain)))
        print(String(format: "  ingest %d events from %d kiosks at once: %.2f s (%@)", total, kiosks, ingestTime.seconds, rate(total, ingestTime)))
        print(String(format: "  baseline raw insert of the same rows: %.2f s (%@)   ratio %@   goal ≤ 3×: %@", rawIngest.seconds, rate(total, rawIngest), ratio(ingestTime, rawIngest), ingestTime <= rawIngest * 3 ? "met" : "NOT met"))
    }

    /// Adds a kiosk at the hub and enrolls it over HTTP; returns its token.
    func enroll(_ id: String, hubStore: any HubStorage, url: String) async throws -> String {
        let code = try await hubStore.addKiosk(id: id, location: "Main Lobby", at: Date())
        return try await HubClient(baseURL: url, token: nil).enroll(code: code).token
    }

    /// The same rows straight into `hub_event`, prepared statements, `batch` rows per transaction.
    func rawInsert(_ events: [WireEvent], kioskID: String, path: String, batch: Int) throws -> Duration {
        let database = try RawSQLite(path: path)
        try database.execute("PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000")
        try database.execute("INSERT INTO kiosk (id, location, created_at) VALUES ('\(kioskID)', 'bench', '2026-01-01')")
        let insert = try database.prepare("""
            INSERT INTO hub_event (kiosk_id, seq, id, kind, participant_id, session_id, actor_id, wall_time, monotonic_ns,
                clock_trusted, status, via_badge, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, 1, ?)
            """)
        let clock = ContinuousClock()
        let start = clock.now
        for first in stride(from: 0, to: events.count, by: batch) {
            try database.execute("BEGIN IMMEDIATE")
            for event in events[first..<min(events.count, first + batch)] {
                let time = BaselineInserts.databaseText(event.wallTime)
                try insert.run([
                    .text(kioskID), .integer(event.seq), .text(event.id), .text(event.kind), .text(event.participantID ?? ""),
                    .text(event.sessionID ?? ""), .text(event.actorID ?? ""), .text(time), .integer(event.monotonicNs),
                    .text(event.status ?? ""), .text(time),
                ])
            }
            try database.execute("COMMIT")
        }
        return clock.now - start
    }
}

/// The PostgreSQL baseline: the same rows as the hub stores, one multi-row INSERT per batch
/// (columns as arrays through `unnest`), each its own transaction, on one connection.
struct PostgresBaseline {
    let connection: PostgresConnection
    let logger = Logger(label: "mentor-bench.postgres")

    init(url: String) async throws {
        connection = try await PostgresConnection.connect(configuration: try PostgresURL(url).connectionConfiguration, id: 1, logger: logger)
    }

    func close() async throws { try await connection.close() }

    func insert(_ events: [WireEvent], kioskID: String, batch: Int) async throws -> Duration {
        try await connection.query("INSERT INTO kiosk (id, location, created_at) VALUES (\(kioskID), 'bench', now())", logger: logger)
        let clock = ContinuousClock()
        let start = clock.now
        for first in stride(from: 0, to: events.count, by: batch) {
            let rows = events[first..<min(events.count, first + batch)]
            try await connection.query("""
                INSERT INTO hub_event (kiosk_id, seq, id, kind, participant_id, session_id, actor_id, wall_time, monotonic_ns,
                    clock_trusted, status, via_badge, received_at)
                SELECT \(kioskID), seq, id, kind, participant_id, session_id, actor_id, wall_time, monotonic_ns, TRUE, status, TRUE, wall_time
                FROM unnest(\(rows.map(\.seq)), \(rows.map(\.id)), \(rows.map(\.kind)), \(rows.map { $0.participantID ?? "" }),
                    \(rows.map { $0.sessionID ?? "" }), \(rows.map { $0.actorID ?? "" }), \(rows.map(\.wallTime)), \(rows.map(\.monotonicNs)),
                    \(rows.map { $0.status ?? "" })) AS r(seq, id, kind, participant_id, session_id, actor_id, wall_time, monotonic_ns, status)
                """, logger: logger)
        }
        return clock.now - start
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
