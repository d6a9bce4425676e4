import CKioskSystem
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
        // The speaker's thread and the programs it starts yield the processor to the UI loop:
        // a check-in is never slower for being spoken (children inherit the nice value).
        _ = ckiosk_lower_thread_priority(15)
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
        // text: the words into espeak-ng; sound: espeak-ng's WAV into aplay; errors: aplay's reason.
        var text: [Int32] = [-1, -1], sound: [Int32] = [-1, -1], errors: [Int32] = [-1, -1]
        guard ckiosk_pipe_cloexec(&text) == 0, ckiosk_pipe_cloexec(&sound) == 0, ckiosk_pipe_cloexec(&errors) == 0 else {
            (text + sound + errors).filter { $0 >= 0 }.forEach { _ = Glibc.close($0) }
            return "✗ cannot open pipes for speech"
        }
        defer { _ = Glibc.close(errors[0]) }
        var player: SpawnedProgram
        do {
            player = try SpawnedProgram(programs + "/aplay", ["-q", "-D", settings.device], stdin: sound[0], stdout: nil, stderr: errors[1])
        } catch {
            [text[0], text[1], sound[0], sound[1], errors[1]].forEach { _ = Glibc.close($0) }
            return "✗ cannot start \(programs)/aplay: \(error.message) (apt install alsa-utils)"
        }
        [sound[0], errors[1]].forEach { _ = Glibc.close($0) }
        var synthesizer: SpawnedProgram
        do {
            synthesizer = try SpawnedProgram(
                programs + "/espeak-ng", Self.synthesizerArguments(utterance, settings: settings) + ["--stdout"],
                stdin: text[0], stdout: sound[1], stderr: nil)
        } catch {
            [text[0], text[1], sound[1]].forEach { _ = Glibc.close($0) }
            player.kill()
            return "✗ cannot start \(programs)/espeak-ng: \(error.message) (apt install espeak-ng)"
        }
        [text[0], sound[1]].forEach { _ = Glibc.close($0) }
        let words = Array((utterance.text + "\n").utf8)
        _ = words.withUnsafeBytes { write(text[1], $0.baseAddress, $0.count) }
        _ = Glibc.close(text[1])
        while synthesizer.poll() == nil || player.poll() == nil {
            condition.lock()
            if !cutOff { _ = condition.wait(until: Date(timeIntervalSinceNow: 0.02)) }
            let cut = cutOff
            condition.unlock()
            if cut {
                synthesizer.kill()
                player.kill()
                return nil
            }
        }
        guard let status = player.poll(), status != 0 else { return "" }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(errors[0], &buffer, buffer.count)
        let message = String(decoding: buffer.prefix(max(0, count)), as: UTF8.self)
            .split(whereSeparator: \.isNewline).last.map(String.init) ?? "exit status \(status)"
        return "✗ ALSA device \"\(settings.device)\": \(message)"
    }
}
