import Foundation

/// UUID version 7 (RFC 9562): a millisecond timestamp followed by random bits.
///
/// Event ids are generated on the kiosk and become primary keys on the hub; time-ordered ids
/// keep B-tree inserts at the right edge instead of scattering them like random UUIDv4s.
public enum TimeOrderedUUID {
    public static func make<R: RandomNumberGenerator>(at time: Date, using generator: inout R) -> UUID {
        let milliseconds = UInt64(max(0, time.timeIntervalSince1970 * 1000))
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index)))
        }
        let random = (generator.next() as UInt64, generator.next() as UInt64)
        for index in 6..<16 {
            let word = index < 11 ? random.0 : random.1
            bytes[index] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(index % 8)))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x70
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    public static func make(at time: Date) -> UUID {
        var generator = SystemRandomNumberGenerator()
        return make(at: time, using: &generator)
    }
}
