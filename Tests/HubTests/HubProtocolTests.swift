import Foundation
import KioskCore
import Testing
@testable import HubProtocol
@testable import KioskSync

@Suite("Hub wire format")
struct HubProtocolTests {
    @Test("snake_case keys come back as the Swift names, ID included")
    func keys() {
        #expect(HubJSON.camelCase("participant_id") == "participantID")
        #expect(HubJSON.camelCase("monotonic_ns") == "monotonicNs")
        #expect(HubJSON.camelCase("acknowledged_through") == "acknowledgedThrough")
        #expect(HubJSON.camelCase("id") == "id")
    }

    @Test("a directory with groups, facilitators and times survives the round trip")
    func directoryRoundTrip() throws {
        let start = Date(timeIntervalSince1970: 1_772_463_600.125)
        let directory = Directory(
            version: "v1", location: "Main Lobby",
            participants: [DirectoryParticipant(participant: Participant(id: "E004", name: "Lena Novak", role: .mentee), badgeHashes: ["ab"])],
            groups: [MentoringGroup(id: "G1", name: "Pair", kind: .pair, members: [GroupMember(participantID: "E004", role: .mentee)])],
            sessions: [Session(
                id: "S1", title: "Circle", kind: .group, location: "Main Lobby", startsAt: start, endsAt: start.addingTimeInterval(3600),
                groupID: "G1", facilitatorID: "F001")])
        let data = try HubJSON.encoder().encode(directory)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"participant_id\":\"E004\"") && text.contains("\"facilitator_id\":\"F001\""))
        #expect(text.contains("\"starts_at\":\"2026-03-02T15:00:00.125Z\""))
        #expect(try HubJSON.decoder().decode(Directory.self, from: data) == directory)
    }

    @Test("times go to the nearest millisecond, so a time read back from a database keeps its millisecond")
    func millisecondTimes() {
        // As PostgreSQL's microseconds come back: a hair below .123 as a Double.
        let readBack = Date(timeIntervalSince1970: 1_795_500_001.123)
        #expect(readBack.timeIntervalSinceReferenceDate.truncatingRemainder(dividingBy: 1) < 0.123)
        #expect(HubJSON.text(readBack) == "2026-11-24T06:00:01.123Z")
        #expect(HubJSON.text(Date(timeIntervalSince1970: 1_795_500_001.1236)) == "2026-11-24T06:00:01.124Z")
        #expect(HubJSON.text(Date(timeIntervalSince1970: 1_795_500_001.1234)) == "2026-11-24T06:00:01.123Z")
    }

    @Test("events the hub cannot take say why")
    func problems() {
        let good = WireEvent(
            seq: 1, id: UUID().uuidString, kind: "check_in", participantID: "E004", sessionID: "S1", actorID: "E004",
            wallTime: Date(), monotonicNs: 5, clockTrusted: true, status: "on_time", durationSeconds: nil, rating: nil,
            undoesSeq: nil, viaBadge: true, effectiveAt: nil, badgeHash: nil, note: nil)
        #expect(good.problem == nil)
        var bad = good
        bad.kind = "teleport"
        #expect(bad.problem == "unknown kind \"teleport\"")
        bad = good
        bad.rating = 9
        #expect(bad.problem == "rating must be 1–4")
        bad = good
        bad.id = "not-a-uuid"
        #expect(bad.problem == "id is not a UUID")
        bad = good
        bad.seq = 0
        #expect(bad.problem == "seq must be 1 or more")
    }

    @Test("every string field has a bound; ids are [A-Za-z0-9._-]; the message names the field")
    func bounds() {
        let good = WireEvent(
            seq: 1, id: UUID().uuidString, kind: "badge_link", participantID: "E004", sessionID: "S-1.a_b", actorID: "F001",
            wallTime: Date(), monotonicNs: 5, clockTrusted: true, status: "on_time", durationSeconds: nil, rating: nil,
            undoesSeq: nil, viaBadge: true, effectiveAt: nil, badgeHash: String(repeating: "ab", count: 32), note: String(repeating: "n", count: 1_000))
        #expect(good.outOfBounds == nil)
        var bad = good
        bad.participantID = String(repeating: "x", count: 100_000)
        #expect(bad.outOfBounds == "participant_id is 100000 characters long; at most 64 are allowed")
        bad = good
        bad.sessionID = "S 1"
        #expect(bad.outOfBounds == nil && bad.problem == "session_id must be 1–64 letters, digits, '.', '_' or '-'", "kept as rejected, not refused")
        bad = good
        bad.actorID = "Zoë"
        #expect(bad.outOfBounds == nil && bad.problem == "actor_id must be 1–64 letters, digits, '.', '_' or '-'")
        bad = good
        bad.note = "e" + String(repeating: "\u{301}", count: 1_000)
        #expect(bad.outOfBounds == "note is 1001 characters long; at most 1000 are allowed", "code points count, not what a font draws as one")
        bad = good
        bad.status = "\u{1B}]52;c;"
        #expect(bad.outOfBounds == "status holds a control character")
        bad = good
        bad.note = String(repeating: "n", count: 1_001)
        #expect(bad.outOfBounds == "note is 1001 characters long; at most 1000 are allowed")
        bad = good
        bad.badgeHash = String(repeating: "G", count: 64)
        #expect(bad.problem == "badge_hash must be 64 lowercase hexadecimal digits")
        bad = good
        bad.kind = String(repeating: "k", count: 33)
        #expect(bad.outOfBounds == "kind is 33 characters long; at most 32 are allowed")
        #expect(WireEvent.maximumLengths.map(\.key) == ["id", "kind", "participant_id", "session_id", "actor_id", "status", "badge_hash", "note"])
    }

    @Test("back-off doubles with full jitter, up to the limit, never before Retry-After")
    func backoff() {
        let backoff = SyncBackoff(base: 1, maximum: 300)
        #expect(backoff.delay(afterFailures: 1, retryAfter: nil, random: 0.999) < 1)
        #expect(backoff.delay(afterFailures: 4, retryAfter: nil, random: 0.5) == 4)
        #expect(backoff.delay(afterFailures: 40, retryAfter: nil, random: 0.999) < 300)
        #expect(backoff.delay(afterFailures: 40, retryAfter: nil, random: 0.999) > 299)
        #expect(backoff.delay(afterFailures: 1, retryAfter: 30, random: 0.1) == 30)
        #expect(backoff.delay(afterFailures: 1, retryAfter: 9999, random: 0.1) == 300)
    }
}
