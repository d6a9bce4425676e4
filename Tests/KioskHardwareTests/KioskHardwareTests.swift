import KioskCore
import Testing
@testable import KioskHardware

@Suite("Buttons: debounce from event timestamps")
struct ButtonDebouncerTests {
    let ms: UInt64 = 1_000_000

    @Test("a bouncing press and release count as exactly one press")
    func bounce() {
        var debouncer = ButtonDebouncer(buttons: [17: .select], stableMilliseconds: 20)
        var presses: [KioskButton] = []
        // Press: contacts chatter for 3 ms, then hold 200 ms; release chatters too.
        let edges: [(Bool, UInt64)] = [(true, 0), (false, 1), (true, 2), (false, 3), (true, 4),
                                       (false, 204), (true, 205), (false, 207)]
        for (pressed, at) in edges {
            presses += debouncer.feed(.init(line: 17, pressed: pressed, nanoseconds: at * ms))
        }
        presses += debouncer.settle(before: 400 * ms)
        #expect(presses == [.select])
    }

    @Test("two real presses are two; a glitch shorter than the window is none")
    func twoPresses() {
        var debouncer = ButtonDebouncer(buttons: [5: .up, 6: .down], stableMilliseconds: 20)
        var presses: [KioskButton] = []
        for (line, pressed, at) in [(5, true, 0), (5, false, 100), (5, true, 300), (5, false, 400), (6, true, 500), (6, false, 510)] as [(UInt32, Bool, UInt64)] {
            presses += debouncer.feed(.init(line: line, pressed: pressed, nanoseconds: at * ms))
        }
        presses += debouncer.settle(before: 1000 * ms)
        #expect(presses == [.up, .up])
    }

    @Test("a stale edge direction is corrected by the level read from the line")
    func confirmedLevel() {
        var debouncer = ButtonDebouncer(buttons: [5: .up], stableMilliseconds: 20)
        // The last edge of a bounce was reported as a release, but the line reads pressed.
        #expect(debouncer.feed(.init(line: 5, pressed: false, nanoseconds: 0)).isEmpty)
        #expect(debouncer.unsettledLines == [5])
        debouncer.confirm([5: true, 6: true])
        #expect(debouncer.settle(before: 10 * ms).isEmpty, "not yet stable")
        #expect(debouncer.settle(before: 30 * ms) == [.up])
        #expect(debouncer.unsettledLines.isEmpty)
    }
}

@Suite("Devices that are not there")
struct MissingDevicesTests {
    @Test("GPIO off: keys are the buttons, nothing to wait on")
    func gpioOff() {
        var settings = HardwareSettings()
        settings.chip = "none"
        let devices = KioskDevices(settings: settings, now: 0)
        #expect(devices.buttons == nil && devices.signals == nil && devices.gpioProblem == nil)
        #expect(devices.descriptors.isEmpty)
        #expect(devices.wait(now: 0) == nil)
        #expect(devices.statusLines == [
            "GPIO           off (chip = \"none\"): keys 1–4 are the buttons",
            "Badge reader   the console (a keyboard-wedge reader types here)",
        ])
    }

    @Test("a missing chip is named, and the kiosk goes on with keys")
    func missingChip() {
        var settings = HardwareSettings()
        settings.chip = "/dev/no-such-gpiochip"
        let devices = KioskDevices(settings: settings, now: 0)
        #expect(devices.buttons == nil)
        #expect(devices.gpioProblem == "GPIO chip \"/dev/no-such-gpiochip\": no such chip")
        #expect(devices.statusLines[0].hasPrefix("GPIO           ✗ GPIO chip \"/dev/no-such-gpiochip\""))
        settings.chip = "no-such-label"
        #expect(KioskDevices(settings: settings, now: 0).gpioProblem == "GPIO chip \"no-such-label\": no such chip")
    }

    @Test("an unplugged reader is retried every second; a non-input file is refused with its reason")
    func unpluggedReader() throws {
        var settings = HardwareSettings()
        settings.chip = "none"
        settings.readerDevice = "/dev/input/by-id/usb-No-Such-Reader-event-kbd"
        let devices = KioskDevices(settings: settings, now: 5_000_000_000)
        #expect(devices.reader?.state == .waiting(reason: "not plugged in"))
        #expect(devices.descriptors.isEmpty)
        #expect(devices.wait(now: 5_000_000_000) == 1_000_000_000)
        #expect(devices.inputs(now: 6_000_000_000).isEmpty)
        #expect(devices.wait(now: 6_000_000_000) == 1_000_000_000, "retried at 6 s, next at 7 s")
        #expect(devices.statusLines[1] == "Badge reader   ✗ /dev/input/by-id/usb-No-Such-Reader-event-kbd: not plugged in")

        settings.readerDevice = "/dev/null"
        let notAnInput = KioskDevices(settings: settings, now: 0)
        #expect(notAnInput.reader?.state == .waiting(reason: "Inappropriate ioctl for device"))
    }
}

