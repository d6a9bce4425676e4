import Foundation
import GRDB
import KioskCore

extension KioskStore {
    /// An answer to a check-out question (pairing fit, goal progress, directed feedback) about
    /// the session the participant last badged out of: taken once, only when that check-out asks
    /// it (`CheckOutQuestions`), as an `answer` event with the participant.
    public func answer(
        _ badge: BadgeHash, question: CheckOutQuestion, value: Int, clock: ClockReading, rules: CheckInRules, feedback: FeedbackSettings?,
        timeZone: TimeZone
    ) throws -> (Participant?, AnswerOutcome) {
        try record { db in
            guard let participant = try participant(db, badge: badge) else { return (nil, .notCheckedOut) }
            let latest = try latestCheckedOut(db, participantID: participant.id)
            let pair = try latest.map { try pairCheckOutFacts(db, participantID: participant.id, session: $0.session, timeZone: timeZone) } ?? nil
            let asked = feedback.map { CheckOutQuestions.choose(pair: pair, settings: $0) } ?? [.rating]
            let outcome = CheckOutQuestions.decide(question, value: value, latest: latest, asked: asked, at: clock.wall, rules: rules)
            if case .record(let sessionID, let question, let value) = outcome {
                try append(db, EventDraft(
                    kind: .answer, participantID: participant.id, sessionID: sessionID, actorID: participant.id, clock: clock,
                    details: EventDetails(rating: value, note: question.rawValue)))
            }
            return (participant, outcome)
        }
    }

    /// What the question rules need to know of the participant's pair at `session`: nil unless
    /// the session is a pair's and they are its mentor or mentee at the time.
    func pairCheckOutFacts(_ db: Database, participantID: String, session: Session, timeZone: TimeZone) throws -> PairCheckOutFacts? {
        guard let groupID = session.groupID,
            try String.fetchOne(db.cachedStatement(sql: "SELECT kind FROM mentoring_group WHERE id = ?"), arguments: [groupID]) == GroupKind.pair.rawValue,
            let role = try membershipTimeline(db, of: [session], timeZone: timeZone).members(of: session)
                .first(where: { $0.participant.id == participantID })?.role
        else { return nil }
        let attended = try Int.fetchOne(db.cachedStatement(sql: """
            SELECT count(*) FROM attendance JOIN session ON session.id = attendance.session_id
            WHERE attendance.participant_id = ? AND session.group_id = ? AND session.starts_at <= ?
            """), arguments: [participantID, groupID, session.startsAt]) ?? 0
        let latestFit = try Int.fetchOne(db.cachedStatement(sql: """
            SELECT rating FROM event WHERE participant_id = ? AND kind = 'answer' AND note = 'pair_fit'
              AND session_id IN (SELECT id FROM session WHERE group_id = ?)
            ORDER BY seq DESC LIMIT 1
            """), arguments: [participantID, groupID]).flatMap(PairFit.init(rawValue:))
        let answered = try String.fetchAll(db.cachedStatement(sql: """
            SELECT note FROM event WHERE participant_id = ? AND session_id = ? AND kind = 'answer'
            """), arguments: [participantID, session.id]).compactMap(CheckOutQuestion.init(rawValue:))
        return PairCheckOutFacts(
            groupID: groupID, role: role, sessionsAttended: attended, latestFit: latestFit, answeredHere: Set(answered),
            goal: try Self.goals(db, of: groupID))
    }

    /// The answers given at sessions starting in `[from, to)` (at `location`, or all), for the
    /// pairs' health.
    static func pairAnswers(_ db: Database, from: Date, to: Date, location: String?) throws -> [PairAnswer] {
        try Row.fetchAll(db, sql: """
            SELECT e.participant_id, e.session_id, e.note, e.rating, e.wall_time FROM event e JOIN session s ON s.id = e.session_id
            WHERE e.kind = 'answer' AND e.participant_id IS NOT NULL AND e.rating IS NOT NULL
              AND s.starts_at >= ? AND s.starts_at < ? AND (? IS NULL OR s.location = ?)
            ORDER BY e.seq
            """, arguments: [from, to, location, location]).compactMap { row in
            guard let question = CheckOutQuestion(rawValue: row[2]) else { return nil }
            return PairAnswer(participantID: row[0], sessionID: row[1], question: question, value: row[3], answeredAt: row[4])
        }
    }
}
