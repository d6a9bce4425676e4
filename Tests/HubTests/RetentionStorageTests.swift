import Foundation
import HubProtocol
import HubStore
import KioskCore
import ProgramFiles
import Testing

@Suite("Retention at the hub (SQLite and PostgreSQL)")
struct RetentionStorageTests {
    static let now = HubStorageTests.now
    /// A day after S1–S3 and R1 (2026-11-24, 10:00–11:00) and the ad-hoc session ended.
    static let cutoff = Date(timeIntervalSince1970: 1_795_651_200)  // 2026-11-26T00:00:00Z

    static let reader = ProgramFileReader(
        normalizer: BadgeNormalizer(rules: BadgeRules()), hasher: try! BadgeHasher(secret: Data(repeating: 7, count: 32)), timeZone: .gmt)

    static func event(_ seq: Int64, _ kind: String, _ participant: String?, _ session: String?, actor: String? = nil) -> WireEvent {
        var event = HubStorageTests.event(seq: seq)
        (event.kind, event.participantID, event.sessionID, event.actorID) = (kind, participant, session, actor)
        if kind != "check_in" { event.status = nil }
        return event
    }

    static func report(_ store: any HubStorage) async throws -> (EngagementReport, [AttendanceReportRow]) {
        let (from, to) = (Date(timeIntervalSince1970: 1_793_491_200), Date(timeIntervalSince1970: 1_796_083_200))  // November 2026
        return (
            try await store.engagementReport(from: from, to: to, location: nil, now: cutoff, timeZone: .gmt, completionThreshold: 0.5),
            try await store.attendanceExport(from: from, to: to, location: nil, now: cutoff, timeZone: .gmt))
    }

    @Test("a prune freezes the ended sessions' figures and deletes their events but excuses and openings; a late event is quarantined",
          arguments: HubBackend.available)
    func prune(_ backend: HubBackend) async throws {
        try await backend.withProgram { store in
            _ = try await store.addKiosk(id: "lobby", location: "Main Lobby", at: Self.now)
            // A pair's session, so the figures count who was expected and who was absent.
            _ = try await store.importGroups(try Self.reader.groups(Data("""
                group_id,name,kind,participant_id,member_role
                G1,Pair,pair,M001,mentor
                G1,Pair,pair,E004,mentee

                """.utf8), file: "g.csv"))
            _ = try await store.importSessions(try Self.reader.sessions(Data("""
                session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id
                S5,Pair meeting,one_on_one,Main Lobby,2026-11-24T12:00:00Z,2026-11-24T13:00:00Z,G1,

                """.utf8), file: "s.csv"))
            var opened = Self.event(3, "session_open", nil, "ADHOC-7", actor: "F001")
            opened.effectiveAt = Self.now.addingTimeInterval(3_600)
            // Opened by a kiosk whose clock ran decades ahead, with no end: still pruned, by when the hub received it.
            var ahead = Self.event(10, "session_open", nil, "ADHOC-8", actor: "F001")
            (ahead.wallTime, ahead.effectiveAt) = (Date(timeIntervalSince1970: 3_786_000_000), nil)
            var waiting = Self.event(12, "session_open", nil, "ADHOC-9", actor: "F001")
            waiting.effectiveAt = Self.now.addingTimeInterval(3_600)
            var rated = Self.event(8, "rating", "E004", "S1")
            rated.rating = 4
            var refused = Self.event(9, "rating", "E004", "S1")
            refused.rating = 9
            let events = [
                Self.event(1, "check_in", "E004", "S1"), Self.event(2, "check_out", "E004", "S1"), opened, Self.event(4, "check_in", "M001", "ADHOC-7"),
                Self.event(5, "excuse", "M001", "S2", actor: "F001"), Self.event(6, "pin_failed", "F001", nil, actor: "F001"),
                Self.event(7, "check_in", "M001", "S1"), rated, refused, ahead, Self.event(11, "check_in", "M001", "ADHOC-8"), waiting,
                Self.event(13, "check_in", "E004", "S5"),
            ]
            guard case .accepted(let receipt) = try await store.ingest(kioskID: "lobby", events: events, at: Self.now) else {
                Issue.record("the batch was not taken")
                return
            }
            #expect(receipt.stored == 12 && receipt.rejected.count == 1, "\(receipt)")

            // A replay older than the session's version is not frozen: an event came meanwhile.
            let current = try #require(try await store.storedReplays(ofSessions: ["S1"]).first)
            let stale = try await store.freezeSessions(
                [StoredReplay(sessionID: "S1", version: current.version - 1, body: SessionReplay(sessionID: "S1").encoded(), frozen: true)],
                receivedBefore: Self.cutoff, at: Self.now)
            let stillOpen = try await store.storedReplays(ofSessions: ["S1"]).first?.frozen == false
            #expect(stale == (0, 0) && stillOpen)

            // Events the hub received after the cutoff: S3's is frozen with it (the schedule says when
            // S3 ended); ADHOC-9's holds that kiosk's own session back (only the hub's clock says when it was).
            let later = Self.cutoff.addingTimeInterval(86_400)
            #expect(try await store.ingest(
                kioskID: "lobby", events: [Self.event(14, "check_in", "F001", "S3"), Self.event(15, "check_in", "E004", "ADHOC-9")],
                at: later.addingTimeInterval(-3_600)) == .accepted(PushReceipt(acknowledgedThrough: 15, stored: 2, duplicates: 0, rejected: [])))
            let before = try await Self.report(store)
            #expect(before.0.attended == 6 && before.0.expected > before.0.present, "\(before.0.attended) \(before.0.expected) \(before.0.present)")
            #expect(before.1.filter { $0.checkedInAt != nil }.count == 6, "\(before.1)")

