import Foundation
import GRDB
@testable import KioskCore
@testable import KioskStore
import Testing

@Suite("A kiosk replaced from the hub's events")
struct KioskReplacementStoreTests {
    /// Every attendance row as text, for comparing two databases.
    func attendanceRows(_ store: KioskStore) throws -> [String] {
        try store.read { db in
            try String.fetchAll(db, sql: """
                SELECT participant_id || '|' || session_id || '|' || status || '|' || checked_in_at || '|' || check_in_seq || '|' ||
                       coalesce(checked_out_at, '-') || '|' || coalesce(check_out_kind, '-') || '|' || coalesce(rating, '-') || '|' ||
                       has_rated || '|' || clock_trusted || '|' || kiosk_id
                FROM attendance ORDER BY participant_id, session_id
                """)
        }
    }

    @Test("a new database takes back another's events: the same attendances, linked badges and closed sessions; numbering after the hub's cursor")
    func sameAsBefore() throws {
        let old = try StoreFixture(), new = try StoreFixture()
        defer { old.remove(); new.remove() }
        let desk = old.desk
        #expect(desk.scan(old.badge("E004"), clock: old.clock(0)).code == "checked_in")
        #expect(desk.scan(old.badge("E005"), clock: old.clock(60)).code == "checked_in")
        #expect(desk.checkOut(old.badge("E004"), clock: old.clock(20 * 60)).code == "checked_out")
        // An anonymous rating names no one: E004 must still count as having rated.
        let (_, rated) = try old.store.rate(try old.hash("E004"), value: 3, clock: old.clock(20 * 60 + 5), rules: CheckInRules(), anonymous: true)
        guard case .record = rated else { Issue.record("not rated: \(rated)"); return }
        let linked = old.desk.hasher.hash(try old.desk.normalizer.normalize("555555"))
        _ = try old.store.linkBadge(linked, participantID: "E006", actorID: "F001", clock: old.clock(30))
        let events = try old.store.events()
        let cursor = try old.store.lastSequence() + 2  // two more the hub kept apart as rejected

        let adopted = try new.store.adoptHistory(events, acknowledgedThrough: cursor, location: StoreFixture.location)
        #expect(adopted == KioskStore.AdoptedHistory(events: events.count, skipped: 0, attendances: 2, continuesAfter: cursor))
        #expect(try attendanceRows(new.store) == attendanceRows(old.store))
        #expect(try new.store.projectionMismatches().isEmpty)
        #expect(try new.store.events().map(\.sequence) == events.map(\.sequence))
        #expect(try new.store.numberedThrough() == cursor && new.store.syncCursor().acknowledgedThrough == cursor)
        #expect(new.desk.scan("555555", clock: new.clock(40)).participant?.id == "E006", "the badge linked there works here")
        #expect(try new.store.events().last?.sequence == cursor + 1, "the next event is numbered after the hub's cursor")
        #expect(new.desk.scan(new.badge("E005"), clock: new.clock(90)).code == "already_checked_in")
        #expect(try new.store.rate(try new.hash("E004"), value: 1, clock: new.clock(20 * 60 + 9), rules: CheckInRules(), anonymous: true).1
            == old.store.rate(try old.hash("E004"), value: 1, clock: old.clock(20 * 60 + 9), rules: CheckInRules(), anonymous: true).1,
            "a second rating is refused here as it was there")
        #expect(new.desk.checkOut(new.badge("E005"), clock: new.clock(25 * 60)).code == "checked_out")
    }

    @Test("what a replacement refuses, and what it leaves at the hub")
    func refusals() throws {
        let old = try StoreFixture(), new = try StoreFixture()
        defer { old.remove(); new.remove() }
        #expect(old.desk.scan(old.badge("E004"), clock: old.clock(0)).code == "checked_in")
        #expect(old.desk.scan(old.badge("E005"), clock: old.clock(60)).code == "checked_in")
        let events = try old.store.events()
        let failed = { (body: () throws -> Void) -> String in
            do { try body(); return "" } catch { return "\(error)" }
        }
        #expect(failed { _ = try new.store.adoptHistory(events.reversed(), acknowledgedThrough: 2, location: "Lobby") }.contains("not in sequence order"))
        #expect(failed { _ = try new.store.adoptHistory(events, acknowledgedThrough: 1, location: "Lobby") }.contains("outside 1…1"))
        #expect(failed { _ = try new.store.adoptHistory(events, acknowledgedThrough: 1 << 50, location: "Lobby") }.contains("which no hub holds"))
        #expect(try new.store.events().isEmpty, "nothing was changed")
        #expect(failed { _ = try old.store.adoptHistory(events, acknowledgedThrough: 2, location: "Lobby") }.contains("holds 2 events"))

        var stranger = events[1]
        stranger.draft.participantID = "GONE"
        let adopted = try new.store.adoptHistory([events[0], stranger], acknowledgedThrough: 2, location: "Lobby")
        #expect(adopted.events == 1 && adopted.skipped == 1, "a person this kiosk does not know stays at the hub")
        #expect(try new.store.projectionMismatches().isEmpty)
    }
}
