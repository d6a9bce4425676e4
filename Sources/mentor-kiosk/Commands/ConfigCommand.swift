import ArgumentParser
import Foundation
import KioskCore
import KioskSystem

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Work with the configuration file.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the configuration and print the values in effect (exit 1 naming the bad key).")

        @OptionGroup var options: KioskOptions

        func run() throws {
            let context = try options.context()
            let config = context.config
            // The file only: installers run this as root, and opening the database could leave
            // root-owned WAL files. `doctor` says whether the hub's rules replace these.
            let settings = ProgramSettings(rules: config.checkInRules, anonymousRatings: config.anonymousRatings)
            let badge = config.badgeRules
            let hardware = config.hardware
            let feedback = config.feedback
            print("""
                kiosk.id = \(config.kioskID)
                kiosk.location = \(config.location)
                kiosk.time_zone = \(config.timeZone.identifier)
                kiosk.state_directory = \(config.stateDirectory)
                kiosk.language = \(config.language.rawValue)
                badges.letter_case = \(badge.letterCase.rawValue)
                badges.leading_zeros = \(badge.leadingZeros.rawValue)
                badges.allowed_pattern = \(badge.allowedPattern)
                badges.min_length = \(badge.minimumLength)
                badges.max_length = \(badge.maximumLength)
                badges.secret_file = \(context.secretPath)
                check_in.opens_before_minutes = \(settings.opensBeforeMinutes)
                check_in.on_time_grace_minutes = \(settings.onTimeGraceMinutes)
                check_in.duplicate_window_seconds = \(settings.duplicateWindowSeconds)
                check_in.rating_window_minutes = \(settings.ratingWindowMinutes)
                check_in.anonymous_ratings = \(settings.anonymousRatings)
                feedback.pair_fit = \(feedback.pairFit)
                feedback.fit_sessions = \(feedback.fitSessions)
                feedback.goal_every = \(feedback.goalEvery)
                feedback.directed_feedback = \(feedback.directedFeedback)
                feedback.show_goal_text = \(feedback.showGoalText)
                feedback.question_seconds = \(feedback.questionSeconds)
                backup.directory = \(config.backupPath(database: context.databasePath))
                backup.keep = \(config.backupsKept)
                retention.acknowledged_events_days = \(config.acknowledgedEventsDays)
                gpio.chip = \(hardware.chip)
                gpio.buttons = \(hardware.buttons.map(String.init).joined(separator: ", "))
                gpio.green_led = \(hardware.greenLED)
                gpio.red_led = \(hardware.redLED)
                gpio.buzzer = \(hardware.buzzer)
                gpio.debounce_ms = \(hardware.debounceMilliseconds)
                reader.device = \(hardware.readerDevice)
                reader.silence_ms = \(hardware.readerSilenceMilliseconds)
                display.result_seconds = \(config.display.resultSeconds)
                display.high_contrast = \(config.display.highContrast)
                display.large = \(config.display.large)
                speech.mode = \(config.speech.mode.rawValue)
                speech.voice = \(config.speech.voice)
                speech.rate = \(config.speech.rate)
                speech.volume = \(config.speech.volume)
                speech.device = \(config.speech.device)
                database = \(context.databasePath)
                """)
        }
    }
}
