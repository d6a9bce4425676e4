import ArgumentParser
import Foundation
import KioskCore
import ProgramFiles

/// Prints outcomes as one line of text or one JSON object, and turns them into exit codes.
struct OutcomePrinter {
    var json: Bool

    func print(_ report: OutcomeReport) {
        if json {
            var object: [String: Any] = ["outcome": report.code, "message": report.message, "exit_code": Int(report.verdict.rawValue)]
            if let person = report.participant { object["participant"] = ["id": person.id, "name": person.name, "role": person.role.rawValue] }
            if let session = report.session { object["session"] = Self.describe(session) }
            if let status = report.status { object["status"] = status }
            if let time = report.time { object["time"] = ProgramTime.format(time) }
            if let duration = report.durationSeconds { object["duration_seconds"] = duration }
            if !report.choices.isEmpty { object["choices"] = report.choices.map(Self.describe) }
            if let milestone = report.milestone { object["milestone"] = milestone }
            if !report.questions.isEmpty { object["questions"] = report.questions.map(\.rawValue) }
            Swift.print(Self.jsonLine(object))
        } else {
            Swift.print(report.message)
            if let milestone = report.milestone { Swift.print(milestone) }
        }
        fflush(nil)
    }

    static func describe(_ session: Session) -> [String: Any] {
        ["id": session.id, "title": session.title, "starts_at": ProgramTime.format(session.startsAt), "ends_at": ProgramTime.format(session.endsAt)]
    }

    static func jsonLine(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Ends the command with the report's exit status (0 returns normally).
    static func finish(_ report: OutcomeReport) throws {
        if report.verdict != .done { throw ExitCode(report.verdict.rawValue) }
    }
}
