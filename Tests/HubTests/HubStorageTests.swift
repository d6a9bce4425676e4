import Foundation
import GRDB
import HubPostgres
import HubProtocol
import HubStore
import KioskCore
import Logging
import NIOCore
import PostgresNIO
import ProgramFiles
import Testing

/// The storage contract, run against each back-end: a real SQLite folder, and a fresh database
/// on the PostgreSQL server named by `MENTOR_HUB_TEST_POSTGRES` (`scripts/with-postgres`
/// starts one; `scripts/test` always does). Without it only SQLite runs, and says so.
@Suite("Hub storage (SQLite and PostgreSQL)")
struct HubStorageTests {
    static let now = Date(timeIntervalSince1970: 1_795_500_000)

    @Test("kiosks: codes are single-use, tokens found by hash, rotate and revoke", arguments: HubBackend.available)
    func kiosks(_ backend: HubBackend) async throws {
        try await backend.withStorage { store in
            let code = try await store.addKiosk(id: "kiosk-1", location: "Main Lobby", at: Self.now)
            await #expect(throws: KioskFailure.exists("kiosk-1")) { try await store.addKiosk(id: "kiosk-1", location: "Elsewhere", at: Self.now) }
            let (kiosk, token) = try #require(try await store.enroll(code: code.lowercased(), at: Self.now), "codes compare without case")
            #expect(kiosk == AuthenticatedKiosk(id: "kiosk-1", location: "Main Lobby"))
            #expect(try await store.enroll(code: code, at: Self.now) == nil, "a used code is refused")
            #expect(try await store.kiosk(token: token) == kiosk)
            #expect(try await store.kiosk(token: token + "x") == nil)

            let next = try await store.rotateEnrollment(kioskID: "kiosk-1")
            #expect(try await store.kiosk(token: token) == kiosk, "the old token works until the new code is used")
            let (_, newToken) = try #require(try await store.enroll(code: next, at: Self.now))
            #expect(try await store.kiosk(token: token) == nil)
            try await store.revoke(kioskID: "kiosk-1")
            #expect(try await store.kiosk(token: newToken) == nil)
            await #expect(throws: KioskFailure.notFound("nobody")) { try await store.revoke(kioskID: "nobody") }
            await #expect(throws: KioskFailure.notFound("nobody")) { try await store.rotateEnrollment(kioskID: "nobody") }
            let listed = try await store.kiosks()
            #expect(listed.map(\.kioskID) == ["kiosk-1"] && listed[0].revoked && !listed[0].enrolled)
        }
    }

