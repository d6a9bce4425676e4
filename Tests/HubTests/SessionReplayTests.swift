import Foundation
import HubProtocol
import HubStore
import KioskCore
import NIOCore
import Testing

@Suite("A session's replay, kept by the hub")
struct SessionReplayTests {
    static let start = Date(timeIntervalSince1970: 1_795_500_000)

    /// Random attendances: every status, open and closed, rated or not, several kiosks, ids with
    /// non-ASCII letters (a failing one is printed whole by the expectation).
    static func randomReplay(sessionID: String = "S-ü1") -> SessionReplay {
        var random = SystemRandomNumberGenerator()
        let attendances = (0..<Int.random(in: 0...40, using: &random)).map { index in
            // Whole milliseconds, as every kiosk time is.
            let inMilliseconds = 1_795_500_000_000 + Int64.random(in: 0...86_400_000, using: &random)
            let checkedIn = Date(timeIntervalSince1970: Double(inMilliseconds) / 1000)
            let out = Bool.random(using: &random)
                ? Date(timeIntervalSince1970: Double(inMilliseconds + Int64.random(in: 0...7_200_000, using: &random)) / 1000) : nil
            let rating = Bool.random(using: &random) ? Int.random(in: 1...4, using: &random) : nil
            return Attendance(
                participantID: "P\(index)-Zoë", sessionID: sessionID, status: AttendanceStatus.allCases.randomElement(using: &random)!,
                checkedInAt: checkedIn, checkedOutAt: out, checkOutKind: out == nil ? nil : CheckOutKind.allCases.randomElement(using: &random),
                rating: rating, hasRated: rating != nil || Bool.random(using: &random), clockTrusted: Bool.random(using: &random),
                kioskID: "kiosk-\(Int.random(in: 1...3, using: &random))")
        }
        let adHoc = Bool.random(using: &random)
            ? Session(id: sessionID, title: "Drop-in — café", kind: .other, location: "Main Lobby", startsAt: start, endsAt: start.addingTimeInterval(3600),
                      facilitatorID: Bool.random(using: &random) ? "F1" : nil)
            : nil
        return SessionReplay(
            sessionID: sessionID, attendances: attendances, anonymousRatings: (0..<Int.random(in: 0...3, using: &random)).map { _ in Int.random(in: 1...4, using: &random) },
            adHocSession: adHoc)
    }

    @Test("what is kept reads back equal", arguments: 0..<50)
    func roundTrip(_ attempt: Int) throws {
        let replay = Self.randomReplay()
        #expect(SessionReplay(sessionID: replay.sessionID, decoding: replay.encoded()) == replay)
    }

    @Test("bytes of another layout or replay rules, cut short or with bytes left over read as nothing (the session is replayed again)")
    func damagedBodies() throws {
        var replay = Self.randomReplay()
        replay.attendances.append(Attendance(participantID: "P", sessionID: replay.sessionID, status: .late, checkedInAt: Self.start, kioskID: "k"))
        let body = Array(buffer: replay.encoded())
        for byte in [0, 1] {
            var other = body
            other[byte] &+= 1
            #expect(SessionReplay(sessionID: replay.sessionID, decoding: ByteBuffer(bytes: other)) == nil, "byte \(byte) changed")
        }
        for length in [0, 1, body.count / 2, body.count - 1] {
            #expect(SessionReplay(sessionID: replay.sessionID, decoding: ByteBuffer(bytes: body.prefix(length))) == nil, "cut at \(length)")
        }
        #expect(SessionReplay(sessionID: replay.sessionID, decoding: ByteBuffer(bytes: body + [0])) == nil)
    }

    @Test("a frozen replay reads whatever rules made it, never another layout; an erasure's rewrite keeps its rules and replaces only the id")
    func frozenBodies() throws {
        var replay = Self.randomReplay()
        replay.attendances += ["P1", "P10"].map { Attendance(participantID: $0, sessionID: replay.sessionID, status: .late, checkedInAt: Self.start, kioskID: "k") }
        replay.answers.append(PairAnswer(participantID: "P1", sessionID: replay.sessionID, question: .pairFit, value: 1, answeredAt: Self.start))
        var older = Array(buffer: replay.encoded())
        older[1] &+= 1
        #expect(SessionReplay(sessionID: replay.sessionID, decoding: ByteBuffer(bytes: older)) == nil, "not current as a kept replay")
        #expect(SessionReplay(sessionID: replay.sessionID, decoding: ByteBuffer(bytes: older), frozen: true) == replay, "frozen: its figures")
        var otherLayout = older
        otherLayout[0] &+= 1
        #expect(SessionReplay(sessionID: replay.sessionID, decoding: ByteBuffer(bytes: otherLayout), frozen: true) == nil)

        replay.adHocSession = Session(
            id: replay.sessionID, title: "Ad-hoc session with Pat Doe", kind: .other, location: "Lab", startsAt: Self.start, endsAt: Self.start, facilitatorID: "P1")
        older = Array(buffer: replay.encoded())
        older[1] &+= 1
        let erasure = ParticipantErasure(id: "P1", pseudonym: "erased-1", name: "Pat Doe", emails: [])
        let rewritten = try #require(erasure.frozenReplay(ByteBuffer(bytes: older), of: replay.sessionID))
        #expect(rewritten.getInteger(at: rewritten.readerIndex + 1, as: UInt8.self) == older[1], "the rules that made it")
        let read = try #require(SessionReplay(sessionID: replay.sessionID, decoding: rewritten, frozen: true))
        #expect(read.attendances.suffix(2).map(\.participantID) == ["erased-1", "P10"] && read.answers.last?.participantID == "erased-1")
        #expect(read.attendances.count == replay.attendances.count && read.anonymousRatings == replay.anonymousRatings)
        #expect(read.adHocSession?.title == "Ad-hoc session with \(ErasedParticipant.name)" && read.adHocSession?.facilitatorID == "erased-1")
        #expect(erasure.frozenReplay(ByteBuffer(bytes: otherLayout), of: replay.sessionID) == nil)
    }

