/// Where a long report is (a year of a large program at the hub takes seconds): shown on the
/// terminal while it runs, so an admin sees it working and how far it got.
public enum ReportStage: Sendable, Equatable {
    /// Reading the program and the period's attendance (or events).
    case reading
    /// Replaying the kiosks' events into attendance: `done` of `total` sessions.
    case replaying(done: Int, total: Int)
    /// Counting every figure.
    case counting

    /// The stage as one line of at most 60 columns, with a bar where the amount of work is known.
    public var line: String {
        switch self {
        case .reading: return "reading the program and the period's attendance…"
        case .counting: return "counting the figures…"
        case .replaying(let done, let total):
            let share = total == 0 ? 1 : min(1, Double(done) / Double(total))
            let width = 20, filled = Int((share * Double(width)).rounded(.down))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            return "replaying sessions \(bar) \(Int((share * 100).rounded(.down)))% of \(total)"
        }
    }
}
