import Foundation
import KioskCore
import TOMLKit

/// Reads `kiosk.toml` strictly: unknown sections and keys are errors (a typo must not
/// silently fall back to a default), and every value is checked for type and range.
public enum ConfigLoader {
    public static func load(path: String) throws(ConfigError) -> KioskConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, key: nil, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, key: nil, message: "the file is not valid UTF-8")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(ConfigError) -> KioskConfig {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(
                file: file, key: nil,
                message: "line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)")
        } catch {
            throw ConfigError(file: file, key: nil, message: "\(error)")
        }
        var reader = Reader(file: file, root: table)
        var config = KioskConfig()
        try reader.section("kiosk", keys: ["id", "location", "time_zone", "state_directory", "language"]) { section throws(ConfigError) in
            config.kioskID = try section.string("id", default: config.kioskID, pattern: "[A-Za-z0-9._-]{1,64}", form: "1–64 letters, digits, '.', '_' or '-'")
            config.location = try section.string("location", default: config.location)
            let zone = try section.string("time_zone", default: config.timeZone.identifier)
            guard let timeZone = TimeZone(identifier: zone) else {
                throw section.error("time_zone", "\"\(zone)\" is not a time zone; use an IANA name such as Europe/Berlin")
            }
            config.timeZone = timeZone
            config.stateDirectory = try section.string("state_directory", default: config.stateDirectory)
            config.language = try section.choice("language", default: config.language)
        }
        try reader.section("badges", keys: ["letter_case", "leading_zeros", "allowed_pattern", "min_length", "max_length", "secret_file"]) { section throws(ConfigError) in
            var rules = config.badgeRules
            rules.letterCase = try section.choice("letter_case", default: rules.letterCase)
            rules.leadingZeros = try section.choice("leading_zeros", default: rules.leadingZeros)
            rules.allowedPattern = try section.string("allowed_pattern", default: rules.allowedPattern)
            rules.minimumLength = try section.integer("min_length", default: rules.minimumLength, in: 1...BadgeRules.absurdLength)
            rules.maximumLength = try section.integer("max_length", default: rules.maximumLength, in: 1...BadgeRules.absurdLength)
            do throws(BadgeRulesError) {
                try rules.validate()
            } catch {
                switch error {
                case .invalidPattern(let message): throw section.error("allowed_pattern", message)
                case .invalidLength(let message): throw section.error("max_length", message)
                }
            }
            config.badgeRules = rules
            config.secretFile = try section.string("secret_file", default: "", allowEmpty: true)
        }
        try reader.section("check_in", keys: ["opens_before_minutes", "on_time_grace_minutes", "duplicate_window_seconds", "rating_window_minutes", "anonymous_ratings"]) { section throws(ConfigError) in
            var rules = config.checkInRules
            rules.opensBefore = Double(try section.integer("opens_before_minutes", default: 15, in: ProgramSettings.opensBeforeLimits)) * 60
            rules.onTimeGrace = Double(try section.integer("on_time_grace_minutes", default: 5, in: ProgramSettings.onTimeGraceLimits)) * 60
            rules.duplicateWindow = Double(try section.integer("duplicate_window_seconds", default: 5, in: ProgramSettings.duplicateWindowLimits))
            rules.ratingWindow = Double(try section.integer("rating_window_minutes", default: 30, in: ProgramSettings.ratingWindowLimits)) * 60
            config.checkInRules = rules
            config.anonymousRatings = try section.boolean("anonymous_ratings", default: false)
        }
        try reader.section("feedback", keys: ["pair_fit", "fit_sessions", "goal_every", "directed_feedback", "show_goal_text", "question_seconds"]) { section throws(ConfigError) in
            var feedback = config.feedback
            feedback.pairFit = try section.boolean("pair_fit", default: feedback.pairFit)
            feedback.fitSessions = try section.integer("fit_sessions", default: feedback.fitSessions, in: FeedbackSettings.fitSessionsLimits)
            feedback.goalEvery = try section.integer("goal_every", default: feedback.goalEvery, in: FeedbackSettings.goalEveryLimits)
            feedback.directedFeedback = try section.boolean("directed_feedback", default: feedback.directedFeedback)
            feedback.showGoalText = try section.boolean("show_goal_text", default: feedback.showGoalText)
            feedback.questionSeconds = try section.integer(
                "question_seconds", default: feedback.questionSeconds, in: FeedbackSettings.questionSecondsLimits)
            config.feedback = feedback
        }
        try reader.section("backup", keys: ["directory", "keep"]) { section throws(ConfigError) in
            config.backupDirectory = try section.string("directory", default: "", allowEmpty: true)
            config.backupsKept = try section.integer("keep", default: 7, in: 1...365)
        }
        try reader.section("retention", keys: ["acknowledged_events_days"]) { section throws(ConfigError) in
            let days = try section.integer("acknowledged_events_days", default: 0, in: 0...KioskConfig.acknowledgedEventsDaysLimits.upperBound)
            guard days == 0 || KioskConfig.acknowledgedEventsDaysLimits.contains(days) else {
                throw section.error(
                    "acknowledged_events_days",
                    "expected 0 (keep every event) or \(KioskConfig.acknowledgedEventsDaysLimits.lowerBound) to \(KioskConfig.acknowledgedEventsDaysLimits.upperBound) days, found \(days)")
            }
            config.acknowledgedEventsDays = days
        }
        try reader.section("gpio", keys: ["chip", "buttons", "green_led", "red_led", "buzzer", "debounce_ms"]) { section throws(ConfigError) in
            var hardware = config.hardware
            hardware.chip = try section.string("chip", default: hardware.chip)
            hardware.buttons = try section.lineOffsets("buttons", default: hardware.buttons, count: KioskButton.allCases.count)
            hardware.greenLED = try section.lineOffset("green_led", default: hardware.greenLED)
            hardware.redLED = try section.lineOffset("red_led", default: hardware.redLED)
            hardware.buzzer = try section.lineOffset("buzzer", default: hardware.buzzer)
            hardware.debounceMilliseconds = try section.integer("debounce_ms", default: hardware.debounceMilliseconds, in: 1...200)
            let lines = hardware.buttons + [hardware.greenLED, hardware.redLED, hardware.buzzer]
            if let repeated = lines.first(where: { line in lines.filter { $0 == line }.count > 1 }) {
                throw section.error("buttons", "line \(repeated) is wired twice; buttons, LEDs and buzzer need a line each")
            }
            config.hardware = hardware
        }
        try reader.section("reader", keys: ["device", "silence_ms"]) { section throws(ConfigError) in
            config.hardware.readerDevice = try section.string("device", default: "", allowEmpty: true)
            if !config.hardware.readerDevice.isEmpty, !config.hardware.readerDevice.hasPrefix("/") {
                throw section.error("device", "expected an absolute path such as /dev/input/by-id/usb-…-event-kbd, found \"\(config.hardware.readerDevice)\"")
            }
            config.hardware.readerSilenceMilliseconds = try section.integer(
                "silence_ms", default: config.hardware.readerSilenceMilliseconds, in: 20...2000)
        }
        try reader.section("display", keys: ["result_seconds", "high_contrast", "large"]) { section throws(ConfigError) in
            config.display.resultSeconds = try section.integer(
                "result_seconds", default: config.display.resultSeconds, in: DisplaySettings.resultSecondsLimits)
            config.display.highContrast = try section.boolean("high_contrast", default: config.display.highContrast)
            config.display.large = try section.boolean("large", default: config.display.large)
        }
        try reader.section("speech", keys: ["mode", "voice", "rate", "volume", "device"]) { section throws(ConfigError) in
            var speech = config.speech
            speech.mode = try section.choice("mode", default: speech.mode)
            speech.voice = try section.string(
                "voice", default: speech.voice, allowEmpty: true, pattern: "([A-Za-z0-9][A-Za-z0-9_+-]{0,39})?", form: "an espeak-ng voice such as \"es\" or \"en-us\"")
            speech.rate = try section.integer("rate", default: speech.rate, in: SpeechSettings.rateLimits)
            speech.volume = try section.integer("volume", default: speech.volume, in: SpeechSettings.volumeLimits)
            speech.device = try section.string(
                "device", default: speech.device, pattern: "[A-Za-z0-9][A-Za-z0-9_:=,.-]{0,79}", form: "an ALSA device such as \"default\" or \"plughw:CARD=Headphones\"")
            config.speech = speech
        }
        try reader.rejectUnknownSections()
        return config
    }

    /// Walks the TOML tables, remembering what was read so leftovers can be reported.
    struct Reader {
        let file: String
        let root: TOMLTable
        var known: [String] = []

        mutating func section(
            _ name: String, keys: [String], _ body: (Section) throws(ConfigError) -> Void
        ) throws(ConfigError) {
            known.append(name)
            guard let value = root[name] else {
                try body(Section(file: file, name: name, table: TOMLTable()))
                return
            }
            guard let table = value.table else {
                throw ConfigError(file: file, key: name, message: "expected a [\(name)] table")
            }
            if let unknown = table.keys.sorted().first(where: { !keys.contains($0) }) {
                throw ConfigError(
                    file: file, key: "\(name).\(unknown)",
                    message: "unknown key; [\(name)] has \(keys.joined(separator: ", "))")
            }
            try body(Section(file: file, name: name, table: table))
        }

        func rejectUnknownSections() throws(ConfigError) {
            if let unknown = root.keys.sorted().first(where: { !known.contains($0) }) {
                throw ConfigError(
                    file: file, key: unknown, message: "unknown section; the sections are \(known.joined(separator: ", "))")
            }
        }
    }

    struct Section {
        let file: String
        let name: String
        let table: TOMLTable

        func error(_ key: String, _ message: String) -> ConfigError {
            ConfigError(file: file, key: "\(name).\(key)", message: message)
        }

        func string(
            _ key: String, default fallback: String, allowEmpty: Bool = false, pattern: String? = nil, form: String? = nil
        ) throws(ConfigError) -> String {
            guard let value = table[key] else { return fallback }
            guard let text = value.string else { throw error(key, "expected a string, found \(value.type)") }
            if !allowEmpty, text.isEmpty { throw error(key, "must not be empty") }
            if let pattern, let regex = try? Regex(pattern), (try? regex.wholeMatch(in: text)) == nil {
                throw error(key, "expected \(form ?? pattern), found \"\(text)\"")
            }
            return text
        }

        func integer(_ key: String, default fallback: Int, in range: ClosedRange<Int>) throws(ConfigError) -> Int {
            guard let value = table[key] else { return fallback }
            guard let number = value.int else { throw error(key, "expected an integer from \(range.lowerBound) to \(range.upperBound), found \(value.type)") }
            guard range.contains(number) else {
                throw error(key, "expected an integer from \(range.lowerBound) to \(range.upperBound), found \(number)")
            }
            return number
        }

        /// A GPIO line offset: 0–1023.
        func lineOffset(_ key: String, default fallback: UInt32) throws(ConfigError) -> UInt32 {
            UInt32(try integer(key, default: Int(fallback), in: 0...1023))
        }

        func lineOffsets(_ key: String, default fallback: [UInt32], count: Int) throws(ConfigError) -> [UInt32] {
            guard let value = table[key] else { return fallback }
            let form = "a list of \(count) line offsets (0–1023), one per button, such as [5, 6, 13, 19]"
            guard let list = value.array, list.count == count else { throw error(key, "expected \(form)") }
            var offsets: [UInt32] = []
            for element in list {
                guard let number = element.int, (0...1023).contains(number) else { throw error(key, "expected \(form)") }
                offsets.append(UInt32(number))
            }
            return offsets
        }

        func boolean(_ key: String, default fallback: Bool) throws(ConfigError) -> Bool {
            guard let value = table[key] else { return fallback }
            guard let flag = value.bool else { throw error(key, "expected true or false, found \(value.type)") }
            return flag
        }

        func choice<Choice: RawRepresentable & CaseIterable>(
            _ key: String, default fallback: Choice
        ) throws(ConfigError) -> Choice where Choice.RawValue == String {
            let text = try string(key, default: fallback.rawValue)
            guard let choice = Choice(rawValue: text) else {
                throw error(key, "expected one of \(Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")), found \"\(text)\"")
            }
            return choice
        }
    }
}
