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
}
