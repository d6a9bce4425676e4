import Foundation
import KioskSystem
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A unix datagram socket standing in for systemd's notification socket.
final class NotifyListener {
    let descriptor: Int32
    /// What goes into $NOTIFY_SOCKET.
    let address: String

    /// - Parameter abstract: listen on an abstract socket ("@name") instead of a file.
    init(directory: String, abstract: Bool = false) throws {
        address = abstract ? "@mentor-kiosk-test-\(UUID().uuidString.prefix(8))" : directory + "/notify.sock"
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(address.utf8)
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard descriptor >= 0, bound == 0 else { throw CLIHarness.HarnessError(message: "cannot bind \(address)") }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    /// Datagrams received until `seconds` have passed or `stop` says enough.
    func receive(for seconds: Double, until stop: ([String]) -> Bool = { _ in false }) -> [String] {
        var messages: [String] = []
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline, !stop(messages) {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0 { messages.append(String(decoding: buffer[0..<count], as: UTF8.self)) }
        }
        return messages
    }
}

@Suite("systemd notifications")
struct SystemdNotifyTests {
    @Test("sd_notify datagrams reach a file socket and an abstract socket", arguments: [false, true])
    func datagrams(abstract: Bool) throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let listener = try NotifyListener(directory: cli.directory, abstract: abstract)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address])
        #expect(notifier.notify("READY=1\nSTATUS=testing"))
        #expect(listener.receive(for: 2) { !$0.isEmpty } == ["READY=1\nSTATUS=testing"])
        #expect(!SystemdNotifier(environment: [:]).notify("READY=1"), "without NOTIFY_SOCKET nothing is sent")
    }

    @Test("the watchdog interval is half of WATCHDOG_USEC, and only for the named process")
    func watchdog() {
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "30000000"]).watchdogInterval == 15)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"], pid: 2).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: [:]).watchdogInterval == nil)
    }

    @Test("the kiosk says READY, feeds the watchdog from its loop, and says STOPPING on SIGTERM")
    func kioskLifecycle() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.loadSample()
        let listener = try NotifyListener(directory: cli.directory)
        let kiosk = try TmuxKiosk(
            ["run", "--database", cli.database, "--now", KioskScreenTests.now], directory: cli.directory,
            environment: ["NOTIFY_SOCKET=\(listener.address)", "WATCHDOG_USEC=600000"])
        let started = listener.receive(for: 10) { $0.filter { $0 == "WATCHDOG=1" }.count >= 3 }
        #expect(started.first?.hasPrefix("READY=1\nSTATUS=Waiting for badges at Main Lobby") == true)
        #expect(started.filter { $0 == "WATCHDOG=1" }.count >= 3)
        try kiosk.signal("TERM")
        let stopping = listener.receive(for: 5) { $0.contains("STOPPING=1") }
        #expect(stopping.contains("STOPPING=1"))
        try kiosk.waitFor("EXITED:0")
    }
}
