import Foundation
import KioskCore

/// Says the kiosk's outcomes aloud: espeak-ng writes the sound, aplay plays it on the ALSA device
/// from `[speech] device`. Both run as child processes, started and watched by a thread of the
/// speaker's own: the UI loop only hands over the words (`say`) and never waits for a process.
/// A new utterance cuts the one still being said off. A missing program or device is reported
/// by `problem` and `statusLine`, never thrown.
public final class Speaker: @unchecked Sendable {
    public let settings: SpeechSettings
    /// Where espeak-ng and aplay are looked for.
    private let programs: String
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var pending: Utterance?
    private var cutOff = false
    private var closed = false
    private var busy = false
    private var lastProblem: String?
    private var spokenCount = 0

    public init(settings: SpeechSettings, programs: String = "/usr/bin") {
        self.settings = settings
        self.programs = programs
        // A synthesizer that died early must not take the kiosk with it: the write fails instead.
        signal(SIGPIPE, SIG_IGN)
        let thread = Thread { [self] in work() }
        thread.name = "speaker"
        thread.start()
    }

    /// espeak-ng's arguments for `utterance` (the text itself goes in on standard input, so that
    /// a name can never be read as an option).
    public static func synthesizerArguments(_ utterance: Utterance, settings: SpeechSettings) -> [String] {
        ["-v", settings.voice.isEmpty ? utterance.language.rawValue : settings.voice,
         "-s", String(settings.rate), "-a", String(settings.volume), "-b", "1"]
    }

    /// Starts saying `utterance`, cutting off whatever is still being said. Returns at once.
    public func say(_ utterance: Utterance) {
        locked {
            pending = utterance
            cutOff = true
            busy = true
        }
    }

    /// Cuts off what is being said.
    public func stop() {
        locked {
            pending = nil
            cutOff = true
        }
    }

    /// Stops the speaker's thread (after cutting off what it says).
    public func close() {
        locked {
            pending = nil
            cutOff = true
            closed = true
        }
    }

    /// Why the last utterance could not be heard; nil when it played (or none was said yet).
    public var problem: String? { locked { lastProblem } }
    /// Utterances that ran to their end or were cut off.
    public var spoken: Int { locked { spokenCount } }
    /// Whether an utterance is waiting or being said.
    public var isSpeaking: Bool { locked { busy } }

    /// One line for the status screen.
    public var statusLine: String {
        let (problem, spoken) = locked { (lastProblem, spokenCount) }
        return "Speech         " + (problem ?? "✓ \(settings.mode.rawValue) on ALSA device \"\(settings.device)\"\(spoken > 0 ? ", \(spoken) said" : "")")
    }

    private func locked<T>(_ body: () -> T) -> T {
        condition.lock()
        defer {
            condition.signal()
            condition.unlock()
        }
        return body()
    }

    private func work() {
        while true {
            condition.lock()
            while pending == nil, !closed {
                busy = false
                condition.wait()
            }
            guard !closed, let utterance = pending else {
                condition.unlock()
                return
            }
            pending = nil
            cutOff = false
            condition.unlock()
            let outcome = play(utterance)
            locked {
                spokenCount += 1
                if let outcome { lastProblem = outcome.isEmpty ? nil : outcome }
            }
        }
    }

    /// Runs espeak-ng into aplay until they end or a newer utterance cuts them off.
    /// - Returns: "" when it played, a problem, or nil when cut off (nothing learnt).
    private func play(_ utterance: Utterance) -> String? {
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
            return "✗ cannot start \(programs)/aplay (apt install alsa-utils)"
        }
        do {
            try synthesizer.run()
        } catch {
            kill(player.processIdentifier, SIGKILL)
            player.waitUntilExit()
            return "✗ cannot start \(programs)/espeak-ng (apt install espeak-ng)"
        }
        try? text.fileHandleForWriting.write(contentsOf: Data((utterance.text + "\n").utf8))
        try? text.fileHandleForWriting.close()
        var interrupted = false
        while synthesizer.isRunning || player.isRunning {
            condition.lock()
            if !cutOff || interrupted { _ = condition.wait(until: Date(timeIntervalSinceNow: 0.02)) }
            let cut = cutOff
            condition.unlock()
            if cut, !interrupted {
                interrupted = true
                // SIGKILL: a signal the child cannot have blocked or ignored.
                kill(synthesizer.processIdentifier, SIGKILL)
                kill(player.processIdentifier, SIGKILL)
            }
        }
        if interrupted { return nil }
        if player.terminationStatus == 0 { return "" }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .split(whereSeparator: \.isNewline).last.map(String.init) ?? "exit status \(player.terminationStatus)"
        return "✗ ALSA device \"\(settings.device)\": \(message)"
    }
}
