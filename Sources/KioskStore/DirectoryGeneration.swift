import GRDB

/// How a hub knows, without building it, that a location's directory cannot have changed: a
/// counter in the database that triggers move with every write to a table the directory is
/// made of, in the writing transaction itself. Whatever writes (a hub process, an admin
/// command, an older release) cannot forget it. Read before the directory is built, so a
/// write that lands during the build moves it again and the next poll builds anew.
public enum DirectoryGeneration {
    /// One-row counter `table` and SQLite triggers that add one to it on every insert, update
    /// and delete of `tables`, and on the insert of each row of `insertsWhere` (table → condition).
    public static func sqliteCounter(_ table: String, movedBy tables: [String], insertsWhere conditions: [(String, String)] = []) -> String {
        let bump = "UPDATE \(table) SET value = value + 1;"
        let everyChange = tables.flatMap { source in
            ["INSERT", "UPDATE", "DELETE"].map { change in
                "CREATE TRIGGER \(source)_\(change.lowercased())_moves_\(table) AFTER \(change) ON \(source) BEGIN \(bump) END;"
            }
        }
        let someInserts = conditions.map { source, condition in
            "CREATE TRIGGER \(source)_insert_moves_\(table) AFTER INSERT ON \(source) WHEN \(condition) BEGIN \(bump) END;"
        }
        return (["CREATE TABLE \(table) (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);", "INSERT INTO \(table) (id, value) VALUES (1, 0);"]
            + everyChange + someInserts).joined(separator: "\n")
    }

    /// The counter's value in `db`.
    public static func read(_ db: Database, table: String) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT value FROM \(table)") ?? 0
    }
}
