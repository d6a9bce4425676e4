import Foundation
import GRDB
@testable import KioskCore
@testable import KioskStore
import ProgramFiles

/// A real SQLite file in a fresh temporary directory, loaded with the sample program.
struct StoreFixture {
    let directory: String
    let store: KioskStore
    let desk: CheckInDesk
    let reader: ProgramFileReader
    let now: Date
    static let location = "Lobby"

    init(loadSample: Bool = true) throws {
        directory = NSTemporaryDirectory() + "kiosk-store-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = try KioskStore(path: directory + "/kiosk.sqlite", kioskID: "k1")
        let hasher = try BadgeHasher(secret: Data(repeating: 3, count: 32))
        let normalizer = BadgeNormalizer(rules: BadgeRules())
        reader = ProgramFileReader(normalizer: normalizer, hasher: hasher, timeZone: TimeZone(identifier: "UTC")!)
        desk = CheckInDesk(
            store: store, normalizer: normalizer, hasher: hasher, rules: CheckInRules(), location: Self.location,
            anonymousRatings: false, wording: KioskWording(timeZone: TimeZone(identifier: "UTC")!))
        now = Date(timeIntervalSince1970: 1_772_463_600)
        if loadSample {
            let sample = SampleProgram(around: now, location: Self.location)
            _ = try store.importParticipants(try reader.participants(Data(sample.participantsCSV.utf8), file: "participants.csv"))
            _ = try store.importGroups(try reader.groups(Data(sample.groupsCSV.utf8), file: "groups.csv"))
            _ = try store.importSessions(try reader.sessions(Data(sample.sessionsCSV.utf8), file: "sessions.csv"))
        }
    }

    func clock(_ seconds: TimeInterval, trusted: Bool = true) -> ClockReading {
        ClockReading(wall: now.addingTimeInterval(seconds), monotonicNanoseconds: UInt64(seconds * 1e9), isTrusted: trusted)
    }

    func badge(_ participantID: String) -> String { SampleProgram.badges[participantID]! }

    func hash(_ participantID: String) throws -> BadgeHash {
        desk.hasher.hash(try desk.normalizer.normalize(badge(participantID)))
    }

    func attendance(_ participantID: String, _ sessionID: String) throws -> Attendance? {
        try store.read { db in
            try AttendanceRecord.fetchOne(db, key: ["participant_id": participantID, "session_id": sessionID])?.attendance
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}
