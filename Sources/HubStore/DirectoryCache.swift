import Foundation
import HubProtocol
import KioskCore

/// The directories one hub process has built, by location. Every kiosk polls its directory
/// every few seconds and almost always has it already: building it reads the whole roster and
/// hashes it, which a fleet of kiosks must not cost on each poll. A built directory's version
/// is kept while the database's `directoryGeneration()` is unchanged (no write touched what
/// directories are made of) and the clock has not moved a session into or out of the served
/// window; otherwise it is built again. The generation is read before the build, so a write
/// that lands during a build is never hidden behind it.
///
/// Every location's version is kept (a few bytes; 304 answers need nothing else), its JSON only
/// within `budgetBytes`, the least recently served going first: a district whose directories
/// do not all fit still answers its polls without building. Polls that find the same stale
/// entry share one build. Whatever the triggers cannot see (a database restored under a running
/// hub, triggers switched off) lasts at most `maximumAge`, and a generation that went down
/// empties the cache.
public actor DirectoryCache {
    /// A built directory: its version (the ETag) and its JSON.
    public struct Built: Sendable {
        public var version: String
        public var json: Data
    }

    /// What a poll is answered with.
    public enum Answer: Sendable {
        /// The poller has this version already (304).
        case unchanged(version: String)
        case directory(Built)
    }

    private struct Entry {
        var generation: [Int64]
        var builtAt: Date
        var changesBy: Date
        var version: String
        var json: Data?
        var lastServed: UInt64

        func holds(at now: Date, generation current: [Int64], maximumAge: TimeInterval) -> Bool {
            generation == current && builtAt <= now && now < changesBy && now.timeIntervalSince(builtAt) < maximumAge
        }
    }

    private let store: any HubStorage
    private let budgetBytes: Int
    private let maximumAge: TimeInterval
    private var entries: [String: Entry] = [:]
    private var building: [String: (generation: [Int64], task: Task<Built, any Error>)] = [:]
    private var newestGeneration: [Int64] = []
    private var serves: UInt64 = 0
    /// How many directories this cache has built: a poll it answered without building adds none.
    public private(set) var builds = 0

    /// - Parameters:
    ///   - budgetBytes: the most directory JSON it keeps.
    ///   - maximumAge: how long a directory is served without being built again, whatever the generation says.
    public init(store: any HubStorage, budgetBytes: Int = 64 << 20, maximumAge: TimeInterval = 600) {
        self.store = store
        self.budgetBytes = budgetBytes
        self.maximumAge = maximumAge
    }

    /// The answer to a poll for the directory of `location` at `now` from a kiosk that has
    /// version `known`; `built` says whether answering it built the directory.
    public func answer(location: String, at now: Date, known: String?) async throws -> (answer: Answer, built: Bool) {
        let generation = try await store.directoryGeneration()
        if zip(generation, newestGeneration).contains(where: { $0 < $1 }) { entries.removeAll() }
        newestGeneration = generation
        serves += 1
        if var entry = entries[location], entry.holds(at: now, generation: generation, maximumAge: maximumAge) {
            entry.lastServed = serves
            entries[location] = entry
            if entry.version == known { return (.unchanged(version: entry.version), false) }
            if let json = entry.json { return (.directory(Built(version: entry.version, json: json)), false) }
        }
        let built = try await build(location: location, at: now, generation: generation)
        return (built.version == known ? .unchanged(version: built.version) : .directory(built), true)
    }

    /// Builds the directory, or waits for the build of the same location and generation that another poll started.
    private func build(location: String, at now: Date, generation: [Int64]) async throws -> Built {
        if let running = building[location], running.generation == generation { return try await running.task.value }
        let task = Task { try await self.buildAndKeep(location: location, at: now, generation: generation) }
        building[location] = (generation, task)
        defer { if building[location]?.generation == generation { building[location] = nil } }
        return try await task.value
    }

    private func buildAndKeep(location: String, at now: Date, generation: [Int64]) async throws -> Built {
        let directory = try await store.directory(location: location, at: now)
        let nextStart = try await store.firstSessionStart(location: location, after: Directory.servedWindow(at: now).upperBound)
        let built = Built(version: directory.version, json: try HubJSON.encoder().encode(directory))
        builds += 1
        serves += 1
        entries[location] = Entry(
            generation: generation, builtAt: now, changesBy: Directory.windowChanges(serving: directory.sessions, nextStart: nextStart),
            version: built.version, json: built.json, lastServed: serves)
        dropJSONBeyondBudget()
        return built
    }

    /// Lets go of the least recently served JSON until the rest fits; the versions stay.
    private func dropJSONBeyondBudget() {
        var total = entries.values.reduce(0) { $0 + ($1.json?.count ?? 0) }
        guard total > budgetBytes else { return }
        for (location, entry) in entries.sorted(by: { $0.value.lastServed < $1.value.lastServed }) where total > budgetBytes {
            guard let json = entry.json else { continue }
            entries[location]?.json = nil
            total -= json.count
        }
    }
}
