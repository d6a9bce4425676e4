import ArgumentParser
import Foundation
import KioskCore
import KioskStore
import ProgramFiles

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import the roster, groups or schedule from CSV (all or nothing).",
        subcommands: [Participants.self, Groups.self, Sessions.self, Goals.self])

    struct Participants: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import participants.csv: id,name,role,badges,active and optionally cohort.")
        @OptionGroup var options: KioskOptions
        @Argument(help: "The CSV file.") var file: String

        func run() throws {
            try Import.run(options: options, file: file) { reader, data, store throws in
                try store.importParticipants(try reader.participants(data, file: file))
            }
        }
    }

    struct Groups: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import groups.csv: group_id,name,kind,participant_id,member_role.")
        @OptionGroup var options: KioskOptions
        @Argument(help: "The CSV file.") var file: String

        func run() throws {
            try Import.run(options: options, file: file) { reader, data, store throws in
                try store.importGroups(try reader.groups(data, file: file))
            }
        }
    }

    struct Sessions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import sessions.csv: session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id.")
        @OptionGroup var options: KioskOptions
        @Argument(help: "The CSV file.") var file: String

        func run() throws {
            try Import.run(options: options, file: file) { reader, data, store throws in
                try store.importSessions(try reader.sessions(data, file: file))
            }
        }
    }

    struct Goals: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import goals.csv: group_id,goal and optionally target_date (a pair's goal; a hub's directory replaces them).")
        @OptionGroup var options: KioskOptions
        @Argument(help: "The CSV file.") var file: String

        func run() throws {
            try Import.run(options: options, file: file) { reader, data, store throws in
                try store.importGoals(try reader.goals(data, file: file))
            }
        }
    }

    static func run(
        options: KioskOptions, file: String,
        _ body: (ProgramFileReader, Data, KioskStore) throws -> ImportSummary
    ) throws {
        let context = try options.context()
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read \(file)")
        }
        let store = try context.openStore()
        do {
            let summary = try body(try context.programReader(), data, store)
            print("Imported \(file): \(summary)")
        } catch let error as ImportError {
            throw ValidationError("import refused, nothing changed: \(error)")
        } catch StoreError.importRefused(let error) {
            throw ValidationError("import refused, nothing changed: \(error)")
        }
    }
}
