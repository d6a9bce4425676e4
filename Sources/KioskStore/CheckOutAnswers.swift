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
    /// the session is a pair's and they are its mentor or mentee at the time. Three cached
    /// statements: it runs in every check-out's transaction. Only sessions up to this one count,
    /// so an answer given after a later check-in is judged as at its own check-out.
    func pairCheckOutFacts(_ db: Database, participantID: String, session: Session, timeZone: TimeZone) throws -> PairCheckOutFacts? {
        guard let groupID = session.groupID,
            let person = try ParticipantRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM participant WHERE id = ?"), arguments: [participantID])
        else { return nil }
        let rows = try GroupMemberRecord.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM group_member WHERE group_id = ? AND participant_id = ? ORDER BY rowid"),
            arguments: [groupID, participantID])
        let timeline = MembershipTimeline(
            groups: [MentoringGroup(id: groupID, name: "", kind: .pair, members: rows.map(\.member))],
            participants: [participantID: person.participant], timeZone: timeZone)
        guard let role = timeline.members(of: session).first?.role,
            let facts = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT
                  (SELECT count(*) FROM attendance JOIN session ON session.id = attendance.session_id
                   WHERE attendance.participant_id = ?1 AND session.group_id = ?2 AND session.starts_at <= ?3),
                  (SELECT e.rating FROM event e JOIN session s ON s.id = e.session_id
                   WHERE e.participant_id = ?1 AND e.kind = 'answer' AND e.note = 'pair_fit' AND s.group_id = ?2 AND s.starts_at <= ?3
                   ORDER BY e.seq DESC LIMIT 1),
                  (SELECT group_concat(note, ' ') FROM event WHERE participant_id = ?1 AND session_id = ?4 AND kind = 'answer'),
                  goal, goal_target_on
                FROM mentoring_group WHERE id = ?2 AND kind = 'pair'
                """), arguments: [participantID, groupID, session.startsAt, session.id])
        else { return nil }
        let answered = ((facts[2] as String?) ?? "").split(separator: " ").compactMap { CheckOutQuestion(rawValue: String($0)) }
        return PairCheckOutFacts(
            role: role, sessionsAttended: facts[0], latestFit: (facts[1] as Int?).flatMap(PairFit.init(rawValue:)),
            answeredHere: Set(answered),
            goal: (facts[3] as String?).map { PairGoal(text: $0, targetOn: (facts[4] as String?).flatMap(ProgramDay.init)) })
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
