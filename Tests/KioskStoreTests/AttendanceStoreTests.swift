import Foundation
import GRDB
import Testing
@testable import KioskCore
@testable @_spi(Benchmarks) import KioskStore

@Suite("Kiosk store: check-ins on a real SQLite file")
struct AttendanceStoreTests {
    @Test("a check-in commits one event and one attendance, and survives reopening")
    func checkInIsDurable() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let report = fixture.desk.scan(fixture.badge("E004"), clock: fixture.clock(30, trusted: false))
        #expect(report.code == "checked_in")
        #expect(report.session?.id == "S-CIRCLE")
        let reopened = try KioskStore(path: fixture.store.path, kioskID: "k1")
        let events = try reopened.events()
        #expect(events.count == 1)
        #expect(events[0].sequence == 1)
        #expect(events[0].draft.kind == .checkIn)
        #expect(events[0].draft.participantID == "E004")
        #expect(events[0].draft.clock.isTrusted == false)
        #expect(events[0].draft.clock.monotonicNanoseconds == 30_000_000_000)
        #expect(events[0].draft.id.uuidString.dropFirst(14).first == "7")
        let attendance = try #require(try fixture.attendance("E004", "S-CIRCLE"))
        #expect(attendance.status == .onTime)
        #expect(attendance.clockTrusted == false)
        #expect(attendance.kioskID == "k1")
    }

    @Test("second scan: duplicate within seconds, then already checked in; nothing new stored")
    func secondScan() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        #expect(fixture.desk.scan(fixture.badge("E004"), clock: fixture.clock(0)).code == "checked_in")
        #expect(fixture.desk.scan(fixture.badge("E004"), clock: fixture.clock(2)).code == "duplicate_scan")
        let again = fixture.desk.scan(fixture.badge("E004"), clock: fixture.clock(60))
        #expect(again.code == "already_checked_in")
        #expect(again.message.contains("at 15:00"))
        #expect(try fixture.store.events().count == 1)
    }

    @Test("the database refuses a second attendance for the same participant and session")
    func uniqueness() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = fixture.desk.scan(fixture.badge("E004"), clock: fixture.clock(0))
        #expect(throws: DatabaseError.self) {
            try fixture.store.pool.write { db in
                try db.execute(sql: """
                    INSERT INTO attendance (participant_id, session_id, status, checked_in_at, check_in_seq, has_rated, clock_trusted, kiosk_id)
                    VALUES ('E004', 'S-CIRCLE', 'late', '2026-03-02 15:10:00.000', 99, 0, 1, 'k1')
                    """)
            }
        }
    }

    @Test("events are append-only")
    func appendOnly() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = fixture.desk.scan(fixture.badge("E004"), clock: fixture.clock(0))
        #expect(throws: DatabaseError.self) { try fixture.store.pool.write { try $0.execute(sql: "UPDATE event SET kind = 'undo'") } }
        #expect(throws: DatabaseError.self) { try fixture.store.pool.write { try $0.execute(sql: "DELETE FROM event") } }
        #expect(try fixture.store.events().count == 1)
    }

    @Test("unknown and malformed badges store nothing")
    func refusalsStoreNothing() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        #expect(fixture.desk.scan("999999", clock: fixture.clock(0)).verdict == .unknownBadge)
        #expect(fixture.desk.scan(bytes: [0x32, 0x30, 0xC3, 0x28], clock: fixture.clock(0)).code == "badge_rejected")
        #expect(fixture.desk.scan("2000\u{1B}[1;1H04", clock: fixture.clock(0)).code == "badge_rejected")
        #expect(fixture.desk.scan(fixture.badge("E007"), clock: fixture.clock(0)).code == "inactive")
        #expect(try fixture.store.events().isEmpty)
        #expect(try fixture.store.counts()["attendance"] == 0)
    }

    @Test("check-out with duration, rating once, auto check-out at the end; the log replays to the table")
    func fullDay() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let desk = fixture.desk
        #expect(desk.scan(fixture.badge("E004"), clock: fixture.clock(0)).code == "checked_in")
        #expect(desk.scan(fixture.badge("E005"), clock: fixture.clock(10 * 60)).status == "late")
        let out = desk.checkOut(fixture.badge("E004"), clock: fixture.clock(40 * 60))
        #expect(out.code == "checked_out")
        #expect(out.durationSeconds == 40 * 60)
        #expect(desk.rate(fixture.badge("E004"), value: 4, clock: fixture.clock(40 * 60 + 5)).code == "rated")
        #expect(desk.rate(fixture.badge("E004"), value: 1, clock: fixture.clock(40 * 60 + 9)).code == "already_rated")
        #expect(desk.rate(fixture.badge("E005"), value: 3, clock: fixture.clock(40 * 60 + 9)).code == "not_checked_out")
        // Networking Hour (open to all, until +50 min) is still open to her; after it, she is done.
        #expect(desk.scan(fixture.badge("E004"), clock: fixture.clock(51 * 60)).code == "already_checked_out")

        #expect(try fixture.store.closeEndedSessions(clock: fixture.clock(57 * 60)) == 0)
        #expect(try fixture.store.closeEndedSessions(clock: fixture.clock(70 * 60)) == 1)
        #expect(try fixture.store.closeEndedSessions(clock: fixture.clock(71 * 60)) == 0)
        let omar = try #require(try fixture.attendance("E005", "S-CIRCLE"))
        #expect(omar.checkOutKind == .auto)
        #expect(omar.checkedOutAt == fixture.now.addingTimeInterval(58 * 60)) // the sample circle's end
        let lena = try #require(try fixture.attendance("E004", "S-CIRCLE"))
        #expect(lena.rating == 4)
        #expect(lena.checkOutKind == .badge)
        #expect(try fixture.store.projectionMismatches().isEmpty)
        #expect(try fixture.store.events().map(\.draft.kind) == [.checkIn, .checkIn, .checkOut, .rating, .autoCheckOut])
    }

    @Test("anonymous ratings are stored without the participant")
    func anonymousRating() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        var desk = fixture.desk
        desk.anonymousRatings = true
        _ = desk.scan(fixture.badge("E004"), clock: fixture.clock(0))
        _ = desk.checkOut(fixture.badge("E004"), clock: fixture.clock(600))
        #expect(desk.rate(fixture.badge("E004"), value: 2, clock: fixture.clock(610)).code == "rated")
        #expect(desk.rate(fixture.badge("E004"), value: 2, clock: fixture.clock(620)).code == "already_rated")
        let rating = try #require(try fixture.store.events().last)
        #expect(rating.draft.kind == .rating)
        #expect(rating.draft.participantID == nil)
        #expect(rating.draft.actorID == nil)
        #expect(rating.draft.details.rating == 2)
        #expect(try fixture.attendance("E004", "S-CIRCLE")?.rating == nil)
        #expect(try fixture.store.projectionMismatches().isEmpty)
    }

    @Test("facilitators check in by hand and undo, recorded with the actor; others may not")
    func supervision() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let rules = CheckInRules()
        _ = try fixture.store.manualCheckIn(participantID: "E006", sessionID: "S-CIRCLE", actorID: "F001", clock: fixture.clock(60), rules: rules)
        #expect(try fixture.attendance("E006", "S-CIRCLE")?.status == .manual)
        #expect(throws: SupervisionRefusal.self) {
            try fixture.store.manualCheckIn(participantID: "E005", sessionID: "S-CIRCLE", actorID: "E004", clock: fixture.clock(60), rules: rules)
        }
        _ = try fixture.store.undoCheckIn(participantID: "E006", sessionID: "S-CIRCLE", actorID: "F001", clock: fixture.clock(90))
        #expect(try fixture.attendance("E006", "S-CIRCLE") == nil)
        #expect(throws: SupervisionRefusal.self) {
            try fixture.store.undoCheckIn(participantID: "E006", sessionID: "S-CIRCLE", actorID: "F001", clock: fixture.clock(95))
        }
        // After an undo the participant can badge in again.
        #expect(fixture.desk.scan(fixture.badge("E006"), clock: fixture.clock(120)).code == "checked_in")
        let events = try fixture.store.events()
        #expect(events.map(\.draft.kind) == [.manualCheckIn, .undo, .checkIn])
        #expect(events[0].draft.actorID == "F001")
        #expect(events[1].draft.details.undoesSequence == 1)
        #expect(try fixture.store.projectionMismatches().isEmpty)
    }

    @Test("milestones: the first session and round numbers are celebrated, others not")
    func milestones() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        #expect(fixture.desk.scan(fixture.badge("E004"), clock: fixture.clock(0)).milestone == "★ Your first session — welcome to the program!")
        // Three more sessions on record, then the fifth.
        try fixture.store.benchmarkWrite { db in
            for index in 1...3 {
                try db.execute(sql: "INSERT INTO session (id, title, kind, location, starts_at, ends_at) VALUES (?, 'Old', 'group', 'Lobby', '2025-01-0\(index) 10:00:00.000', '2025-01-0\(index) 11:00:00.000')", arguments: ["OLD\(index)"])
                try db.execute(sql: "INSERT INTO attendance (participant_id, session_id, status, checked_in_at, check_in_seq, has_rated, clock_trusted, kiosk_id) VALUES ('E004', ?, 'on_time', '2025-01-0\(index) 10:00:00.000', 0, 0, 1, 'k1')", arguments: ["OLD\(index)"])
            }
        }
        #expect(fixture.desk.checkOut(fixture.badge("E004"), clock: fixture.clock(90)).code == "checked_out")
        let fifth = fixture.desk.scan(fixture.badge("E004"), clock: fixture.clock(100), chosenSessionID: "S-NETWORK")
        #expect(fifth.code == "checked_in")
        #expect(fifth.milestone == "★ That is your 5th session — well done!")
        #expect(fixture.desk.checkOut(fixture.badge("E004"), clock: fixture.clock(190)).code == "checked_out")
        let sixth = fixture.desk.scan(fixture.badge("E004"), clock: fixture.clock(200), chosenSessionID: "S-LUNCH")
        #expect(sixth.code == "checked_in")
        #expect(sixth.milestone == nil)
    }

    @Test("several open sessions: choose, then check in to the chosen one")
    func choose() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let choice = fixture.desk.scan(fixture.badge("M003"), clock: fixture.clock(60))
        #expect(choice.code == "choose_session")
        #expect(choice.choices.map(\.id) == ["S-NETWORK", "S-LUNCH"])
        let chosen = fixture.desk.scan(fixture.badge("M003"), clock: fixture.clock(61), chosenSessionID: "S-LUNCH")
        #expect(chosen.code == "checked_in")
        #expect(chosen.session?.id == "S-LUNCH")
    }

    @Test("a failed commit is reported as cannot record, never as success")
    func cannotRecord() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        // Make every insert into the event log fail, as a full or broken disk would.
        try fixture.store.pool.write { db in
            try db.execute(sql: "CREATE TRIGGER disk_full BEFORE INSERT ON event BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END")
        }
        let report = fixture.desk.scan(fixture.badge("E004"), clock: fixture.clock(0))
        #expect(report.verdict == .cannotRecord)
        #expect(report.message.hasPrefix("✗ Cannot record — please see the facilitator"))
        #expect(try fixture.attendance("E004", "S-CIRCLE") == nil)
    }
}

