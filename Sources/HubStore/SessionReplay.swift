import Foundation
import KioskCore
import NIOCore

/// What one session's events rebuild at the hub: its attendances, its anonymous ratings, the
/// answers to its check-out questions and, for a session a facilitator opened at a kiosk, the
/// session itself. Check-ins, check-outs, undos
/// and ratings only ever change the attendance of their own (participant, session), so each
/// session replays on its own; the hub keeps every session's replay with the session's version
/// (raised by each ingest that stores an event of it) and a report replays only the sessions
/// whose version moved since (`HubStorage.currentReplays`).
public struct SessionReplay: Sendable, Equatable {
    public var sessionID: String
    public var attendances: [Attendance]
    public var anonymousRatings: [Int]
    /// Answers to the check-out questions after the rating (pair health), in replay order.
    public var answers: [PairAnswer]
    /// The session as its `session_open` event described it; nil for a scheduled session.
    public var adHocSession: Session?

    public init(
        sessionID: String, attendances: [Attendance] = [], anonymousRatings: [Int] = [], answers: [PairAnswer] = [], adHocSession: Session? = nil
    ) {
        self.sessionID = sessionID
        self.answers = answers
        self.attendances = attendances
        self.anonymousRatings = anonymousRatings
        self.adHocSession = adHocSession
    }

    /// The layout of `encoded()`. Raise it whenever it changes: kept replays of another layout,
    /// or made by other replay rules (`AttendanceProjection.rulesVersion`), are rebuilt from
    /// their events. A frozen replay (hub retention: its events are gone) is never rebuilt, so a
    /// release that changes the layout must still read this one.
    public static let layout: UInt8 = 2

    /// The first bytes of every replay `encoded()` writes: its layout and replay rules.
    public static var header: [UInt8] { [layout, AttendanceProjection.rulesVersion] }

