import Foundation
import GRDBSQLite

/// The baseline's database access: the SQLite C API with nothing in between.
final class RawSQLite {
    private var handle: OpaquePointer?

    init(path: String) throws {
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else {
            throw BenchError("cannot open \(path): \(String(cString: sqlite3_errmsg(handle)))")
        }
    }

    deinit { sqlite3_close_v2(handle) }

    func execute(_ sql: String) throws {
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else {
            throw BenchError("\(sql): \(String(cString: sqlite3_errmsg(handle)))")
        }
    }

    func prepare(_ sql: String) throws -> Statement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK else {
            throw BenchError("\(sql): \(String(cString: sqlite3_errmsg(handle)))")
        }
        return Statement(handle: statement, database: self)
    }

    var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    var errorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// A prepared statement, bound and stepped once per use.
    final class Statement {
        private let handle: OpaquePointer?
        private unowned let database: RawSQLite
        private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

        init(handle: OpaquePointer?, database: RawSQLite) {
            self.handle = handle
            self.database = database
        }

        deinit { sqlite3_finalize(handle) }

        enum Value {
            case text(String)
            case integer(Int64)
            case null
        }

        func run(_ values: [Value]) throws {
            sqlite3_reset(handle)
            for (offset, value) in values.enumerated() {
                let index = Int32(offset + 1)
                switch value {
                case .text(let text): sqlite3_bind_text(handle, index, text, -1, Self.transient)
                case .integer(let number): sqlite3_bind_int64(handle, index, number)
                case .null: sqlite3_bind_null(handle, index)
                }
            }
            guard sqlite3_step(handle) == SQLITE_DONE else { throw BenchError(database.errorMessage) }
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
