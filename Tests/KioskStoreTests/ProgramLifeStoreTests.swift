import Foundation
import GRDB
@testable import KioskCore
@testable import KioskStore
import ProgramFiles
import Testing

/// Program life on a real kiosk database: cancelling and restoring sessions, excusing members,
/// dated memberships at a scan, and what the hub's directory may and may not overwrite.
@Suite("Program life in the kiosk's store")
struct ProgramLifeStoreTests {
    func sessions(_ fixture: StoreFixture, _ rows: [String], statusColumn: Bool = true) throws -> [SessionEntry] {
        let header = "session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id" + (statusColumn ? ",status" : "")
        return try fixture.reader.sessions(Data(([header] + rows).joined(separator: "\n").utf8), file: "sessions.csv")
    }

    @Test("a row's status cancels or restores; an empty one keeps the session's; a closed session stays closed")
    func importStatus() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let workshop = "S-WORKSHOP,CV Workshop,workshop,Lobby,2026-03-02T18:00:00Z,2026-03-02T19:30:00Z,,F001"
        let cancelled = try fixture.store.importSessions(try sessions(fixture, [workshop + ",cancelled"]))
        #expect(cancelled == ImportSummary(updated: 1, cancelled: 1))
        #expect(try fixture.store.session(id: "S-WORKSHOP")?.status == .cancelled)
        _ = try fixture.store.importSessions(try sessions(fixture, [workshop + ","]))
        #expect(try fixture.store.session(id: "S-WORKSHOP")?.status == .cancelled, "an empty status keeps it cancelled")
        _ = try fixture.store.importSessions(try sessions(fixture, [workshop], statusColumn: false))
        #expect(try fixture.store.session(id: "S-WORKSHOP")?.status == .cancelled, "so does a file without the column")
        _ = try fixture.store.importSessions(try sessions(fixture, [workshop + ",scheduled"]))
        #expect(try fixture.store.session(id: "S-WORKSHOP")?.status == .scheduled, "scheduled restores it")

        _ = fixture.desk.scan(fixture.badge("E004"), clock: fixture.clock(0))
        _ = try fixture.store.closeSession(sessionID: "S-CIRCLE", actorID: "F001", clock: fixture.clock(60), rules: CheckInRules())
        let circle = "S-CIRCLE,Peer Circle A,group,Lobby,2026-03-02T14:58:00Z,2026-03-02T15:58:00Z,C1,F001"
        _ = try fixture.store.importSessions(try sessions(fixture, [circle + ",scheduled"]))
        #expect(try fixture.store.session(id: "S-CIRCLE")?.status == .closed, "a session closed at the kiosk stays closed")
        #expect(throws: StoreError.self, "Lena came: it took place") { try fixture.store.importSessions(try sessions(fixture, [circle + ",cancelled"])) }
        #expect(try fixture.store.session(id: "S-CIRCLE")?.status == .closed)

