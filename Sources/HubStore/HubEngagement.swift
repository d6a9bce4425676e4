import Foundation
import HubProtocol
import KioskCore

extension HubStorage {
    /// The program's engagement figures from what the kiosks sent: their events replayed
    /// through the kiosk's own attendance projection, over the hub's program, then the same
    /// `EngagementMetrics` the kiosk's report uses — so a kiosk and its hub agree on the same
    /// data. Works on every back-end through the storage contract.
    public func engagementReport(
        from: Date, to: Date, location: String?, now: Date, timeZone: TimeZone, completionThreshold: Double,
        filter: ReportFilter = ReportFilter(), listingRatings: Bool = false, progress: (@Sendable (ReportStage) -> Void)? = nil
    ) async throws -> EngagementReport {
        var (program, replays) = try await replayedPeriod(from: from, to: to, location: location, progress: progress)
        progress?(.counting)
        let anonymousRatings = HubAttendance.anonymousRatings(of: replays), answers = replays.flatMap(\.answers)
        var arrivals: [EngagementInput.Arrival] = []
        arrivals.reserveCapacity(replays.reduce(0) { $0 + $1.attendances.count })
        // Each replay's attendances are let go as soon as they are arrivals: a year's attendances
        // are not held twice.
        for index in replays.indices {
            arrivals += replays[index].attendances.lazy.map(EngagementInput.Arrival.init)
            replays[index].attendances = []
        }
        let input = EngagementInput(
            sessions: program.sessions, groups: program.groups, participants: program.participants,
            arrivals: arrivals, anonymousRatings: anonymousRatings,
            excusals: try await excusals(ofSessions: program.sessions.map(\.id)), answers: answers)
        return EngagementMetrics.report(
            input, from: from, to: to, now: now, timeZone: timeZone, completionThreshold: completionThreshold, filter: filter,
            listingRatings: listingRatings)
    }

    /// The attendance export (docs/exports.md) of the sessions starting in `from..<to`, rebuilt
    /// from the kiosks' events as `engagementReport` does: the program-wide file an admin
    /// downloads, with the kiosk export's columns.
    public func attendanceExport(
        from: Date, to: Date, location: String?, now: Date, timeZone: TimeZone, filter: ReportFilter = ReportFilter()
    ) async throws -> [AttendanceReportRow] {
        let (program, replays) = try await replayedPeriod(from: from, to: to, location: location, progress: nil)
        return AttendanceReport.rows(
            sessions: program.sessions, groups: Dictionary(program.groups.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }),
            participants: Dictionary(program.participants.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }),
            attendances: replays.flatMap(\.attendances), excusals: try await excusals(ofSessions: program.sessions.map(\.id)), now: now,
            timeZone: timeZone
        ).filter(filter.keeps)
    }

    /// The period's program (ad-hoc sessions included) and its attendance: the replays of the
    /// period's sessions only.
    func replayedPeriod(
        from: Date, to: Date, location: String?, progress: (@Sendable (ReportStage) -> Void)?
    ) async throws -> (ProgramSnapshot, [SessionReplay]) {
        progress?(.reading)
        var program = try await programSnapshot(startingFrom: from, before: to, location: location)
        let known = Set(program.sessions.map(\.id))
        let opened = try await sessionsOpened(from: from, before: to).filter { !known.contains($0) }
        let replays = try await currentReplays(ofSessions: program.sessions.map(\.id) + opened, progress: progress)
        program.sessions += replays.compactMap(\.adHocSession).filter { session in
            !known.contains(session.id) && session.startsAt >= from && session.startsAt < to && (location == nil || session.location == location)
        }
        return (program, replays)
    }

    /// The replays of these sessions: each kept one that is current as it is, the others rebuilt
    /// from their events and kept for the next report. The hub's `ReplayKeeper` keeps them
    /// current as events come in, so a report replays at most the few sessions of the last
    /// seconds; others (on a hub no keeper ran) are rebuilt `HubAttendance.page` sessions at a
    /// time, so a year's events are never in memory at once.
    public func currentReplays(ofSessions requested: [String], progress: (@Sendable (ReportStage) -> Void)? = nil) async throws -> [SessionReplay] {
        var seen = Set<String>()
        let sessionIDs = requested.filter { seen.insert($0).inserted }
        var replays: [SessionReplay] = []
        var staleVersions = Dictionary(sessionIDs.map { ($0, Int64(0)) }, uniquingKeysWith: { first, _ in first })
        for stored in try await storedReplays(ofSessions: sessionIDs) {
            if let body = stored.body, let replay = SessionReplay(sessionID: stored.sessionID, decoding: body, frozen: stored.frozen) {
                replays.append(replay)
                staleVersions[stored.sessionID] = nil
            } else if stored.frozen {
                // Its events are pruned: replaying them again would report the session as empty.
                throw FrozenReplayUnreadable(sessionID: stored.sessionID)
            } else {
                staleVersions[stored.sessionID] = stored.version
            }
        }
        guard !staleVersions.isEmpty else { return replays }
        let locations = Dictionary(try await kiosks().map { ($0.kioskID, $0.location) }, uniquingKeysWith: { first, _ in first })
        let stale = staleVersions.keys.sorted()
        for start in stride(from: 0, to: stale.count, by: HubAttendance.page) {
            progress?(.replaying(done: start, total: stale.count))
            let page = Array(stale[start..<min(start + HubAttendance.page, stale.count)])
            let rebuilt = HubAttendance.replay(try await events(ofSessions: page), of: page, kioskLocations: locations)
            try await storeReplays(rebuilt.map { StoredReplay(sessionID: $0.sessionID, version: staleVersions[$0.sessionID]!, body: $0.encoded()) })
            replays += rebuilt
        }
        return replays
    }
}

