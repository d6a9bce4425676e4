import Foundation
import GRDB
import KioskCore

extension KioskStore {
    /// Imports participants all-or-nothing: existing ids are updated in place, and each
    /// listed participant's badges are replaced by the file's.
    public func importParticipants(_ entries: [ParticipantEntry]) throws -> ImportSummary {
        try importing { db in
            var summary = ImportSummary()
            for entry in entries {
                let record = ParticipantRecord(entry.participant)
                if try record.exists(db) { summary.updated += 1 } else { summary.inserted += 1 }
                try record.upsert(db)
                try db.execute(sql: "DELETE FROM badge WHERE participant_id = ?", arguments: [record.id])
            }
            for entry in entries {
                for hash in entry.badges {
                    if let owner = try String.fetchOne(
                        db, sql: "SELECT participant_id FROM badge WHERE hash = ?", arguments: [hash.hex]) {
                        throw ImportError(
                            entry.position.column("badges"),
                            "a badge of \(entry.participant.id) already belongs to participant \(owner)")
                    }
                    try BadgeRecord(hash: hash.hex, participantId: entry.participant.id).insert(db)
                }
            }
            return summary
        }
    }

    /// Imports groups all-or-nothing: each listed group's member list is replaced by the file's.
    public func importGroups(_ entries: [GroupEntry]) throws -> ImportSummary {
        try importing { db in
            var summary = ImportSummary()
            for entry in entries {
                let group = entry.group
                let record = GroupRecord(id: group.id, name: group.name, kind: group.kind)
                if try record.exists(db) { summary.updated += 1 } else { summary.inserted += 1 }
                try record.upsert(db)
                try db.execute(sql: "DELETE FROM group_member WHERE group_id = ?", arguments: [group.id])
                for (member, position) in zip(group.members, entry.memberPositions) {
                    guard try ParticipantRecord.exists(db, key: member.participantID) else {
                        throw ImportError(
                            position.column("participant_id"), "no participant has the id \(member.participantID)")
                    }
                    try GroupMemberRecord(groupId: group.id, participantId: member.participantID, role: member.role).insert(db)
                }
            }
            return summary
        }
    }

    /// Imports sessions all-or-nothing; existing ids are updated in place, keeping their status.
    public func importSessions(_ entries: [SessionEntry]) throws -> ImportSummary {
        try importing { db in
            var summary = ImportSummary()
            for entry in entries {
                var record = SessionRecord(entry.session)
                if let groupID = record.groupId, try !GroupRecord.exists(db, key: groupID) {
                    throw ImportError(entry.position.column("group_id"), "no group has the id \(groupID)")
                }
                if let facilitatorID = record.facilitatorId, try !ParticipantRecord.exists(db, key: facilitatorID) {
                    throw ImportError(entry.position.column("facilitator_id"), "no participant has the id \(facilitatorID)")
                }
                if let existing = try SessionRecord.fetchOne(db, key: record.id) {
                    record.status = existing.status
                    summary.updated += 1
                } else {
                    summary.inserted += 1
                }
                try record.upsert(db)
            }
            return summary
        }
    }

    /// One write transaction for a whole file: any error rolls every row back.
    private func importing(_ work: (Database) throws -> ImportSummary) throws -> ImportSummary {
        do {
            return try record(work)
        } catch let error as ImportError {
            throw StoreError.importRefused(error)
        }
    }
}
