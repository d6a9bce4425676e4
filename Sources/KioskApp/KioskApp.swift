import CKioskSystem
import Foundation
import KioskCore
import KioskHardware
import KioskStore
import KioskSystem
import KioskTUI

/// The appliance's main loop: keys and badge scans in, the state machine in the middle, the
/// check-in desk, the screen, LEDs and buzzer out. One thread does everything (ncurses is not
/// thread-safe); it sleeps in poll(2) on the terminal, the GPIO buttons and the badge reader, so
/// an idle kiosk costs no measurable CPU.
public final class KioskApp {
    public struct Options: Sendable {
        /// Badges the demo's `s` key scans in turn; empty outside the demo.
        public var demoBadges: [String] = []
        /// Lines shown on the idle screen (the demo's hints).
        public var hint: [String] = []
        /// Ctrl-C quits (demo only; an unattended kiosk ignores it).
        public var demo = false
        /// `[display]`: result time, high contrast, large letters.
        public var display = DisplaySettings()
        /// `[speech]`: what the demo's `v` key turns on when the kiosk starts silent.
        public var speech = SpeechSettings()

        public init(
            demoBadges: [String] = [], hint: [String] = [], demo: Bool = false, display: DisplaySettings = DisplaySettings(),
            speech: SpeechSettings = SpeechSettings()
        ) {
            self.demoBadges = demoBadges
            self.hint = hint
            self.demo = demo
            self.display = display
            self.speech = speech
        }
    }

    private let desk: CheckInDesk
    private let clock: any KioskClock
    private let options: Options
    private let timeouts: KioskTimeouts
    private let screens: KioskScreens
    private let terminal: CursesTerminal
    private let notifier: SystemdNotifier
    private let devices: KioskDevices?
    /// Speaks each new screen's outcome; nil: silent.
    private var speaker: Speaker?
    private let speech: SpeechSettings
    private var spokenShownAt: Date?
    private var painted: ScreenGrid?
    private var state: KioskState
    private var decoder: KeyDecoder
    private var surroundings: KioskSurroundings
    private var surroundingsReadAt = -Double.infinity
    private var sweptAt = -Double.infinity
    private var statusReadAt = -Double.infinity
    private var nextDemoBadge = 0
    private var checkpoints = QuietCheckpoints(startedAt: -.infinity)

    public init(
        desk: CheckInDesk, clock: any KioskClock, options: Options, terminal: CursesTerminal = CursesTerminal(),
        notifier: SystemdNotifier = SystemdNotifier(), devices: KioskDevices? = nil, speaker: Speaker? = nil
    ) {
        self.terminal = terminal
        self.speaker = speaker
        var speech = speaker?.settings ?? options.speech
        if speech.mode == .off { speech.mode = .outcomes }
        self.speech = speech
        self.devices = devices
        self.notifier = notifier
        self.desk = desk
        self.clock = clock
        self.options = options
        var timeouts = KioskTimeouts()
        if let feedback = desk.feedback { timeouts.question = Double(feedback.questionSeconds) }
        timeouts.result = Double(options.display.resultSeconds)
        self.timeouts = timeouts
        self.screens = KioskScreens(wording: desk.wording, display: options.display)
        let now = clock.read().wall
        self.state = KioskState(shownAt: now)
        self.surroundings = KioskSurroundings(location: desk.location, now: now, hint: options.hint)
        self.decoder = KeyDecoder(special: terminal.special, demo: options.demo)
    }

    /// Runs until SIGTERM/SIGINT/SIGHUP (or Ctrl-C in the demo); always restores the terminal.
    /// - Returns: the exit status: 0 when asked to stop, 1 when the terminal went away.
    public func run() -> Int32 {
        ckiosk_install_termination_flag()
        terminal.start()
        defer {
            notifier.notify("STOPPING=1")
            speaker?.close()
            terminal.stop()
        }
        step(keys: [], at: Self.monotonicSeconds())
        notifier.notify("READY=1\nSTATUS=Waiting for badges at \(desk.location)")
        var fedAt = Self.monotonicSeconds()
        // Wake at least twice per watchdog interval, so a healthy loop is never reported hung.
        let longestWait = Int32(min(1000, (notifier.watchdogInterval ?? 1) * 1000))
        while ckiosk_termination_requested() == 0 {
            if let interval = notifier.watchdogInterval, Self.monotonicSeconds() - fedAt >= interval {
                notifier.notify("WATCHDOG=1")
                fedAt = Self.monotonicSeconds()
            }
            var wait: Int32 = decoder.isCollecting ? 20 : min(longestWait, state.screen == .idle ? 1000 : 250)
            if let devices, let due = devices.wait(now: KioskDevices.monotonicNanoseconds()) {
                wait = min(wait, Int32(clamping: (due + 999_999) / 1_000_000))
            }
            let before = Self.monotonicSeconds()
            let keys = readKeys(waitingAtMost: wait)
            let seconds = Self.monotonicSeconds()
            if keys.isEmpty, seconds - before < Double(wait) / 2000, terminal.isGone { return 1 }
            if keys.contains(terminal.resizeKey) {
                terminal.invalidate()
                painted = nil
            }
            let hardware = devices?.inputs(now: KioskDevices.monotonicNanoseconds()) ?? []
            if !step(keys: keys.filter { $0 != terminal.resizeKey }, hardware: hardware, at: seconds) { return 0 }
        }
        return 0
    }

