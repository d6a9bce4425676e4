import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A program started with `posix_spawnp` and reaped with `waitpid`, its standard streams
/// connected to files (never pipes, so nothing can block on a full pipe or wait for an end of
/// file that a grandchild keeps open).
///
/// Exists because Foundation's `Process` hung CI: on Linux (Swift 6.3.1) a tmux client that
/// had exited stayed an unreaped zombie and `waitUntilExit()` never returned.
final class ChildProcess {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// What a finished program left behind.
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let pid: pid_t
    private var finalStatus: Int32?

    /// Starts `arguments[0]` (looked up in `PATH`) with stdin, stdout and stderr from/to the
    /// given files; `nil` means /dev/null.
    init(
        _ arguments: [String], environment: [String: String]? = nil,
        stdin: String? = nil, stdout: String? = nil, stderr: String? = nil
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let environmentLines = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var argv = arguments.map { strdup($0) } + [nil]
        var envp = environmentLines.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // The test runner blocks some signals (SIGTERM among them) and children inherit the
        // mask: without this, a child could never be stopped with SIGTERM.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var child: pid_t = 0
        let error = posix_spawnp(&child, arguments[0], &actions, &attributes, &argv, &envp)
        guard error == 0 else { throw Failure(description: "cannot start \(arguments[0]): \(String(cString: strerror(error)))") }
        pid = child
    }

    /// Runs a program to its end; its input is `stdin`, its output is returned.
    static func run(_ arguments: [String], environment: [String: String]? = nil, stdin: String? = nil) throws -> Result {
        let folder = NSTemporaryDirectory() + "child-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        if let stdin { try Data(stdin.utf8).write(to: URL(fileURLWithPath: folder + "/stdin")) }
        let child = try ChildProcess(
            arguments, environment: environment, stdin: stdin == nil ? nil : folder + "/stdin",
            stdout: folder + "/stdout", stderr: folder + "/stderr")
        let status = child.wait()
        func text(_ name: String) -> String {
            String(decoding: FileManager.default.contents(atPath: folder + "/" + name) ?? Data(), as: UTF8.self)
        }
        return Result(status: status, stdout: text("stdout"), stderr: text("stderr"))
    }

    /// Waits for the end: the exit status, or 128 + the signal that ended it.
    @discardableResult
    func wait() -> Int32 {
        if let finalStatus { return finalStatus }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        return record(status)
    }

    var isRunning: Bool {
        if finalStatus != nil { return false }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return true }
        record(status)
        return false
    }

    /// The port a server child prints as "listening on …PORT" into `log`, waiting up to
    /// `seconds` for it; nil if it never does.
    static func port(announcedIn log: String, seconds: Double = 10) -> String? {
        for _ in 0..<Int(seconds * 20) {
            let text = String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self)
            if let port = text.firstMatch(of: /listening on (?:127\.0\.0\.1:)?(\d+)/) { return String(port.1) }
            usleep(50_000)
        }
        return nil
    }

    func signal(_ number: Int32) { if finalStatus == nil { kill(pid, number) } }

    @discardableResult
    private func record(_ status: Int32) -> Int32 {
        let terminatingSignal = status & 0x7f
        let result = terminatingSignal == 0 ? (status >> 8) & 0xff : 128 + terminatingSignal
        finalStatus = result
        return result
    }
}

extension ChildProcess {
    /// Headless Chromium as the tests run it (as root, without /dev/shm or a GPU) with `arguments`.
    static func chromium(_ arguments: [String]) throws -> Result {
        try run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] + arguments)
    }
}
