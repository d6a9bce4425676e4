import CKioskSystem

#if canImport(Glibc)
import Glibc
#endif

/// A USB badge reader read as an evdev device and grabbed exclusively, so its keystrokes never
/// reach the console (or a shell behind it). Unplugged, it is reopened every second until it
/// is back; `state` says which, for the status screen.
public final class EvdevBadgeReader {
    public enum State: Sendable, Equatable {
        case connected
        case waiting(reason: String)
    }

    public let path: String
    public private(set) var state: State = .waiting(reason: "not opened yet")
    private var descriptor: Int32 = -1
    private var assembler: ReaderScanAssembler
    private var retryAt: UInt64 = 0
    private static let retryNanoseconds: UInt64 = 1_000_000_000

    public init(path: String, silenceMilliseconds: Int, now: UInt64) {
        self.path = path
        assembler = ReaderScanAssembler(silenceMilliseconds: UInt64(silenceMilliseconds))
        reopen(now: now)
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Readable when keys are pending; empty while the reader is away.
    public var descriptors: [Int32] { descriptor >= 0 ? [descriptor] : [] }

    /// Reads the keys that arrived and returns the scans they finished by `now` (CLOCK_MONOTONIC).
    public func scans(now: UInt64) -> [[UInt8]] {
        if descriptor < 0 {
            if now >= retryAt { reopen(now: now) }
            if descriptor < 0 { return assembler.flush(at: now).map { [$0] } ?? [] }
        }
        var scans: [[UInt8]] = []
        var events = [ckiosk_key_event](repeating: ckiosk_key_event(), count: 128)
        let count = ckiosk_evdev_read_keys(descriptor, &events, Int32(events.count))
        if count < 0 {
            state = .waiting(reason: "\(String(cString: strerror(errno))); waiting for it to come back")
            close(descriptor)
            descriptor = -1
            retryAt = now + Self.retryNanoseconds
        }
        for event in events.prefix(max(0, Int(count))) {
            guard let keyState = ReaderScanAssembler.KeyState(rawValue: event.state) else { continue }
            if let scan = assembler.feed(code: event.code, state: keyState, nanoseconds: event.nanoseconds) { scans.append(scan) }
        }
        if let scan = assembler.flush(at: now) { scans.append(scan) }
        return scans
    }

    /// When the reader next needs a look without input: a scan ending by silence, or a retry.
    public var deadline: UInt64? {
        [assembler.silenceDeadline, descriptor < 0 ? retryAt : nil].compactMap { $0 }.min()
    }

    private func reopen(now: UInt64) {
        descriptor = ckiosk_evdev_open(path, 1)
        if descriptor >= 0 {
            state = .connected
        } else {
            let reason = errno == ENOENT ? "not plugged in" : String(cString: strerror(errno))
            state = .waiting(reason: reason)
            retryAt = now + Self.retryNanoseconds
        }
    }
}
