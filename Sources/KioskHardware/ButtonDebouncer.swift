import KioskCore

/// Turns raw edges from pull-up, active-low push buttons into clean presses.
///
/// libgpiod 1.6 (Debian bookworm) has no kernel debounce, so contacts that bounce deliver a
/// burst of edges. An edge only counts when the line has been stable for `stableNanoseconds`
/// beforehand, and a press is reported on the release→press transition of that stable level.
/// Timestamps are the kernel's event timestamps, so the result does not depend on how late
/// the kiosk reads the events.
public struct ButtonDebouncer: Sendable {
    /// A raw edge: which line, whether it is now pressed (active), when (ns, kernel clock).
    public struct Edge: Sendable, Equatable {
        public var line: UInt32
        public var pressed: Bool
        public var nanoseconds: UInt64

        public init(line: UInt32, pressed: Bool, nanoseconds: UInt64) {
            self.line = line
            self.pressed = pressed
            self.nanoseconds = nanoseconds
        }
    }

    public let buttons: [UInt32: KioskButton]
    public let stableNanoseconds: UInt64
    private var lastEdgeAt: [UInt32: UInt64] = [:]
    private var pending: [UInt32: Bool] = [:]
    private var reported: [UInt32: Bool] = [:]

    public init(buttons: [UInt32: KioskButton], stableMilliseconds: UInt64 = 20) {
        self.buttons = buttons
        self.stableNanoseconds = stableMilliseconds * 1_000_000
    }

    /// Feeds one edge; returns the presses it settles (a level that held long enough).
    public mutating func feed(_ edge: Edge) -> [KioskButton] {
        let presses = settle(before: edge.nanoseconds)
        lastEdgeAt[edge.line] = edge.nanoseconds
        pending[edge.line] = edge.pressed
        return presses
    }

    /// Lines whose last edge has not settled yet.
    public var unsettledLines: [UInt32] { pending.keys.sorted() }

    /// Replaces the pending level of unsettled lines with the level read from the line itself:
    /// with bouncing contacts an edge's reported direction can be stale by the time it is read.
    public mutating func confirm(_ levels: [UInt32: Bool]) {
        for (line, level) in levels where pending[line] != nil { pending[line] = level }
    }

    /// Call when no edge arrived for a while (`now` on the same clock as the edges).
    public mutating func settle(before now: UInt64) -> [KioskButton] {
        var presses: [KioskButton] = []
        for (line, level) in pending.sorted(by: { $0.key < $1.key }) {
            guard let at = lastEdgeAt[line], now >= at, now - at >= stableNanoseconds else { continue }
            pending[line] = nil
            let was = reported[line] ?? false
            reported[line] = level
            if level, !was, let button = buttons[line] { presses.append(button) }
        }
        return presses
    }
}
