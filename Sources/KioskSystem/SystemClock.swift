import Foundation
import CKioskSystem
import KioskCore

#if canImport(Glibc)
import Glibc
#endif

/// The box's clocks: wall time, time since boot, and whether the kernel says the wall clock
/// is synchronised (`adjtimex`). A Pi without network after boot reports unsynchronised.
public struct SystemClock: KioskClock {
    /// Replaces the wall time (for `--now`); monotonic time and trust still come from the system.
    public var wallOverride: Date?

    public init(wallOverride: Date? = nil) {
        self.wallOverride = wallOverride
    }

    public func read() -> ClockReading {
        var boot = timespec()
        clock_gettime(CLOCK_BOOTTIME, &boot)
        let monotonic = UInt64(boot.tv_sec) * 1_000_000_000 + UInt64(boot.tv_nsec)
        return ClockReading(wall: wallOverride ?? Date(), monotonicNanoseconds: monotonic, isTrusted: Self.isSynchronised())
    }

    /// `adjtimex` returns `TIME_ERROR` while the clock is unsynchronised.
    public static func isSynchronised() -> Bool {
        ckiosk_clock_synchronised() == 1
    }
}
