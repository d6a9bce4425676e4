import CSV
import Foundation
import KioskCore

/// A CSV file with a header row, read with CSV.swift, with the line each record started on.
///
/// CSV.swift does not report positions, so lines are counted here: a record spans one line
/// plus every line break inside its quoted fields.
struct CSVTable {
    struct Record {
        var fields: [String: String]
        var position: SourcePosition

        /// The trimmed value of a column; empty for an optional column the file leaves out.
        subscript(_ column: String) -> String {
            fields[column, default: ""].trimmingCharacters(in: .whitespaces)
        }

        func error(_ column: String, _ message: String) -> ImportError {
            ImportError(position.column(column), message)
        }
    }

    var records: [Record]

    /// - Parameters:
    ///   - columns: the columns the file must have, in any order.
    ///   - optional: columns it may have besides.
    init(data: Data, file: String, columns: [String], optional: [String] = []) throws(ImportError) {
        let text = try Self.decodeUTF8(data, file: file)
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true)
        } catch {
            throw ImportError(SourcePosition(file: file, line: 1), "the file is empty; expected a header row: \(columns.joined(separator: ","))")
        }
        let header = (reader.headerRow ?? []).map { $0.trimmingCharacters(in: .whitespaces) }
        let start = SourcePosition(file: file, line: 1)
        if let duplicate = header.first(where: { name in header.filter { $0 == name }.count > 1 }) {
            throw ImportError(start.column(duplicate), "the header names \(duplicate) twice")
        }
        if let unknown = header.first(where: { !columns.contains($0) && !optional.contains($0) }) {
            throw ImportError(start.column(unknown), "unknown column \"\(unknown)\"; the columns are \((columns + optional).joined(separator: ","))")
        }
        if let missing = columns.first(where: { !header.contains($0) }) {
            throw ImportError(start, "missing column \(missing); the header must be \(columns.joined(separator: ","))")
        }
        var line = 1 + Self.lineBreaks(in: header)
        records = []
        while let row = reader.next() {
            line += 1
            let position = SourcePosition(file: file, line: line)
            line += Self.lineBreaks(in: row)
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            guard row.count == header.count else {
                throw ImportError(position, "expected \(header.count) fields, found \(row.count)")
            }
            if let index = row.firstIndex(where: { $0.contains("\n") || $0.contains("\r") }) {
                throw ImportError(
                    position.column(header[index]),
                    "the field runs across lines; is a closing quote missing?")
            }
            records.append(Record(fields: Dictionary(uniqueKeysWithValues: zip(header, row)), position: position))
        }
    }

    private static func lineBreaks(in fields: [String]) -> Int {
        fields.reduce(0) { $0 + $1.reduce(0) { $1 == "\n" || $1 == "\r\n" ? $0 + 1 : $0 } }
    }

    /// Decodes strict UTF-8 (a leading BOM is allowed), naming the line of the first bad byte.
    private static func decodeUTF8(_ data: Data, file: String) throws(ImportError) -> String {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var line = 1
        var index = 0
        while index < bytes.count {
            let width = Self.sequenceWidth(bytes, at: index)
            guard width > 0 else {
                throw ImportError(SourcePosition(file: file, line: line), "the file is not valid UTF-8 (byte \(index + 1)); save it as UTF-8")
            }
            if bytes[index] == 0x0A { line += 1 }
            index += width
        }
        throw ImportError(SourcePosition(file: file, line: line), "the file is not valid UTF-8; save it as UTF-8")
    }

    private static func sequenceWidth(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        let width: Int
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: width = 2
        case 0xE0...0xEF: width = 3
        case 0xF0...0xF4: width = 4
        default: return 0
        }
        guard index + width <= bytes.count,
              String(validating: bytes[index..<index + width], as: UTF8.self) != nil
        else { return 0 }
        return width
    }
}