    @Test("ingest: each (kiosk, seq) once; gaps refused; reused sequence numbers and bad events kept as rejected", arguments: HubBackend.available)
    func ingest(_ backend: HubBackend) async throws {
        try await backend.withProgram { store in
            _ = try await store.addKiosk(id: "kiosk-1", location: "Main Lobby", at: Self.now)
            _ = try await store.addKiosk(id: "kiosk-2", location: "Main Lobby", at: Self.now)
            let events = (1...5).map { Self.event(seq: $0) }
            #expect(try await store.ingest(kioskID: "kiosk-1", events: Array(events[0..<3]), at: Self.now)
                == .accepted(PushReceipt(acknowledgedThrough: 3, stored: 3, duplicates: 0, rejected: [])))
            #expect(try await store.ingest(kioskID: "kiosk-1", events: events, at: Self.now)
                == .accepted(PushReceipt(acknowledgedThrough: 5, stored: 2, duplicates: 3, rejected: [])), "a retry stores only what is new")
            #expect(try await store.ingest(kioskID: "kiosk-1", events: [Self.event(seq: 9)], at: Self.now) == .gap(acknowledgedThrough: 5))
            #expect(try await store.ingest(kioskID: "kiosk-2", events: Array(events[0..<2]), at: Self.now)
                == .accepted(PushReceipt(acknowledgedThrough: 2, stored: 2, duplicates: 0, rejected: [])), "sequence numbers are per kiosk")

            var impostor = Self.event(seq: 2)
            impostor.id = UUID().uuidString
            var unrated = Self.event(seq: 6)
            unrated.rating = 9
            guard case .accepted(let receipt) = try await store.ingest(kioskID: "kiosk-1", events: [impostor], at: Self.now),
                  case .accepted(let bad) = try await store.ingest(kioskID: "kiosk-1", events: [unrated, Self.event(seq: 7)], at: Self.now)
            else { Issue.record("refused as a whole"); return }
            #expect(receipt.stored == 0 && receipt.acknowledgedThrough == 2 && receipt.rejected.first?.reason.contains("already used by another event") == true)
            #expect(bad.stored == 1 && bad.rejected == [RejectedEvent(seq: 6, reason: "rating must be 1–4")] && bad.acknowledgedThrough == 7)

            let stored = try await store.events(kioskID: nil, after: nil, limit: 100)
            #expect(stored.map { "\($0.kioskID)/\($0.event.seq)" } == ["kiosk-1/1", "kiosk-1/2", "kiosk-1/3", "kiosk-1/4", "kiosk-1/5", "kiosk-1/7", "kiosk-2/1", "kiosk-2/2"])
            let wire = HubJSON.encoder()
            let readBack = String(decoding: try wire.encode(stored[0].event), as: UTF8.self)
            let sent = String(decoding: try wire.encode(events[0]), as: UTF8.self)
            #expect(readBack == sent, "an event reads back as it was sent (times to the millisecond)")
            #expect(try await store.events(kioskID: "kiosk-2", after: EventPosition(kioskID: "kiosk-2", seq: 1), limit: 100).map(\.event.seq) == [2])
            let firstPage = try await store.events(kioskID: nil, after: nil, limit: 5)
            let nextPage = try await store.events(kioskID: nil, after: EventPosition(kioskID: firstPage[4].kioskID, seq: firstPage[4].event.seq), limit: 5)
            #expect((firstPage + nextPage).map { "\($0.kioskID)/\($0.event.seq)" } == stored.map { "\($0.kioskID)/\($0.event.seq)" }, "pages join up")
            let kiosk1 = try #require(try await store.kiosks().first)
            #expect(kiosk1.acknowledgedThrough == 7 && kiosk1.eventsStored == 6 && kiosk1.eventsRejected == 2)
        }
    }

    @Test("imports are all-or-nothing, and the same program gives the same directory on both back-ends")
    func program() async throws {
        var versions: [HubBackend: String] = [:]
        for backend in HubBackend.available {
            try await backend.withStorage { store in
                let sample = SampleProgram(around: Self.now, location: "Main Lobby")
                let reader = ProgramFileReader(
                    normalizer: BadgeNormalizer(rules: BadgeRules()), hasher: try BadgeHasher(secret: Data(repeating: 7, count: 32)), timeZone: .gmt)
                let participants = try reader.participants(Data(sample.participantsCSV.utf8), file: "p.csv")
                #expect(try await store.importParticipants(participants) == ImportSummary(inserted: participants.count, updated: 0))
                #expect(try await store.importParticipants(participants) == ImportSummary(inserted: 0, updated: participants.count))
                _ = try await store.importGroups(try reader.groups(Data(sample.groupsCSV.utf8), file: "g.csv"))
                _ = try await store.importSessions(try reader.sessions(Data(sample.sessionsCSV.utf8), file: "s.csv"))
                let before = try await store.directory(location: "Main Lobby", at: Self.now)

                // A file whose last row breaks a rule changes nothing, its earlier rows included.
                let broken = try reader.groups(Data("group_id,name,kind,participant_id,member_role\nG-NEW,New,pair,E004,mentee\nG-NEW,New,pair,NOBODY,mentor\n".utf8), file: "bad.csv")
                await #expect(throws: (any Error).self) { try await store.importGroups(broken) }
                let stolen = try reader.participants(Data("id,name,role,badges,active\nX1,Thief,mentee,\(SampleProgram.badges.values.sorted()[0]),true\n".utf8), file: "steal.csv")
                do {
                    _ = try await store.importParticipants(stolen)
                    Issue.record("a badge of someone else was taken")
                } catch {
                    #expect("\(error)".contains("steal.csv:2") && "\(error)".contains("already belongs to participant"), "\(error)")
                }
                let after = try await store.directory(location: "Main Lobby", at: Self.now)
                #expect(after == before)
                #expect(after.participants.count == participants.count && !after.groups.isEmpty && !after.sessions.isEmpty)
                #expect(after.participants.first { $0.participant.id == "E001" }?.participant.cohort == "2026 spring", "cohorts are kept")
                #expect(try await store.directory(location: "Nowhere", at: Self.now).sessions.isEmpty)
                versions[backend] = after.version
            }
        }
        #expect(Set(versions.values).count == 1, "both back-ends name the same directory alike: \(versions)")
    }

    @Test("the program's settings go into every directory and change its version", arguments: HubBackend.available)
    func settings(_ backend: HubBackend) async throws {
        try await backend.withStorage { store in
            #expect(try await store.settings() == nil)
            let plain = try await store.directory(location: "Main Lobby", at: Self.now)
            #expect(plain.settings == nil)
            var settings = ProgramSettings(rules: CheckInRules(), anonymousRatings: true)
            settings.opensBeforeMinutes = 3
            try await store.setSettings(settings)
            #expect(try await store.settings() == settings)
            let withSettings = try await store.directory(location: "Main Lobby", at: Self.now)
            #expect(withSettings.settings == settings && withSettings.version != plain.version)
            try await store.setSettings(nil)
            #expect(try await store.directory(location: "Main Lobby", at: Self.now).version == plain.version)
        }
    }

    @Test("a report reads the events of its period's sessions and of sessions opened at a kiosk in it, not the whole history", arguments: HubBackend.available)
    func eventsOfAPeriod(_ backend: HubBackend) async throws {
        try await backend.withProgram { store in
            _ = try await store.addKiosk(id: "kiosk-1", location: "Main Lobby", at: Self.now)
            func event(_ seq: Int64, _ session: String, kind: String = "check_in", at offset: TimeInterval = 0) -> WireEvent {
                var event = Self.event(seq: seq)
                event.sessionID = session
                event.kind = kind
                if kind == "session_open" { (event.participantID, event.actorID) = (nil, "F001") }
                event.wallTime = Self.now.addingTimeInterval(offset)
                return event
            }
            let events = [
                event(1, "S1"), event(2, "S2"), event(3, "S3"), event(4, "ADHOC-NEW", kind: "session_open", at: 50), event(5, "ADHOC-NEW", at: 60),
                event(6, "ADHOC-OLD", kind: "session_open", at: -86_400), event(7, "ADHOC-OLD", at: -86_000), event(8, "S1", kind: "check_out", at: 90_000),
            ]
            guard case .accepted = try await store.ingest(kioskID: "kiosk-1", events: events, at: Self.now) else { Issue.record("not stored"); return }
            let opened = try await store.sessionsOpened(from: Self.now, before: Self.now.addingTimeInterval(3600))
            #expect(opened == ["ADHOC-NEW"])
            let period = try await store.events(ofSessions: ["S1", "S3"] + opened)
            #expect(period.map(\.event.seq).sorted() == [1, 3, 4, 5, 8], "a check-out a day later still belongs to its session")
            #expect(try await store.events(ofSessions: []).isEmpty)
        }
    }

    @Test("each stored event moves its session's version; a kept replay counts only at the version it was built at", arguments: HubBackend.available)
    func sessionReplays(_ backend: HubBackend) async throws {
        try await backend.withProgram { store in
            _ = try await store.addKiosk(id: "kiosk-1", location: "Main Lobby", at: Self.now)
            func event(_ seq: Int64, _ session: String, id: String = UUID().uuidString.lowercased()) -> WireEvent {
                var event = Self.event(seq: seq)
                event.sessionID = session
                event.id = id
                return event
            }
            func kept(_ ids: [String]) async throws -> [String: (version: Int64, body: [UInt8]?)] {
                Dictionary(uniqueKeysWithValues: try await store.storedReplays(ofSessions: ids).map { ($0.sessionID, ($0.version, $0.body.map { Array(buffer: $0) })) })
            }
            let retried = UUID().uuidString.lowercased()
            guard case .accepted = try await store.ingest(kioskID: "kiosk-1", events: [event(1, "S1"), event(2, "S1"), event(3, "S2", id: retried)], at: Self.now)
            else { Issue.record("not stored"); return }
            var versions = try await kept(["S1", "S2", "S9"])
            #expect(versions.mapValues(\.version) == ["S1": 1, "S2": 1, "S9": 0], "one batch moves a session once; a session without events is at 0")
            #expect(versions.values.allSatisfy { $0.body == nil })

            try await store.storeReplays([
                StoredReplay(sessionID: "S1", version: 1, body: ByteBuffer(bytes: [1, 2, 3])),
                StoredReplay(sessionID: "S9", version: 0, body: ByteBuffer(bytes: [9])),
            ])
            try await store.storeReplays([StoredReplay(sessionID: "S1", version: 0, body: ByteBuffer(bytes: [7]))])
            versions = try await kept(["S1", "S2", "S9"])
            #expect(versions["S1"]?.body == [1, 2, 3], "an older replay does not replace a newer one")
            #expect(versions["S9"]?.body == [9] && versions["S2"]?.body == nil)

            // A retry stores nothing and moves nothing; a rejected event neither; a new event of S1 does.
            var bad = event(5, "S2")
            bad.rating = 9
            guard case .accepted(let receipt) = try await store.ingest(kioskID: "kiosk-1", events: [event(3, "S2", id: retried), event(4, "S1"), bad], at: Self.now)
            else { Issue.record("not stored"); return }
            #expect(receipt.stored == 1 && receipt.duplicates == 1 && receipt.rejected.count == 1)
            versions = try await kept(["S1", "S2"])
            #expect(versions["S1"]?.version == 2 && versions["S1"]?.body == nil, "the kept replay of S1 is stale now")
            #expect(versions["S2"]?.version == 1)
            try await store.storeReplays([StoredReplay(sessionID: "S1", version: 2, body: ByteBuffer(bytes: [4]))])
            #expect(try await kept(["S1"])["S1"]?.body == [4])
        }
    }

    @Test("the replay keeper: each ingest marks its sessions due; a round replays them and clears marks no ingest moved since", arguments: HubBackend.available)
    func replayKeeper(_ backend: HubBackend) async throws {
        try await backend.withProgram { store in
            _ = try await store.addKiosk(id: "kiosk-1", location: "Main Lobby", at: Self.now)
            _ = try await store.addKiosk(id: "kiosk-2", location: "Main Lobby", at: Self.now)
            func push(_ kiosk: String, _ events: [(seq: Int64, session: String, person: String, kind: String)]) async throws {
                let batch = events.map { item in
                    var event = Self.event(seq: item.seq)
                    (event.sessionID, event.participantID, event.kind) = (item.session, item.person, item.kind)
                    return event
                }
                guard case .accepted(let receipt) = try await store.ingest(kioskID: kiosk, events: batch, at: Self.now) else {
                    Issue.record("refused: \(events)")
                    return
                }
                #expect(receipt.stored == batch.count && receipt.rejected.isEmpty, "stored: \(events)")
            }
            func due() async throws -> [String] { try await store.replaysDue(after: nil, limit: 100).map { "\($0.sessionID)/\($0.kioskID)" } }
            func kept(_ session: String) async throws -> SessionReplay? {
                let stored = try #require(try await store.storedReplays(ofSessions: [session]).first)
                return stored.body.flatMap { SessionReplay(sessionID: session, decoding: $0) }
            }
            try await push("kiosk-1", [(1, "S1", "E004", "check_in"), (2, "S2", "E004", "check_in")])
            try await push("kiosk-2", [(1, "S1", "M001", "check_in")])
            #expect(try await due() == ["S1/kiosk-1", "S1/kiosk-2", "S2/kiosk-1"])
            #expect(try await kept("S1") == nil, "nothing replayed yet")

            let keeper = ReplayKeeper(store: store)
            #expect(try await keeper.catchUp() == 2)
            #expect(try await due().isEmpty)
            #expect(try await kept("S1")?.attendances.map(\.participantID).sorted() == ["E004", "M001"], "kept at the current version")
            #expect(try await kept("S2")?.attendances.count == 1)

            // A mark read before an ingest moved it stays: its session is replayed again next round.
            try await push("kiosk-1", [(3, "S1", "E004", "check_out")])
            let read = try await store.replaysDue(after: nil, limit: 100)
            try await push("kiosk-1", [(4, "S1", "M001", "check_out")])
            try await store.clearReplaysDue(read)
            #expect(try await due() == ["S1/kiosk-1"], "marked again after it was read")
            #expect(try await kept("S1") == nil, "stale until the keeper's next round")
            #expect(try await keeper.catchUp() == 1)
            let replay = try #require(try await kept("S1"))
            #expect(replay.attendances.map(\.participantID).sorted() == ["E004", "M001"])
            #expect(replay.attendances.allSatisfy { $0.checkedOutAt != nil }, "both check-outs, the one at another kiosk too")
            #expect(try await due().isEmpty)
            #expect(try await keeper.catchUp() == 0)

            // A replay an earlier release kept in another layout is marked due once, and replayed again.
            let version = try #require(try await store.storedReplays(ofSessions: ["S2"]).first?.version)
            try await store.storeReplays([StoredReplay(sessionID: "S2", version: version, body: ByteBuffer(bytes: [1, 2, 0]))])
            #expect(try await kept("S2") == nil)
            #expect(try await store.markReplaysDue(unlessStartingWith: SessionReplay.header) == 1)
            #expect(try await due() == ["S2/"])
            #expect(try await keeper.catchUp() == 1)
            #expect(try await kept("S2")?.attendances.count == 1)
            #expect(try await store.markReplaysDue(unlessStartingWith: SessionReplay.header) == 0)

            // Pages, in (session, kiosk) order: within a session too, and a round goes on past the first.
            try await push("kiosk-2", [(2, "S2", "M001", "check_in"), (3, "S3", "M001", "check_in"), (4, "S1", "M001", "check_in")])
            try await push("kiosk-1", [(5, "S1", "E004", "check_in")])
            let first = try await store.replaysDue(after: nil, limit: 1)
            #expect(first.map { "\($0.sessionID)/\($0.kioskID)" } == ["S1/kiosk-1"])
            #expect(try await store.replaysDue(after: first.last, limit: 2).map { "\($0.sessionID)/\($0.kioskID)" } == ["S1/kiosk-2", "S2/kiosk-2"])
            #expect(try await ReplayKeeper(store: store, pageSize: 1).catchUp() == 4, "one session per page, S1 twice")
            #expect(try await due().isEmpty)
            #expect(try await kept("S3")?.attendances.map(\.participantID) == ["M001"])
        }
    }

    @Test("PostgreSQL: an event stored by any writer (a hub process of an older release) moves its session's version, marks it due and counts it")
    func versionsKeptByTheDatabase() async throws {
        guard HubBackend.postgresServer != nil else { return }
        let url = try await TestPostgres.freshDatabase()
        try await PostgresHubStore.withStore(url: url) { store in
            try await HubBackend.seedProgram(store)
            _ = try await store.addKiosk(id: "kiosk-1", location: "Main Lobby", at: Self.now)
            guard case .accepted = try await store.ingest(kioskID: "kiosk-1", events: [Self.event(seq: 1)], at: Self.now) else { Issue.record("not stored"); return }
            #expect(try await store.storedReplays(ofSessions: ["S1"]).first?.version == 1)
            let logger = Logger(label: "hub-tests")
            let raw = try await PostgresConnection.connect(configuration: try PostgresURL(url).connectionConfiguration, id: 9, logger: logger)
            try await raw.query("""
                INSERT INTO hub_event (kiosk_id, seq, id, kind, participant_id, session_id, wall_time, monotonic_ns, clock_trusted, received_at)
                VALUES ('kiosk-1', 2, 'e2', 'check_out', 'E004', 'S1', now(), 0, TRUE, now()), ('kiosk-1', 3, 'e3', 'check_in', 'E004', 'S2', now(), 0, TRUE, now())
                """, logger: logger)
            try await raw.close()
            let versions = Dictionary(uniqueKeysWithValues: try await store.storedReplays(ofSessions: ["S1", "S2"]).map { ($0.sessionID, $0.version) })
            #expect(versions == ["S1": 2, "S2": 1])
            #expect(try await store.kiosks().first?.eventsStored == 3)
            #expect(try await store.replaysDue(after: nil, limit: 10) == [
                ReplayDue(sessionID: "S1", kioskID: "kiosk-1", marks: 2), ReplayDue(sessionID: "S2", kioskID: "kiosk-1", marks: 1),
            ], "marked due by the same trigger")
        }
    }

    @Test("a database changed by a newer release is refused before anything is written", arguments: HubBackend.available)
    func newerDatabaseRefused(_ backend: HubBackend) async throws {
        func refused(_ open: () async throws -> Void) async {
            do {
                try await open()
                Issue.record("opened a database of a newer release")
            } catch {
                #expect("\(error)".contains("newer mentor-hub (v99-future)"), "\(error)")
            }
        }
        switch backend {
        case .sqlite:
            let folder = NSTemporaryDirectory() + "hub-storage-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: folder) }
            _ = try HubStore(folder: folder)
            try await DatabaseQueue(path: folder + "/hub.sqlite").write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')") }
            await refused { _ = try HubStore(folder: folder) }
        case .postgres:
            let url = try await TestPostgres.freshDatabase()
            try await PostgresHubStore.withStore(url: url) { store in
                _ = try await store.addKiosk(id: "kiosk-1", location: "Main Lobby", at: Self.now)
            }
            let logger = Logger(label: "hub-tests")
            let raw = try await PostgresConnection.connect(configuration: try PostgresURL(url).connectionConfiguration, id: 9, logger: logger)
            try await raw.query("INSERT INTO hub_migration (name) VALUES ('v99-future')", logger: logger)
            try await raw.close()
            await refused { try await PostgresHubStore.withStore(url: url) { _ in } }
        }
    }

    @Test("a kiosk's authority: only its location's sessions, known people, facilitators' actions, undos of its own check-ins", arguments: HubBackend.available)
    func authority(_ backend: HubBackend) async throws {
        try await backend.withProgram { store in
            _ = try await store.addKiosk(id: "lobby", location: "Main Lobby", at: Self.now)
            _ = try await store.addKiosk(id: "lab", location: "Library Lab", at: Self.now)
            _ = try await store.addKiosk(id: "room", location: "Room 204", at: Self.now)
            func event(_ seq: Int64, _ kind: String, _ participant: String?, _ session: String?, actor: String? = nil, undoes: Int64? = nil) -> WireEvent {
                var event = Self.event(seq: seq)
                (event.kind, event.participantID, event.sessionID, event.actorID, event.undoesSeq) = (kind, participant, session, actor, undoes)
                return event
            }
            // Room 204's kiosk records a check-in; the lobby's opens an ad-hoc session and undoes its own check-in in one batch.
            guard case .accepted(let room) = try await store.ingest(kioskID: "room", events: [event(1, "check_in", "E004", "R1")], at: Self.now),
                  case .accepted(let lobby) = try await store.ingest(kioskID: "lobby", events: [
                      event(1, "session_open", nil, "ADHOC-1", actor: "F001"), event(2, "check_in", "E004", "ADHOC-1"),
                      event(3, "undo", "E004", "ADHOC-1", actor: "F001", undoes: 2), event(4, "check_in", "M001", "S1"),
                      event(5, "pin_failed", "F001", nil, actor: "F001"),
                  ], at: Self.now)
            else { Issue.record("refused as a whole"); return }
            #expect(room.stored == 1 && room.rejected.isEmpty)
            #expect(lobby.stored == 5 && lobby.rejected.isEmpty, "\(lobby.rejected)")

            // The lab's kiosk, with a stolen token, tries everything it has no right to.
            let attacks = [
                event(1, "undo", "E004", "R1", actor: "F001", undoes: 1), event(2, "check_in", "M001", "S1"), event(3, "check_in", "GHOST", nil),
                event(4, "check_in", "GHOST", "ADHOC-1"), event(5, "manual_check_in", "E004", "ADHOC-9", actor: "E004"),
                event(6, "session_open", nil, "S2", actor: "F001"), event(7, "session_open", nil, "ADHOC-1", actor: "F001"),
                event(8, "badge_link", "E004", nil, actor: "M001"), event(9, "session_close", nil, "R1"),
                event(10, "session_open", nil, "S-SPRING-01", actor: "F001"), event(11, "badge_link", "E004", "R1", actor: "F001"),
            ]
            guard case .accepted(let lab) = try await store.ingest(kioskID: "lab", events: attacks, at: Self.now) else { Issue.record("refused as a whole"); return }
            #expect(lab.stored == 0 && lab.acknowledgedThrough == 11)
            #expect(lab.rejected.map(\.reason) == [
                "session R1 is at Room 204, not at this kiosk's location (Library Lab)",
                "session S1 is at Main Lobby, not at this kiosk's location (Library Lab)",
                "participant GHOST is not on the hub's roster",
                "participant GHOST is not on the hub's roster",
                "session ADHOC-9 is neither in the hub's schedule nor an ad-hoc session this kiosk opened",
                "session S2 cannot be opened here: an ad-hoc session's id begins with ADHOC-",
                "ad-hoc session ADHOC-1 was opened by kiosk lobby",
                "actor M001 is a mentor, not a facilitator or admin",
                "session R1 is at Room 204, not at this kiosk's location (Library Lab)",
                "session S-SPRING-01 cannot be opened here: an ad-hoc session's id begins with ADHOC-",
                "a badge_link event names no session (it names R1)",
            ])
            // Room 204's kiosk itself may not undo a check-in it never made, nor one of another participant.
            guard case .accepted(let undos) = try await store.ingest(kioskID: "room", events: [
                event(2, "undo", "E004", "R1", actor: "F001", undoes: 7), event(3, "undo", "M001", "R1", actor: "F001", undoes: 1),
                event(4, "undo", "E004", "R1", actor: "F001"),
            ], at: Self.now) else { Issue.record("refused as a whole"); return }
            #expect(undos.rejected.map(\.reason) == [
                "undoes seq 7, which is no check-in of this kiosk that the hub holds", "undoes seq 1, a check-in of another participant or session",
                "an undo must name the check-in it undoes (undoes_seq)",
            ])
            #expect(try await store.events(kioskID: "lab", after: nil, limit: 100).isEmpty, "nothing of the lab's is stored")
            #expect(try await store.rejectedEvents(kioskID: "lab", includingResolved: false).count == 11)
        }
    }

    @Test("check-out answers: a kiosk's answers name a known question, a button it has, and their own participant; the replay keeps them", arguments: HubBackend.available)
    func answers(_ backend: HubBackend) async throws {
        try await backend.withProgram { store in
            _ = try await store.addKiosk(id: "room", location: "Room 204", at: Self.now)
            func answer(_ seq: Int64, _ participant: String?, _ session: String, _ question: String?, _ value: Int?, actor: String? = "E004") -> WireEvent {
                var event = Self.event(seq: seq)
                (event.kind, event.participantID, event.sessionID, event.actorID, event.note, event.rating) = ("answer", participant, session, actor, question, value)
                return event
            }
            var checkIn = Self.event(seq: 1)
            (checkIn.kind, checkIn.participantID, checkIn.sessionID, checkIn.actorID) = ("check_in", "E004", "R1", "E004")
            guard case .accepted(let result) = try await store.ingest(kioskID: "room", events: [
                checkIn, answer(2, "E004", "R1", "pair_fit", 2), answer(3, "E004", "R1", "rating", 2), answer(4, "E004", "R1", "pair_fit", 4),
                answer(5, "E004", "R1", "goal_progress", nil), answer(6, "E004", "R1", "mentee_engaged", 1, actor: "F001"),
                answer(7, nil, "R1", "pair_fit", 1, actor: nil), answer(8, "E004", "S1", "goal_progress", 3), answer(9, "E004", "R1", "fit", 1),
            ], at: Self.now) else { Issue.record("refused as a whole"); return }
            #expect(result.stored == 2)
            let list = "pair_fit, goal_progress, mentor_helpful, mentee_engaged"
            #expect(result.rejected.map(\.reason) == [
                "an answer must name its question in note (\(list))", "an answer to pair_fit must be 1–3 (rating)",
                "an answer to goal_progress must be 1–4 (rating)", "an answer is given by its participant (actor_id must be participant_id)",
                "an answer event must name its participant", "session S1 is at Main Lobby, not at this kiosk's location (Room 204)",
                "an answer must name its question in note (\(list))",
            ])
            let replay = try #require(try await store.currentReplays(ofSessions: ["R1"]).first)
            #expect(replay.answers.map { "\($0.participantID) \($0.question.rawValue) \($0.value)" } == ["E004 pair_fit 2"])
            #expect(SessionReplay(sessionID: "R1", decoding: replay.encoded()) == replay, "answers survive the kept replay's layout")
        }
    }

    @Test("goals: all or nothing, pairs only, empty to clear; kiosks receive goal texts only when the program shows them, of the pairs they serve", arguments: HubBackend.available)
    func goals(_ backend: HubBackend) async throws {
        try await backend.withProgram { store in
            let reader = ProgramFileReader(
                normalizer: BadgeNormalizer(rules: BadgeRules()), hasher: try BadgeHasher(secret: Data(repeating: 7, count: 32)), timeZone: .gmt)
            _ = try await store.importGroups(try reader.groups(Data("""
                group_id,name,kind,participant_id,member_role
                P1,Pair 1,pair,M001,mentor
                P1,Pair 1,pair,E004,mentee
                C1,Circle,circle,E004,mentee

                """.utf8), file: "g.csv"))
            let goals = { (text: String) in try reader.goals(Data(("group_id,goal,target_date\n" + text).utf8), file: "goals.csv") }
            for (text, message) in [
                ("P1,Finish the CV,\nP9,x,\n", "goals.csv:3: column group_id: no group has the id P9"),
                ("P1,Finish the CV,\nC1,x,\n", "goals.csv:3: column group_id: group C1 is a circle; goals are a pair's"),
            ] {
                do {
                    _ = try await store.importGoals(try goals(text))
                    Issue.record("\(text) was taken")
                } catch {
                    #expect("\(error)".contains(message), "\(error)")
                }
            }
            #expect(try await store.directory(location: "Main Lobby", at: Self.now).groups.allSatisfy { $0.goal == nil }, "all or nothing")
            #expect(try await store.importGoals(try goals("P1,Finish the CV,2026-12-18\n")).updated == 1)
            _ = try await store.importSessions(try reader.sessions(Data("""
                session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id
                P1-NEXT,Pair 1,one_on_one,Main Lobby,\(Self.now.addingTimeInterval(86_400).formatted(.iso8601)),\(Self.now.addingTimeInterval(90_000).formatted(.iso8601)),P1,

                """.utf8), file: "s.csv"), cancellingMissingAfter: nil)
            let hidden = try await store.directory(location: "Main Lobby", at: Self.now)
            #expect(hidden.groups.allSatisfy { $0.goal == nil }, "goal texts stay at the hub unless the program shows them")
            var settings = ProgramSettings(rules: CheckInRules(), anonymousRatings: false)
            settings.feedback = FeedbackSettings(showGoalText: true)
            try await store.setSettings(settings)
            let shown = try await store.directory(location: "Main Lobby", at: Self.now)
            #expect(shown.groups.first { $0.id == "P1" }?.goal == PairGoal(text: "Finish the CV", targetOn: ProgramDay("2026-12-18")))
            #expect(shown.version != hidden.version)
            #expect(try await store.directory(location: "Room 204", at: Self.now).groups.allSatisfy { $0.goal == nil }, "only the goals of pairs it serves")
            _ = try await store.importGoals(try goals("P1,,\n"))
            #expect(try await store.directory(location: "Main Lobby", at: Self.now).groups.allSatisfy { $0.goal == nil }, "an empty goal clears it")
            _ = try await store.importGoals(try goals("P1,Finish the CV,2026-12-18\n"))
            let snapshot = try await store.programSnapshot(startingFrom: Self.now.addingTimeInterval(-86_400), before: Self.now, location: nil)
            #expect(snapshot.groups.first { $0.id == "P1" }?.goal?.text == "Finish the CV")
        }
    }

    @Test("quarantine: a later event under a used seq never replaces an earlier one; a retry takes in what the fixed roster allows", arguments: HubBackend.available)
    func quarantineAndRetry(_ backend: HubBackend) async throws {
        try await backend.withProgram { store in
            _ = try await store.addKiosk(id: "lobby", location: "Main Lobby", at: Self.now)
            var stranger = Self.event(seq: 1)
            stranger.participantID = "N001"
            var repeated = Self.event(seq: 1)
            repeated.participantID = "N002"
            guard case .accepted(let first) = try await store.ingest(kioskID: "lobby", events: [stranger], at: Self.now),
                  case .accepted = try await store.ingest(kioskID: "lobby", events: [stranger], at: Self.now),
                  case .accepted = try await store.ingest(kioskID: "lobby", events: [repeated], at: Self.now)
            else { Issue.record("refused as a whole"); return }
            #expect(first.rejected.map(\.reason) == ["participant N001 is not on the hub's roster"])
            let kept = try await store.rejectedEvents(kioskID: nil, includingResolved: false)
            #expect(kept.map(\.eventID) == [stranger.id, repeated.id], "both kept, a re-sent one once")
            #expect(kept.first?.event == stranger)

            #expect(try await store.retryRejected(ids: nil, at: Self.now).map(\.stillRefused) == [
                "participant N001 is not on the hub's roster", "participant N002 is not on the hub's roster",
            ])
            let reader = ProgramFileReader(
                normalizer: BadgeNormalizer(rules: BadgeRules()), hasher: try BadgeHasher(secret: Data(repeating: 7, count: 32)), timeZone: .gmt)
            _ = try await store.importParticipants(try reader.participants(Data("id,name,role,badges,active\nN001,Noor,mentee,,true\nN002,Nils,mentee,,true\n".utf8), file: "p.csv"))
            let retried = try await store.retryRejected(ids: nil, at: Self.now)
            #expect(retried.map(\.stillRefused) == [nil, "seq 1 was already used by another event (\(stranger.id)): was the kiosk's database replaced?"])
            #expect(try await store.events(kioskID: "lobby", after: nil, limit: 10).map(\.event.id) == [stranger.id])
            #expect(try await store.rejectedEvents(kioskID: nil, includingResolved: false).map(\.eventID) == [repeated.id])
            #expect(try await store.rejectedEvents(kioskID: nil, includingResolved: true).count == 2)
            let kiosk = try await store.kiosks().first
            #expect(kiosk?.eventsRejected == 1 && kiosk?.eventsStored == 1)
            #expect(try await store.storedReplays(ofSessions: ["S1"]).first?.version == 1, "a retried event moves its session's version")
        }
    }

    @Test("program life: a kiosk cancels and excuses only here and ahead; the admin's excusals, cancellations and time zone reach the directory", arguments: HubBackend.available)
    func programLife(_ backend: HubBackend) async throws {
        try await backend.withProgram { store in
            _ = try await store.addKiosk(id: "lobby", location: "Main Lobby", at: Self.now)
            _ = try await store.addKiosk(id: "lab", location: "Library Lab", at: Self.now)
            func event(_ seq: Int64, _ kind: String, _ participant: String?, _ session: String?, actor: String?, at wall: Date = Self.now) -> WireEvent {
                var event = Self.event(seq: seq)
                (event.kind, event.participantID, event.sessionID, event.actorID, event.wallTime, event.note) = (kind, participant, session, actor, wall, "why")
                event.status = nil
                return event
            }
            let started = Date(timeIntervalSince1970: 1_795_516_200) // 2026-11-24T10:30:00Z: S1–S3 began at 10:00
            guard case .accepted(let lobby) = try await store.ingest(kioskID: "lobby", events: [
                event(1, "session_cancel", nil, "S2", actor: "F001"), event(2, "session_cancel", nil, "S3", actor: "F001", at: started),
                event(3, "session_cancel", nil, "S3", actor: "M001"), event(4, "session_open", nil, "ADHOC-7", actor: "F001"),
                event(5, "session_cancel", nil, "ADHOC-7", actor: "F001"), event(6, "excuse", "E004", "S1", actor: "F001"),
                event(7, "excuse", nil, "S1", actor: "F001"), event(8, "check_in", "M001", "S1", actor: nil),
                event(9, "session_cancel", nil, "S1", actor: "F001"),
            ], at: Self.now),
                case .accepted(let lab) = try await store.ingest(kioskID: "lab", events: [
                    event(1, "session_cancel", nil, "S3", actor: "F001"), event(2, "excuse", "M001", "S3", actor: "F001"),
                ], at: Self.now)
            else { Issue.record("refused as a whole"); return }
            #expect(lobby.stored == 4, "\(lobby.rejected)")
            #expect(lobby.rejected.map(\.reason) == [
                "session S3 had started (2026-11-24T10:00:00Z) when the kiosk cancelled it: only a session that has not started can be cancelled",
                "actor M001 is a mentor, not a facilitator or admin",
                "session ADHOC-7 is not in the hub's schedule: only a scheduled session can be cancelled",
                "an excuse event must name its participant",
                "session S1 has check-ins: a session people came to cannot be cancelled",
            ])
            #expect(lab.stored == 0 && lab.rejected.map(\.reason) == [
                "session S3 is at Main Lobby, not at this kiosk's location (Library Lab)",
                "session S3 is at Main Lobby, not at this kiosk's location (Library Lab)",
            ])
            #expect(try await store.session(id: "S2")?.status == .cancelled, "the kiosk's cancellation reached the schedule")
            #expect(try await store.session(id: "S2")?.cancelReason == "why")
            #expect(try await store.session(id: "S3")?.status == .scheduled)
            #expect(try await store.auditLog(since: nil).map { "\($0.actor) \($0.action) \($0.subject ?? "") \($0.detail ?? "")" } == ["kiosk:lobby session.cancel S2 by F001: why"])
            // Backdated: written "before the start", but it reached the hub after the start.
            guard case .accepted(let late) = try await store.ingest(kioskID: "lobby", events: [event(10, "session_cancel", nil, "S3", actor: "F001")], at: started)
            else { Issue.record("refused as a whole"); return }
            #expect(late.rejected.map(\.reason) == [
                "session S3 had started (2026-11-24T10:00:00Z) when its cancellation reached the hub: a kiosk's cancellation must arrive before the start (the admin can cancel it in the schedule file)",
            ])

            // The admin: cancel once (again is no error), never a started session; excuse, never at a cancelled one.
            await #expect(throws: SessionCancelRefusal.self, "M001 checked in to S1") { try await store.cancelSession(id: "S1", reason: nil, at: Self.now) }
            #expect(try await store.cancelSession(id: "S3", reason: "storm", at: Self.now).status == .cancelled)
            #expect(try await store.cancelSession(id: "S3", reason: "storm", at: Self.now).cancelReason == "storm")
            await #expect(throws: SessionCancelRefusal.self) { try await store.cancelSession(id: "R1", reason: nil, at: started) }
            await #expect(throws: SessionCancelRefusal.unknown("S9")) { try await store.cancelSession(id: "S9", reason: nil, at: Self.now) }
            try await store.excuse(Excusal(participantID: "M001", sessionID: "S1", reason: "travel", excusedBy: "cli:root"), at: Self.now)
            await #expect(throws: ExcusalRefusal.cancelled("S3")) { try await store.excuse(Excusal(participantID: "M001", sessionID: "S3"), at: Self.now) }
            await #expect(throws: ExcusalRefusal.unknownParticipant("GHOST")) { try await store.excuse(Excusal(participantID: "GHOST", sessionID: "S1"), at: Self.now) }
            let excused = try await store.excusals(ofSessions: ["S1", "S2"]).sorted { $0.participantID < $1.participantID }
            #expect(excused == [
                Excusal(participantID: "E004", sessionID: "S1", reason: "why", excusedBy: "F001"),
                Excusal(participantID: "M001", sessionID: "S1", reason: "travel", excusedBy: "cli:root"),
            ])

            let before = try await store.directory(location: "Main Lobby", at: Self.now)
            #expect(before.timeZone == nil)
            #expect(before.excusals == excused.map(\.withoutDetails), "who and which session, never the reason")
            #expect(before.sessions.first { $0.id == "S3" }?.status == .cancelled)
            try await store.setTimeZoneIdentifier("America/Chicago")
            #expect(try await store.timeZoneIdentifier() == "America/Chicago")
            let after = try await store.directory(location: "Main Lobby", at: Self.now)
            #expect(after.timeZone == "America/Chicago" && after.version != before.version)
            #expect(try await store.directory(location: "Library Lab", at: Self.now).excusals == [], "no other room's excusals")

            // The schedule file: no cancelling a session people came to; the missing ones still to
            // come, at the file's locations only, are cancelled.
            let reader = ProgramFileReader(
                normalizer: BadgeNormalizer(rules: BadgeRules()), hasher: try BadgeHasher(secret: Data(repeating: 7, count: 32)), timeZone: .gmt)
            let header = "session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id,status\n"
            do {
                _ = try await store.importSessions(try reader.sessions(Data((header + "S1,Circle,group,Main Lobby,2026-11-24T10:00:00Z,2026-11-24T11:00:00Z,,,cancelled\n").utf8), file: "s.csv"))
                Issue.record("an attended session was cancelled")
            } catch {
                #expect("\(error)".contains("s.csv:2: column status: session S1 has check-ins"), "\(error)")
            }
            _ = try await store.importSessions(try reader.sessions(Data((header + "S4,Later,group,Main Lobby,2026-11-25T10:00:00Z,2026-11-25T11:00:00Z,,,\n").utf8), file: "s.csv"))
            let onlyS1 = try reader.sessions(Data((header + "S1,Circle,group,Main Lobby,2026-11-24T10:00:00Z,2026-11-24T11:00:00Z,,,\n").utf8), file: "s.csv")
            #expect(try await store.importSessions(onlyS1, cancellingMissingAfter: started) == ImportSummary(updated: 1, cancelled: 1), "S4 (the others had started)")
            #expect(try await store.session(id: "S4")?.cancelReason == "not in the imported schedule")
            #expect(try await store.session(id: "R1")?.status == .scheduled, "another location's session is not this file's to cancel")
            #expect(try await store.session(id: "S1")?.status == .scheduled)
        }
    }

    @Test("the audit log reads back in order, from a time on", arguments: HubBackend.available)
    func auditLog(_ backend: HubBackend) async throws {
        try await backend.withStorage { store in
            try await store.audit(AuditEntry(at: Self.now, actor: "cli:root", action: "kiosk.add", subject: "lobby", detail: "location Main Lobby"))
            try await store.audit(AuditEntry(at: Self.now.addingTimeInterval(60), actor: "anonymous", action: "login.failed"))
            #expect(try await store.auditLog(since: nil).map(\.action) == ["kiosk.add", "login.failed"])
            #expect(try await store.auditLog(since: Self.now.addingTimeInterval(30)).map(\.actor) == ["anonymous"])
            #expect(try await store.auditLog(since: nil).first == AuditEntry(at: Self.now, actor: "cli:root", action: "kiosk.add", subject: "lobby", detail: "location Main Lobby"))
        }
    }

    static func event(seq: Int64) -> WireEvent {
        WireEvent(
            seq: seq, id: UUID().uuidString.lowercased(), kind: "check_in", participantID: "E004", sessionID: "S1", actorID: nil,
            wallTime: now.addingTimeInterval(Double(seq) + 0.123), monotonicNs: seq * 1_000_000, clockTrusted: true, status: "on_time",
            durationSeconds: nil, rating: nil, undoesSeq: nil, viaBadge: true, effectiveAt: nil, badgeHash: nil, note: nil)
    }
}

