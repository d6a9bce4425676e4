/// How the screens are laid out for the people in front of them (`[display]` in kiosk.toml).
public struct DisplaySettings: Sendable, Equatable {
    /// How long a check-in's result stays on screen before the start screen returns.
    public var resultSeconds = 5
    public static let resultSecondsLimits = 2...60
    /// White on black; what a coloured background marked becomes inverse video.
    public var highContrast = false
    /// Big letters only on the start and result screens, for low vision.
    public var large = false

    public init(resultSeconds: Int = 5, highContrast: Bool = false, large: Bool = false) {
        self.resultSeconds = resultSeconds
        self.highContrast = highContrast
        self.large = large
    }
}

/// What the kiosk says aloud (`[speech] mode`).
public enum SpeechMode: String, Sendable, CaseIterable {
    /// Silent: the buzzer only.
    case off
    /// Each outcome: "Welcome, Maria, checked in to Peer Circle A".
    case outcomes
    /// Outcomes, and each question with its choices, for participants who cannot see the screen.
    case full
}

/// Spoken confirmations through espeak-ng (`[speech]` in kiosk.toml).
public struct SpeechSettings: Sendable, Equatable {
    public var mode = SpeechMode.off
    /// An espeak-ng voice such as "en-us" or "es-419"; empty: the speaker's language's own.
    public var voice = ""
    /// Words per minute.
    public var rate = 165
    public static let rateLimits = 80...400
    /// espeak-ng's amplitude, 0–200.
    public var volume = 100
    public static let volumeLimits = 0...200
    /// The ALSA device: "default", "plughw:CARD=Headphones" (a Pi's jack), "plughw:CARD=Device"
    /// (a USB speaker); `aplay -L` lists them.
    public var device = "default"

    public init(mode: SpeechMode = .off, voice: String = "", rate: Int = 165, volume: Int = 100, device: String = "default") {
        self.mode = mode
        self.voice = voice
        self.rate = rate
        self.volume = volume
        self.device = device
    }
}
