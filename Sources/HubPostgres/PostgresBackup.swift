import Foundation
import HubStore
import KioskStore

/// `mentor-hub backup` and `restore` on PostgreSQL: PostgreSQL's own pg_dump and pg_restore
/// (Debian's postgresql-client), in the same `hub-<time>/` folders as the SQLite hub's, with the
/// badge key beside the dump.
public enum PostgresBackup {
    static let dumpFile = "database.pgdump"

    /// Dumps the database (`pg_dump --format=custom`) into a new backup folder in `directory`.
    public static func backup(_ url: PostgresURL, state: String, into directory: String, keep: Int, at time: Date) throws -> String {
        try HubStore.writeBackup(into: directory, keep: keep, at: time, state: state) { folder in
            let dump = folder + "/" + dumpFile
            try run("pg_dump", ["--format=custom", "--no-owner", "--file=" + dump], url)
            _ = chmod(dump, 0o600)
        }
    }

    /// Restores a backup folder's dump into the database: refused while any other session is
    /// connected to it (a running `mentor-hub serve`); one transaction, so a failure changes
    /// nothing. Objects the dump holds are dropped and created again.
    public static func restore(_ url: PostgresURL, from backup: String, state: String) throws -> HubStore.Restored {
        try HubStore.requireBackupFolder(backup, holding: [dumpFile])
        let dump = backup + "/" + dumpFile
        do {
            _ = try run("pg_restore", ["--list", dump], url)
        } catch {
            throw DatabaseRestore.Failure.notABackup(path: backup, reason: "\(dump) is not a pg_dump archive")
        }
        let others = try run("psql", ["-XAt", "-c", "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"], url)
        guard others.trimmingCharacters(in: .whitespacesAndNewlines) == "0" else {
            throw DatabaseRestore.Failure.failed(
                "\(url) has \(others.trimmingCharacters(in: .whitespacesAndNewlines)) other sessions (a running mentor-hub serve?): stop them first, then restore")
        }
        try run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error", "--dbname=" + (url.libpqEnvironment["PGDATABASE"] ?? ""), dump], url)
        let key = HubStore.restoreKey(from: backup, into: state)
        return HubStore.Restored(kept: [], restoredKey: key.restored, keyDiffers: key.differs)
    }

    /// Runs a libpq tool with the URL's connection in its environment.
    /// - Returns: its standard output.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], _ url: PostgresURL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(url.libpqEnvironment) { _, new in new }
        // One pipe for both: a tool that fills a second one while this reads the first would wait forever.
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            throw DatabaseRestore.Failure.failed("cannot run \(tool) (install postgresql-client): \(error.localizedDescription)")
        }
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let reason = process.terminationStatus == 127
                ? "not installed (apt-get install postgresql-client)"
                : printed.split(separator: "\n").suffix(3).joined(separator: "; ")
            throw DatabaseRestore.Failure.failed("\(tool) failed: \(reason)")
        }
        return printed
    }
}
