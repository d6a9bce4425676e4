import Foundation
import GRDB
import KioskCore

extension KioskStore {
    /// Imports goals.csv all-or-nothing: each row sets its pair's goal; a group that is unknown,
    /// or not a pair, refuses the file.
    public func importGoals(_ entries: [GoalEntry]) throws -> ImportSummary {
        try importing { db in try Self.importGoals(entries, db) }
    }

    static func importGoals(_ entries: [GoalEntry], _ db: Database) throws -> ImportSummary {
        var summary = ImportSummary()
        for entry in entries {
            guard let kind = try String.fetchOne(db, sql: "SELECT kind FROM mentoring_group WHERE id = ?", arguments: [entry.groupID]) else {
                throw ImportError(entry.position.column("group_id"), "no group has the id \(entry.groupID)")
            }
            guard kind == GroupKind.pair.rawValue else {
                throw ImportError(entry.position.column("group_id"), "group \(entry.groupID) is a \(kind); goals are a pair's")
            }
            try setGoal(entry.goal, of: entry.groupID, db)
            summary.updated += 1
        }
        return summary
    }

    static func setGoal(_ goal: PairGoal?, of groupID: String, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE mentoring_group SET goal = ?, goal_target_on = ? WHERE id = ?",
            arguments: [goal?.text, goal?.targetOn?.description, groupID])
    }

    /// Every pair's goal, by group id.
    static func goals(_ db: Database) throws -> [String: PairGoal] {
        var goals: [String: PairGoal] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, goal, goal_target_on FROM mentoring_group WHERE goal IS NOT NULL") {
            goals[row[0]] = PairGoal(text: row[1], targetOn: (row[2] as String?).flatMap(ProgramDay.init))
        }
        return goals
    }
}
