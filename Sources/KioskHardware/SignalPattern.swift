import KioskCore

/// What the green LED, red LED and buzzer do for each outcome: distinct enough to tell apart
/// without looking (ok: one short beep; late: two; already: one long; error: three on red).
public struct SignalPattern: Sendable, Equatable {
    /// One period in which the outputs hold still.
    public struct Step: Sendable, Equatable {
        public var milliseconds: Int
        public var green: Bool
        public var red: Bool
        public var buzzer: Bool

        public init(milliseconds: Int, green: Bool = false, red: Bool = false, buzzer: Bool = false) {
            self.milliseconds = milliseconds
            self.green = green
            self.red = red
            self.buzzer = buzzer
        }
    }

    public var steps: [Step]

    public static func pattern(for signal: KioskSignal) -> SignalPattern {
        switch signal {
        case .ok:
            SignalPattern(steps: [.init(milliseconds: 120, green: true, buzzer: true), .init(milliseconds: 1380, green: true)])
        case .late:
            SignalPattern(steps: [
                .init(milliseconds: 100, green: true, buzzer: true), .init(milliseconds: 100, green: true),
                .init(milliseconds: 100, green: true, buzzer: true), .init(milliseconds: 1200, green: true),
            ])
        case .already:
            SignalPattern(steps: [.init(milliseconds: 500, green: true, buzzer: true), .init(milliseconds: 1000, green: true)])
        case .error:
            SignalPattern(steps: [
                .init(milliseconds: 150, red: true, buzzer: true), .init(milliseconds: 100, red: true),
                .init(milliseconds: 150, red: true, buzzer: true), .init(milliseconds: 100, red: true),
                .init(milliseconds: 150, red: true, buzzer: true), .init(milliseconds: 1350, red: true),
            ])
        }
    }

    /// The outputs at `milliseconds` after the pattern started (all off once it is over).
    public func outputs(at milliseconds: Int) -> Step {
        var elapsed = 0
        for step in steps {
            elapsed += step.milliseconds
            if milliseconds < elapsed { return step }
        }
        return Step(milliseconds: 0)
    }

    public var duration: Int { steps.reduce(0) { $0 + $1.milliseconds } }
}
