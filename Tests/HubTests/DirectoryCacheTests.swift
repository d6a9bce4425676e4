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

    @Test("the generation moves with every write a directory is made of, in both files, and not with check-ins", arguments: HubBackend.available)
    func generationMoves(_ backend: HubBackend) async throws {
        try await backend.withProgram { store in
            _ = try await store.addKiosk(id: "lobby", location: "Main Lobby", at: Self.now)
            var seq: Int64 = 0
            func ingest(_ kind: String, participant: String, actor: String? = nil) async throws {
                seq += 1
                guard case .accepted(let receipt) = try await store.ingest(kioskID: "lobby", events: [Self.event(seq, kind, participant: participant, actor: actor)], at: Self.now),
                      receipt.stored == 1
                else { Issue.record("the \(kind) was not stored"); return }
            }
            var last = try await store.directoryGeneration()
            /// Whether `write` moved the generation.
            func moves(_ write: () async throws -> Void) async throws -> Bool {
                try await write()
                let next = try await store.directoryGeneration()
                defer { last = next }
                return next != last
            }
            #expect(try await !moves { try await ingest("check_in", participant: "E004") }, "a check-in is not in any directory")
            #expect(try await !moves { _ = try await store.addKiosk(id: "lab", location: "Library Lab", at: Self.now) })
            #expect(try await moves { try await ingest("excuse", participant: "M001", actor: "F001") }, "a kiosk's excusal goes into the directory")
            #expect(try await moves {
                _ = try await store.importParticipants(try Self.reader.participants(Data("id,name,role,badges,active\nE004,Lena N.,mentee,200004,true\n".utf8), file: "p.csv"))
            })
            #expect(try await moves {
                _ = try await store.importGroups(try Self.reader.groups(Data("group_id,name,kind,participant_id,member_role\nC1,Circle,circle,E004,mentee\n".utf8), file: "g.csv"))
            })
            #expect(try await moves {
                _ = try await store.importSessions(try Self.reader.sessions(Data(
                    "session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id\nS4,Later,group,Main Lobby,2026-11-25T10:00:00Z,2026-11-25T11:00:00Z,,\n".utf8), file: "s.csv"))
            })
            #expect(try await moves { _ = try await store.cancelSession(id: "S4", reason: "storm", at: Self.now) })
            #expect(try await moves { try await store.excuse(Excusal(participantID: "E004", sessionID: "S2", reason: "ill"), at: Self.now) })
            #expect(try await moves { try await store.setSettings(ProgramSettings(rules: CheckInRules(), anonymousRatings: true)) })
            #expect(try await moves { try await store.setTimeZoneIdentifier("Europe/Berlin") })
        }
    }

    @Test("a poll that finds nothing new builds nothing; a write, or the clock moving the window, builds it again", arguments: HubBackend.available)
    func answersWithoutBuilding(_ backend: HubBackend) async throws {
        try await backend.withProgram { store in
            _ = try await store.addKiosk(id: "lobby", location: "Main Lobby", at: Self.now)
            let cache = DirectoryCache(store: store)
            let (first, _) = try await cache.directory(location: "Main Lobby", at: Self.now)
            #expect(first.version == (try await store.directory(location: "Main Lobby", at: Self.now)).version)
            #expect(try HubJSON.decoder().decode(Directory.self, from: first.json).version == first.version, "the JSON served is that directory")
            _ = try await cache.directory(location: "Main Lobby", at: Self.now.addingTimeInterval(5))
            guard case .accepted = try await store.ingest(kioskID: "lobby", events: [Self.event(1, "check_in", participant: "E004")], at: Self.now) else {
                Issue.record("refused"); return
            }
            #expect(try await cache.directory(location: "Main Lobby", at: Self.now.addingTimeInterval(10)).directory.version == first.version)
            #expect(await cache.builds == 1, "two polls and a check-in later")

            // Another location is built on its own; this one's stays.
            _ = try await cache.directory(location: "Room 204", at: Self.now)
            #expect(await cache.builds == 2)

            // A write: built again, with it.
            try await store.excuse(Excusal(participantID: "E004", sessionID: "S1", reason: "ill"), at: Self.now)
            let (excused, _) = try await cache.directory(location: "Main Lobby", at: Self.now.addingTimeInterval(15))
            #expect(await cache.builds == 3)
            let rebuilt = try await store.directory(location: "Main Lobby", at: Self.now.addingTimeInterval(15))
            #expect(excused.version != first.version && excused.version == rebuilt.version)

            // The clock: S1–S3 end 2026-11-24T11:00Z and leave the window a day later.
            let leaving = Date(timeIntervalSince1970: 1_795_518_000 + 86_400)
            _ = try await cache.directory(location: "Main Lobby", at: leaving.addingTimeInterval(-1))
            #expect(await cache.builds == 3, "still served until a day after they end")
            let (gone, _) = try await cache.directory(location: "Main Lobby", at: leaving.addingTimeInterval(1))
            #expect(await cache.builds == 4)
            #expect(try HubJSON.decoder().decode(Directory.self, from: gone.json).sessions.isEmpty)

            // A session 20 days ahead: its import is a write; it enters the window 14 days before it starts.
            _ = try await store.importSessions(try Self.reader.sessions(Data(
                "session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id\nS9,Far,group,Main Lobby,2026-12-15T10:00:00Z,2026-12-15T11:00:00Z,,\n".utf8), file: "s.csv"))
            let entering = Date(timeIntervalSince1970: 1_797_328_800 - 14 * 86_400) // 2026-12-01T10:00Z
            _ = try await cache.directory(location: "Main Lobby", at: entering.addingTimeInterval(-60))
            _ = try await cache.directory(location: "Main Lobby", at: entering.addingTimeInterval(-1))
            #expect(await cache.builds == 5, "the import built it once; not yet in the window")
            let (entered, _) = try await cache.directory(location: "Main Lobby", at: entering)
            #expect(await cache.builds == 6)
            #expect(try HubJSON.decoder().decode(Directory.self, from: entered.json).sessions.map(\.id) == ["S9"])

            // A clock that went back is never answered from what a later moment built.
            _ = try await cache.directory(location: "Main Lobby", at: entering.addingTimeInterval(-3_600))
            #expect(await cache.builds == 7)
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
