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
        let (program, replay) = try await replayedPeriod(from: from, to: to, location: location, progress: progress)
        let input = EngagementInput(
            sessions: program.sessions, groups: program.groups, participants: program.participants,
            arrivals: replay.attendances.map(EngagementInput.Arrival.init), anonymousRatings: replay.anonymousRatings)
        progress?(.counting)
        return EngagementMetrics.report(
            input, from: from, to: to, now: now, timeZone: timeZone, completionThreshold: completionThreshold, filter: filter,
            listingRatings: listingRatings)
    }

    /// The attendance export (docs/exports.md) of the sessions starting in `from..<to`, rebuilt
    /// from the kiosks' events as `engagementReport` does: the program-wide file an admin
    /// downloads, with the kiosk export's columns.
    public func attendanceExport(from: Date, to: Date, location: String?, now: Date, filter: ReportFilter = ReportFilter()) async throws -> [AttendanceReportRow] {
        let (program, replay) = try await replayedPeriod(from: from, to: to, location: location, progress: nil)
        return AttendanceReport.rows(
            sessions: program.sessions, groups: Dictionary(program.groups.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }),
            participants: Dictionary(program.participants.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }),
            attendances: replay.attendances, now: now
        ).filter(filter.keeps)
    }

    /// The period's program (ad-hoc sessions included) and its attendance, replayed from the
    /// events of the period's sessions only.
    func replayedPeriod(
        from: Date, to: Date, location: String?, progress: (@Sendable (ReportStage) -> Void)?
    ) async throws -> (ProgramSnapshot, HubAttendance.Replay) {
        progress?(.reading)
        var program = try await programSnapshot(startingFrom: from, before: to, location: location)
        let locations = Dictionary(try await kiosks().map { ($0.kioskID, $0.location) }, uniquingKeysWith: { first, _ in first })
        let events = try await events(ofSessions: program.sessions.map(\.id), orOpenedFrom: from, before: to)
        let replay = HubAttendance.replay(events, kioskLocations: locations) { progress?(.replaying(done: $0, total: events.count)) }
        let known = Set(program.sessions.map(\.id))
        program.sessions += replay.adHocSessions.filter { session in
            !known.contains(session.id) && session.startsAt >= from && session.startsAt < to && (location == nil || session.location == location)
        }
        return (program, replay)
    }
}

/// Attendance rebuilt at the hub from every kiosk's events.
public enum HubAttendance {
    /// What a replay rebuilds.
    public typealias Replay = (attendances: [Attendance], adHocSessions: [Session], anonymousRatings: [AnonymousRating])

    /// Events are replayed in wall-clock order (each kiosk's own order kept for equal times), so
    /// a check-in at one kiosk and its check-out at another pair up. Sessions a facilitator
    /// opened at a kiosk (`session_open`) are not in the hub's schedule: they come back from
    /// their events, at the kiosk's location. Anonymous ratings change no attendance: they are
    /// returned apart, for satisfaction. Attendances come in no particular order.
    public static func replay(
        _ events: [(kioskID: String, event: WireEvent)], kioskLocations: [String: String], replayed: ((Int) -> Void)? = nil
    ) -> Replay {
        var projection = AttendanceProjection()
        var adHoc: [Session] = []
        var anonymous: [AnonymousRating] = []
        // Sorted by index: moving events themselves (a dozen strings each) costs more than comparing them.
        let order = events.indices.sorted { left, right in
            let (a, b) = (events[left], events[right])
            return (a.event.wallTime, a.kioskID, a.event.seq) < (b.event.wallTime, b.kioskID, b.event.seq)
        }
        for (done, index) in order.enumerated() {
            if done % 65_536 == 0 { replayed?(done) }
            let (kioskID, event) = events[index]
            guard let recorded = RecordedEvent(wire: event, kioskID: kioskID, keepingID: false) else { continue }
            if recorded.draft.kind == .sessionOpen, let id = event.sessionID, let end = event.effectiveAt {
                adHoc.append(Session(
                    id: id, title: event.note ?? "Ad-hoc session", kind: .other, location: kioskLocations[kioskID] ?? "",
                    startsAt: event.wallTime, endsAt: end, facilitatorID: event.actorID))
            }
            if recorded.draft.kind == .rating, event.participantID == nil, let session = event.sessionID, let rating = event.rating {
                anonymous.append(AnonymousRating(sessionID: session, rating: rating))
            }
            projection.apply(recorded)
        }
        return (Array(projection.attendances.values), adHoc, anonymous)
    }
}