@Suite("LED and buzzer patterns")
struct SignalPatternTests {
    @Test("each outcome sounds different and lights the right colour")
    func distinct() {
        let patterns = [KioskSignal.ok, .late, .already, .error].map(SignalPattern.pattern(for:))
        let beeps = patterns.map { pattern in pattern.steps.filter(\.buzzer).count }
        let longest = patterns.map { pattern in pattern.steps.filter(\.buzzer).map(\.milliseconds).max() ?? 0 }
        #expect(Set(zip(beeps, longest).map { "\($0)-\($1)" }).count == 4, "beep count and length tell the four apart")
        #expect(patterns[3].steps.allSatisfy { $0.red && !$0.green })
        #expect(patterns[0].steps.allSatisfy { $0.green && !$0.red })
    }

    @Test("outputs follow the timeline and end dark")
    func timeline() {
        let late = SignalPattern.pattern(for: .late)
        #expect(late.outputs(at: 0).buzzer)
        #expect(!late.outputs(at: 150).buzzer)
        #expect(late.outputs(at: 250).buzzer)
        #expect(late.outputs(at: late.duration) == SignalPattern.Step(milliseconds: 0))
    }
}

@Suite("Badge reader on evdev")
struct ReaderScanAssemblerTests {
    let ms: UInt64 = 1_000_000

    func type(_ codes: [(UInt16, ReaderScanAssembler.KeyState)], into reader: inout ReaderScanAssembler, start: UInt64 = 0) -> [[UInt8]] {
        var scans: [[UInt8]] = []
        for (index, (code, state)) in codes.enumerated() {
            if let scan = reader.feed(code: code, state: state, nanoseconds: start + UInt64(index) * ms) { scans.append(scan) }
        }
        return scans
    }

    @Test("digits and Enter make a scan; releases and repeats add nothing")
    func digits() {
        var reader = ReaderScanAssembler()
        let keys: [(UInt16, ReaderScanAssembler.KeyState)] = [(3, .pressed), (3, .released), (11, .pressed), (11, .repeated), (11, .released), (5, .pressed), (28, .pressed)]
        #expect(type(keys, into: &reader).map { String(decoding: $0, as: UTF8.self) } == ["204"])
    }

    @Test("shift gives capitals; keypad digits work; silence ends a scan without Enter")
    func shiftAndSilence() {
        var reader = ReaderScanAssembler(silenceMilliseconds: 100)
        let keys: [(UInt16, ReaderScanAssembler.KeyState)] = [(42, .pressed), (30, .pressed), (42, .released), (48, .pressed), (79, .pressed), (82, .pressed)]
        #expect(type(keys, into: &reader).isEmpty)
        #expect(reader.silenceDeadline == 105 * ms, "100 ms after the last key")
        #expect(reader.flush(at: 50 * ms) == nil)
        #expect(reader.flush(at: 200 * ms).map { String(decoding: $0, as: UTF8.self) } == "Ab10")
        #expect(reader.flush(at: 400 * ms) == nil)
        #expect(reader.silenceDeadline == nil)
    }
}
