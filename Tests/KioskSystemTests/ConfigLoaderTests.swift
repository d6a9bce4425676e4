import Foundation
import Testing
import KioskCore
@testable import KioskSystem

@Suite("kiosk.toml")
struct ConfigLoaderTests {
    @Test("the documented example file is exactly the defaults")
    func exampleIsDefaults() throws {
        let example = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("deploy/kiosk.example.toml").path
        #expect(try ConfigLoader.load(path: example) == KioskConfig())
    }

    @Test("values are read")
    func values() throws {
        let config = try ConfigLoader.parse("""
            [kiosk]
            id = "lobby-2"
            location = "Room 101"
            time_zone = "Europe/Berlin"
            [badges]
            leading_zeros = "strip"
            min_length = 1
            [check_in]
            opens_before_minutes = 30
            anonymous_ratings = true
            [backup]
            keep = 3
            [gpio]
            chip = "pinctrl-rp1"
            buttons = [1, 2, 3, 4]
            green_led = 10
            debounce_ms = 5
            [reader]
            device = "/dev/input/by-id/usb-Reader-event-kbd"
            silence_ms = 250
            [display]
            result_seconds = 12
            high_contrast = true
            large = true
            [speech]
            mode = "full"
            voice = "es-419"
            rate = 140
            volume = 150
            device = "plughw:CARD=Headphones"
            """, file: "k.toml")
        #expect(config.kioskID == "lobby-2")
        #expect(config.location == "Room 101")
        #expect(config.timeZone.identifier == "Europe/Berlin")
        #expect(config.badgeRules.leadingZeros == .strip)
        #expect(config.badgeRules.minimumLength == 1)
        #expect(config.checkInRules.opensBefore == 30 * 60)
        #expect(config.anonymousRatings)
        #expect(config.backupsKept == 3)
        #expect(config.secretPath(database: "/srv/k/kiosk.sqlite") == "/srv/k/badge.key")
        #expect(config.hardware.chip == "pinctrl-rp1")
        #expect(config.hardware.buttons == [1, 2, 3, 4])
        #expect(config.hardware.greenLED == 10)
        #expect(config.hardware.redLED == HardwareSettings().redLED)
        #expect(config.hardware.debounceMilliseconds == 5)
        #expect(config.hardware.readerDevice == "/dev/input/by-id/usb-Reader-event-kbd")
        #expect(config.hardware.readerSilenceMilliseconds == 250)
        #expect(config.display == DisplaySettings(resultSeconds: 12, highContrast: true, large: true))
        #expect(config.speech == SpeechSettings(mode: .full, voice: "es-419", rate: 140, volume: 150, device: "plughw:CARD=Headphones"))
    }

    static let bad: [(String, String)] = [
        ("[kiosk]\nid = 7\n", "k.toml: kiosk.id: expected a string, found int"),
        ("[kiosk]\nid = \"has space\"\n", "k.toml: kiosk.id: expected 1–64 letters, digits, '.', '_' or '-', found \"has space\""),
        ("[kiosk]\ntime_zone = \"Mars/Olympus\"\n", "k.toml: kiosk.time_zone: \"Mars/Olympus\" is not a time zone; use an IANA name such as Europe/Berlin"),
        ("[badges]\nletter_case = \"title\"\n", "k.toml: badges.letter_case: expected one of \"upper\", \"lower\", \"preserve\", found \"title\""),
        ("[badges]\nallowed_pattern = \"[A-Z\"\n", "k.toml: badges.allowed_pattern: [A-Z is not a valid regular expression"),
        ("[badges]\nmin_length = 10\nmax_length = 5\n", "k.toml: badges.max_length: maximum length 5 is below minimum length 10"),
        ("[check_in]\nopens_before_minutes = 500\n", "k.toml: check_in.opens_before_minutes: expected an integer from 0 to 240, found 500"),
        ("[check_in]\nanonymous_ratings = \"yes\"\n", "k.toml: check_in.anonymous_ratings: expected true or false, found string"),
        ("[check_in]\ngrace = 5\n", "k.toml: check_in.grace: unknown key; [check_in] has opens_before_minutes, on_time_grace_minutes, duplicate_window_seconds, rating_window_minutes, anonymous_ratings"),
        ("[gpo]\nchip = \"x\"\n", "k.toml: gpo: unknown section; the sections are kiosk, badges, check_in, feedback, backup, retention, gpio, reader, display, speech"),
        ("[display]\nresult_seconds = 1\n", "k.toml: display.result_seconds: expected an integer from 2 to 60, found 1"),
        ("[display]\nlarge = 1\n", "k.toml: display.large: expected true or false, found int"),
        ("[speech]\nmode = \"loud\"\n", "k.toml: speech.mode: expected one of \"off\", \"outcomes\", \"full\", found \"loud\""),
        ("[speech]\nrate = 1000\n", "k.toml: speech.rate: expected an integer from 80 to 400, found 1000"),
        ("[speech]\ndevice = \"hw:0 -D evil\"\n", "k.toml: speech.device: expected an ALSA device such as \"default\" or \"plughw:CARD=Headphones\", found \"hw:0 -D evil\""),
        ("[speech]\nvoice = \"--help\"\n", "k.toml: speech.voice: expected an espeak-ng voice such as \"es\" or \"en-us\", found \"--help\""),
        ("[gpio]\nbuttons = [5, 6, 13]\n", "k.toml: gpio.buttons: expected a list of 4 line offsets (0–1023), one per button, such as [5, 6, 13, 19]"),
        ("[gpio]\nbuttons = [5, 6, 13, \"x\"]\n", "k.toml: gpio.buttons: expected a list of 4 line offsets"),
        ("[gpio]\nbuttons = [5, 6, 13, 23]\n", "k.toml: gpio.buttons: line 23 is wired twice; buttons, LEDs and buzzer need a line each"),
        ("[gpio]\nbuzzer = -1\n", "k.toml: gpio.buzzer: expected an integer from 0 to 1023, found -1"),
        ("[gpio]\nchip = 0\n", "k.toml: gpio.chip: expected a string, found int"),
        ("[reader]\ndevice = \"event3\"\n", "k.toml: reader.device: expected an absolute path such as /dev/input/by-id/usb-…-event-kbd, found \"event3\""),
        ("kiosk = 3\n", "k.toml: kiosk: expected a [kiosk] table"),
        ("[kiosk\n", "k.toml: line 1, column"),
    ]

    @Test("bad values name the key and the expected form", arguments: bad)
    func badValues(text: String, message: String) {
        do {
            _ = try ConfigLoader.parse(text, file: "k.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }

    @Test("the system clock reads boot time and a trust flag")
    func systemClock() {
        let first = SystemClock().read()
        let second = SystemClock(startingAt: Date(timeIntervalSince1970: 0)).read()
        #expect(second.monotonicNanoseconds >= first.monotonicNanoseconds)
        #expect(first.monotonicNanoseconds > 0)
        #expect(second.wall >= Date(timeIntervalSince1970: 0))
        #expect(second.wall < Date(timeIntervalSince1970: 1))
        #expect(abs(first.wall.timeIntervalSinceNow) < 5)
    }
}
