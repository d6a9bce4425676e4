import CGPIO
import KioskCore

/// The green LED, red LED and buzzer, playing a `SignalPattern` per outcome.
public final class GPIOSignals {
    private let handle: OpaquePointer
    private var pattern: SignalPattern?
    private var startedAt: UInt64 = 0
    private var driven: [Int32]?

    public init(chip: GPIOChip, green: UInt32, red: UInt32, buzzer: UInt32, consumer: String = "mentor-kiosk") throws(GPIOError) {
        handle = try chip.request([("green LED", green), ("red LED", red), ("buzzer", buzzer)]) { offsets in
            cgpio_request_outputs(chip.path, offsets, offsets.count, consumer)
        }
    }

    deinit {
        drive(SignalPattern.Step(milliseconds: 0))
        cgpio_release(handle)
    }

    /// Starts the pattern of `signal` (replacing one still playing).
    public func play(_ signal: KioskSignal, at now: UInt64) {
        pattern = SignalPattern.pattern(for: signal)
        startedAt = now
        _ = update(at: now)
    }

    /// Sets the outputs to where the pattern is at `now`; returns when they next change, or nil
    /// when the pattern is over (and everything is off).
    public func update(at now: UInt64) -> UInt64? {
        guard let pattern else { return nil }
        let elapsed = Int((now - startedAt) / 1_000_000)
        drive(pattern.outputs(at: elapsed))
        guard elapsed < pattern.duration else {
            self.pattern = nil
            return nil
        }
        var boundary = 0
        for step in pattern.steps {
            boundary += step.milliseconds
            if boundary > elapsed { break }
        }
        return startedAt + UInt64(boundary) * 1_000_000
    }

    /// Holds the outputs at `step` (for a wiring check); a playing pattern stops.
    public func hold(_ step: SignalPattern.Step) {
        pattern = nil
        drive(step)
    }

    private func drive(_ step: SignalPattern.Step) {
        let values: [Int32] = [step.green ? 1 : 0, step.red ? 1 : 0, step.buzzer ? 1 : 0]
        guard values != driven else { return }
        if cgpio_set_outputs(handle, values) == 0 { driven = values }
    }
}
