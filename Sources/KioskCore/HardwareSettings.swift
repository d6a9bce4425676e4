/// How the box's own hardware is wired: GPIO buttons, LEDs and buzzer, and the badge reader.
/// Plain settings (from `[gpio]` and `[reader]` in kiosk.toml), shared by the configuration
/// reader and the hardware drivers without either knowing the other.
public struct HardwareSettings: Sendable, Equatable {
    /// The GPIO chip: "auto" (the Raspberry Pi's header chip, found by label), a chip label such
    /// as "pinctrl-bcm2711" (Pi 4) or "pinctrl-rp1" (Pi 5), a path such as /dev/gpiochip0, or
    /// "none" (keys stand in for the buttons). Never a chip number: Pi 5 kernels renumbered them.
    public var chip = "auto"
    /// Line offsets of buttons 1–4 (on a Pi's header chip, the BCM GPIO numbers).
    public var buttons: [UInt32] = [5, 6, 13, 19]
    public var greenLED: UInt32 = 23
    public var redLED: UInt32 = 24
    public var buzzer: UInt32 = 18
    /// A button level must hold this long to count (kernel debounce on libgpiod 2, from the
    /// events' timestamps on libgpiod 1.6).
    public var debounceMilliseconds = 20
    /// An evdev badge reader (`/dev/input/by-id/…-event-kbd`), grabbed exclusively; empty: the
    /// reader types into the console like a keyboard.
    public var readerDevice = ""
    /// A scan from a reader that sends no Enter ends after this much silence.
    public var readerSilenceMilliseconds = 100

    public init() {}

    public var gpioEnabled: Bool { chip != "none" }
}
