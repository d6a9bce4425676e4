import Foundation
import HubProtocol
import KioskCore

/// The directories one hub process has built, by location, as the JSON it serves. Every kiosk
/// polls its directory every few seconds and almost always has it already: building it reads
/// the whole roster and hashes it, which a fleet of kiosks must not cost on each poll. A built
/// directory is served again while the database's `directoryGeneration()` is unchanged (no
/// write touched what directories are made of) and the clock has not moved a session into or
/// out of the served window; otherwise it is built again. The generation is read before the
/// build, so a write that lands during a build is never hidden behind it.
public actor DirectoryCache {
    /// A built directory: its version (the ETag) and its JSON.
    public struct Built: Sendable {
        public var version: String
        public var json: Data
    }

    private struct Entry {
        var generation: [Int64]
        var builtAt: Date
        var changesBy: Date
        var built: Built
        var lastUsed: UInt64
    }

    private let store: any HubStorage
    private let budgetBytes: Int
    private var entries: [String: Entry] = [:]
    private var uses: UInt64 = 0
    /// How many directories this cache has built: a poll it answered without building adds none.
    public private(set) var builds = 0

    /// - Parameter budgetBytes: the most JSON it keeps; the least recently served locations go first.
    public init(store: any HubStorage, budgetBytes: Int = 64 << 20) {
        self.store = store
        self.budgetBytes = budgetBytes
    }

    /// The directory of `location` at `now`, built only when it may have changed (`built`).
    public func directory(location: String, at now: Date) async throws -> (directory: Built, built: Bool) {
        let generation = try await store.directoryGeneration()
        uses += 1
        if var entry = entries[location], entry.generation == generation, entry.builtAt <= now, now < entry.changesBy {
            entry.lastUsed = uses
            entries[location] = entry
            return (entry.built, false)
        }
        let directory = try await store.directory(location: location, at: now)
        let nextStart = try await store.firstSessionStart(location: location, after: Directory.servedWindow(at: now).upperBound)
        let built = Built(version: directory.version, json: try HubJSON.encoder().encode(directory))
        builds += 1
        entries[location] = Entry(
            generation: generation, builtAt: now, changesBy: Directory.windowChanges(serving: directory.sessions, nextStart: nextStart),
            built: built, lastUsed: uses)
        evictBeyondBudget()
        return (built, true)
    }

    private func evictBeyondBudget() {
        var total = entries.values.reduce(0) { $0 + $1.built.json.count }
        for (location, entry) in entries.sorted(by: { $0.value.lastUsed < $1.value.lastUsed }) where total > budgetBytes && entries.count > 1 {
            entries[location] = nil
            total -= entry.built.json.count
        }
    }
}