    /// One turn of the loop: decode keys, run the machine and its effects, repaint what changed.
    /// The terminal must be started. - Returns: false when the demo's quit key was pressed.
    @discardableResult
    public func step(keys: [Int32], hardware: [KioskInput] = [], at seconds: Double) -> Bool {
        if keys.isEmpty, hardware.isEmpty, !decoder.isCollecting {
            // A failed checkpoint loses nothing (the WAL keeps every commit); the next quiet spell tries again.
            if checkpoints.isDue(at: seconds) { _ = try? desk.store.checkpoint() }
        } else {
            checkpoints.input(at: seconds)
        }
        hardware.forEach(apply)
        var decoded: [DecodedKey] = []
        for key in keys { decoded += decoder.feed(key, at: seconds) }
        decoded += decoder.flush(at: seconds)
        for item in decoded {
            switch item {
            case .quit: return false
            case .simulateScan: apply(.badge(nextSimulatedBadge()))
            case .toggleSpeech: toggleSpeech()
            case .input(let input): apply(input)
            }
        }
        apply(.tick)
        refreshSurroundings(at: seconds)
        let (rows, columns) = terminal.size
        let grid = screens.render(state, surroundings, rows: rows, columns: columns)
        if grid != painted {
            terminal.paint(grid)
            painted = grid
        }
        speak()
        return true
    }

    /// After the screen is painted: hands a new screen's words to the speaker (cutting off the last).
    private func speak() {
        guard let speaker, state.shownAt != spokenShownAt else { return }
        spokenShownAt = state.shownAt
        if let utterance = SpokenWords.utterance(for: state.screen, mode: speaker.settings.mode, wording: desk.wording) {
            speaker.say(utterance)
        } else if state.screen == .idle {
            speaker.stop()
        }
    }

    /// The demo's `v` key: speech on (outcomes, unless the config says full) or off.
    private func toggleSpeech() {
        if let speaker {
            speaker.close()
            self.speaker = nil
        } else {
            speaker = Speaker(settings: speech)
            spokenShownAt = state.shownAt
        }
        surroundingsReadAt = -Double.infinity
    }

    /// Waits until the terminal, a button or the reader has something, or `milliseconds` pass;
    /// returns the keys typed (ncurses may hold several after one wake-up: all are taken).
    private func readKeys(waitingAtMost milliseconds: Int32) -> [Int32] {
        guard let devices, !devices.descriptors.isEmpty else {
            return terminal.read(timeoutMilliseconds: milliseconds).map { [$0] } ?? []
        }
        var watched = ([terminal.inputDescriptor] + devices.descriptors).map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        _ = poll(&watched, nfds_t(watched.count), milliseconds)
        var keys: [Int32] = []
        while keys.count < 64, let key = terminal.read(timeoutMilliseconds: 0) { keys.append(key) }
        return keys
    }

