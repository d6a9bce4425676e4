import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Times as the database stores them: GRDB's text format, `yyyy-MM-dd HH:mm:ss.SSS` in UTC.
///
/// GRDB formats `Date` arguments through `DateFormatter` (ICU), which costs more than the rest
/// of a check-in's SQL; the check-in path binds times through this formatter instead. The text
/// is identical (milliseconds rounded to nearest, as GRDB does; a test compares the two), so
/// both paths write the same text for the same `Date`.
public enum DatabaseTime {
    public static func text(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = time_t(milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000)
        let fraction = Int(milliseconds - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(23)
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                bytes.append(UInt8(0x30 + rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4); bytes.append(0x2D)
        digits(Int(parts.tm_mon) + 1, 2); bytes.append(0x2D)
        digits(Int(parts.tm_mday), 2); bytes.append(0x20)
        digits(Int(parts.tm_hour), 2); bytes.append(0x3A)
        digits(Int(parts.tm_min), 2); bytes.append(0x3A)
        digits(Int(parts.tm_sec), 2); bytes.append(0x2E)
        digits(fraction, 3)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Milliseconds since 1970 of a stored time text (`yyyy-MM-dd HH:mm:ss[.SSS]`, a `T` also
    /// accepted), read without making a `Date` or a `String`: the engagement report reads a
    /// million of them. Nil for any other shape (the caller then asks GRDB).
    public static func milliseconds(utf8 text: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard text.count == 19 || text.count == 23, text[4] == 0x2D, text[7] == 0x2D, text[10] == 0x20 || text[10] == 0x54,
              text[13] == 0x3A, text[16] == 0x3A, text.count == 19 || text[19] == 0x2E
        else { return nil }
        var digitsValid = true
        func number(_ start: Int, _ count: Int) -> Int64 {
            var value: Int64 = 0
            for index in start..<start + count {
                let digit = text[index] &- 0x30
                digitsValid = digitsValid && digit <= 9
                value = value &* 10 &+ Int64(digit)
            }
            return value
        }
        let year = number(0, 4), month = number(5, 2), day = number(8, 2), hour = number(11, 2), minute = number(14, 2)
        let second = number(17, 2), millisecond = text.count == 23 ? number(20, 3) : 0
        guard digitsValid, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60 else { return nil }
        // Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millisecond
    }
}
