import KioskCore

/// What a key (or a burst of keys) means at the kiosk.
public enum DecodedKey: Sendable, Equatable {
    case input(KioskInput)
    /// The demo's "simulate a scan" key.
    case simulateScan
    /// The demo's "speech on/off" key.
    case toggleSpeech
    /// Ctrl-C in demo mode (an unattended kiosk ignores it).
    case quit
}

/// Tells a badge reader's typing from button presses on the console.
///
/// A keyboard-wedge reader types a whole code in a burst and usually ends it with Enter; a
/// person presses one key. Characters are collected until Enter, or until a short silence:
/// then a lone 1–4 is a button, a lone `s` the demo's scan key (`v` its speech key), four or more characters a
/// badge (readers that send no Enter), anything else noise. Arrows, Enter and Esc are buttons.
public struct KeyDecoder: Sendable {
    /// Silence that ends a burst, in seconds.
    public var burstGap: Double
    public var demo: Bool
    private var buffer: [UInt8] = []
    private var lastKeyAt: Double = 0

    public static let enter: Int32 = 10
    public static let carriageReturn: Int32 = 13
    public static let escape: Int32 = 27
    public static let controlC: Int32 = 3

    /// Key codes from curses for the arrows and keypad Enter.
    public struct SpecialKeys: Sendable {
        public var up: Int32
        public var down: Int32
        public var enter: Int32

        public init(up: Int32, down: Int32, enter: Int32) {
            self.up = up
            self.down = down
            self.enter = enter
        }
    }

    public let special: SpecialKeys

    public init(special: SpecialKeys, burstGap: Double = 0.08, demo: Bool = false) {
        self.special = special
        self.burstGap = burstGap
        self.demo = demo
    }

    /// Whether characters are waiting for their burst to end (poll again soon).
    public var isCollecting: Bool { !buffer.isEmpty }

    /// Feeds one key at time `now` (seconds on any monotonic scale).
    public mutating func feed(_ key: Int32, at now: Double) -> [DecodedKey] {
        var decoded = flush(at: now)
        lastKeyAt = now
        switch key {
        case Self.enter, Self.carriageReturn, special.enter:
            if buffer.isEmpty {
                decoded.append(.input(.button(.select)))
            } else {
                decoded.append(.input(.badge(buffer)))
                buffer = []
            }
        case special.up: decoded.append(.input(.button(.up)))
        case special.down: decoded.append(.input(.button(.down)))
        case Self.escape: buffer = []; decoded.append(.input(.button(.back)))
        case Self.controlC: if demo { decoded.append(.quit) }
        case 32...255: buffer.append(UInt8(key))
        default: break // other control keys (Ctrl-Z, Ctrl-\ …) and function keys do nothing
        }
        return decoded
    }

    /// Ends a burst after `burstGap` of silence.
    public mutating func flush(at now: Double) -> [DecodedKey] {
        guard !buffer.isEmpty, now - lastKeyAt >= burstGap else { return [] }
        defer { buffer = [] }
        if buffer.count == 1 {
            switch buffer[0] {
            case UInt8(ascii: "1"): return [.input(.button(.up))]
            case UInt8(ascii: "2"): return [.input(.button(.down))]
            case UInt8(ascii: "3"): return [.input(.button(.select))]
            case UInt8(ascii: "4"): return [.input(.button(.back))]
            case UInt8(ascii: "s") where demo: return [.simulateScan]
            case UInt8(ascii: "v") where demo: return [.toggleSpeech]
            default: return []
            }
        }
        return buffer.count >= 4 ? [.input(.badge(buffer))] : []
    }
}