@Suite("Facilitator PINs in the store")
struct FacilitatorStoreTests {
    @Test("PINs are stored hashed; five wrong tries lock, and the lock survives reopening")
    func pins() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let right = fixture.desk.hasher.pinHash(participantID: "F001", pin: ButtonPIN("1234")!)
        let wrong = fixture.desk.hasher.pinHash(participantID: "F001", pin: ButtonPIN("4321")!)
        try fixture.store.setPIN(participantID: "F001", hash: right)
        #expect(throws: SupervisionRefusal.self) { try fixture.store.setPIN(participantID: "E004", hash: right) }
        let stored = try fixture.store.read { try String.fetchOne($0, sql: "SELECT pin_hash FROM facilitator_pin") }
        #expect(stored == right)
        #expect(stored?.contains("1234") == false)
        #expect(try fixture.store.checkPIN(participantID: "F001", enteredHash: right, clock: fixture.clock(0)) == .accepted(try #require(try fixture.store.participant(id: "F001"))))
        for _ in 0..<4 { _ = try fixture.store.checkPIN(participantID: "F001", enteredHash: wrong, clock: fixture.clock(0)) }
        #expect(try fixture.store.checkPIN(participantID: "F001", enteredHash: wrong, clock: fixture.clock(0)) == .locked(until: fixture.now.addingTimeInterval(300)))
        let reopened = try KioskStore(path: fixture.store.path, kioskID: "k1")
        #expect(try reopened.checkPIN(participantID: "F001", enteredHash: right, clock: fixture.clock(10)) == .locked(until: fixture.now.addingTimeInterval(300)))
        #expect(try reopened.checkPIN(participantID: "E004", enteredHash: right, clock: fixture.clock(0)) == .notAllowed)
        // Every failed try is an event for the audit trail; the right PIN and a refused badge are not.
        let failures = try reopened.read { try Row.fetchAll($0, sql: "SELECT participant_id, actor_id, session_id, note FROM event WHERE kind = 'pin_failed' ORDER BY seq") }
        #expect(failures.count == 6 && failures.allSatisfy { $0["participant_id"] == "F001" && $0["actor_id"] == "F001" && ($0["session_id"] as String?) == nil })
        #expect((failures.first?["note"] as String?) == "wrong PIN; 4 attempts left")
        #expect((failures.last?["note"] as String?)?.hasPrefix("locked out until ") == true)
    }

    @Test("open tallies list the sessions taking check-ins now")
    func openTallies() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = fixture.desk.scan(fixture.badge("E004"), clock: fixture.clock(0))
        let tallies = try fixture.store.openTallies(location: StoreFixture.location, at: fixture.now, rules: CheckInRules(), timeZone: .gmt)
        #expect(tallies.map(\.session.id) == ["S-PAIR1", "S-NETWORK", "S-LUNCH", "S-CIRCLE"])
        #expect(tallies.last?.present.map(\.participant.id) == ["E004"])
    }

    @Test("a tally names the members the program's figures put at risk")
    func tallyAtRisk() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        // Circle A met a week ago and two days ago; only Lena (E004) came two days ago.
        let twoDaysAgo = fixture.now.addingTimeInterval(-2 * 86_400)
        let extra = "session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id\n"
            + "S-CIRCLE-TUE,Peer Circle A,group,\(StoreFixture.location),\(twoDaysAgo.formatted(.iso8601)),\(twoDaysAgo.addingTimeInterval(3600).formatted(.iso8601)),C1,F001\n"
        _ = try fixture.store.importSessions(try fixture.reader.sessions(Data(extra.utf8), file: "extra.csv"))
        _ = fixture.desk.scan(fixture.badge("E004"), clock: ClockReading(wall: twoDaysAgo.addingTimeInterval(60), monotonicNanoseconds: 1))
        _ = fixture.desk.scan(fixture.badge("E005"), clock: fixture.clock(0))
        let circle = try #require(try fixture.store.openTallies(location: StoreFixture.location, at: fixture.now, rules: CheckInRules(), timeZone: .gmt).last)
        #expect(circle.session.id == "S-CIRCLE")
        #expect(circle.atRisk.map(\.participantID) == ["E006", "M004"], "Lena came last time and Omar is here now; the others missed both")
        #expect(circle.atRisk.allSatisfy { $0.reason == "missed the last 2 expected sessions" })
        #expect(circle.arrivalTrend().counts.reduce(0, +) == 1)
    }

    @Test("the report's input read through the C API is the stored sessions and attendances, for a whole history and a short period")
    func engagementInputMatchesTheTables() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let desk = fixture.desk
        _ = desk.scan(fixture.badge("E004"), clock: fixture.clock(0))
        _ = desk.scan(fixture.badge("E005"), clock: fixture.clock(10 * 60 + 0.4996))
        _ = desk.checkOut(fixture.badge("E004"), clock: fixture.clock(40 * 60 + 0.5))
        _ = desk.rate(fixture.badge("E004"), value: 3, clock: fixture.clock(40 * 60 + 5))
        _ = try fixture.store.closeEndedSessions(clock: fixture.clock(3 * 3600))
        let (sessions, attendances) = try fixture.store.read { db in
            (try SessionRecord.fetchAll(db).map(\.session), try AttendanceRecord.fetchAll(db).map(\.attendance))
        }
        #expect(attendances.count == 2 && attendances.contains { $0.checkOutKind == .auto } && attendances.contains { $0.rating == 3 })
        let sorted = { (arrivals: [EngagementInput.Arrival]) in arrivals.sorted { ($0.participantID, $0.sessionID) < ($1.participantID, $1.sessionID) } }
        let everything = try fixture.store.engagementInput(from: .distantPast, to: .distantFuture)
        #expect(everything.sessions.map(\.id) == sessions.sorted { ($0.startsAt, $0.id) < ($1.startsAt, $1.id) }.map(\.id))
        #expect(everything.sessions.map(\.startsAt) == sessions.sorted { ($0.startsAt, $0.id) < ($1.startsAt, $1.id) }.map(\.startsAt))
        #expect(sorted(everything.arrivals) == sorted(attendances.map(EngagementInput.Arrival.init)))
        #expect(everything.arrivals.first { $0.participantID == "E004" }?.durationSeconds == 40 * 60 + 1, "2400.5 s rounds half up")
        // One session's hour: few of all sessions, so the attendance is read through the index.
        let circle = try #require(sessions.first { $0.id == "S-CIRCLE" })
        let hour = try fixture.store.engagementInput(from: circle.startsAt, to: circle.startsAt.addingTimeInterval(1), location: StoreFixture.location)
        #expect(hour.sessions.map(\.id) == ["S-CIRCLE"])
        #expect(sorted(hour.arrivals) == sorted(attendances.filter { $0.sessionID == "S-CIRCLE" }.map(EngagementInput.Arrival.init)))
    }
}

