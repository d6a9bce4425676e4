import Foundation
import KioskCore
import Testing
@testable import KioskHardware

/// Spoken confirmations: the words (pure), espeak-ng's own WAV output measured with sox, and the
/// speaker's child processes against ALSA's null device, a missing device and missing programs.
/// Needs Debian's espeak-ng, sox and alsa-utils (scripts/test installs them).
@Suite("Speech: what is said, how it sounds, what a missing device does")
struct SpeechTests {
    static let tomas = Participant(id: "M004", name: "Tomás Silva", role: .mentor, language: .spanish)
    static let lena = Participant(id: "E004", name: "Lena Novak", role: .mentee)
    static let start = Date(timeIntervalSince1970: 1_772_463_600)
    static let circle = Session(
        id: "S-CIRCLE", title: "Peer Circle A", kind: .group, location: "Main Lobby", startsAt: start, endsAt: start.addingTimeInterval(3600),
        groupID: "C1")

    /// One report of each outcome a participant hears, in `language`.
    static func outcomes(_ language: KioskLanguage) -> [String: OutcomeReport] {
        let wording = KioskWording(timeZone: .gmt, language: language)
        return [
            "checked_in": wording.report(ScanOutcome.checkIn(lena, circle, .onTime)),
            "late": wording.report(ScanOutcome.checkIn(lena, circle, .late)),
            "unknown_badge": wording.report(ScanOutcome.unknownBadge),
            "inactive": wording.report(ScanOutcome.inactive(lena)),
            "no_session": wording.report(ScanOutcome.noSessionNow(lena, next: circle)),
            "already_checked_out": wording.report(ScanOutcome.alreadyCheckedOut(lena, circle, at: start)),
            "checked_out": wording.report(CheckOutOutcome.checkOut(lena, circle, checkedInAt: start, duration: 2700)),
            "rated": wording.report(RatingOutcome.record(sessionID: "S-CIRCLE", value: 4, anonymous: false), participant: lena),
            "answered": wording.report(AnswerOutcome.record(sessionID: "S-CIRCLE", question: .pairFit, value: 1), participant: lena),
            "cannot_record": wording.cannotRecord(),
        ]
    }

    @Test("an outcome is said without the symbols and dashes the eye needs, in the participant's language")
    func words() throws {
        let wording = KioskWording(timeZone: .gmt)
        let welcome = wording.speaking(to: Self.tomas).report(ScanOutcome.checkIn(Self.tomas, Self.circle, .onTime))
        let said = try #require(SpokenWords.utterance(for: .result(welcome), mode: .outcomes, wording: wording))
        #expect(said.language == .spanish)
        #expect(said.text == "Hola, Tomás Silva, entrada registrada en Peer Circle A, a tiempo")
        #expect(SpokenWords.utterance(for: .result(welcome), mode: .off, wording: wording) == nil)
        #expect(SpokenWords.utterance(for: .idle, mode: .full, wording: wording) == nil)
        let unknown = try #require(SpokenWords.utterance(for: .result(wording.report(ScanOutcome.unknownBadge)), mode: .outcomes, wording: wording))
        #expect(unknown == Utterance(text: "Unknown badge, please see the facilitator", language: .english))
    }

    @Test("full mode also reads the question and its choices; outcomes mode only the outcome")
    func fullMode() throws {
        let wording = KioskWording(timeZone: .gmt, language: .german)
        let checkOut = wording.report(CheckOutOutcome.checkOut(Self.lena, Self.circle, checkedInAt: Self.start, duration: 600))
        let outcomes = try #require(SpokenWords.utterance(for: .rating(badge: [], report: checkOut), mode: .outcomes, wording: wording))
        let full = try #require(SpokenWords.utterance(for: .rating(badge: [], report: checkOut), mode: .full, wording: wording))
        #expect(!outcomes.text.contains("Taste"))
        #expect(full.text.hasPrefix(outcomes.text))
        #expect(full.text.contains("Wie war die Sitzung?") && full.text.contains("1: schlecht") && full.text.contains("4: super"), "\(full.text)")
        let offer = SpokenWords.utterance(for: .offerCheckOut(badge: [], report: checkOut), mode: .outcomes, wording: wording)
        #expect(offer == nil)
        #expect(SpokenWords.utterance(for: .offerCheckOut(badge: [], report: checkOut), mode: .full, wording: wording)?.text.contains("[3]") == false)
    }

