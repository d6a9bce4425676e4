import KioskCore

#if canImport(Glibc)
import Glibc
#endif

/// Everything on the box besides the screen: GPIO buttons, LEDs and buzzer, an evdev badge
/// reader. Whatever cannot be used is reported (for the status screen and the log) and left
/// out, so the kiosk always runs: with keys for buttons and the console for the reader.
public final class KioskDevices {
    public let buttons: GPIOButtons?
    public let signals: GPIOSignals?
    public let reader: EvdevBadgeReader?
    /// Why GPIO is not in use, if it is not (nil: in use, or switched off with "none").
    public let gpioProblem: String?
    private let settings: HardwareSettings
    private var signalDeadline: UInt64?

    public init(settings: HardwareSettings, consumer: String = "mentor-kiosk", now: UInt64 = KioskDevices.monotonicNanoseconds()) {
        self.settings = settings
        var buttons: GPIOButtons?
        var signals: GPIOSignals?
        var problem: String?
        if settings.gpioEnabled {
            do throws(GPIOError) {
                let chip = try GPIOChip.find(settings.chip)
                buttons = try GPIOButtons(chip: chip, offsets: settings.buttons, debounceMilliseconds: settings.debounceMilliseconds, consumer: consumer)
                signals = try GPIOSignals(chip: chip, green: settings.greenLED, red: settings.redLED, buzzer: settings.buzzer, consumer: consumer)
            } catch {
                buttons = nil
                signals = nil
                problem = error.description
            }
        }
        self.buttons = buttons
        self.signals = signals
        gpioProblem = problem
        reader = settings.readerDevice.isEmpty
            ? nil : EvdevBadgeReader(path: settings.readerDevice, silenceMilliseconds: settings.readerSilenceMilliseconds, now: now)
    }

    /// Descriptors to wait on besides the terminal.
    public var descriptors: [Int32] { (buttons?.descriptors ?? []) + (reader?.descriptors ?? []) }

    /// Button presses and badge scans that arrived by `now`.
    public func inputs(now: UInt64) -> [KioskInput] {
        if signalDeadline.map({ now >= $0 }) == true { signalDeadline = signals?.update(at: now) }
        return (buttons?.presses(now: now) ?? []).map(KioskInput.button) + (reader?.scans(now: now) ?? []).map(KioskInput.badge)
    }

    public func signal(_ signal: KioskSignal, now: UInt64) {
        signals?.play(signal, at: now)
        signalDeadline = signals?.update(at: now)
    }

    /// How long the loop may sleep before something here needs a look (nil: only on input).
    public func wait(now: UInt64) -> UInt64? {
        [buttons?.settleDeadline(now: now), reader?.deadline, signalDeadline].compactMap { $0 }.min().map { $0 > now ? $0 - now : 0 }
    }

    /// One line each for GPIO and the reader, as the status screen shows them.
    public var statusLines: [String] {
        let gpio: String
        if !settings.gpioEnabled {
            gpio = "off (chip = \"none\"): keys 1–4 are the buttons"
        } else if let chip = buttons?.chip {
            gpio = "✓ \(chip.path): buttons on lines \(settings.buttons.map(String.init).joined(separator: ", ")), LEDs \(settings.greenLED)/\(settings.redLED), buzzer \(settings.buzzer)"
        } else {
            gpio = "✗ \(gpioProblem ?? "unavailable"); keys 1–4 are the buttons"
        }
        let badgeReader: String
        switch reader?.state {
        case nil: badgeReader = "the console (a keyboard-wedge reader types here)"
        case .connected?: badgeReader = "✓ \(settings.readerDevice), grabbed"
        case .waiting(let reason)?: badgeReader = "✗ \(settings.readerDevice): \(reason)"
        }
        return ["GPIO           \(gpio)", "Badge reader   \(badgeReader)"]
    }

    public static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