@Suite("Facilitator actions on sessions and badges")
struct FacilitatorSessionStoreTests {
    @Test("closing a session checks everyone out now and stops check-ins; recorded with the actor")
    func close() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        _ = fixture.desk.scan(fixture.badge("E004"), clock: fixture.clock(0))
        let (session, checkedOut) = try fixture.store.closeSession(sessionID: "S-CIRCLE", actorID: "F001", clock: fixture.clock(600), rules: CheckInRules())
        #expect(session.status == .closed)
        #expect(checkedOut == 1)
        #expect(try fixture.attendance("E004", "S-CIRCLE")?.checkOutKind == .auto)
        #expect(try fixture.attendance("E004", "S-CIRCLE")?.checkedOutAt == fixture.now.addingTimeInterval(600))
        let omar = fixture.desk.scan(fixture.badge("E005"), clock: fixture.clock(700))
        #expect(omar.session?.id != "S-CIRCLE", "a closed session takes no check-ins")
        #expect(throws: SupervisionRefusal.self) {
            try fixture.store.closeSession(sessionID: "S-CIRCLE", actorID: "F001", clock: fixture.clock(800), rules: CheckInRules())
        }
        let close = try #require(try fixture.store.events().first { $0.draft.kind == .sessionClose })
        #expect(close.draft.actorID == "F001")
        #expect(try fixture.store.projectionMismatches().isEmpty)
    }

    @Test("an ad-hoc session opens here and now, open to everyone")
    func adHoc() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let session = try fixture.store.startAdHocSession(actorID: "F001", location: StoreFixture.location, minutes: 60, clock: fixture.clock(5 * 3600))
        #expect(session.groupID == nil)
        #expect(session.endsAt == fixture.now.addingTimeInterval(6 * 3600))
        #expect(fixture.desk.scan(fixture.badge("E002"), clock: fixture.clock(5 * 3600 + 60)).session?.id == session.id)
        #expect(throws: SupervisionRefusal.self) {
            try fixture.store.startAdHocSession(actorID: "E002", location: StoreFixture.location, minutes: 60, clock: fixture.clock(0))
        }
    }

    @Test("linking a badge: it works at once, the event holds only its hash, a taken badge is refused")
    func link() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let hash = fixture.desk.hasher.hash(try fixture.desk.normalizer.normalize("555555"))
        #expect(fixture.desk.scan("555555", clock: fixture.clock(0)).code == "unknown_badge")
        #expect(try fixture.store.linkBadge(hash, participantID: "E006", actorID: "F001", clock: fixture.clock(10)).id == "E006")
        #expect(fixture.desk.scan("555555", clock: fixture.clock(20)).participant?.id == "E006")
        let link = try #require(try fixture.store.events().first { $0.draft.kind == .badgeLink })
        #expect(link.draft.details.badgeHash == hash.hex)
        let raw = try fixture.store.read { try String.fetchAll($0, sql: "SELECT quote(badge_hash) || quote(note) FROM event") }
        #expect(!raw.joined().contains("555555"))
        #expect(throws: SupervisionRefusal.badgeTaken(try #require(try fixture.store.participant(id: "E006")))) {
            try fixture.store.linkBadge(hash, participantID: "E005", actorID: "F001", clock: fixture.clock(30))
        }
    }
}