    /// Feeds an input through the machine, running its effects and feeding their outcomes back.
    private func apply(_ input: KioskInput) {
        var pending = [input]
        while !pending.isEmpty {
            let next = pending.removeFirst()
            let (newState, effects) = KioskMachine.handle(next, in: state, at: clock.read().wall, timeouts: timeouts, phrases: desk.wording.phrases)
            state = newState
            for effect in effects {
                switch effect {
                case .scan(let badge, let chosen):
                    pending.append(.outcome(desk.scan(bytes: badge, clock: clock.read(), chosenSessionID: chosen), badge: badge))
                case .checkOut(let badge):
                    pending.append(.outcome(desk.checkOut(bytes: badge, clock: clock.read()), badge: badge))
                case .rate(let badge, let value):
                    pending.append(.outcome(desk.rate(bytes: badge, value: value, clock: clock.read()), badge: badge))
                case .answer(let badge, let question, let value):
                    pending.append(.outcome(desk.answer(bytes: badge, question: question, value: value, clock: clock.read()), badge: badge))
                case .signal(let signal):
                    devices?.signal(signal, now: KioskDevices.monotonicNanoseconds())
                case .checkPIN(let facilitator, let pin):
                    let hash = desk.hasher.pinHash(participantID: facilitator.id, pin: pin)
                    let check = (try? desk.store.checkPIN(participantID: facilitator.id, enteredHash: hash, clock: clock.read()))
                        ?? .notAllowed
                    pending.append(.pinChecked(check))
                case .loadTallies:
                    let tallies = (try? desk.store.openTallies(location: desk.location, at: clock.read().wall, rules: desk.rules, timeZone: desk.wording.timeZone)) ?? []
                    pending.append(.tallies(tallies))
                case .manualCheckIn(let participantID, let sessionID, let actorID):
                    pending.append(.outcome(supervise("manual_check_in") {
                        let (person, session) = try desk.store.manualCheckIn(
                            participantID: participantID, sessionID: sessionID, actorID: actorID, clock: clock.read(), rules: desk.rules)
                        return (person, session, .checkedIn(person, session))
                    }, badge: []))
                case .loadRoster:
                    pending.append(.roster((try? desk.store.activeParticipants()) ?? []))
                case .linkBadge(let badge, let participantID, let actorID):
                    pending.append(.outcome(supervise("badge_linked") {
                        let person = try desk.store.linkBadge(
                            try desk.badgeHash(badge), participantID: participantID, actorID: actorID, clock: clock.read())
                        return (person, nil, .badgeLinked(person))
                    }, badge: []))
                case .startAdHocSession(let actorID):
                    pending.append(.outcome(supervise("session_opened") {
                        let session = try desk.store.startAdHocSession(actorID: actorID, location: desk.location, minutes: 60, clock: clock.read())
                        return (nil, session, .opened(session))
                    }, badge: []))
                case .closeSession(let sessionID, let actorID):
                    pending.append(.outcome(supervise("session_closed") {
                        let (session, checkedOut) = try desk.store.closeSession(sessionID: sessionID, actorID: actorID, clock: clock.read(), rules: desk.rules)
                        return (nil, session, .closed(session, checkedOut: checkedOut))
                    }, badge: []))
                case .excuse(let participantID, let sessionID, let actorID):
                    pending.append(.outcome(supervise("excused") {
                        let (person, session) = try desk.store.excuse(
                            participantID: participantID, sessionID: sessionID, actorID: actorID, reason: nil, clock: clock.read(),
                            timeZone: desk.wording.timeZone)
                        return (person, session, .excused(person, session))
                    }, badge: []))
                case .loadUpcoming:
                    let now = clock.read().wall
                    pending.append(.upcoming((try? desk.store.sessionsToStart(location: desk.location, after: now)) ?? []))
                case .cancelSession(let sessionID, let actorID):
                    pending.append(.outcome(supervise("session_cancelled") {
                        let session = try desk.store.cancelSession(sessionID: sessionID, actorID: actorID, reason: nil, clock: clock.read())
                        return (nil, session, .cancelled(session))
                    }, badge: []))
                case .undoCheckIn(let participantID, let sessionID, let actorID):
                    pending.append(.outcome(supervise("undone") {
                        let (person, session) = try desk.store.undoCheckIn(
                            participantID: participantID, sessionID: sessionID, actorID: actorID, clock: clock.read())
                        return (person, session, .undone(person, session))
                    }, badge: []))
                }
            }
            if effects.contains(where: { if case .signal = $0 { true } else { false } }) {
                surroundingsReadAt = -Double.infinity // counts changed
            }
        }
    }

    /// Runs a facilitator action and words its result (a refusal or a failed commit included) in
    /// the facilitator's language.
    private func supervise(_ code: String, _ action: () throws -> (Participant?, Session?, FacilitatorDone)) -> OutcomeReport {
        do {
            let (person, session, done) = try action()
            let words = desk.wording.speaking(to: state.screen.facilitator)
            return OutcomeReport(code: code, verdict: .done, message: words.confirmation(done), participant: person, session: session)
        } catch let refusal as SupervisionRefusal {
            return desk.wording.report(refusal)
        } catch let rejection as BadgeRejection {
            return desk.wording.report(rejection)
        } catch {
            return desk.wording.cannotRecord()
        }
    }