    /// The replay in a compact binary form, stored per session: a report reads a year of them
    /// (a million attendances) much faster than it could read and replay the events again.
    public func encoded() -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 64 + attendances.count * 32)
        buffer.writeBytes(Self.header)
        if let session = adHocSession {
            buffer.writeInteger(UInt8(1))
            buffer.writeLengthPrefixedString(session.title)
            buffer.writeLengthPrefixedString(session.location)
            buffer.writeInteger(Self.milliseconds(session.startsAt))
            buffer.writeInteger(Self.milliseconds(session.endsAt))
            buffer.writeOptionalLengthPrefixedString(session.facilitatorID)
        } else {
            buffer.writeInteger(UInt8(0))
        }
        buffer.writeInteger(UInt32(anonymousRatings.count))
        for rating in anonymousRatings { buffer.writeInteger(Int32(clamping: rating)) }
        buffer.writeInteger(UInt32(answers.count))
        for answer in answers {
            buffer.writeLengthPrefixedString(answer.participantID)
            buffer.writeLengthPrefixedString(answer.question.rawValue)
            buffer.writeInteger(Int32(clamping: answer.value))
            buffer.writeInteger(Self.milliseconds(answer.answeredAt))
        }
        // Kiosk ids repeat across a session's attendances: each is written once, then indexed.
        var kiosks: [String: UInt32] = [:]
        for attendance in attendances where kiosks[attendance.kioskID] == nil { kiosks[attendance.kioskID] = UInt32(kiosks.count) }
        buffer.writeInteger(UInt32(kiosks.count))
        for (kiosk, _) in kiosks.sorted(by: { $0.value < $1.value }) { buffer.writeLengthPrefixedString(kiosk) }
        buffer.writeInteger(UInt32(attendances.count))
        for attendance in attendances {
            buffer.writeLengthPrefixedString(attendance.participantID)
            buffer.writeInteger(kiosks[attendance.kioskID]!)
            buffer.writeInteger(Self.code(attendance.status))
            buffer.writeInteger(Self.code(attendance.checkOutKind))
            buffer.writeInteger(UInt8(
                (attendance.hasRated ? 1 : 0) | (attendance.clockTrusted ? 2 : 0) | (attendance.rating != nil ? 4 : 0)
                    | (attendance.checkedOutAt != nil ? 8 : 0)))
            if let rating = attendance.rating { buffer.writeInteger(Int32(clamping: rating)) }
            buffer.writeInteger(Self.milliseconds(attendance.checkedInAt))
            if let out = attendance.checkedOutAt { buffer.writeInteger(Self.milliseconds(out)) }
        }
        return buffer
    }

    /// Reads back what `encoded()` wrote; nil when the bytes are of another format or cut short
    /// (the caller then replays the session's events again). A `frozen` replay is read whatever
    /// replay rules made it: its events are pruned, so its figures stay those of its rules.
    public init?(sessionID: String, decoding body: ByteBuffer, frozen: Bool = false) {
        var buffer = body
        guard buffer.readInteger(as: UInt8.self) == Self.layout, let rules = buffer.readInteger(as: UInt8.self),
            frozen || rules == AttendanceProjection.rulesVersion,
            let hasSession = buffer.readInteger(as: UInt8.self), hasSession <= 1
        else { return nil }
        self.sessionID = sessionID
        if hasSession == 1 {
            guard let title = buffer.readLengthPrefixedString(), let location = buffer.readLengthPrefixedString(),
                let startsAt = buffer.readInteger(as: Int64.self), let endsAt = buffer.readInteger(as: Int64.self),
                let facilitator = buffer.readOptionalLengthPrefixedString()
            else { return nil }
            adHocSession = Session(
                id: sessionID, title: title, kind: .other, location: location, startsAt: Self.date(startsAt), endsAt: Self.date(endsAt),
                facilitatorID: facilitator)
        } else {
            adHocSession = nil
        }
        guard let ratingCount = buffer.readInteger(as: UInt32.self), Int(ratingCount) * 4 <= buffer.readableBytes else { return nil }
        anonymousRatings = []
        anonymousRatings.reserveCapacity(Int(ratingCount))
        for _ in 0..<ratingCount {
            guard let rating = buffer.readInteger(as: Int32.self) else { return nil }
            anonymousRatings.append(Int(rating))
        }
        guard let answerCount = buffer.readInteger(as: UInt32.self), Int(answerCount) <= buffer.readableBytes else { return nil }
        answers = []
        for _ in 0..<answerCount {
            guard let participantID = buffer.readLengthPrefixedString(),
                let question = buffer.readLengthPrefixedString().flatMap(CheckOutQuestion.init(rawValue:)),
                let value = buffer.readInteger(as: Int32.self), let at = buffer.readInteger(as: Int64.self)
            else { return nil }
            answers.append(PairAnswer(participantID: participantID, sessionID: sessionID, question: question, value: Int(value), answeredAt: Self.date(at)))
        }
        guard let kioskCount = buffer.readInteger(as: UInt32.self), Int(kioskCount) <= buffer.readableBytes else { return nil }
        var kiosks: [String] = []
        for _ in 0..<kioskCount {
            guard let kiosk = buffer.readLengthPrefixedString() else { return nil }
            kiosks.append(kiosk)
        }
        guard let count = buffer.readInteger(as: UInt32.self), Int(count) <= buffer.readableBytes else { return nil }
        attendances = []
        attendances.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let participantID = buffer.readLengthPrefixedString(), let kiosk = buffer.readInteger(as: UInt32.self), Int(kiosk) < kiosks.count,
                let status = buffer.readInteger(as: UInt8.self).flatMap(Self.status), let outCode = buffer.readInteger(as: UInt8.self),
                let flags = buffer.readInteger(as: UInt8.self)
            else { return nil }
            var rating: Int?
            if flags & 4 != 0 {
                guard let value = buffer.readInteger(as: Int32.self) else { return nil }
                rating = Int(value)
            }
            guard let checkedIn = buffer.readInteger(as: Int64.self) else { return nil }
            guard outCode <= 2 else { return nil }
            var checkedOut: Int64?
            if flags & 8 != 0 {
                guard let out = buffer.readInteger(as: Int64.self) else { return nil }
                checkedOut = out
            }
            attendances.append(Attendance(
                participantID: participantID, sessionID: sessionID, status: status, checkedInAt: Self.date(checkedIn),
                checkedOutAt: checkedOut.map(Self.date), checkOutKind: Self.checkOutKind(outCode), rating: rating, hasRated: flags & 1 != 0,
                clockTrusted: flags & 2 != 0, kioskID: kiosks[Int(kiosk)]))
        }
        guard buffer.readableBytes == 0 else { return nil }
    }

    /// The replay with `id` replaced by `pseudonym` wherever it names a person (attendances,
    /// answers, the facilitator of an ad-hoc session): an erasure's rewrite of a frozen replay,
    /// whose events are no longer there to replay again.
    public func replacingParticipant(_ id: String, with pseudonym: String) -> SessionReplay {
        var replay = self
        for index in replay.attendances.indices where replay.attendances[index].participantID == id {
            replay.attendances[index].participantID = pseudonym
        }
        for index in replay.answers.indices where replay.answers[index].participantID == id {
            replay.answers[index].participantID = pseudonym
        }
        if replay.adHocSession?.facilitatorID == id { replay.adHocSession?.facilitatorID = pseudonym }
        return replay
    }

    // Every kiosk time is whole milliseconds; stored as such, they read back as the same `Date`
    // the hub's event readers make.
    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    // Fixed codes, not case order: reordering an enum's cases must not change stored replays.
    static func code(_ status: AttendanceStatus) -> UInt8 {
        switch status {
        case .onTime: 1
        case .late: 2
        case .manual: 3
        }
    }

    static func status(_ code: UInt8) -> AttendanceStatus? {
        switch code {
        case 1: .onTime
        case 2: .late
        case 3: .manual
        default: nil
        }
    }

    static func code(_ kind: CheckOutKind?) -> UInt8 {
        switch kind {
        case nil: 0
        case .badge: 1
        case .auto: 2
        }
    }

    static func checkOutKind(_ code: UInt8) -> CheckOutKind? {
        switch code {
        case 1: .badge
        case 2: .auto
        default: nil
        }
    }
}

extension ByteBuffer {
    // Lengths as QUIC variable-length integers (one byte for short ids): NIO's own encoding.
    fileprivate mutating func writeLengthPrefixedString(_ text: String) {
        writeLengthPrefixedString(text, strategy: .quic)
    }

    fileprivate mutating func readLengthPrefixedString() -> String? {
        readLengthPrefixedString(strategy: .quic)
    }

    fileprivate mutating func writeOptionalLengthPrefixedString(_ text: String?) {
        writeInteger(UInt8(text == nil ? 0 : 1))
        if let text { writeLengthPrefixedString(text) }
    }

    fileprivate mutating func readOptionalLengthPrefixedString() -> String?? {
        switch readInteger(as: UInt8.self) {
        case 0: .some(nil)
        case 1: readLengthPrefixedString().map { .some($0) }
        default: nil
        }
    }
}
