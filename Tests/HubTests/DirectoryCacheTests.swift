import Foundation
import HubPostgres
import HubProtocol
import HubStore
import KioskCore
import Logging
import PostgresNIO
import ProgramFiles
import Testing

/// A kiosk's unchanged directory is answered without building it (`DirectoryCache`): only a
/// write to what directories are made of, or the clock moving a session into or out of the
/// served window, builds it again. Run on both back-ends, as the storage contract is.
@Suite("Directory cache (SQLite and PostgreSQL)")
struct DirectoryCacheTests {
    static let now = HubStorageTests.now
    static let reader = ProgramFileReader(
        normalizer: BadgeNormalizer(rules: BadgeRules()), hasher: try! BadgeHasher(secret: Data(repeating: 7, count: 32)), timeZone: .gmt)

    static func event(_ seq: Int64, _ kind: String, participant: String, actor: String? = nil) -> WireEvent {
        var event = HubStorageTests.event(seq: seq)
        (event.kind, event.participantID, event.actorID) = (kind, participant, actor)
        if kind != "check_in" { event.status = nil }
        return event
    }

    @Test("every write a directory is made of, in both files, moves the generation and the next poll gets it; check-ins do not", arguments: HubBackend.available)
    func generationMoves(_ backend: HubBackend) async throws {
        try await backend.withProgram { store in
            _ = try await store.addKiosk(id: "lobby", location: "Main Lobby", at: Self.now)
            var seq: Int64 = 0
            func ingest(_ kind: String, participant: String?, actor: String? = nil, session: String = "S1") async throws {
                seq += 1
                var event = Self.event(seq, kind, participant: participant ?? "", actor: actor)
                (event.participantID, event.sessionID) = (participant, session)
                guard case .accepted(let receipt) = try await store.ingest(kioskID: "lobby", events: [event], at: Self.now), receipt.stored == 1
                else { Issue.record("the \(kind) was not stored"); return }
            }
            let probe = try await WriteProbe(store: store, location: "Main Lobby", at: Self.now)
            func moves(_ write: () async throws -> Void) async throws -> Bool { try await probe.moves(write) }
            #expect(try await !moves { try await ingest("check_in", participant: "E004") }, "a check-in is not in any directory")
            #expect(try await !moves { _ = try await store.addKiosk(id: "lab", location: "Library Lab", at: Self.now) })
            #expect(try await moves { try await ingest("excuse", participant: "M001", actor: "F001") }, "a kiosk's excusal goes into the directory")
            #expect(try await moves { try await ingest("session_cancel", participant: nil, actor: "F001", session: "S2") }, "a kiosk's cancellation")
            #expect(try await moves {
                _ = try await store.importParticipants(try Self.reader.participants(Data("id,name,role,badges,active\nE004,Lena N.,mentee,200004,true\n".utf8), file: "p.csv"))
            })
            #expect(try await moves {
                _ = try await store.importParticipants(try Self.reader.participants(Data("id,name,role,badges,active\nE004,Lena N.,mentee,200005,true\n".utf8), file: "p.csv"))
            }, "a new badge alone")
            #expect(try await moves {
                _ = try await store.importGroups(try Self.reader.groups(Data("group_id,name,kind,participant_id,member_role\nP1,Pair,pair,M001,mentor\nP1,Pair,pair,E004,mentee\n".utf8), file: "g.csv"))
            })
            #expect(try await moves { _ = try await store.importGoals(try Self.reader.goals(Data("group_id,goal\nP1,Speak up\n".utf8), file: "goals.csv")) })
            #expect(try await moves {
                _ = try await store.importGroups(try Self.reader.groups(Data("group_id,name,kind,participant_id,member_role\nC1,Circle,circle,M001,mentor\nC1,Circle,circle,E004,mentee\n".utf8), file: "g.csv"))
            })
            #expect(try await moves {
                _ = try await store.importGroups(try Self.reader.groups(Data("group_id,name,kind,participant_id,member_role\nC1,Circle,circle,M001,mentor\n".utf8), file: "g.csv"))
            }, "a member leaves")
            #expect(try await moves {
                _ = try await store.importSessions(try Self.reader.sessions(Data(
                    "session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id\nS4,Later,group,Main Lobby,2026-11-25T10:00:00Z,2026-11-25T11:00:00Z,,\n".utf8), file: "s.csv"))
            })
            #expect(try await moves { _ = try await store.cancelSession(id: "S4", reason: "storm", at: Self.now) })
            #expect(try await moves { try await store.excuse(Excusal(participantID: "E004", sessionID: "S3", reason: "ill"), at: Self.now) })
            #expect(try await moves { try await store.setSettings(ProgramSettings(rules: CheckInRules(), anonymousRatings: true)) })
            #expect(try await moves { try await store.setTimeZoneIdentifier("Europe/Berlin") })
        }
    }

    @Test("a poll that finds nothing new builds nothing; a write, or the clock moving the window, builds it again", arguments: HubBackend.available)
    func answersWithoutBuilding(_ backend: HubBackend) async throws {
        try await backend.withProgram { store in
            _ = try await store.addKiosk(id: "lobby", location: "Main Lobby", at: Self.now)
            // Kept for weeks, so that only the generation and the window decide here.
            let cache = DirectoryCache(store: store, maximumAge: 60 * 86_400)
            /// The directory a poll without a version gets at `moment`.
            func fetch(_ moment: Date) async throws -> Directory {
                guard case .directory(let built) = try await cache.answer(location: "Main Lobby", at: moment, known: nil).answer else {
                    throw CacheTestError("a poll without a version got 304")
                }
                return try HubJSON.decoder().decode(Directory.self, from: built.json)
            }
            let first = try await fetch(Self.now)
            #expect(first == (try await store.directory(location: "Main Lobby", at: Self.now)), "the JSON served is the directory")
            #expect(try await cache.answer(location: "Main Lobby", at: Self.now.addingTimeInterval(5), known: first.version).answer.isUnchanged)
            guard case .accepted = try await store.ingest(kioskID: "lobby", events: [Self.event(1, "check_in", participant: "E004")], at: Self.now) else {
                Issue.record("refused"); return
            }
            #expect(try await cache.answer(location: "Main Lobby", at: Self.now.addingTimeInterval(10), known: first.version).answer.isUnchanged)
            #expect(try await fetch(Self.now.addingTimeInterval(10)).version == first.version, "a kiosk without it gets the kept JSON")
            #expect(await cache.builds == 1, "three polls and a check-in later")

            // Another location is built on its own; this one's stays.
            _ = try await cache.answer(location: "Room 204", at: Self.now, known: nil)
            #expect(await cache.builds == 2)

            // A write: built again, once for polls that come at the same time.
            try await store.excuse(Excusal(participantID: "E004", sessionID: "S1", reason: "ill"), at: Self.now)
            let versions = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 { group.addTask { try await cache.answer(location: "Main Lobby", at: Self.now.addingTimeInterval(15), known: first.version).answer.version } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(await cache.builds == 3, "eight polls after a write build once")
            #expect(versions == [try await store.directory(location: "Main Lobby", at: Self.now.addingTimeInterval(15)).version] && !versions.contains(first.version))

            // The clock: S1–S3 end 2026-11-24T11:00Z and leave the window a day later.
            let leaving = Date(timeIntervalSince1970: 1_795_518_000 + 86_400)
            _ = try await cache.answer(location: "Main Lobby", at: leaving.addingTimeInterval(-1), known: nil)
            #expect(await cache.builds == 3, "still served until a day after they end")
            #expect(try await fetch(leaving.addingTimeInterval(1)).sessions.isEmpty)
            #expect(await cache.builds == 4)

            // A session 20 days ahead: its import is a write; it enters the window 14 days before it starts.
            _ = try await store.importSessions(try Self.reader.sessions(Data(
                "session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id\nS9,Far,group,Main Lobby,2026-12-15T10:00:00Z,2026-12-15T11:00:00Z,,\n".utf8), file: "s.csv"))
            let entering = Date(timeIntervalSince1970: 1_797_328_800 - 14 * 86_400) // 2026-12-01T10:00Z
            _ = try await cache.answer(location: "Main Lobby", at: entering.addingTimeInterval(-60), known: nil)
            _ = try await cache.answer(location: "Main Lobby", at: entering.addingTimeInterval(-1), known: nil)
            #expect(await cache.builds == 5, "the import built it once; not yet in the window")
            #expect(try await fetch(entering).sessions.map(\.id) == ["S9"])
            #expect(await cache.builds == 6)

            // A clock that went back is never answered from what a later moment built.
            _ = try await cache.answer(location: "Main Lobby", at: entering.addingTimeInterval(-3_600), known: nil)
            #expect(await cache.builds == 7)
            // Whatever the generation says, a directory is built again after `maximumAge`.
            let aging = DirectoryCache(store: store, maximumAge: 600)
            for seconds in [0.0, 599, 600] { _ = try await aging.answer(location: "Main Lobby", at: entering.addingTimeInterval(seconds), known: nil) }
            #expect(await aging.builds == 2)
        }
    }

    @Test("a district whose directories do not fit the budget still answers its polls without building", arguments: [HubBackend.sqlite])
    func overBudget(_ backend: HubBackend) async throws {
        try await backend.withProgram { store in
            let cache = DirectoryCache(store: store, budgetBytes: 1)
            var versions: [String: String] = [:]
            for location in ["Main Lobby", "Room 204", "Library Lab"] {
                versions[location] = try await cache.answer(location: location, at: Self.now, known: nil).answer.version
            }
            for _ in 0..<3 {
                for (location, version) in versions {
                    #expect(try await cache.answer(location: location, at: Self.now, known: version).answer.isUnchanged)
                }
            }
            #expect(await cache.builds == 3, "polls in a circle: each location built once")
            // A kiosk without the directory: built again, since its JSON was let go.
            _ = try await cache.answer(location: "Room 204", at: Self.now, known: nil)
            #expect(await cache.builds == 4)
        }
    }

    @Test("PostgreSQL: a write by any writer (a hub process of an older release, psql) moves the generation")
    func anyWriterMovesIt() async throws {
        guard HubBackend.postgresServer != nil else { return }
        let url = try await TestPostgres.freshDatabase()
        try await PostgresHubStore.withStore(url: url) { store in
            let before = try await store.directoryGeneration()
            let connection = try await PostgresConnection.connect(configuration: try PostgresURL(url).connectionConfiguration, id: 1, logger: Logger(label: "test"))
            try await connection.query("INSERT INTO participant (id, name, role) VALUES ('X1', 'Xavier', 'mentee')", logger: Logger(label: "test"))
            try await connection.close()
            #expect(try await store.directoryGeneration() != before)
        }
    }
}

