import Foundation
import KioskCore
import ProgramFiles
import Testing
@testable import KioskStore

@Suite("The hub's directory applied on the kiosk")
struct DirectoryApplyTests {
    @Test("a badge a facilitator linked here survives the next directory, unless the hub gives it to someone else")
    func linkedBadgesSurvive() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let sample = SampleProgram(around: fixture.now, location: StoreFixture.location)
        let roster = try fixture.reader.participants(Data(sample.participantsCSV.utf8), file: "hub")
        let newBadge = fixture.desk.hasher.hash(try fixture.desk.normalizer.normalize("990001"))
        _ = try fixture.store.linkBadge(newBadge, participantID: "E004", actorID: "F001", clock: fixture.clock(0))

        try fixture.store.applyDirectory(version: "v1", participants: roster, groups: [], sessions: [], settings: nil)
        #expect(try fixture.store.participant(badge: newBadge)?.id == "E004")
        #expect(try fixture.store.participant(badge: try fixture.hash("E005"))?.id == "E005", "the hub's own badges are there too")

        // The hub gives that badge to someone else: the hub wins.
        var taken = roster
        let index = try #require(taken.firstIndex { $0.participant.id == "E005" })
        taken[index].badges.append(newBadge)
        try fixture.store.applyDirectory(version: "v2", participants: taken, groups: [], sessions: [], settings: nil)
        #expect(try fixture.store.participant(badge: newBadge)?.id == "E005")
    }
}
