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

    /// Prints two paths measured side by side and their ratio; returns the p99 ratio.
    @discardableResult
    static func printComparison(off: LatencySummary, _ offLabel: String, on: LatencySummary, _ onLabel: String) -> Double {
        print(header)
        print(off.row(offLabel))
        print(on.row(onLabel))
        let ratio = { (percentile: Double) in milliseconds(on.percentile(percentile)) / milliseconds(off.percentile(percentile)) }
        print(String(format: "ratio on/off: p50 %.2f×, p99 %.2f×", ratio(0.5), ratio(0.99)))
        return ratio(0.99)
    }

    static let header = "".padding(toLength: 34, withPad: " ", startingAt: 0) + "  p50 ms   p90 ms   p99 ms   max ms"
}
