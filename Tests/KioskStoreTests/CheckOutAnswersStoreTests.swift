import Foundation
import GRDB
import Testing
@testable import KioskCore
@testable import KioskStore

/// The check-out questions on a real SQLite file with the sample program: Maria (mentor) and
/// Jonas (mentee) of pair P1 at S-PAIR1, which started 20 minutes before the fixture's "now".
@Suite("Check-out answers in the store")
struct CheckOutAnswersStoreTests {
    @Test("a pair's first check-out asks the fit after the rating; the answer is an event, taken once, and reaches the report")
    func fitAnswer() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let desk = fixture.desk
        #expect(desk.scan(fixture.badge("M001"), clock: fixture.clock(0)).code == "checked_in")
        #expect(desk.scan(fixture.badge("E001"), clock: fixture.clock(10)).code == "checked_in")
        let out = desk.checkOut(fixture.badge("M001"), clock: fixture.clock(600))
        #expect(out.code == "checked_out" && out.questions == [.rating, .pairFit])
        #expect(desk.rate(fixture.badge("M001"), value: 3, clock: fixture.clock(602)).code == "rated")
        #expect(desk.answer(fixture.badge("M001"), question: .pairFit, value: 4, clock: fixture.clock(603)).code == "invalid_answer")
        #expect(desk.answer(fixture.badge("M001"), question: .goalProgress, value: 3, clock: fixture.clock(603)).code == "not_asked")
        let answered = desk.answer(fixture.badge("M001"), question: .pairFit, value: 2, clock: fixture.clock(604))
        #expect(answered.code == "answered" && answered.message == "✓ Thank you — still deciding")
        #expect(desk.answer(fixture.badge("M001"), question: .pairFit, value: 1, clock: fixture.clock(605)).code == "not_asked", "once per session")
        #expect(desk.answer(fixture.badge("E001"), question: .pairFit, value: 1, clock: fixture.clock(606)).code == "not_checked_out")
        let jonas = desk.checkOut(fixture.badge("E001"), clock: fixture.clock(700))
        #expect(jonas.questions == [.rating, .pairFit], "each member is asked for their own fit")
        #expect(desk.answer(fixture.badge("E001"), question: .pairFit, value: 1, clock: fixture.clock(710)).code == "answered")
        #expect(desk.answer(fixture.badge("E001"), question: .pairFit, value: 1, clock: fixture.clock(710 + 31 * 60)).code == "answer_too_late")

        let events = try fixture.store.events().filter { $0.draft.kind == .answer }
        #expect(events.map(\.draft.participantID) == ["M001", "E001"])
        #expect(events.map(\.draft.details.note) == ["pair_fit", "pair_fit"])
        #expect(events.map(\.draft.details.rating) == [2, 1])
        #expect(try fixture.store.projectionMismatches().isEmpty, "an answer changes no attendance")

        let now = fixture.now.addingTimeInterval(3600)
        let report = EngagementMetrics.report(
            try fixture.store.engagementInput(from: now.addingTimeInterval(-86_400), to: now), from: now.addingTimeInterval(-86_400), to: now,
            now: now, timeZone: .gmt)
        let pair = try #require(report.pairs.first { $0.groupID == "P1" })
        #expect(pair.fit.mentor == "still_deciding" && pair.fit.mentee == "good_fit" && pair.meetings == 1)
    }

    @Test("goals.csv at the kiosk: pairs only; a check-out carries the goal text only when the program shows it")
    func goals() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let goals = { (text: String) in try fixture.reader.goals(Data(("group_id,goal\n" + text).utf8), file: "goals.csv") }
        #expect(throws: StoreError.self) { try fixture.store.importGoals(try goals("P1,Finish the CV\nC1,Read more\n")) }
        #expect(try fixture.store.groups().allSatisfy { $0.goal == nil }, "all or nothing")
        #expect(try fixture.store.importGoals(try goals("P1,Finish the CV\n")).updated == 1)
        #expect(try fixture.store.groups().first { $0.id == "P1" }?.goal?.text == "Finish the CV")
        var desk = fixture.desk
        #expect(desk.scan(fixture.badge("M001"), clock: fixture.clock(0)).code == "checked_in")
        #expect(desk.scan(fixture.badge("E001"), clock: fixture.clock(0)).code == "checked_in")
        #expect(desk.checkOut(fixture.badge("M001"), clock: fixture.clock(600)).goal == nil, "a lobby screen shows no goal text by default")
        desk.feedback?.showGoalText = true
        #expect(desk.checkOut(fixture.badge("E001"), clock: fixture.clock(600)).goal == "Finish the CV")
    }

    @Test("a circle's check-out, or a program with the questions off, asks the rating alone")
    func ratingAlone() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        #expect(fixture.desk.scan(fixture.badge("E004"), clock: fixture.clock(0)).code == "checked_in")
        #expect(fixture.desk.checkOut(fixture.badge("E004"), clock: fixture.clock(600)).questions == [.rating])
        var desk = fixture.desk
        desk.feedback = nil
        #expect(desk.scan(fixture.badge("E001"), clock: fixture.clock(0)).code == "checked_in")
        #expect(desk.checkOut(fixture.badge("E001"), clock: fixture.clock(600)).questions == [.rating])
        #expect(desk.answer(fixture.badge("E001"), question: .pairFit, value: 1, clock: fixture.clock(610)).code == "not_asked")
    }
}
