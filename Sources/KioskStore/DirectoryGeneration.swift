import GRDB

/// How a hub knows, without building it, that a location's directory cannot have changed: a
/// counter in the database that triggers move with every write to a table the directory is
/// made of, in the writing transaction itself. Whatever writes (a hub process, an admin
/// command, an older release) cannot forget it. Read before the directory is built, so a
/// write that lands during the build moves it again and the next poll builds anew.
public enum DirectoryGeneration {
    /// One-row counter `table` and SQLite triggers that add one to it on every insert, update
    /// and delete of `tables`, and of the rows of `rowsWhere` (table, condition on `ROW`: the
    /// new row of an insert, the old one of a delete, either of an update) matches.
    public static func sqliteCounter(_ table: String, movedBy tables: [String], rowsWhere conditions: [(String, String)] = []) -> String {
        let bump = "UPDATE \(table) SET value = value + 1;"
        let everyChange = tables.flatMap { source in
            ["INSERT", "UPDATE", "DELETE"].map { change in
                "CREATE TRIGGER \(source)_\(change.lowercased())_moves_\(table) AFTER \(change) ON \(source) BEGIN \(bump) END;"
            }
        }
        let someRows = conditions.flatMap { source, condition in
            [("INSERT", "NEW"), ("UPDATE", "OLD"), ("UPDATE", "NEW"), ("DELETE", "OLD")].map { change, row in
                "CREATE TRIGGER \(source)_\(change.lowercased())_\(row.lowercased())_moves_\(table) AFTER \(change) ON \(source) "
                    + "WHEN \(condition.replacingOccurrences(of: "ROW.", with: row + ".")) BEGIN \(bump) END;"
            }
        }
        return (["CREATE TABLE \(table) (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);", "INSERT INTO \(table) (id, value) VALUES (1, 0);"]
            + everyChange + someRows).joined(separator: "\n")
    }

    /// The counter's value in `db`.
    public static func read(_ db: Database, table: String) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT value FROM \(table)") ?? 0
    }
}
