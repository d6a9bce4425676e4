import Foundation

/// Keeps every session's replay current as the kiosks' events come in, beside `mentor-hub
/// serve`: without it the first report over a year replays a year of events while the admin
/// waits. Each ingest marks the sessions it stored events of (`HubStorage.replaysDue`); the
/// keeper replays the marked sessions a page at a time and clears their marks, except those
/// an ingest marked again meanwhile (those are replayed in the next round). Each hub process
/// runs one; on PostgreSQL two processes may replay the same page, which wastes work and
/// changes nothing (a replay is kept only at its version or a later one).
public struct ReplayKeeper: Sendable {
    public let store: any HubStorage
    /// The pause after a round that found nothing more to do.
    public let interval: Duration
    /// Marks read (and sessions replayed) at once.
    public let pageSize: Int

    public init(store: any HubStorage, interval: Duration = .seconds(2), pageSize: Int = HubAttendance.page) {
        self.store = store
        self.interval = interval
        self.pageSize = max(1, pageSize)
    }

    /// Runs until its task is cancelled. First it marks the replays an earlier release kept in
    /// another form (they would otherwise wait for a report); a failed round (the database out of
    /// reach) is said on standard output (the journal) and tried again after `interval`.
    public func run() async {
        var checkedLayout = false
        while !Task.isCancelled {
            do {
                if !checkedLayout {
                    let marked = try await store.markReplaysDue(unlessStartingWith: SessionReplay.header)
                    if marked > 0 { print("replays: \(marked) kept by an earlier release are replayed again") }
                    checkedLayout = true
                }
                try await catchUp()
            } catch {
                print("replays: \(error)")
                fflush(nil)
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }

    /// One round: every session marked when it began is replayed (if its kept replay is stale)
    /// and its marks cleared. A page that fails keeps its marks and the round goes on past it
    /// (one session that cannot be replayed does not hold up the others); the round then throws
    /// the first failure. Returns how many sessions it replayed or found current.
    @discardableResult
    public func catchUp() async throws -> Int {
        var position: ReplayDue?
        var sessions = 0
        var failure: (any Error)?
        while !Task.isCancelled {
            let due = try await store.replaysDue(after: position, limit: pageSize)
            guard let last = due.last else { break }
            position = last
            do {
                // One mark per session and kiosk: `currentReplays` takes each session once.
                sessions += try await store.currentReplays(ofSessions: due.map(\.sessionID)).count
                try await store.clearReplaysDue(due)
            } catch {
                failure = failure ?? error
            }
            if due.count < pageSize { break }
        }
        if let failure { throw failure }
        return sessions
    }
}