        #expect(throws: ImportError.self) { try sessions(fixture, [workshop + ",postponed"]) }
    }

    @Test("cancelling the missing sessions touches only scheduled ones that have not started")
    func cancelMissing() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        // Only the workshop (later today) is listed; the circle started two minutes ago.
        let summary = try fixture.store.importSessions(
            try sessions(fixture, ["S-WORKSHOP,CV Workshop,workshop,Lobby,2026-03-02T18:00:00Z,2026-03-02T19:30:00Z,,F001,"]),
            cancellingMissingAfter: fixture.now)
        let after = try fixture.store.sessions(
            from: fixture.now.addingTimeInterval(-30 * 86_400), to: fixture.now.addingTimeInterval(30 * 86_400), timeZone: .gmt)
        let cancelled = after.filter { $0.session.status == .cancelled }.map(\.session.id)
        #expect(!cancelled.isEmpty && summary.cancelled == cancelled.count)
        #expect(after.filter { $0.session.startsAt > fixture.now && $0.session.id != "S-WORKSHOP" }.allSatisfy { $0.session.status == .cancelled })
        #expect(after.filter { $0.session.startsAt <= fixture.now }.allSatisfy { $0.session.status == .scheduled }, "past and running sessions are never touched")
        #expect(try fixture.store.session(id: "S-CIRCLE")?.cancelReason == nil)
        #expect(try fixture.store.session(id: "S-CIRCLEB")?.cancelReason == "not in the imported schedule")
    }

    @Test("a facilitator cancels a session that has not started, once; a started one or a mentor is refused")
    func cancelAtKiosk() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let before = try fixture.store.lastSequence()
        #expect(throws: SupervisionRefusal.cannotCancel(.started(try #require(try fixture.store.session(id: "S-CIRCLE"))))) {
            try fixture.store.cancelSession(sessionID: "S-CIRCLE", actorID: "F001", reason: nil, clock: fixture.clock(0))
        }
        #expect(throws: SupervisionRefusal.self) {
            try fixture.store.cancelSession(sessionID: "S-WORKSHOP", actorID: "M001", reason: nil, clock: fixture.clock(0))
        }
        #expect(try fixture.store.lastSequence() == before, "a refusal writes nothing")
        let cancelled = try fixture.store.cancelSession(sessionID: "S-WORKSHOP", actorID: "F001", reason: "speaker ill", clock: fixture.clock(0))
        #expect(cancelled.status == .cancelled && cancelled.cancelReason == "speaker ill")
        _ = try fixture.store.cancelSession(sessionID: "S-WORKSHOP", actorID: "F001", reason: nil, clock: fixture.clock(1))
        let events = try fixture.store.events(after: before)
        #expect(events.map(\.draft.kind) == [.sessionCancel], "cancelling again writes no second event")
        #expect(events.first?.draft.details.note == "speaker ill" && events.first?.draft.actorID == "F001")
        #expect(try fixture.store.sessionsToStart(location: StoreFixture.location, after: fixture.now).allSatisfy { $0.id != "S-WORKSHOP" })

        // People checked in early (the window opens before the start): it takes place.
        _ = try fixture.store.manualCheckIn(participantID: "E004", sessionID: "S-CIRCLEB", actorID: "F001", clock: fixture.clock(2 * 86_400 - 600), rules: CheckInRules())
        #expect(throws: SupervisionRefusal.cannotCancel(.attended(try #require(try fixture.store.session(id: "S-CIRCLEB"))))) {
            try fixture.store.cancelSession(sessionID: "S-CIRCLEB", actorID: "F001", reason: nil, clock: fixture.clock(2 * 86_400 - 300))
        }

        // A badge at the time it would have been open says why there is no session.
        let report = fixture.desk.scan(fixture.badge("E004"), clock: fixture.clock(3 * 3600 - 60))
        #expect(report.code == "session_cancelled" && report.message == "✗ CV Workshop today was cancelled", "\(report.message)")
    }

    @Test("only an expected member who has not come can be excused; the tally lists them apart")
    func excuse() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let excuse = { (person: String, session: String) in
            try fixture.store.excuse(participantID: person, sessionID: session, actorID: "F001", reason: "apologies", clock: fixture.clock(0), timeZone: .gmt)
        }
        #expect(throws: SupervisionRefusal.self, "not in the circle") { try excuse("E001", "S-CIRCLE") }
        #expect(throws: SupervisionRefusal.self, "inactive") { try excuse("E007", "S-CIRCLE") }
        _ = fixture.desk.scan(fixture.badge("E004"), clock: fixture.clock(0))
        #expect(throws: SupervisionRefusal.self, "checked in already") { try excuse("E004", "S-CIRCLE") }
        #expect(throws: SupervisionRefusal.self, "a mentor cannot excuse") {
            try fixture.store.excuse(participantID: "E005", sessionID: "S-CIRCLE", actorID: "M001", reason: nil, clock: fixture.clock(0), timeZone: .gmt)
        }
        _ = try excuse("E005", "S-CIRCLE")
        let tally = try #require(try fixture.store.tally(sessionID: "S-CIRCLE", timeZone: .gmt))
        #expect(tally.excused.map(\.participant.id) == ["E005"])
        #expect(!tally.missing.contains { $0.participant.id == "E005" })
        #expect(tally.presence.hasSuffix(", 1 excused"), "\(tally.presence)")
        let rows = try fixture.store.attendanceReport(from: fixture.now.addingTimeInterval(-3600), to: fixture.now.addingTimeInterval(3600), now: fixture.now.addingTimeInterval(7200), timeZone: .gmt)
        #expect(rows.first { $0.participantID == "E005" && $0.sessionID == "S-CIRCLE" }?.status == .excused)
    }

    @Test("a re-matched mentee is not offered the old pair's session")
    func datedMembershipAtScan() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        // Jonas leaves pair P1 today: its session that started 20 minutes ago is no longer his.
        let groups = """
            group_id,name,kind,participant_id,member_role,from,until
            P1,Maria & Jonas,pair,M001,mentor,,
            P1,Maria & Jonas,pair,E001,mentee,,2026-03-02
            """
        _ = try fixture.store.importGroups(try fixture.reader.groups(Data(groups.utf8), file: "groups.csv"))
        let report = fixture.desk.scan(fixture.badge("E001"), clock: fixture.clock(0))
        #expect(report.session?.id != "S-PAIR1", "\(report.message)")
        let tally = try #require(try fixture.store.tally(sessionID: "S-PAIR1", timeZone: .gmt))
        #expect(tally.expectedCount == 1 && tally.missing.map(\.participant.id) == ["M001"])
    }

    @Test("the hub's directory cannot revive a session cancelled here before the hub has the event")
    func directoryKeepsLocalCancellation() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let sample = SampleProgram(around: fixture.now, location: StoreFixture.location)
        let roster = try fixture.reader.participants(Data(sample.participantsCSV.utf8), file: "hub")
        let groups = try fixture.reader.groups(Data(sample.groupsCSV.utf8), file: "hub")
        let schedule = try fixture.reader.sessions(Data(sample.sessionsCSV.utf8), file: "hub").map { entry in
            SessionEntry(session: entry.session, position: entry.position, statusGiven: true)
        }
        _ = try fixture.store.cancelSession(sessionID: "S-WORKSHOP", actorID: "F001", reason: nil, clock: fixture.clock(0))
        try fixture.store.applyDirectory(version: "v1", participants: roster, groups: groups, sessions: schedule, settings: nil)
        #expect(try fixture.store.session(id: "S-WORKSHOP")?.status == .cancelled, "the event is still on its way")
        try fixture.store.recordPush(acknowledgedThrough: try fixture.store.lastSequence(), rejections: [], at: fixture.now)
        try fixture.store.applyDirectory(version: "v2", participants: roster, groups: groups, sessions: schedule, settings: nil)
        #expect(try fixture.store.session(id: "S-WORKSHOP")?.status == .scheduled, "the hub has it and restored the session: the hub wins")

        // The hub cancelled the circle before it had this kiosk's check-in: the kiosk keeps what it recorded.
        _ = fixture.desk.scan(fixture.badge("E004"), clock: fixture.clock(0))
        let cancelledCircle = schedule.map { entry in
            var entry = entry
            if entry.session.id == "S-CIRCLE" { entry.session.status = .cancelled }
            return entry
        }
        try fixture.store.applyDirectory(version: "v3", participants: roster, groups: groups, sessions: cancelledCircle, settings: nil)
        #expect(try fixture.store.session(id: "S-CIRCLE")?.status == .scheduled)
    }

    @Test("v7 carries every membership over and lets a member come back")
    func migration() throws {
        let directory = NSTemporaryDirectory() + "kiosk-v7-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/kiosk.sqlite"
        let old = try DatabaseQueue(path: path)
        try KioskSchema.migrator(countingDirectoryChanges: false).migrate(old, upTo: "v6-pin-failed-events")
        try old.write { db in
            try db.execute(sql: """
                INSERT INTO participant (id, name, role) VALUES ('M1', 'Maya', 'mentor'), ('E1', 'Eli', 'mentee');
                INSERT INTO mentoring_group (id, name, kind) VALUES ('P1', 'Pair 1', 'pair');
                INSERT INTO group_member (group_id, participant_id, role) VALUES ('P1', 'M1', 'mentor'), ('P1', 'E1', 'mentee');
                """)
        }
        try old.close()
        let store = try KioskStore(path: path, kioskID: "k1")
        #expect(try store.groups() == [MentoringGroup(id: "P1", name: "Pair 1", kind: .pair, members: [
            GroupMember(participantID: "E1", role: .mentee), GroupMember(participantID: "M1", role: .mentor),
        ])])
        let reader = ProgramFileReader(normalizer: BadgeNormalizer(rules: BadgeRules()), hasher: try BadgeHasher(secret: Data(repeating: 1, count: 32)), timeZone: .gmt)
        let back = """
            group_id,name,kind,participant_id,member_role,from,until
            P1,Pair 1,pair,M1,mentor,,
            P1,Pair 1,pair,E1,mentee,,2026-10-12
            P1,Pair 1,pair,E1,mentee,2026-11-02,
            """
        _ = try store.importGroups(try reader.groups(Data(back.utf8), file: "groups.csv"))
        #expect(try store.groups().first?.members.filter { $0.participantID == "E1" }.map(\.span) == [
            DaySpan(from: nil, until: ProgramDay("2026-10-12")), DaySpan(from: ProgramDay("2026-11-02"), until: nil),
        ])
    }
}
