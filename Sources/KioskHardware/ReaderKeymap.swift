/// Decodes a USB badge reader (a keyboard wedge) read through evdev: Linux key codes, US
/// layout, shift; a scan ends with Enter, or after a short silence for readers that send none.
public struct ReaderScanAssembler: Sendable {
    /// evdev's EV_KEY values: 1 press, 0 release, 2 autorepeat.
    public enum KeyState: Int32, Sendable {
        case released = 0, pressed = 1, repeated = 2
    }

    public let silenceNanoseconds: UInt64
    private var buffer: [UInt8] = []
    private var shift = false
    private var lastKeyAt: UInt64 = 0

    public init(silenceMilliseconds: UInt64 = 100) {
        silenceNanoseconds = silenceMilliseconds * 1_000_000
    }

    /// Feeds one key event (code from linux/input-event-codes.h); returns a finished scan.
    public mutating func feed(code: UInt16, state: KeyState, nanoseconds: UInt64) -> [UInt8]? {
        var finished = flush(at: nanoseconds)
        lastKeyAt = nanoseconds
        if code == Self.leftShift || code == Self.rightShift {
            shift = state != .released
            return finished
        }
        guard state == .pressed else { return finished }
        if code == Self.enter || code == Self.keypadEnter {
            if !buffer.isEmpty, finished == nil { finished = buffer }
            buffer = []
        } else if let character = (shift ? Self.shifted : Self.plain)[code] {
            buffer.append(character)
        }
        return finished
    }

    /// When a started scan ends by silence, if no further key arrives (same clock as the keys).
    public var silenceDeadline: UInt64? { buffer.isEmpty ? nil : lastKeyAt + silenceNanoseconds }

    /// Ends a scan after silence (for readers that send no Enter).
    public mutating func flush(at nanoseconds: UInt64) -> [UInt8]? {
        guard !buffer.isEmpty, nanoseconds >= lastKeyAt, nanoseconds - lastKeyAt >= silenceNanoseconds else { return nil }
        defer { buffer = [] }
        return buffer
    }

    static let enter: UInt16 = 28
    static let keypadEnter: UInt16 = 96
    static let leftShift: UInt16 = 42
    static let rightShift: UInt16 = 54

    /// US layout: digits row, letters, and the punctuation badge codes use.
    static let plain: [UInt16: UInt8] = table(digits: "1234567890", letters: "qwertyuiop", "asdfghjkl", "zxcvbnm", minus: "-")
    static let shifted: [UInt16: UInt8] = table(digits: "!@#$%^&*()", letters: "QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM", minus: "_")

    private static func table(digits: String, letters top: String, _ middle: String, _ bottom: String, minus: String) -> [UInt16: UInt8] {
        var map: [UInt16: UInt8] = [:]
        for (offset, byte) in digits.utf8.enumerated() { map[UInt16(2 + offset)] = byte }      // KEY_1 = 2 … KEY_0 = 11
        for (offset, byte) in top.utf8.enumerated() { map[UInt16(16 + offset)] = byte }        // KEY_Q = 16
        for (offset, byte) in middle.utf8.enumerated() { map[UInt16(30 + offset)] = byte }     // KEY_A = 30
        for (offset, byte) in bottom.utf8.enumerated() { map[UInt16(44 + offset)] = byte }     // KEY_Z = 44
        map[12] = minus.utf8.first                                                              // KEY_MINUS
        for (code, byte) in zip([79, 80, 81, 75, 76, 77, 71, 72, 73, 82] as [UInt16], "1234567890".utf8) {
            map[code] = byte                                                                    // keypad digits
        }
        return map
    }
}