            let outcome = try await store.pruneHistory(before: Self.cutoff, at: later)
            var expected = HubPruneOutcome(cutoff: Self.cutoff)
            (expected.sessions, expected.events, expected.quarantined, expected.skipped) = (7, 9, 1, 1)
            #expect(outcome == expected, "S1–S3, S5, R1, ADHOC-7, ADHOC-8; eight events of theirs and the failed PIN; the refused rating; not ADHOC-9")

            let left = try await store.events(kioskID: nil, after: nil, limit: 100).map { "\($0.event.kind) \($0.event.sessionID ?? "")" }
            #expect(left == ["session_open ADHOC-7", "excuse S2", "session_open ADHOC-8", "session_open ADHOC-9", "check_in ADHOC-9"],
                    "excuses and openings stay, and the waiting session's events")
            #expect(try await store.rejectedEvents(kioskID: nil, includingResolved: true).isEmpty)
            let after = try await Self.report(store)
            #expect(after.0 == before.0, "the same figures from the frozen replays")
            #expect(after.1 == before.1, "the same export rows")
            #expect(try await store.storedReplays(ofSessions: ["S1", "ADHOC-7", "ADHOC-8", "S3", "ADHOC-9"]).map(\.frozen) == [true, true, true, true, false])
            // A frozen session counts as attended: no sessions file cancels it (and so drops its figures).
            let cancelling = try Self.reader.sessions(Data("""
                session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id,status
                S2,Circle,group,Main Lobby,2026-11-24T10:00:00Z,2026-11-24T11:00:00Z,,,cancelled

                """.utf8), file: "s.csv")
            do {
                _ = try await store.importSessions(cancelling)
                Issue.record("a frozen session was cancelled")
            } catch let error as ImportError {
                #expect(error.message.contains("cannot be cancelled"), "\(error)")
            }

            // A late event of a frozen session is quarantined, not stored; the figures stay.
            guard case .accepted(let late) = try await store.ingest(kioskID: "lobby", events: [Self.event(16, "check_in", "F001", "S1")], at: later)
            else {
                Issue.record("the late batch was not taken")
                return
            }
            #expect(late.stored == 0 && late.rejected.first?.reason.contains("retention") == true, "\(late)")
            #expect(try await store.retryRejected(ids: nil, at: later).allSatisfy { $0.stillRefused?.contains("retention") == true })
            #expect(try await Self.report(store).0 == before.0)
            var again = HubPruneOutcome(cutoff: Self.cutoff)
            again.skipped = 1
            #expect(try await store.pruneHistory(before: Self.cutoff, at: later) == again, "nothing more to prune; ADHOC-9 still waits")

            // An erasure rewrites the frozen figures: the person is gone, the counts stay.
            let pseudonym = try await store.eraseParticipant("E004", reason: nil, actor: "test", at: later).pseudonym
            let frozen = try #require(try await store.storedReplays(ofSessions: ["S1"]).first)
            let replay = try #require(frozen.body.flatMap { SessionReplay(sessionID: "S1", decoding: $0, frozen: true) })
            #expect(Set(replay.attendances.map(\.participantID)) == [pseudonym, "M001"] && frozen.frozen, "\(replay.attendances)")
            let erased = try await Self.report(store)
            #expect((erased.0.attended, erased.0.present, erased.0.expected, erased.0.attendanceRate) == (before.0.attended, before.0.present, before.0.expected, before.0.attendanceRate))
            #expect(erased.1.count == before.1.count)
        }
    }

    @Test("the cutoff is midnight in the program's time zone, N years before today")
    func cutoff() {
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        // 2026-12-07T06:30Z is 07:30 in Berlin: the cutoff is 2023-12-07T00:00 there (23:00Z the day before).
        #expect(HubRetention.cutoff(years: 3, now: Date(timeIntervalSince1970: 1_796_625_000), timeZone: berlin)
            == Date(timeIntervalSince1970: 1_701_903_600))
        #expect(HubRetention.cutoff(years: 1, now: Date(timeIntervalSince1970: 1_796_625_000), timeZone: .gmt)
            == Date(timeIntervalSince1970: 1_765_065_600))
    }
}
