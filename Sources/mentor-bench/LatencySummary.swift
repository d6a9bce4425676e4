import Foundation

/// Percentiles of a set of measured latencies.
struct LatencySummary {
    let sorted: [Duration]

    init(_ samples: [Duration]) {
        sorted = samples.sorted()
    }

    func percentile(_ fraction: Double) -> Duration {
        guard !sorted.isEmpty else { return .zero }
        let index = min(sorted.count - 1, max(0, Int((fraction * Double(sorted.count)).rounded(.up)) - 1))
        return sorted[index]
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    func row(_ name: String) -> String {
        let cells = [0.5, 0.9, 0.99, 1.0].map { String(format: "%8.3f", Self.milliseconds(percentile($0))) }
        return name.padding(toLength: 34, withPad: " ", startingAt: 0) + cells.joined(separator: " ")
    }

    static let header = "".padding(toLength: 34, withPad: " ", startingAt: 0) + "  p50 ms   p90 ms   p99 ms   max ms"
}
