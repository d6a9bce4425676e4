import Testing
import KioskCore

@Suite("Quiet checkpoints: never while someone is using the kiosk")
struct QuietCheckpointsTests {
    @Test("due after a quiet second, once per quiet spell, again after 30 s of quiet")
    func quietSpells() {
        var schedule = QuietCheckpoints(startedAt: 100)
        let answers = [100.5, 101, 102, 130.9, 131].map { schedule.isDue(at: $0) }
        #expect(answers == [false, true, false, false, true])
    }

    @Test("each scan or press starts the quiet second again, and the next spell checkpoints at once")
    func inputPostpones() {
        var schedule = QuietCheckpoints(startedAt: 0)
        var answers = [schedule.isDue(at: 5)]
        schedule.input(at: 6)
        answers.append(schedule.isDue(at: 6.9))
        schedule.input(at: 6.9)
        answers += [7.5, 7.9].map { schedule.isDue(at: $0) }
        #expect(answers == [true, false, false, true])
    }
}