    /// Keeps what the screens show besides the machine's state up to date. The database is
    /// read only for the screens that show it (idle: sessions and counts, every 5 s and after
    /// each outcome; status: storage and events), never between a scan and its result.
    private func refreshSurroundings(at seconds: Double) {
        let reading = clock.read()
        surroundings.now = reading.wall
        surroundings.clockTrusted = reading.isTrusted
        switch state.screen {
        case .idle:
            if seconds - sweptAt >= 60 {
                sweptAt = seconds
                _ = try? desk.store.closeEndedSessions(clock: reading)
            }
            guard seconds - surroundingsReadAt >= 5 else { return }
            surroundingsReadAt = seconds
            readSessions(at: reading.wall)
        case .status:
            guard surroundings.statusDetails.isEmpty || seconds - statusReadAt >= 5 else { return }
            statusReadAt = seconds
            surroundings.statusDetails = statusDetails(trusted: reading.isTrusted)
        default:
            surroundings.statusDetails = []
        }
    }

    private func readSessions(at now: Date) {
        let rules = desk.rules
        guard let summaries = try? desk.store.sessions(
            from: now.addingTimeInterval(-12 * 3600), to: now.addingTimeInterval(24 * 3600), location: desk.location, timeZone: desk.wording.timeZone)
        else {
            surroundings.status = desk.wording.phrases.idleStatus(IdleStatus(eventsStored: nil))
            return
        }
        let line = { (summary: SessionSummary) in
            SessionLine(
                title: summary.session.title, startsAt: summary.session.startsAt, endsAt: summary.session.endsAt,
                present: summary.present, expected: summary.expected)
        }
        // Group sessions first (their members are expected), then by start.
        surroundings.openSessions = summaries
            .filter { $0.session.phase(at: now, rules: rules).acceptsCheckIns }
            .sorted { ($0.session.groupID == nil ? 1 : 0, $0.session.startsAt) < ($1.session.groupID == nil ? 1 : 0, $1.session.startsAt) }
            .map(line)
        surroundings.nextSession = summaries.first {
            if case .notYetOpen = $0.session.phase(at: now, rules: rules) { true } else { false }
        }.map(line)
        let sync = try? desk.store.syncState()
        let export: IdleStatus.Export = if let sync, sync.lastAttemptAt != nil {
            sync.queueLength == 0 ? .allAtHub : .waiting(sync.queueLength)
        } else {
            .offline
        }
        surroundings.status = desk.wording.phrases.idleStatus(IdleStatus(
            eventsStored: Int((try? desk.store.lastSequence()) ?? 0), export: export, refused: sync?.rejections.count ?? 0,
            speechWorks: speaker.map { $0.problem == nil }))
    }

    /// The export's state in a few words for the status page: queue, rejections, or that there is no hub.
    private func syncSummary(_ state: SyncState?) -> String {
        guard let state, state.lastAttemptAt != nil else { return "no hub has received any (mentor-kiosk enroll)" }
        let rejected = state.rejections.isEmpty ? "" : ", ✗ \(state.rejections.count) refused by the hub"
        return state.queueLength == 0 ? "all at the hub\(rejected)" : "\(state.queueLength) waiting for the hub\(rejected)"
    }

    private func statusDetails(trusted: Bool) -> [String] {
        let sync = try? desk.store.syncState()
        let usage = desk.store.storageUsage()
        let events = (try? desk.store.lastSequence()) ?? 0
        let kept = ((try? desk.store.prunedBefore()) ?? nil).map { "those before \(desk.wording.day($0)) pruned" } ?? "all kept here"
        return [
            "Kiosk          \(desk.store.kioskID) at \(desk.location)",
            "Events stored  \(events), \(kept); \(syncSummary(sync))",
            "Last sync      \(sync.map { state in state.lastSuccessAt.map { desk.wording.clock($0) } ?? "never" } ?? "never")\(sync?.lastError.map { " — last try failed: \($0)" } ?? "")",
            "Clock          \(trusted ? "✓ synchronised" : "✗ NOT synchronised: times are marked untrusted")",
            "Database       \(desk.store.path), \(usage.databaseBytes >> 10) KiB",
            "Disk           \(usage.freeBytes.map { "\($0 >> 20) MiB free" } ?? "unknown")",
        ] + (sync?.rejections.prefix(3).map { "Refused by hub event \($0.seq): \($0.reason)" } ?? []) + (devices?.statusLines ?? [])
            + [speaker?.statusLine ?? "Speech         off"]
    }

    private func nextSimulatedBadge() -> [UInt8] {
        guard !options.demoBadges.isEmpty else { return [] }
        defer { nextDemoBadge = (nextDemoBadge + 1) % options.demoBadges.count }
        return Array(options.demoBadges[nextDemoBadge].utf8)
    }

    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