/// A hub storage back-end the tests can open fresh.
enum HubBackend: String, CaseIterable, CustomTestStringConvertible, Hashable {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    static var postgresServer: String? { ProcessInfo.processInfo.environment["MENTOR_HUB_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 } }

    static var available: [HubBackend] {
        if postgresServer == nil {
            print("note: MENTOR_HUB_TEST_POSTGRES is not set; the hub storage tests run on SQLite only (scripts/with-postgres starts a server)")
            return [.sqlite]
        }
        return allCases
    }

    /// Runs `body` on an empty store: a new folder, or a new database on the test server.
    func withStorage(_ body: (any HubStorage) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let folder = NSTemporaryDirectory() + "hub-storage-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: folder) }
            try await body(try HubStore(folder: folder))
        case .postgres:
            try await PostgresHubStore.withStore(url: try await TestPostgres.freshDatabase()) { try await body($0) }
        }
    }

    /// Runs `body` on a store whose roster and schedule hold what `HubStorageTests.event` names:
    /// the mentee E004, the mentor M001, the facilitator F001, and sessions S1–S3 at Main Lobby
    /// and R1 at Room 204 (the hub refuses events of people or sessions it does not know).
    func withProgram(_ body: (any HubStorage) async throws -> Void) async throws {
        try await withStorage { store in
            try await Self.seedProgram(store)
            try await body(store)
        }
    }

