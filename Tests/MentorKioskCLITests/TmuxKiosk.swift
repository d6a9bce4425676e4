import Foundation

/// The real `mentor-kiosk` on a real terminal: a tmux session on a private tmux server,
/// driven with send-keys and read with capture-pane.
final class TmuxKiosk {
    static let socket = "mentor-kiosk-tests"
    let name: String
    let directory: String

    /// Starts `mentor-kiosk ARGUMENTS` in a `columns`×`rows` terminal; when it exits the pane
    /// shows `EXITED:<status>` under whatever the program left on the screen.
    init(
        _ arguments: [String], directory: String, rows: Int = 24, columns: Int = 80, term: String = "xterm-256color",
        environment: [String] = []
    ) throws {
        name = "kiosk-\(UUID().uuidString.prefix(8))"
        self.directory = directory
        let command = (["env", "LANG=C.UTF-8", "TERM=\(term)"] + environment + [CLIHarness.binary] + arguments)
            .map { "'\($0)'" }.joined(separator: " ") + "; echo EXITED:$?; sleep 20"
        // The server stays up when its last session ends: otherwise a test ending its session
        // while another starts one can take the new session down with the exiting server (an
        // empty screen). scripts/test stops the server at the end.
        try Self.tmux(["new-session", "-d", "-x", "\(columns)", "-y", "\(rows)", "-s", name, "-c", directory, command, ";", "set-option", "-g", "exit-empty", "off"])
    }

    deinit { _ = try? Self.tmux(["kill-session", "-t", name]) }

    var screen: String { (try? Self.tmux(["capture-pane", "-p", "-t", name])) ?? "" }

    func send(_ keys: String...) throws { try Self.tmux(["send-keys", "-t", name] + keys) }

    /// Presses buttons one at a time, as a person does (a fast burst would read as a badge).
    func press(_ buttons: Int...) throws {
        for button in buttons {
            try send(String(button))
            usleep(200_000)
        }
    }

    /// Types a badge the way a keyboard-wedge reader does: the code and Enter in one burst.
    func scan(_ badge: String) throws { try send(badge, "Enter") }

    /// The kiosk process: the child of the pane's shell.
    func kioskPID() throws -> String {
        let shell = try Self.tmux(["list-panes", "-t", name, "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let children = try ChildProcess.run(["pgrep", "-P", shell]).stdout
        return children.split(separator: "\n").first.map(String.init) ?? ""
    }

    /// Sends a signal to the kiosk process itself (the pane's shell stays to print EXITED).
    func signal(_ name: String) throws {
        _ = try ChildProcess.run(["kill", "-\(name)", try kioskPID()])
    }

    func resize(rows: Int, columns: Int) throws {
        try Self.tmux(["resize-window", "-t", name, "-x", "\(columns)", "-y", "\(rows)"])
    }

    /// Polls the screen until `text` appears; returns the screen (or throws with the last one).
    @discardableResult
    func waitFor(_ text: String, timeout: Double = 10) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = screen
            if last.contains(text) { return last }
            usleep(50_000)
        }
        throw Timeout(text: text, screen: last)
    }

    struct Timeout: Error, CustomStringConvertible {
        var text: String
        var screen: String
        var description: String { "\"\(text)\" did not appear; the screen was:\n\(screen)" }
    }

    /// Runs a tmux client. A client that starts the server hands the server its standard
    /// streams; they are files here, so nothing waits for them to close.
    @discardableResult
    static func tmux(_ arguments: [String]) throws -> String {
        try ChildProcess.run(["tmux", "-L", socket] + arguments).stdout
    }
}