    /// `sox FILE -n stat`: the length in seconds and the RMS amplitude.
    static func measure(_ wav: URL) throws -> (seconds: Double, rms: Double) {
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        sox.arguments = [wav.path, "-n", "stat"]
        let report = Pipe()
        sox.standardError = report
        try sox.run()
        let text = String(decoding: report.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        sox.waitUntilExit()
        func value(_ label: String) -> Double? {
            text.split(whereSeparator: \.isNewline).first { $0.hasPrefix(label) }
                .flatMap { $0.split(separator: ":").last }.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        }
        return (try #require(value("Length (seconds)")), try #require(value("RMS     amplitude")))
    }

    @Test("every outcome in every language renders to a non-silent WAV of a speaking length", arguments: KioskLanguage.allCases)
    func wavFiles(_ language: KioskLanguage) throws {
        let folder = ProcessInfo.processInfo.environment["MENTOR_KIOSK_SPEECH_WAVS"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("speech-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let settings = SpeechSettings(mode: .outcomes)
        for (code, report) in Self.outcomes(language) {
            let utterance = try #require(SpokenWords.utterance(for: .result(report), mode: .outcomes, wording: KioskWording(timeZone: .gmt, language: language)))
            #expect(utterance.language == language)
            let wav = folder.appendingPathComponent("\(language.rawValue)-\(code).wav")
            let espeak = Process()
            espeak.executableURL = URL(fileURLWithPath: "/usr/bin/espeak-ng")
            espeak.arguments = Speaker.synthesizerArguments(utterance, settings: settings) + ["-w", wav.path]
            let input = Pipe()
            espeak.standardInput = input
            try espeak.run()
            try input.fileHandleForWriting.write(contentsOf: Data(utterance.text.utf8))
            try input.fileHandleForWriting.close()
            espeak.waitUntilExit()
            #expect(espeak.terminationStatus == 0)
            let (seconds, rms) = try Self.measure(wav)
            let words = Double(utterance.text.split(separator: " ").count)
            // 165 words a minute is 0.36 s a word; names and numbers take longer, pauses too.
            #expect((words * 0.15...words * 0.9 + 1).contains(seconds), "\(language) \(code): \(seconds) s for \(Int(words)) words: \(utterance.text)")
            #expect(rms > 0.01, "\(language) \(code) is silent (RMS \(rms))")
        }
    }

    /// Waits (up to 10 s) until the speaker has nothing left to say.
    static func settle(_ speaker: Speaker) async throws {
        for _ in 0..<500 where speaker.isSpeaking { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!speaker.isSpeaking)
    }

    @Test("on a working device the speaker says it and reports no problem")
    func nullDevice() async throws {
        let speaker = Speaker(settings: SpeechSettings(mode: .outcomes, device: "null"))
        defer { speaker.close() }
        speaker.say(Utterance(text: "Hola, Tomás", language: .spanish))
        try await Self.settle(speaker)
        #expect(speaker.problem == nil && speaker.spoken == 1)
        #expect(speaker.statusLine.contains("✓ outcomes on ALSA device \"null\", 1 said"))
    }

    @Test("a missing audio device is a status line, and the next utterance is still tried")
    func missingDevice() async throws {
        let speaker = Speaker(settings: SpeechSettings(mode: .outcomes, device: "hw:CARD=NoSuchCard"))
        defer { speaker.close() }
        speaker.say(Utterance(text: "Welcome, Lena", language: .english))
        try await Self.settle(speaker)
        let problem = try #require(speaker.problem)
        #expect(problem.contains("hw:CARD=NoSuchCard") && problem.contains("aplay"), "\(problem)")
        speaker.say(Utterance(text: "Goodbye, Lena", language: .english))
        try await Self.settle(speaker)
        #expect(speaker.spoken == 2 && speaker.statusLine.contains("✗ ALSA device"))
    }

    @Test("a voice the machine lacks is blamed on espeak-ng, not on the sound card; a configured voice speaks its own language only")
    func voices() async throws {
        let speaker = Speaker(settings: SpeechSettings(mode: .outcomes, voice: "xx-nosuchvoice", device: "null"))
        defer { speaker.close() }
        #expect(Speaker.synthesizerArguments(Utterance(text: "Hola", language: .spanish), settings: SpeechSettings(voice: "es-419"))[1] == "es-419")
        #expect(Speaker.synthesizerArguments(Utterance(text: "Hallo", language: .german), settings: SpeechSettings(voice: "es-419"))[1] == "de")
        #expect(Speaker.synthesizerArguments(Utterance(text: "Hi", language: .english), settings: SpeechSettings(voice: "en-us"))[1] == "en-us")
        speaker.say(Utterance(text: "Welcome", language: .english))
        try await Self.settle(speaker)
        #expect(speaker.problem == nil, "xx-nosuchvoice is not an English voice: English gets en")
        // espeak-ng failing on its own (as it does for `-v nosuch`), stood in for by a script.
        let programs = try Self.programs(espeak: "#!/bin/sh\necho 'Error: The specified espeak-ng voice does not exist.' >&2\nexit 1\n")
        let failing = Speaker(settings: SpeechSettings(mode: .outcomes, device: "null"), programs: programs.path)
        defer { failing.close() }
        failing.say(Utterance(text: "Hola", language: .spanish))
        try await Self.settle(failing)
        #expect(failing.problem == "✗ espeak-ng: Error: The specified espeak-ng voice does not exist.", "\(failing.problem ?? "nil")")
    }

    /// A folder with the real aplay and espeak-ng, one of them replaced by `script`.
    static func programs(espeak: String? = nil, aplay: String? = nil) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("speech-programs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, script) in [("espeak-ng", espeak), ("aplay", aplay)] {
            let path = folder.appendingPathComponent(name)
            guard let script else {
                try FileManager.default.createSymbolicLink(atPath: path.path, withDestinationPath: "/usr/bin/" + name)
                continue
            }
            try "#!/bin/sh\n[ \"$1\" = check ] && exit 0\n\(script.dropFirst("#!/bin/sh\n".count))".write(to: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path.path)
            // A file just written can be "busy" to exec while a process forked meanwhile (other
            // tests run in parallel) still holds it open: wait until it runs.
            for _ in 0..<50 {
                let check = Process()
                check.executableURL = path
                check.arguments = ["check"]
                if (try? check.run()) != nil {
                    check.waitUntilExit()
                    if check.terminationStatus == 0 { break }
                }
                usleep(20_000)
            }
        }
        return folder
    }

    @Test("missing programs are a status line naming the package, not a crash")
    func missingPrograms() async throws {
        let speaker = Speaker(settings: SpeechSettings(mode: .outcomes), programs: "/nonexistent")
        defer { speaker.close() }
        speaker.say(Utterance(text: "Welcome", language: .english))
        try await Self.settle(speaker)
        #expect(speaker.problem?.contains("apt install") == true, "\(speaker.problem ?? "nil")")
    }

    @Test("a new utterance cuts off the one still playing")
    func cutOff() async throws {
        // A player that never finishes by itself: the real espeak-ng, and an aplay stand-in that
        // reads nothing for an hour. Only a cut-off ends an utterance here, however slowly the
        // test itself is scheduled.
        let programs = try Self.programs(aplay: "#!/bin/sh\nexec sleep 3600\n")
        let speaker = Speaker(settings: SpeechSettings(mode: .outcomes), programs: programs.path)
        defer { speaker.close() }
        speaker.say(Utterance(text: "The first participant's long welcome", language: .english))
        try await Task.sleep(for: .milliseconds(300))
        #expect(speaker.isSpeaking, "\(speaker.statusLine)")
        speaker.say(Utterance(text: "The second", language: .english))
        try await Task.sleep(for: .milliseconds(300))
        #expect(speaker.spoken == 1, "the first was cut off; the second is playing")
        speaker.stop()
        try await Self.settle(speaker)
        #expect(speaker.spoken == 2 && speaker.problem == nil)
    }
}