/// Attendance rebuilt at the hub from every kiosk's events.
public enum HubAttendance {
    /// Sessions replayed together: their events (a few hundred each) are read and sorted at once.
    public static let page = 1_000

    /// The anonymous ratings of these sessions, for satisfaction.
    public static func anonymousRatings(of replays: [SessionReplay]) -> [AnonymousRating] {
        replays.flatMap { replay in replay.anonymousRatings.map { AnonymousRating(sessionID: replay.sessionID, rating: $0) } }
    }

    /// The replay of each of `sessionIDs` (in that order; one with no events is empty) from
    /// their events. Events are replayed in wall-clock order (each kiosk's own order kept for
    /// equal times), so a check-in at one kiosk and its check-out at another pair up. Sessions a
    /// facilitator opened at a kiosk (`session_open`) are not in the hub's schedule: they come
    /// back from their events, at the kiosk's location. Anonymous ratings change no attendance:
    /// they are kept apart, for satisfaction.
    public static func replay(
        _ events: [(kioskID: String, event: WireEvent)], of sessionIDs: [String], kioskLocations: [String: String]
    ) -> [SessionReplay] {
        var replays = sessionIDs.map { SessionReplay(sessionID: $0) }
        let position = Dictionary(sessionIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var projection = AttendanceProjection()
        var answered = Set<String>()
        // Sorted by index: moving events themselves (a dozen strings each) costs more than comparing them.
        let order = events.indices.sorted { left, right in
            let (a, b) = (events[left], events[right])
            return (a.event.wallTime, a.kioskID, a.event.seq) < (b.event.wallTime, b.kioskID, b.event.seq)
        }
        for index in order {
            let (kioskID, event) = events[index]
            guard let id = event.sessionID, let slot = position[id],
                let recorded = RecordedEvent(wire: event, kioskID: kioskID, keepingID: false)
            else { continue }
            if replays[slot].adHocSession == nil, let opened = Session(openedBy: recorded, location: kioskLocations[kioskID] ?? "") {
                replays[slot].adHocSession = opened
            }
            if recorded.draft.kind == .rating, event.participantID == nil, let rating = event.rating {
                replays[slot].anonymousRatings.append(rating)
            }
            // The first answer of each person to each question counts: later ones (a flood from a
            // stolen token) are not kept, so a session's replay stays small.
            if recorded.draft.kind == .answer, let participantID = event.participantID, let value = event.rating,
                let question = event.note.flatMap(CheckOutQuestion.init(rawValue:)),
                answered.insert("\(slot)\u{1F}\(participantID)\u{1F}\(question.rawValue)").inserted
            {
                replays[slot].answers.append(PairAnswer(
                    participantID: participantID, sessionID: id, question: question, value: value, answeredAt: event.wallTime))
            }
            projection.apply(recorded)
        }
        for attendance in projection.attendances.values {
            if let slot = position[attendance.sessionID] { replays[slot].attendances.append(attendance) }
        }
        return replays
    }
}
