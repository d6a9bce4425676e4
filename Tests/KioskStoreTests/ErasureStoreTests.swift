import Foundation
import GRDB
@testable import KioskCore
@_spi(Benchmarks) @testable import KioskStore
import Testing

@Suite("Erasure: a participant's id replaced by a pseudonym, their personal data gone")
struct ErasureStoreTests {
    static let pseudonym = "erased-0123456789abcdef"

    func ledger(erasing id: String, as pseudonym: String = pseudonym) -> ErasureLedger {
        ErasureLedger(salt: "salt", erasures: [Erasure(digest: ErasureLedger.digest(of: id, salt: "salt"), pseudonym: pseudonym)])
    }

    /// Every byte of the database's files, the write-ahead log included.
    func files(_ fixture: StoreFixture) throws -> Data {
        try FileManager.default.contentsOfDirectory(atPath: fixture.directory).reduce(into: Data()) { bytes, file in
            bytes += FileManager.default.contents(atPath: fixture.directory + "/" + file) ?? Data()
        }
    }

    @Test("a kiosk erases the ledger's participants: events, attendance and memberships under the pseudonym, name, badges and the id gone from its files")
    func eraseFromLedger() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        let desk = fixture.desk
        #expect(desk.scan(fixture.badge("E004"), clock: fixture.clock(0)).code == "checked_in")
        #expect(desk.scan(fixture.badge("E005"), clock: fixture.clock(30)).code == "checked_in")
        let linked = desk.hasher.hash(try desk.normalizer.normalize("555555"))
        _ = try fixture.store.linkBadge(linked, participantID: "E004", actorID: "F001", clock: fixture.clock(40))
        #expect(desk.checkOut(fixture.badge("E004"), clock: fixture.clock(20 * 60)).code == "checked_out")
        let name = try #require(try fixture.store.participant(id: "E004")).name
        let count = { (sql: String) in try fixture.store.read { db in try Int.fetchOne(db, sql: sql)! } }
        let eventsBefore = try count("SELECT count(*) FROM event WHERE participant_id = 'E004'")
        let attendanceBefore = try count("SELECT count(*) FROM attendance")
        let membershipsBefore = try count("SELECT count(*) FROM group_member WHERE participant_id = 'E004'")
        let trigger = { try fixture.store.read { db in try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name") } }
        let triggersBefore = try trigger()
        #expect(try files(fixture).range(of: Data(name.utf8)) != nil, "the name is in the files before")

        #expect(try fixture.store.erase(ledger(erasing: "E004")) == [Self.pseudonym])
        #expect(try fixture.store.participant(id: "E004") == nil)
        let erased = try #require(try fixture.store.participant(id: Self.pseudonym))
        #expect(erased.name == ErasedParticipant.name && erased.cohort == nil && erased.role == .mentee)
        #expect(try count("SELECT count(*) FROM event WHERE participant_id = '\(Self.pseudonym)'") == eventsBefore)
        #expect(try count("SELECT count(*) FROM event WHERE kind = 'badge_link' AND badge_hash IS NOT NULL") == 0, "the linked badge goes")
        #expect(try count("SELECT count(*) FROM attendance") == attendanceBefore)
        #expect(try count("SELECT count(*) FROM group_member WHERE participant_id = '\(Self.pseudonym)'") == membershipsBefore)
        #expect(try count("SELECT count(*) FROM badge WHERE participant_id IN ('E004', '\(Self.pseudonym)')") == 0)
        #expect(desk.scan(fixture.badge("E004"), clock: fixture.clock(25 * 60)).participant == nil, "their badge is unknown now")
        #expect(desk.scan("555555", clock: fixture.clock(25 * 60)).participant == nil, "so is the one linked here")
        #expect(try fixture.store.projectionMismatches().isEmpty, "the attendance is still what the events say")
        #expect(try trigger() == triggersBefore, "the append-only triggers are back, with their own text")
        #expect(throws: DatabaseError.self) { try fixture.store.benchmarkWrite { db in try db.execute(sql: "UPDATE event SET note = 'x'") } }
        let bytes = try files(fixture)
        #expect(bytes.range(of: Data(name.utf8)) == nil && bytes.range(of: Data("E004".utf8)) == nil, "neither the name nor the id is in any file")

        #expect(try fixture.store.erase(ledger(erasing: "E004")).isEmpty, "erasing again finds nobody")
        // The id imported here again (an old file): erased again, into the same pseudonym.
        let position = SourcePosition(file: "p.csv", line: 2)
        _ = try fixture.store.importParticipants([ParticipantEntry(participant: Participant(id: "E004", name: name, role: .mentee), badges: [], position: position)])
        #expect(try fixture.store.erase(ledger(erasing: "E004")) == [Self.pseudonym] && fixture.store.participant(id: "E004") == nil)
        // A ledger naming as pseudonym someone who is not an erased participant: no merge.
        _ = try fixture.store.importParticipants([ParticipantEntry(
            participant: Participant(id: "erased-aaaaaaaaaaaaaaaa", name: "Real Person", role: .mentee), badges: [], position: position)])
        #expect(try fixture.store.erase(ledger(erasing: "E005", as: "erased-aaaaaaaaaaaaaaaa")).isEmpty)
        #expect(try fixture.store.participant(id: "E005") != nil)
    }

    @Test("a ledger whose pseudonym is not one is refused and changes nothing: it would merge the person into someone else")
    func refusesForeignPseudonym() throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        #expect(fixture.desk.scan(fixture.badge("E004"), clock: fixture.clock(0)).code == "checked_in")
        #expect(throws: StoreError.self) { try fixture.store.erase(ledger(erasing: "E004", as: "E005")) }
        #expect(throws: StoreError.self) { try fixture.store.erase(ledger(erasing: "E004", as: "erased-XYZ")) }
        var twice = ledger(erasing: "E004")
        twice.erasures.append(Erasure(digest: ErasureLedger.digest(of: "E005", salt: "salt"), pseudonym: Self.pseudonym))
        #expect(throws: StoreError.self) { try fixture.store.erase(twice) }
        #expect(try fixture.store.participant(id: "E004")?.name == "Lena Novak")
    }

    @Test("free text loses the erased id as a whole word only")
    func replacingWholeWords() {
        #expect(ErasedParticipant.replacing("P1", with: "X", in: "P1 at S-1, P10, xP1, P1-2, (P1).") == "X at S-1, P10, xP1, P1-2, (X).")
        #expect(ErasedParticipant.replacing("a@b.org", with: "X", in: "user a@b.org logged in") == "user X logged in")
        #expect(ErasedParticipant.replacing("A", with: "X", in: "A.1, A. A@b.org x.A") == "A.1, X. A@b.org x.A")
        #expect(ErasedParticipant.replacing("", with: "X", in: "text") == "text")
    }
}
