import CKioskSystem
import Foundation

/// Tells systemd how the kiosk is doing (sd_notify protocol, without libsystemd): READY once
/// the screen is up, WATCHDOG from the UI loop so a hung UI gets restarted, STOPPING on the
/// way out. Does nothing when not started by systemd (no $NOTIFY_SOCKET).
public struct SystemdNotifier: Sendable {
    /// $NOTIFY_SOCKET: a path, or "@name" for an abstract socket.
    public let socket: String?
    /// Half of $WATCHDOG_USEC (systemd's advice), when the watchdog is on for this process.
    public let watchdogInterval: Double?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, pid: Int32 = getpid()) {
        socket = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        let forThisProcess = environment["WATCHDOG_PID"].map { Int32($0) == pid } ?? true
        if forThisProcess, let text = environment["WATCHDOG_USEC"], let microseconds = Double(text), microseconds > 0 {
            watchdogInterval = microseconds / 2_000_000
        } else {
            watchdogInterval = nil
        }
    }

    /// Sends `state` (e.g. "READY=1\nSTATUS=…"). - Returns: whether a datagram was sent.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        guard let socket else { return false }
        return ckiosk_sd_notify(socket, state) == 0
    }
}