    /// Frozen replays (retention) are never rebuilt: every release must read layout 2 as this
    /// release wrote it. A new layout adds a decoder; it does not replace this one.
    @Test("layout 2, as frozen replays hold it, reads back forever")
    func layoutTwoFixture() throws {
        let replay = SessionReplay(
            sessionID: "S1",
            attendances: [
                Attendance(
                    participantID: "E004", sessionID: "S1", status: .late, checkedInAt: Self.start, checkedOutAt: Self.start.addingTimeInterval(60),
                    checkOutKind: .badge, rating: 3, hasRated: true, clockTrusted: true, kioskID: "k1"),
            ],
            anonymousRatings: [4], answers: [PairAnswer(participantID: "E004", sessionID: "S1", question: .pairFit, value: 1, answeredAt: Self.start)],
            adHocSession: Session(id: "S1", title: "T", kind: .other, location: "L", startsAt: Self.start, endsAt: Self.start, facilitatorID: "F1"))
        let fixture = "0202010154014c000001a20c23c300000001a20c23c30001024631000000010000000400000001044530303408706169725f66697400000001000001a20c23c30000000001026b310000000104453030340000000002010f00000003000001a20c23c300000001a20c24ad60"
        let bytes = try #require(Array<UInt8>(hexFixture: fixture), "\(Hex.lowercase(Array(buffer: replay.encoded())))")
        #expect(SessionReplay(sessionID: "S1", decoding: ByteBuffer(bytes: bytes), frozen: true) == replay)
    }

    @Test("a replay from events: one per session asked for, attendances of their own session only, ad-hoc sessions and anonymous ratings apart")
    func replayBySession() throws {
        func event(_ seq: Int64, _ kind: KioskEventKind, _ participant: String?, _ session: String, minutes: Double, rating: Int? = nil) -> WireEvent {
            WireEvent(
                seq: seq, id: UUID().uuidString.lowercased(), kind: kind.rawValue, participantID: participant, sessionID: session, actorID: "F1",
                wallTime: Self.start.addingTimeInterval(minutes * 60), monotonicNs: seq, clockTrusted: true, status: kind == .checkIn ? "late" : nil,
                durationSeconds: nil, rating: rating, undoesSeq: nil, viaBadge: true,
                effectiveAt: kind == .sessionOpen ? Self.start.addingTimeInterval(3600) : nil, badgeHash: nil, note: kind == .sessionOpen ? "Drop-in" : nil)
        }
        let events: [(kioskID: String, event: WireEvent)] = [
            ("k2", event(1, .checkOut, "P1", "S1", minutes: 40)),
            ("k1", event(1, .checkIn, "P1", "S1", minutes: 5)),
            ("k1", event(2, .sessionOpen, nil, "A1", minutes: 0)),
            ("k1", event(3, .checkIn, "P2", "A1", minutes: 1)),
            ("k1", event(4, .rating, nil, "A1", minutes: 50, rating: 2)),
            ("k1", event(5, .checkIn, "P3", "S9", minutes: 2)),
        ]
        let replays = HubAttendance.replay(events, of: ["S1", "A1", "S2"], kioskLocations: ["k1": "Lobby"])
        #expect(replays.map(\.sessionID) == ["S1", "A1", "S2"])
        let s1 = try #require(replays.first?.attendances.first)
        #expect(replays[0].attendances.count == 1 && s1.checkOutKind == .badge && s1.duration == 35 * 60, "a check-out at another kiosk pairs up by time")
        #expect(replays[1].adHocSession?.location == "Lobby" && replays[1].adHocSession?.title == "Drop-in" && replays[1].anonymousRatings == [2])
        #expect(replays[1].attendances.map(\.participantID) == ["P2"])
        #expect(replays[2] == SessionReplay(sessionID: "S2"), "S9 was not asked for")
    }
}

extension Array where Element == UInt8 {
    init?(hexFixture text: String) {
        guard text.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self = bytes
    }
}
