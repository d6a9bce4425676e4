/// When the kiosk's screen loop may do housekeeping that a participant must not wait for (the
/// database's WAL checkpoint): once nobody has scanned or pressed anything for a second, once per
/// quiet spell, and again every 30 s while it stays quiet (the syncer writes too). Times are the
/// loop's monotonic seconds.
public struct QuietCheckpoints: Sendable, Equatable {
    public static let quietSeconds = 1.0
    public static let repeatSeconds = 30.0

    private var lastInput: Double
    private var lastCheckpoint: Double?

    public init(startedAt seconds: Double) {
        lastInput = seconds
    }

    /// Someone is using the kiosk: the next checkpoint waits for a quiet second after this.
    public mutating func input(at seconds: Double) {
        lastInput = seconds
        lastCheckpoint = nil
    }

    /// Whether to checkpoint now; true also records that it was done.
    public mutating func isDue(at seconds: Double) -> Bool {
        guard seconds - lastInput >= Self.quietSeconds else { return false }
        if let lastCheckpoint, seconds - lastCheckpoint < Self.repeatSeconds { return false }
        lastCheckpoint = seconds
        return true
    }
}
