import CKioskSystem

#if canImport(Glibc)
import Glibc
#endif

/// A program started with `posix_spawn` and reaped with `waitpid`, its standard streams taken
/// from descriptors the caller owns; every other descriptor of the kiosk is closed in it, and
/// its signals start from their defaults (the kiosk ignores SIGPIPE; its children must not).
///
/// Not Foundation's `Process`: on Linux it learns that a child ended when a descriptor closes,
/// which any other process that inherited it can delay indefinitely (see the tests'
/// `ChildProcess` for the hang that taught us).
@_spi(Benchmarks) public struct SpawnedProgram {
    public struct Failure: Error {
        public var message: String
    }

    public let pid: pid_t

    /// Starts `path` with `arguments` and only `environment`, its standard input, output and
    /// error on the given descriptors (nil: /dev/null).
    public init(_ path: String, _ arguments: [String], environment: [String], stdin: Int32?, stdout: Int32?, stderr: Int32?) throws(Failure) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, source) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            if let source {
                posix_spawn_file_actions_adddup2(&actions, source, target)
            } else {
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            }
        }
        let closing = ckiosk_spawn_close_from(&actions, 3)
        guard closing == 0 else { throw Failure(message: "cannot close the kiosk's descriptors in the child: \(String(cString: strerror(closing)))") }
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
        var argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let error = posix_spawn(&child, path, &actions, &attributes, &argv, &envp)
        guard error == 0 else { throw Failure(message: String(cString: strerror(error))) }
        pid = child
    }

    /// The exit status once the program has ended (nil: still running; -1: killed by a signal).
    public mutating func poll() -> Int32? {
        if let finished { return finished }
        var status: Int32 = 0
        var reaped = waitpid(pid, &status, WNOHANG)
        while reaped < 0, errno == EINTR { reaped = waitpid(pid, &status, WNOHANG) }
        if reaped < 0 {
            finished = -1 // ECHILD: already reaped; never signal that pid again
        } else if reaped == pid {
            finished = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
        }
        return finished
    }

    private var finished: Int32?

    /// Kills the program and reaps it.
    public mutating func kill() {
        guard poll() == nil else { return }
        _ = Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        finished = -1
    }
}
