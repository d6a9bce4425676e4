import Foundation
import GRDB
@testable import KioskCore
@_spi(Benchmarks) @testable import KioskStore
import Testing

@Suite("Retention: pruning the events the hub acknowledged")
struct RetentionStoreTests {
    func trigger(_ store: KioskStore) throws -> String? {
        try store.read { db in try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'event_no_delete'") }
    }

    @Test("events the hub has held for the retention's days go; the attendance, unsent events, linked badges and running sessions' events stay")
    func prune() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let desk = fixture.desk, day = 86_400.0
        #expect(desk.scan(fixture.badge("E004"), clock: fixture.clock(0)).code == "checked_in")
        #expect(desk.scan(fixture.badge("E005"), clock: fixture.clock(60)).code == "checked_in")
        #expect(desk.checkOut(fixture.badge("E004"), clock: fixture.clock(20 * 60)).code == "checked_out")
        let (_, rated) = try fixture.store.rate(try fixture.hash("E004"), value: 3, clock: fixture.clock(20 * 60 + 5), rules: CheckInRules(), anonymous: true)
        guard case .record = rated else { Issue.record("not rated: \(rated)"); return }
        let linked = desk.hasher.hash(try desk.normalizer.normalize("555555"))
        _ = try fixture.store.linkBadge(linked, participantID: "E006", actorID: "F001", clock: fixture.clock(30))
        let acknowledged = try fixture.store.lastSequence()
        // The hub acknowledges them 20 days later (the kiosk was offline).
        try fixture.store.recordPush(acknowledgedThrough: acknowledged, rejections: [], at: fixture.now.addingTimeInterval(20 * day))
        // Recorded after the hub's last answer: never pruned, however old.
        #expect(desk.scan(fixture.badge("E001"), clock: fixture.clock(2 * 60)).code == "checked_in")
        let rows = { try fixture.store.read { db in try String.fetchAll(db, sql: "SELECT participant_id || session_id || status || coalesce(checked_out_at, '') || has_rated FROM attendance ORDER BY 1") } }
        let before = try rows(), triggerBefore = try trigger(fixture.store)
        let anonymous = { try fixture.store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE kind = 'rating'")! } }
        #expect(try anonymous() == 1)

        // A week and a minute on, a week's retention: the sessions of these events have not
        // ended by the cutoff, nor has the hub held them for a week, so nothing goes.
        #expect(try fixture.store.pruneAcknowledgedEvents(olderThan: 7, now: fixture.now.addingTimeInterval(7 * day + 60)).events == 0)
        // 25 days on: the sessions are long over, but the hub has held the events for 5 days only.
        #expect(try fixture.store.pruneAcknowledgedEvents(olderThan: 7, now: fixture.now.addingTimeInterval(25 * day)).events == 0)
        #expect(try fixture.store.prunedBefore() == nil, "nothing pruned, nothing marked")
        let later = fixture.now.addingTimeInterval(30 * day)
        let pruned = try fixture.store.pruneAcknowledgedEvents(olderThan: 7, now: later)
        #expect(pruned.events == Int(acknowledged) - 1, "every acknowledged event but the badge link: \(pruned)")
        #expect(pruned.before == later.addingTimeInterval(-7 * day))
        let kinds = try fixture.store.events().map(\.draft.kind)
        #expect(kinds == [.badgeLink, .checkIn], "the linked badge and the unsent check-in stay: \(kinds)")
        #expect(try rows() == before, "the attendance stays")
        #expect(try anonymous() == 0, "what only the log held goes")
        #expect(try fixture.store.projectionMismatches().isEmpty, "the pruned sessions are left out of the proof")
        #expect(try fixture.store.prunedBefore() == pruned.before)
        #expect(try fixture.store.syncCursor().acknowledgedThrough == acknowledged && fixture.store.numberedThrough() == acknowledged + 1)
        #expect(desk.scan("555555", clock: fixture.clock(90)).participant?.id == "E006", "the badge linked here still works")

        // Outside a prune, the log is still append-only, under the very trigger it had.
        #expect(throws: DatabaseError.self) { try fixture.store.benchmarkWrite { db in try db.execute(sql: "DELETE FROM event") } }
        #expect(try trigger(fixture.store) == triggerBefore)
        #expect(throws: StoreError.self) { try fixture.store.pruneAcknowledgedEvents(olderThan: 0, now: later) }
        // A hub restored from an older backup sets the cursor back: what it acknowledged after
        // that no longer counts, and those events stay until they are sent again.
        try fixture.store.resetCursor(to: 2)
        #expect(try fixture.store.read { db in try Int64.fetchOne(db, sql: "SELECT max(through) FROM acknowledgement") } == nil)
    }
}
