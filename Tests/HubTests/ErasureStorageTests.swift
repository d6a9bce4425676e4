import Foundation
import HubProtocol
import HubStore
import KioskCore
import NIOCore
import ProgramFiles
import Testing

@Suite("Erasure at the hub (SQLite and PostgreSQL)")
struct ErasureStorageTests {
    static let now = HubStorageTests.now

    @Test("an erasure pseudonymises events, quarantine, excusals, notices and the audit log, drops emails and accounts, and joins the ledger",
          arguments: HubBackend.available)
    func erase(_ backend: HubBackend) async throws {
        try await backend.withProgram { store in
            let reader = ProgramFileReader(
                normalizer: BadgeNormalizer(rules: BadgeRules()), hasher: try BadgeHasher(secret: Data(repeating: 7, count: 32)), timeZone: .gmt)
            _ = try await store.importParticipants(try reader.participants(Data("""
                id,name,role,badges,active,email
                E004,Lena Novak,mentee,200004,true,lena@school.example

                """.utf8), file: "p.csv"))
            _ = try await store.addKiosk(id: "kiosk-1", location: "Main Lobby", at: Self.now)
            _ = try await store.addUser(email: "lena@school.example", role: .facilitator, participantID: "E004", at: Self.now)
            var rated = HubStorageTests.event(seq: 2)
            rated.kind = "rating"
            rated.rating = 9
            #expect(try await store.ingest(kioskID: "kiosk-1", events: [HubStorageTests.event(seq: 1), rated], at: Self.now)
                == .accepted(PushReceipt(acknowledgedThrough: 2, stored: 1, duplicates: 0, rejected: [RejectedEvent(seq: 2, reason: "rating must be 1–4")])))
            try await store.excuse(Excusal(participantID: "E004", sessionID: "S2", reason: "Lena Novak is ill", excusedBy: "cli:admin"), at: Self.now)
            #expect(try await store.claimNotice("at-risk:E004:2026-W48:email", at: Self.now))
            for (subject, detail) in [("E004 at S2", "Lena Novak is ill"), ("lena@school.example", "role facilitator, participant E004"), ("E0041", nil)] {
                try await store.audit(AuditEntry(at: Self.now, actor: "cli:admin", action: "test", subject: subject, detail: detail))
            }

            let before = try #require(try await store.storedReplays(ofSessions: ["S1"]).first)
            try await store.storeReplays([StoredReplay(sessionID: "S1", version: before.version, body: ByteBuffer(string: "kept: E004"))])

            let outcome = try await store.eraseParticipant("E004", reason: "asked by letter", actor: "cli:admin", at: Self.now)
            let pseudonym = outcome.pseudonym
            #expect(pseudonym.hasPrefix(ErasedParticipant.prefix) && outcome.events == 1 && outcome.accounts == 1, "\(outcome)")

            let events = try await store.events(kioskID: nil, after: nil, limit: 10).map(\.event)
            #expect(events.map(\.participantID) == [pseudonym])
            let quarantined = try await store.rejectedEvents(kioskID: nil, includingResolved: true)
            #expect(quarantined.map(\.event?.participantID) == [pseudonym], "the quarantined event too")
            let excusals = try await store.excusals(ofSessions: ["S2"])
            #expect(excusals.map(\.participantID) == [pseudonym] && excusals.first?.reason == nil, "the excusal stays, its reason goes")
            #expect(try await !store.claimNotice("at-risk:\(pseudonym):2026-W48:email", at: Self.now), "the notice stays sent, under the pseudonym")
            let emails = try await store.participantEmails(), users = try await store.users()
            #expect(emails.isEmpty && users.isEmpty)
            let audit = try await store.auditLog(since: nil)
            #expect(audit.map { [$0.subject ?? "", $0.detail ?? ""] } == [
                ["\(pseudonym) at S2", "\(ErasedParticipant.name) is ill"], [pseudonym, "role facilitator, participant \(pseudonym)"], ["E0041", ""],
                [pseudonym, "asked by letter"],
            ], "the log names the pseudonym only; another id that merely starts alike stays")
            #expect(audit.last?.action == "participant.erase")

            let ledger = try #require(try await store.erasureLedger())
            #expect(ledger.erasures == [Erasure(digest: ErasureLedger.digest(of: "E004", salt: ledger.salt), pseudonym: pseudonym)])
            let directory = try await store.directory(location: "Main Lobby", at: Self.now)
            #expect(directory.erasures == ledger)
            #expect(directory.participants.map(\.participant.id).contains(pseudonym) && !directory.participants.map(\.participant.id).contains("E004"))
            #expect(directory.participants.first { $0.participant.id == pseudonym }.map { $0.participant.name == ErasedParticipant.name && $0.badgeHashes.isEmpty } == true)

            // A kiosk that had not heard of it sends the id: stored under the pseudonym.
            #expect(try await store.ingest(kioskID: "kiosk-1", events: [HubStorageTests.event(seq: 3)], at: Self.now)
                == .accepted(PushReceipt(acknowledgedThrough: 3, stored: 1, duplicates: 0, rejected: [])))
            #expect(try await store.events(kioskID: nil, after: nil, limit: 10).map(\.event.participantID) == [pseudonym, pseudonym])
            // A replay built from before the erasure, stored after it, is not current.
            let replay = try #require(try await store.storedReplays(ofSessions: ["S1"]).first)
            #expect(replay.body == nil && replay.version > before.version, "the kept replay that named the person is gone")
            try await store.storeReplays([StoredReplay(sessionID: "S1", version: before.version, body: ByteBuffer(string: "late: E004"))])
            #expect(try await store.storedReplays(ofSessions: ["S1"]).first?.body == nil)
            #expect(try await store.replaysDue(after: nil, limit: 10).map(\.sessionID).contains("S1"))

            let again = try await store.eraseParticipant("E004", reason: nil, actor: "cli:admin", at: Self.now)
            #expect(again == ErasureOutcome(pseudonym: pseudonym, events: 0, accounts: 0, alreadyErased: true), "erasing again cleans the files again")
            await #expect(throws: ErasureRefusal.unknownParticipant("NOBODY")) {
                try await store.eraseParticipant("NOBODY", reason: nil, actor: "cli:admin", at: Self.now)
            }
            for (row, message) in [("E004,Lena Novak,mentee,,true", "was erased (now \(pseudonym))"), ("erased-00ff00ff,X,mentee,,true", "pseudonyms")] {
                do {
                    _ = try await store.importParticipants(try reader.participants(Data("id,name,role,badges,active\n\(row)\n".utf8), file: "p.csv"))
                    Issue.record("imported \(row)")
                } catch {
                    #expect("\(error)".contains("p.csv:2") && "\(error)".contains(message), "\(error)")
                }
            }
        }
    }
}
