import ArgumentParser
import Foundation
import KioskCore
import KioskHardware

/// Checks the box's wiring without the kiosk screen: which chip and lines are used, presses as
/// they arrive, each LED and buzzer pattern step by step, scans from the badge reader.
struct HardwareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hardware", abstract: "Check the buttons, LEDs, buzzer and badge reader as configured.",
        subcommands: [Info.self, Buttons.self, Signal.self, Reader.self])

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the GPIO chip, the lines and who holds them, and the reader.")

        @OptionGroup var options: KioskOptions

        func run() throws {
            let hardware = try options.context().config.hardware
            guard hardware.gpioEnabled else {
                print("gpio: off (chip = \"none\")")
                return
            }
            let chip: GPIOChip
            do { chip = try GPIOChip.find(hardware.chip) } catch { throw HardwareFailure(message: error.description) }
            print("gpio: chip \"\(hardware.chip)\" is \(chip.path) with \(chip.lineCount) lines (libgpiod \(GPIOChip.libraryVersion), API \(GPIOChip.apiMajor))")
            let lines = zip(KioskButton.allCases, hardware.buttons).map { ("button \($0.number)", $1) }
                + [("green LED", hardware.greenLED), ("red LED", hardware.redLED), ("buzzer", hardware.buzzer)]
            for (name, offset) in lines {
                print("  \(name.padding(toLength: 10, withPad: " ", startingAt: 0)) line \(offset): \(chip.consumer(of: offset).map { "in use by \($0)" } ?? "free")")
            }
            print("reader: \(hardware.readerDevice.isEmpty ? "the console" : hardware.readerDevice)")
        }
    }

    struct Buttons: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print each button press as it arrives (debounced).")

        @OptionGroup var options: KioskOptions
        @Option(help: "Stop after this many presses.") var count: Int?
        @Option(help: "Give up after this many seconds (exit 1 if --count was not reached).") var timeout: Double = 60

        func run() throws {
            let settings = try options.context().config.hardware
            let devices = KioskDevices(settings: settings)
            guard let buttons = devices.buttons else { throw HardwareFailure(message: devices.gpioProblem ?? "GPIO is off (chip = \"none\")") }
            HardwareCommand.say("waiting for presses on \(buttons.chip.path)")
            let deadline = KioskDevices.monotonicNanoseconds() + UInt64(timeout * 1e9)
            var seen = 0
            while KioskDevices.monotonicNanoseconds() < deadline, seen < (count ?? .max) {
                for case .button(let button) in HardwareCommand.nextInputs(devices, idleMilliseconds: 100) {
                    seen += 1
                    HardwareCommand.say("button \(button.number)")
                }
            }
            if let count, seen < count { throw HardwareFailure(message: "\(seen) of \(count) presses within \(timeout) s") }
        }
    }

    struct Signal: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Play the LED and buzzer pattern of an outcome.",
            discussion: "With --step, each step is held until Enter is pressed, so every LED and the buzzer can be checked one by one.")

        @OptionGroup var options: KioskOptions
        @Argument(help: "ok, late, already or error.") var outcome: String
        @Flag(help: "Hold each step until Enter.") var step = false

        func run() throws {
            guard let signal = KioskSignal(rawValue: outcome) else {
                throw ValidationError("unknown outcome \"\(outcome)\"; expected ok, late, already or error")
            }
            let devices = KioskDevices(settings: try options.context().config.hardware)
            guard let signals = devices.signals else { throw HardwareFailure(message: devices.gpioProblem ?? "GPIO is off (chip = \"none\")") }
            let pattern = SignalPattern.pattern(for: signal)
            guard step else {
                devices.signal(signal, now: KioskDevices.monotonicNanoseconds())
                while let wait = devices.wait(now: KioskDevices.monotonicNanoseconds()) {
                    usleep(UInt32(min(wait / 1000, 1_000_000)))
                    _ = devices.inputs(now: KioskDevices.monotonicNanoseconds())
                }
                return
            }
            for (index, step) in pattern.steps.enumerated() {
                signals.hold(step)
                HardwareCommand.say("step \(index + 1)/\(pattern.steps.count): green \(step.green ? "on" : "off"), red \(step.red ? "on" : "off"), buzzer \(step.buzzer ? "on" : "off") (\(step.milliseconds) ms) — Enter for the next")
                _ = readLine()
            }
            signals.hold(SignalPattern.Step(milliseconds: 0))
            print("done: all off")
        }
    }

    struct Reader: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print each scan from the configured evdev badge reader.")

        @OptionGroup var options: KioskOptions
        @Option(help: "Stop after this many scans.") var count: Int?

        func run() throws {
            let settings = try options.context().config.hardware
            guard !settings.readerDevice.isEmpty else { throw HardwareFailure(message: "no [reader] device configured: the reader types into the console") }
            let devices = KioskDevices(settings: settings)
            HardwareCommand.say(devices.statusLines[1])
            var seen = 0
            while seen < (count ?? .max) {
                for case .badge(let bytes) in HardwareCommand.nextInputs(devices, idleMilliseconds: 1000) {
                    seen += 1
                    HardwareCommand.say("scan: \(String(decoding: bytes, as: UTF8.self))")
                }
            }
        }
    }

    /// Prints a line at once: whoever reads these lines (a person, a test) is waiting for them.
    static func say(_ line: String) {
        print(line)
        fflush(nil)
    }

    /// Sleeps until a device has something or needs a look, then returns what arrived.
    static func nextInputs(_ devices: KioskDevices, idleMilliseconds: Int32) -> [KioskInput] {
        var watched = devices.descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let due = devices.wait(now: KioskDevices.monotonicNanoseconds()).map { Int32(clamping: $0 / 1_000_000 + 1) }
        _ = poll(&watched, nfds_t(watched.count), min(due ?? idleMilliseconds, idleMilliseconds))
        return devices.inputs(now: KioskDevices.monotonicNanoseconds())
    }

    struct HardwareFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