struct CacheTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension DirectoryCache.Answer {
    var version: String {
        switch self {
        case .unchanged(let version): version
        case .directory(let built): built.version
        }
    }

    var isUnchanged: Bool { if case .unchanged = self { true } else { false } }
}

/// Does a write to the store move its directory generation, and does the cache's next poll get
/// what a fresh build gives?
final class WriteProbe {
    let store: any HubStorage
    let cache: DirectoryCache
    let location: String
    let now: Date
    private var generation: [Int64]
    private var version: String

    init(store: any HubStorage, location: String, at now: Date) async throws {
        (self.store, self.location, self.now) = (store, location, now)
        cache = DirectoryCache(store: store)
        generation = try await store.directoryGeneration()
        version = try await cache.answer(location: location, at: now, known: nil).answer.version
    }

    /// Whether `write` moved the generation; either way the cache's next answer is what a build gives.
    func moves(_ write: () async throws -> Void) async throws -> Bool {
        try await write()
        let fresh = try await store.directory(location: location, at: now)
        let served = try await cache.answer(location: location, at: now, known: version).answer
        #expect(served.version == fresh.version, "the poll after the write gets what a build gives")
        version = served.version
        let next = try await store.directoryGeneration()
        defer { generation = next }
        return next != generation
    }
}
