import Foundation
import KioskCore

/// Says the kiosk's outcomes aloud: espeak-ng writes the sound, aplay plays it on the ALSA device
/// from `[speech] device`. Both run as child processes apart from the UI loop, which only starts
/// them and looks at how they ended; a new utterance cuts the one still speaking off. A missing
/// program or device is reported by `statusLine`, never thrown.
public final class Speaker {
    public let settings: SpeechSettings
    /// Where espeak-ng and aplay are looked for (tests point it elsewhere).
    private let programs: String
    private var speaking: (synthesizer: Process, player: Process, errors: Pipe)?
    /// How the last utterance went, for the status screen.
    public private(set) var problem: String?
    public private(set) var spoken = 0

    public init(settings: SpeechSettings, programs: String = "/usr/bin") {
        self.settings = settings
        self.programs = programs
        // A synthesizer that died early must not take the kiosk with it: the write fails instead.
        signal(SIGPIPE, SIG_IGN)
    }

    /// espeak-ng's arguments for `utterance` (the text itself goes in on standard input, so that
    /// a name can never be read as an option).
    public static func synthesizerArguments(_ utterance: Utterance, settings: SpeechSettings) -> [String] {
        ["-v", settings.voice.isEmpty ? utterance.language.rawValue : settings.voice,
         "-s", String(settings.rate), "-a", String(settings.volume), "-b", "1"]
    }

    /// Starts saying `utterance`, cutting off whatever is still being said.
    public func say(_ utterance: Utterance) {
        stop()
        collect()
        let synthesizer = Process()
        synthesizer.executableURL = URL(fileURLWithPath: programs + "/espeak-ng")
        synthesizer.arguments = Self.synthesizerArguments(utterance, settings: settings) + ["--stdout"]
        let player = Process()
        player.executableURL = URL(fileURLWithPath: programs + "/aplay")
        player.arguments = ["-q", "-D", settings.device]
        let text = Pipe(), sound = Pipe(), errors = Pipe()
        synthesizer.standardInput = text
        synthesizer.standardOutput = sound
        synthesizer.standardError = FileHandle.nullDevice
        player.standardInput = sound
        player.standardOutput = FileHandle.nullDevice
        player.standardError = errors
        do {
            try player.run()
        } catch {
            problem = "✗ cannot start \(programs)/aplay (apt install alsa-utils)"
            return
        }
        do {
            try synthesizer.run()
        } catch {
            player.terminate()
            problem = "✗ cannot start \(programs)/espeak-ng (apt install espeak-ng)"
            return
        }
        try? text.fileHandleForWriting.write(contentsOf: Data((utterance.text + "\n").utf8))
        try? text.fileHandleForWriting.close()
        speaking = (synthesizer, player, errors)
        spoken += 1
    }

    /// Cuts off what is being said.
    public func stop() {
        guard let speaking, speaking.player.isRunning || speaking.synthesizer.isRunning else { return }
        speaking.synthesizer.terminate()
        speaking.player.terminate()
    }

    /// Looks at how the last utterance ended (without waiting); call it from the loop.
    public func collect() {
        guard let current = speaking, !current.player.isRunning, !current.synthesizer.isRunning else { return }
        speaking = nil
        if current.player.terminationReason == .uncaughtSignal {
            return // cut off by a newer utterance
        }
        if current.player.terminationStatus == 0 {
            problem = nil
            return
        }
        let message = String(decoding: current.errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .split(whereSeparator: \.isNewline).last.map(String.init) ?? "exit status \(current.player.terminationStatus)"
        problem = "✗ ALSA device \"\(settings.device)\": \(message)"
    }

    public var isSpeaking: Bool { speaking != nil }

    /// One line for the status screen.
    public var statusLine: String {
        let state = problem ?? "✓ \(settings.mode.rawValue) on ALSA device \"\(settings.device)\"\(spoken > 0 ? ", \(spoken) said" : "")"
        return "Speech         \(state)"
    }
}