    static func seedProgram(_ store: any HubStorage) async throws {
            let reader = ProgramFileReader(
                normalizer: BadgeNormalizer(rules: BadgeRules()), hasher: try BadgeHasher(secret: Data(repeating: 7, count: 32)), timeZone: .gmt)
            _ = try await store.importParticipants(try reader.participants(Data("""
                id,name,role,badges,active
                E004,Lena,mentee,,true
                M001,Maria,mentor,,true
                F001,Fatima,facilitator,,true

                """.utf8), file: "p.csv"))
            _ = try await store.importSessions(try reader.sessions(Data((["session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id"]
                + ["S1", "S2", "S3"].map { "\($0),Circle,group,Main Lobby,2026-11-24T10:00:00Z,2026-11-24T11:00:00Z,," }
                + ["R1,Room session,group,Room 204,2026-11-24T10:00:00Z,2026-11-24T11:00:00Z,,"]).joined(separator: "\n").utf8), file: "s.csv"))
    }
}

/// Fresh databases on the test server, one per test, so tests neither see nor wait on each other.
enum TestPostgres {
    static func freshDatabase() async throws -> String {
        let server = try #require(HubBackend.postgresServer)
        let name = "hub_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let connection = try await PostgresConnection.connect(
            configuration: try PostgresURL(server).connectionConfiguration, id: 1, logger: .init(label: "hub-tests"))
        try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: .init(label: "hub-tests"))
        try await connection.close()
        var url = try #require(URLComponents(string: server))
        url.path = "/" + name
        return try #require(url.string)
    }
}
