import Foundation
import GRDB
import GRDBSQLite

/// One row of a statement stepped through the SQLite C API. For reads of a million rows (the
/// engagement report's input), where GRDB's per-row conveniences cost more than the query;
/// everything else reads through GRDB. The hub reads its events through it too.
package struct RawRow {
    fileprivate let handle: OpaquePointer

    package func text(_ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(handle, column) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, column))), as: UTF8.self)
    }

    /// A text column as one of the domain's string enums; nil when NULL or not one of its values.
    package func value<Value: RawRepresentable>(_ column: Int32, as type: Value.Type) -> Value? where Value.RawValue == String {
        text(column).flatMap(Value.init(rawValue:))
    }

    /// An integer column; 0 for NULL.
    package func int(_ column: Int32) -> Int {
        Int(sqlite3_column_int64(handle, column))
    }

    package func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    package func optionalInt64(_ column: Int32) -> Int64? {
        isNull(column) ? nil : sqlite3_column_int64(handle, column)
    }

    package func optionalDouble(_ column: Int32) -> Double? {
        isNull(column) ? nil : sqlite3_column_double(handle, column)
    }

    /// A stored time in milliseconds since 1970 (see `DatabaseTime.milliseconds(utf8:)`), or
    /// nil when NULL; a text of another shape is read as GRDB reads date texts.
    package func milliseconds(_ column: Int32) -> Int64? {
        guard let bytes = sqlite3_column_text(handle, column) else { return nil }
        let text = UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, column)))
        if let milliseconds = DatabaseTime.milliseconds(utf8: text) { return milliseconds }
        return Date.fromDatabaseValue(String(decoding: text, as: UTF8.self).databaseValue)
            .map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
    }

    package func date(_ column: Int32) -> Date? {
        milliseconds(column).map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }
}

extension Database {
    /// Runs `sql` and calls `body` with each row, through the C API (see `RawRow`).
    package func forEachRawRow(sql: String, arguments: StatementArguments = [], _ body: (RawRow) throws -> Void) throws {
        let statement = try makeStatement(sql: sql)
        try statement.setArguments(arguments)
        // The statement finalizes its handle when it goes: it must outlive every step.
        try withExtendedLifetime(statement) {
            let handle = statement.sqliteStatement
            defer { sqlite3_reset(handle) }
            while true {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { return }
                guard code == SQLITE_ROW else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: lastErrorMessage, sql: sql) }
                try body(RawRow(handle: handle))
            }
        }
    }
}
