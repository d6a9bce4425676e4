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
