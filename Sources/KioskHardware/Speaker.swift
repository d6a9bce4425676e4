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
    /// a name can never be read as an option). The configured voice is used for utterances in its
    /// own language ("es-419" for Spanish); every other language gets its own voice.
    public static func synthesizerArguments(_ utterance: Utterance, settings: SpeechSettings) -> [String] {
        let language = utterance.language.rawValue
        let voice = settings.voice == language || settings.voice.hasPrefix(language + "-") ? settings.voice : language
        return ["-v", voice, "-s", String(settings.rate), "-a", String(settings.volume), "-b", "1"]
    }

    /// The most a single utterance says, in bytes: one write into a fresh pipe always takes it,
    /// so a stalled player can never block the speaker's thread.
    static let longestUtterance = 2_048

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
        // Signals are the UI loop's: none interrupts this thread's waits.
        var all = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_BLOCK, &all, nil)
        // This thread and the programs it starts yield the processor to the UI loop: a check-in
        // is never slower for being spoken (children inherit the nice value).
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
            let outcome: String?
            do throws(SpeechProblem) {
                var pipeline = try SpeechPipeline(utterance, settings: settings, programs: programs)
                outcome = supervise(&pipeline)
            } catch {
                outcome = error.message
            }
            locked {
                spokenCount += 1
                if let outcome { lastProblem = outcome.isEmpty ? nil : outcome }
            }
        }
    }

    /// Waits for the pipeline to end, or kills it when a newer utterance cuts it off.
    /// - Returns: "" when it played, a problem, or nil when cut off (nothing learnt).
    private func supervise(_ pipeline: inout SpeechPipeline) -> String? {
        while !pipeline.hasEnded {
            condition.lock()
            if !cutOff { _ = condition.wait(until: Date(timeIntervalSinceNow: 0.02)) }
            let cut = cutOff
            condition.unlock()
            if cut {
                pipeline.kill()
                return nil
            }
        }
        return pipeline.problem(device: settings.device)
    }
}

/// Why an utterance could not be started.
struct SpeechProblem: Error {
    var message: String
}

/// espeak-ng writing one utterance's sound into aplay: the two processes and the pipes between
/// them and to their error output.
struct SpeechPipeline {
    private var synthesizer: SpawnedProgram
    private var player: SpawnedProgram
    /// The read ends of espeak-ng's and aplay's standard error.
    private let synthesizerErrors: Int32
    private let playerErrors: Int32

    /// Starts both programs and hands espeak-ng the words (at most `Speaker.longestUtterance`
    /// bytes, cut at a character).
    init(_ utterance: Utterance, settings: SpeechSettings, programs: String) throws(SpeechProblem) {
        var descriptors: [Int32] = []
        func pipe() throws(SpeechProblem) -> (read: Int32, write: Int32) {
            var ends: [Int32] = [-1, -1]
            guard ckiosk_pipe_cloexec(&ends) == 0 else {
                descriptors.forEach { _ = Glibc.close($0) }
                throw SpeechProblem(message: "✗ cannot open pipes for speech: \(String(cString: strerror(errno)))")
            }
            descriptors += ends
            return (ends[0], ends[1])
        }
        let text = try pipe(), sound = try pipe(), synthesizerErrors = try pipe(), playerErrors = try pipe()
        // The children's ends are closed here once they are started (or could not be).
        defer { [text.read, sound.read, sound.write, synthesizerErrors.write, playerErrors.write].forEach { _ = Glibc.close($0) } }
        let environment = ["PATH=/usr/bin:/bin", "LANG=C.UTF-8"]
        do {
            player = try SpawnedProgram(
                programs + "/aplay", ["-q", "-D", settings.device], environment: environment,
                stdin: sound.read, stdout: nil, stderr: playerErrors.write)
        } catch {
            [text.write, synthesizerErrors.read, playerErrors.read].forEach { _ = Glibc.close($0) }
            throw SpeechProblem(message: "✗ cannot start \(programs)/aplay: \(error.message) (apt install alsa-utils)")
        }
        do {
            synthesizer = try SpawnedProgram(
                programs + "/espeak-ng", Speaker.synthesizerArguments(utterance, settings: settings) + ["--stdout"], environment: environment,
                stdin: text.read, stdout: sound.write, stderr: synthesizerErrors.write)
        } catch {
            player.kill()
            [text.write, synthesizerErrors.read, playerErrors.read].forEach { _ = Glibc.close($0) }
            throw SpeechProblem(message: "✗ cannot start \(programs)/espeak-ng: \(error.message) (apt install espeak-ng)")
        }
        self.synthesizerErrors = synthesizerErrors.read
        self.playerErrors = playerErrors.read
        var words = Substring(utterance.text)
        while words.utf8.count >= Speaker.longestUtterance { words = words.dropLast() }
        let bytes = Array((words + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(text.write, $0.baseAddress, $0.count) }
        _ = Glibc.close(text.write)
    }

    var hasEnded: Bool {
        mutating get { synthesizer.poll() != nil && player.poll() != nil }
    }

    mutating func kill() {
        synthesizer.kill()
        player.kill()
        close()
    }

    /// After both ended: nil when the sound played, else which program failed and its last
    /// word on the matter.
    mutating func problem(device: String) -> String {
        defer { close() }
        // espeak-ng that exited with an error of its own; killed by SIGPIPE, it only lost its player.
        if let status = synthesizer.poll(), status > 0 {
            return "✗ espeak-ng: \(Self.lastLine(synthesizerErrors) ?? "exit status \(status)")"
        }
        if let status = player.poll(), status != 0 {
            return "✗ ALSA device \"\(device)\": \(Self.lastLine(playerErrors) ?? "aplay exit status \(status)")"
        }
        return ""
    }

    private func close() {
        [synthesizerErrors, playerErrors].forEach { _ = Glibc.close($0) }
    }

    /// The last line a finished program wrote to `descriptor` (its writers have all exited).
    private static func lastLine(_ descriptor: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(descriptor, &buffer, buffer.count)
        return String(decoding: buffer.prefix(max(0, count)), as: UTF8.self).split(whereSeparator: \.isNewline).last.map(String.init)
    }
}
