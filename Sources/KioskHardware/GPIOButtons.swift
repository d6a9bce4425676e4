import CGPIO
import KioskCore

/// The four push buttons: pull-up, active-low inputs with edge events, debounced into presses.
public final class GPIOButtons {
    public let chip: GPIOChip
    private let handle: OpaquePointer
    private var debouncer: ButtonDebouncer
    /// Readable when edges are pending (one per line on libgpiod 1.6, one in all on 2.x).
    public let descriptors: [Int32]

    public init(chip: GPIOChip, offsets: [UInt32], debounceMilliseconds: Int, consumer: String = "mentor-kiosk") throws(GPIOError) {
        let lines = zip(KioskButton.allCases, offsets).map { (name: "button \($0.number)", offset: $1) }
        handle = try chip.request(lines) { offsets in
            cgpio_request_buttons(chip.path, offsets, offsets.count, consumer, UInt(debounceMilliseconds) * 1000)
        }
        self.chip = chip
        debouncer = ButtonDebouncer(
            buttons: Dictionary(uniqueKeysWithValues: zip(offsets, KioskButton.allCases)),
            stableMilliseconds: UInt64(debounceMilliseconds))
        var fds = [Int32](repeating: -1, count: 16)
        descriptors = Array(fds.prefix(cgpio_event_fds(handle, &fds, fds.count)))
    }

    deinit { cgpio_release(handle) }

    /// Reads the edges that arrived and returns the presses that settled by `now` (ns on
    /// CLOCK_MONOTONIC, the clock of the kernel's edge timestamps).
    public func presses(now: UInt64) -> [KioskButton] {
        var edges = [cgpio_edge](repeating: cgpio_edge(), count: 64)
        var presses: [KioskButton] = []
        let count = cgpio_read_edges(handle, &edges, edges.count)
        for edge in edges.prefix(max(0, Int(count))) {
            presses += debouncer.feed(.init(line: edge.offset, pressed: edge.active != 0, nanoseconds: edge.timestamp_ns))
        }
        if !debouncer.unsettledLines.isEmpty {
            var levels = [Int32](repeating: 0, count: debouncer.buttons.count)
            if cgpio_get_levels(handle, &levels) == 0 {
                let offsets = debouncer.buttons.keys.sorted { debouncer.buttons[$0]!.rawValue < debouncer.buttons[$1]!.rawValue }
                debouncer.confirm(Dictionary(uniqueKeysWithValues: zip(offsets, levels.map { $0 != 0 })))
            }
        }
        return presses + debouncer.settle(before: now)
    }

    /// When an unsettled edge will have held long enough to count, if one is waiting.
    public func settleDeadline(now: UInt64) -> UInt64? {
        debouncer.unsettledLines.isEmpty ? nil : now + debouncer.stableNanoseconds
    }
}
