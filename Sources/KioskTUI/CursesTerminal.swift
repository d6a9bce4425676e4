import CNCurses
import Foundation

/// Paints `ScreenGrid`s with ncursesw and reads keys. Not thread-safe (neither is ncurses):
/// one thread makes every call.
public final class CursesTerminal {
    private var painted: ScreenGrid?
    private var pairs: [CellStyle: Int16] = [:]
    private var started = false
    private let device: String?
    private var deviceFile: UnsafeMutablePointer<FILE>?

    /// - Parameter device: a terminal device to use instead of standard input and output
    ///   (benchmarks paint to a pseudo-terminal).
    public init(device: String? = nil) {
        self.device = device
    }

    public var special: KeyDecoder.SpecialKeys {
        KeyDecoder.SpecialKeys(up: cncurses_key_up(), down: cncurses_key_down(), enter: cncurses_key_enter())
    }

    /// Takes over the terminal: raw keys (Ctrl-C, Ctrl-Z, Ctrl-\ arrive as keys, not signals),
    /// no echo, no cursor.
    public func start() {
        setlocale(LC_ALL, "")
        if let device, let file = fopen(device, "r+") {
            deviceFile = file
            set_term(newterm(nil, file, file))
        } else {
            initscr()
        }
        cncurses_restore_on_crash()
        raw()
        noecho()
        keypad(cncurses_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        if has_colors() {
            start_color()
            use_default_colors()
        }
        started = true
    }

    /// Gives the terminal back as it was. Safe to call more than once.
    public func stop() {
        guard started else { return }
        started = false
        endwin()
        if let deviceFile { fclose(deviceFile) }
        deviceFile = nil
    }

    public var size: (rows: Int, columns: Int) { (Int(cncurses_lines()), Int(cncurses_columns())) }

    /// Waits up to `milliseconds` for a key; nil when none came. A resize arrives as `resizeKey`.
    public func read(timeoutMilliseconds milliseconds: Int32) -> Int32? {
        wtimeout(cncurses_stdscr(), milliseconds)
        let key = wgetch(cncurses_stdscr())
        return key == ERR ? nil : key
    }

    /// Whether the terminal has gone away (hung up or closed): then every read fails at once,
    /// and a loop around `read` would spin.
    /// The descriptor keys arrive on, to wait on it together with other devices.
    public var inputDescriptor: Int32 { deviceFile.map { fileno($0) } ?? STDIN_FILENO }

    public var isGone: Bool {
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) >= 0 else { return true }
        return descriptor.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
    }

    public var resizeKey: Int32 { cncurses_key_resize() }

    /// Forgets what is on screen, so the next paint redraws everything (after a resize).
    public func invalidate() {
        painted = nil
        wclear(cncurses_stdscr())
    }

    /// Repaints the rows that differ from what is on screen.
    public func paint(_ grid: ScreenGrid) {
        let screen = cncurses_stdscr()
        let full = painted.map { $0.rows != grid.rows || $0.columns != grid.columns } ?? true
        for row in 0..<grid.rows {
            if !full, let painted, (0..<grid.columns).allSatisfy({ painted[row, $0] == grid[row, $0] }) { continue }
            wmove(screen, Int32(row), 0)
            var column = 0
            while column < grid.columns {
                let style = grid[row, column].style
                var run = ""
                while column < grid.columns, grid[row, column].style == style {
                    run.append(grid[row, column].character)
                    column += 1
                }
                wattrset(screen, Int32(bitPattern: attributes(style)))
                waddstr(screen, run)
            }
        }
        wattrset(screen, 0)
        wrefresh(screen)
        painted = grid
    }

    private func attributes(_ style: CellStyle) -> UInt32 {
        var value = style.bold ? UInt32(cncurses_bold()) : 0
        if style.foreground != .normal || style.background != .normal, has_colors() {
            value |= UInt32(cncurses_color_pair(pair(for: CellStyle(foreground: style.foreground, background: style.background))))
        }
        return value
    }

    private func pair(for colors: CellStyle) -> Int16 {
        if let pair = pairs[colors] { return pair }
        let next = Int16(pairs.count + 1)
        guard Int32(next) < cncurses_color_pairs() else { return 0 }
        init_pair(next, Self.curses(colors.foreground), Self.curses(colors.background))
        pairs[colors] = next
        return next
    }

    private static func curses(_ color: ScreenColor) -> Int16 {
        switch color {
        case .normal: -1
        case .black: Int16(COLOR_BLACK)
        case .red: Int16(COLOR_RED)
        case .green: Int16(COLOR_GREEN)
        case .yellow: Int16(COLOR_YELLOW)
        case .blue: Int16(COLOR_BLUE)
        case .magenta: Int16(COLOR_MAGENTA)
        case .cyan: Int16(COLOR_CYAN)
        case .white: Int16(COLOR_WHITE)
        }
    }
}
