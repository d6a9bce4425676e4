import Foundation

/// One reading of the kiosk's clocks, taken once per action so every event of that action
/// carries the same times.
///
/// A Raspberry Pi has no real-time clock: until the system clock is synchronised the wall
/// time may be far off, so each reading also carries the monotonic time (which the hub can
/// use to correct wall times later) and whether the wall clock was trusted.
public struct ClockReading: Sendable, Equatable {
    public var wall: Date
    /// Nanoseconds since boot (CLOCK_BOOTTIME); only comparable within one boot.
    public var monotonicNanoseconds: UInt64
    /// The system reported its clock as synchronised when this reading was taken.
    public var isTrusted: Bool

    public init(wall: Date, monotonicNanoseconds: UInt64 = 0, isTrusted: Bool = true) {
        self.wall = wall
        self.monotonicNanoseconds = monotonicNanoseconds
        self.isTrusted = isTrusted
    }
}

/// Where rules get the time from. Pure code takes a `ClockReading`; edges own a `KioskClock`.
public protocol KioskClock: Sendable {
    func read() -> ClockReading
}

/// A clock that always says the same thing: for tests, demos and `--now`.
public struct FixedClock: KioskClock {
    public var reading: ClockReading

    public init(_ reading: ClockReading) { self.reading = reading }
    public init(wall: Date) { self.reading = ClockReading(wall: wall) }

    public func read() -> ClockReading { reading }
}
