import Foundation
import Testing
@testable import KioskCore

@Suite("Check-out questions")
struct CheckOutQuestionsTests {
    let settings = FeedbackSettings()
    let wording = KioskWording(timeZone: .gmt)
    let badge: [UInt8] = Array("200004".utf8)
    let t0 = Fixture.at(50)

    func facts(_ role: MemberRole, attended: Int, fit: PairFit? = nil, answered: Set<CheckOutQuestion> = []) -> PairCheckOutFacts {
        PairCheckOutFacts(role: role, sessionsAttended: attended, latestFit: fit, answeredHere: answered)
    }

    @Test("the rating first, then at most one: fit over goal over directed feedback")
    func order() {
        let choose = { (facts: PairCheckOutFacts?) in CheckOutQuestions.choose(pair: facts, settings: self.settings) }
        #expect(choose(nil) == [.rating], "not a pair's session")
        #expect(choose(facts(.mentee, attended: 1)) == [.rating, .pairFit], "a pair's first session asks the fit")
        #expect(choose(facts(.mentee, attended: 2)) == [.rating, .pairFit], "still unanswered at the second")
        #expect(choose(facts(.mentee, attended: 3)) == [.rating, .goalProgress], "unanswered past fit_sessions: no more fit; every third: goal")
        #expect(choose(facts(.mentee, attended: 2, fit: .goodFit)) == [.rating, .mentorHelpful], "answered: directed feedback")
        #expect(choose(facts(.mentor, attended: 4, fit: .goodFit)) == [.rating, .menteeEngaged])
        #expect(choose(facts(.mentor, attended: 7, fit: .stillDeciding)) == [.rating, .pairFit], "still deciding: asked again")
        #expect(choose(facts(.mentor, attended: 6, fit: .notAFit)) == [.rating, .goalProgress])
        #expect(choose(facts(.mentee, attended: 1, answered: [.pairFit])) == [.rating], "a second check-out of the session asks nothing more")
        #expect(choose(facts(.facilitator, attended: 1)) == [.rating])
        var quiet = settings
        (quiet.pairFit, quiet.goalEvery, quiet.directedFeedback) = (false, 0, false)
        #expect(CheckOutQuestions.choose(pair: facts(.mentee, attended: 3), settings: quiet) == [.rating])
    }

    @Test("an answer is taken once, in range, after a badge check-out, within the window, when asked")
    func decide() {
        let session = Fixture.circle
        let out = SessionAttendance(session: session, attendance: Fixture.attendance(Fixture.lena, session, at: 1, out: 45))
        let auto = SessionAttendance(session: session, attendance: Fixture.attendance(Fixture.lena, session, at: 1, out: 60, kind: .auto))
        let rules = CheckInRules()
        let decide = { (question: CheckOutQuestion, value: Int, latest: SessionAttendance?, asked: [CheckOutQuestion], at: Date) in
            CheckOutQuestions.decide(question, value: value, latest: latest, asked: asked, at: at, rules: rules)
        }
        #expect(decide(.pairFit, 3, out, [.rating, .pairFit], t0) == .record(sessionID: session.id, question: .pairFit, value: 3))
        #expect(decide(.pairFit, 4, out, [.rating, .pairFit], t0) == .invalidValue(.pairFit, 4))
        #expect(decide(.goalProgress, 4, out, [.rating, .pairFit], t0) == .notAsked(.goalProgress))
        #expect(decide(.pairFit, 1, auto, [.rating, .pairFit], t0) == .notCheckedOut)
        #expect(decide(.pairFit, 1, nil, [.rating, .pairFit], t0) == .notCheckedOut)
        #expect(decide(.pairFit, 1, out, [.rating, .pairFit], Fixture.at(45 + 31)) == .tooLate)
        #expect(decide(.rating, 1, out, [.rating], t0) == .notAsked(.rating), "ratings go through RatingPolicy")
    }

    @Test("after the rating the machine asks the next question; a button answers it, 4 skips the fit, silence times out")
    func machine() {
        var out = wording.report(CheckOutOutcome.checkOut(Fixture.lena, Fixture.circle, checkedInAt: Fixture.at(1), duration: 600))
        out.questions = [.rating, .pairFit]
        let rated = wording.report(RatingOutcome.record(sessionID: Fixture.circle.id, value: 3, anonymous: false), participant: Fixture.lena)
        var state = KioskState(shownAt: t0)
        state = KioskMachine.handle(.outcome(out, badge: badge), in: state, at: t0).0
        #expect(state.screen == .rating(badge: badge, report: out))
        state = KioskMachine.handle(.outcome(rated, badge: badge), in: state, at: t0).0
        #expect(state.screen == .question(badge: badge, report: out, question: .pairFit, thanks: rated.message))
        let asked = state
        let (_, effects) = KioskMachine.handle(.button(.select), in: asked, at: t0)
        #expect(effects == [.answer(badge: badge, question: .pairFit, value: 3)])
        #expect(KioskMachine.handle(.button(.back), in: asked, at: t0).0.screen == .idle, "[4] skips a three-choice question")
        #expect(KioskMachine.handle(.tick, in: asked, at: t0.addingTimeInterval(7.9)).0.screen == asked.screen)
        #expect(KioskMachine.handle(.tick, in: asked, at: t0.addingTimeInterval(8)).0.screen == .idle)
        let other: [UInt8] = Array("200001".utf8)
        #expect(KioskMachine.handle(.badge(other), in: asked, at: t0).1 == [.scan(badge: other, chosenSessionID: nil)], "the next scan is never held up")
        let answered = wording.report(AnswerOutcome.record(sessionID: Fixture.circle.id, question: .pairFit, value: 3), participant: Fixture.lena)
        #expect(answered.message == "✓ Thank you — not a fit")
        #expect(KioskMachine.handle(.outcome(answered, badge: badge), in: asked, at: t0).0.screen == .result(answered))

        var ratingOnly = out
        ratingOnly.questions = [.rating]
        let alone = KioskState(screen: .rating(badge: badge, report: ratingOnly), shownAt: t0)
        #expect(KioskMachine.handle(.outcome(rated, badge: badge), in: alone, at: t0).0.screen == .result(rated))
    }

    @Test("feedback settings name a bad value with its key")
    func settingsProblem() {
        #expect(FeedbackSettings().problem == nil)
        #expect(FeedbackSettings(questionSeconds: 60).problem == "question_seconds must be 3–30, not 60")
        #expect(FeedbackSettings(goalEvery: -1).problem == "goal_every must be 0–52, not -1")
    }
}
