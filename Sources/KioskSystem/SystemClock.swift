import Foundation
import CKioskSystem
import KioskCore

#if canImport(Glibc)
import Glibc
#endif

/// The box's clocks: wall time, time since boot, and whether the kernel says the wall clock
/// is synchronised (`adjtimex`). A Pi without network after boot reports unsynchronised.
public struct SystemClock: KioskClock {
    /// For `--now`: the wall clock starts at this time and runs on from there; monotonic time
    /// and trust still come from the system.
    public let startingAt: Date?
    private let startedAt: UInt64

    public init(startingAt: Date? = nil) {
        self.startingAt = startingAt
        self.startedAt = Self.bootNanoseconds()
    }

    public func read() -> ClockReading {
        let monotonic = Self.bootNanoseconds()
        let wall = startingAt.map { $0.addingTimeInterval(Double(monotonic - startedAt) / 1e9) } ?? Date()
        return ClockReading(wall: wall, monotonicNanoseconds: monotonic, isTrusted: Self.isSynchronised())
    }

    static func bootNanoseconds() -> UInt64 {
        var boot = timespec()
        clock_gettime(CLOCK_BOOTTIME, &boot)
        return UInt64(boot.tv_sec) * 1_000_000_000 + UInt64(boot.tv_nsec)
    }

    /// `adjtimex` returns `TIME_ERROR` while the clock is unsynchronised.
    public static func isSynchronised() -> Bool {
        ckiosk_clock_synchronised() == 1
    }
}
