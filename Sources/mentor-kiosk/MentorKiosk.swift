import ArgumentParser

@main
struct MentorKiosk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mentor-kiosk",
        abstract: "The check-in kiosk for peer mentoring programs.",
        discussion: """
            Every command takes --config, --database and --now (or MENTOR_KIOSK_CONFIG, \
            MENTOR_KIOSK_DATABASE, MENTOR_KIOSK_NOW). Check-in commands exit 0 when done, \
            3 unknown badge, 4 no session now, 5 already checked in/out, 6 choose a session, \
            7 not a badge, 8 refused, 9 cannot record; sync exits 10 when the hub cannot be reached or refuses.
            """,
        subcommands: [
            Demo.self, Run.self, Init.self, ConfigCommand.self, Import.self, CheckIn.self, CheckOut.self, Rate.self, Answer.self, ManualCheckIn.self,
            Undo.self, Excuse.self, SetPIN.self, Sessions.self, SessionCommand.self, Tally.self, Report.self, Export.self, Backup.self, Restore.self, Prune.self, Doctor.self, HardwareCommand.self, Enroll.self, Sync.self,
        ])
}
