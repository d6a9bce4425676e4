import Foundation
import Testing
@testable import KioskCore
@testable import ProgramFiles

@Suite("Program CSV files")
struct ProgramFileReaderTests {
    let reader = ProgramFileReader(
        normalizer: BadgeNormalizer(rules: BadgeRules()),
        hasher: try! BadgeHasher(secret: Data(repeating: 1, count: 32)),
        timeZone: TimeZone(identifier: "Europe/Berlin")!)

    func participants(_ text: String) throws(ImportError) -> [ParticipantEntry] {
        try reader.participants(Data(text.utf8), file: "participants.csv")
    }

    @Test("goals: one per pair, an optional target day, empty to clear; a second row for a pair or a bad day names its place")
    func goals() throws {
        let goals = try reader.goals(Data("group_id,goal,target_date\nP1,\"Finish the CV, then apply\",2026-12-18\nP2,Speak up in class,\n".utf8), file: "goals.csv")
        #expect(goals.map(\.groupID) == ["P1", "P2"])
        #expect(goals[0].goal == PairGoal(text: "Finish the CV, then apply", targetOn: ProgramDay("2026-12-18")))
        #expect(goals[1].goal?.targetOn == nil && goals[1].position.line == 3)
        let cleared = try reader.goals(Data("group_id,goal\nP1,\n".utf8), file: "goals.csv")
        #expect(cleared.map(\.goal) == [nil], "an empty goal clears the pair's")
        for (text, message) in [
            ("group_id,goal\nP1,a\nP1,b\n", "goals.csv:3: column group_id: group P1 has a goal on line 2 already; one goal per pair"),
            ("group_id,goal,target_date\nP1,a,2026-02-30\n", "goals.csv:2: column target_date: \"2026-02-30\" is not a day; write 2026-03-02 (a day in Europe/Berlin)"),
        ] {
            do {
                _ = try reader.goals(Data(text.utf8), file: "goals.csv")
                Issue.record("\(text) was read")
            } catch {
                #expect(error.description == message)
            }
        }
    }

    @Test("participants: roles, badges hashed, active flags, quoted names")
    func readsParticipants() throws {
        let entries = try participants("""
            id,name,role,badges,active
            M001,"García, Maria",mentor,100001; 0100001,true
            E001,Jonas Weber,mentee,,no
            """)
        #expect(entries.count == 2)
        #expect(entries[0].participant == Participant(id: "M001", name: "García, Maria", role: .mentor))
        #expect(entries[0].badges.count == 2)
        #expect(entries[0].badges[0] == reader.hasher.hash(NormalizedBadge(code: "100001")))
        #expect(entries[1].participant.isActive == false)
        #expect(entries[1].badges.isEmpty)
        #expect(entries[1].position.line == 3)
    }

    @Test("participants: an optional cohort column; empty means none")
    func readsCohorts() throws {
        let entries = try participants("""
            cohort,id,name,role,badges,active
            2026 spring,E001,Jonas Weber,mentee,,
            ,E002,Ana Lima,mentee,,
            """)
        #expect(entries.map(\.participant.cohort) == ["2026 spring", nil])
        #expect(throws: ImportError.self) { try participants("id,name,role,badges,active,cohort\nE1,A,mentee,,,\"a\u{7}b\"\n") }
    }

    static let brokenParticipants: [(String, String)] = [
        ("id,name,role,badges\nM1,A,mentor,1234\n", "participants.csv:1: missing column active; the header must be id,name,role,badges,active"),
        ("id,name,role,badge,active\n", "participants.csv:1: column badge: unknown column \"badge\"; the columns are id,name,role,badges,active,cohort,joined_on,left_on,email,language"),
        ("id,name,role,badges,active\nM1,Ann,mentor,1234,true\nM2,Bob,coach,1235,true\n", "participants.csv:3: column role: \"coach\" is not a role; use one of mentee, mentor, facilitator, admin"),
        ("id,name,role,badges,active\nM1,Ann,mentor,1234,true\nM2,Bob,mentor,1235\n", "participants.csv:3: expected 5 fields, found 4"),
        ("id,name,role,badges,active\nM1,Ann,mentor,1234,true\nM1,Bob,mentor,1235,true\n", "participants.csv:3: column id: participant M1 is listed twice (first on line 2)"),
        ("id,name,role,badges,active\nM1,Ann,mentor,1234,true\nM2,Bob,mentor,1234,true\n", "participants.csv:3: column badges: badge 1 of 1 is also listed for M1"),
        ("id,name,role,badges,active\nM1,Ann,mentor,12\u{1B}[0m34,true\n", "participants.csv:2: column badges: badge 1 of 1 is refused: the input contains a terminal escape sequence"),
        ("id,name,role,badges,active\nM1,Ann,mentor,12,true\n", "participants.csv:2: column badges: badge 1 of 1 is refused: the badge code has 2 characters; at least 4 are required"),
        ("id,name,role,badges,active\nM1,Ann,mentor,1234,maybe\n", "participants.csv:2: column active: \"maybe\" is not true or false"),
        ("id,name,role,badges,active\nM 1,Ann,mentor,1234,true\n", "participants.csv:2: column id: \"M 1\" is not a valid id; use up to 64 letters, digits, '.', '_' or '-'"),
        ("id,name,role,badges,active\nM1,,mentor,1234,true\n", "participants.csv:2: column name: name is empty"),
        ("id,name,role,badges,active\nM1,\"Ann\nLee\",mentor,1234,true\nM2,Bob,mentor,1235,true\nM3,\"Cy,mentor,1236,true\n", "participants.csv:2: column name: the field runs across lines; is a closing quote missing?"),
        ("id,name,role,badges,active\nM1,Ann,mentor,1234,true\nM3,\"Cy,mentor,1236,true\nM4,Di,mentor,1237,true\n", "participants.csv:3: expected 5 fields, found 2"),
        ("", "participants.csv:1: the file is empty; expected a header row: id,name,role,badges,active"),
        ("id,name,role,badges,active,joined_on\nM1,Ann,mentor,1234,true,2026-02-30\n", "participants.csv:2: column joined_on: \"2026-02-30\" is not a day; write 2026-03-02 (a day in Europe/Berlin)"),
        ("id,name,role,badges,active,left_on\nM1,Ann,mentor,1234,true,5 March\n", "participants.csv:2: column left_on: \"5 March\" is not a day; write 2026-03-02 (a day in Europe/Berlin)"),
        ("id,name,role,badges,active,joined_on,left_on\nM1,Ann,mentor,1234,true,2026-03-09,2026-03-09\n", "participants.csv:2: column left_on: the participant's time in the program ends (2026-03-09) on or before it begins (2026-03-09)"),
    ]

    @Test("broken participants files name file, line and column", arguments: brokenParticipants)
    func brokenFiles(text: String, message: String) {
        #expect(throws: (any Error).self) { try participants(text) }
        do {
            _ = try participants(text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("invalid UTF-8 names its line; a BOM is accepted")
    func encoding() throws {
        var data = Data("id,name,role,badges,active\nM1,Ann,mentor,1234,true\nM2,B".utf8)
        data.append(0xE9)
        data.append(contentsOf: Array("b,mentor,1235,true\n".utf8))
        #expect(throws: ImportError(SourcePosition(file: "p.csv", line: 3), "the file is not valid UTF-8 (byte 56); save it as UTF-8")) {
            try reader.participants(data, file: "p.csv")
        }
        let withBOM = Data([0xEF, 0xBB, 0xBF]) + Data("id,name,role,badges,active\r\nM1,Ann,mentor,1234,true\r\n".utf8)
        #expect(try reader.participants(withBOM, file: "p.csv").map(\.participant.id) == ["M1"])
    }

    @Test("groups: rows gather into groups; pairs need one mentor and one mentee")
    func groups() throws {
        let entries = try reader.groups(Data("""
            group_id,name,kind,participant_id,member_role
            P1,Maria & Jonas,pair,M001,mentor
            C1,Circle,circle,M004,mentor
            P1,Maria & Jonas,pair,E001,mentee
            C1,Circle,circle,E004,mentee
            C1,Circle,circle,E005,mentee
            """.utf8), file: "groups.csv")
        #expect(entries.map(\.group.id) == ["P1", "C1"])
        #expect(entries[1].group.members.map(\.participantID) == ["M004", "E004", "E005"])
        #expect(entries[0].memberPositions.map(\.line) == [2, 4])

        #expect(throws: ImportError(SourcePosition(file: "groups.csv", line: 2), "pair P1 must have exactly one mentor and one mentee; it has mentor, mentor")) {
            try reader.groups(Data("group_id,name,kind,participant_id,member_role\nP1,X,pair,M1,mentor\nP1,X,pair,M2,mentor\n".utf8), file: "groups.csv")
        }
        #expect(throws: ImportError(SourcePosition(file: "groups.csv", line: 3, column: "kind"), "group P1 is a pair on line 2")) {
            try reader.groups(Data("group_id,name,kind,participant_id,member_role\nP1,X,pair,M1,mentor\nP1,X,circle,M2,mentee\n".utf8), file: "groups.csv")
        }
        #expect(throws: ImportError(SourcePosition(file: "groups.csv", line: 3, column: "participant_id"), "M1 is listed twice in group C1 for the same days (first on line 2); give the rows from and until days that do not overlap")) {
            try reader.groups(Data("group_id,name,kind,participant_id,member_role\nC1,X,circle,M1,mentor\nC1,X,circle,M1,mentee\n".utf8), file: "groups.csv")
        }
    }

    @Test("groups: dated rows re-match a pair, a member may come back; overlapping rows are refused")
    func datedMemberships() throws {
        let header = "group_id,name,kind,participant_id,member_role,from,until\n"
        let rematched = try reader.groups(Data((header + """
            P12,Pair 12,pair,M1,mentor,,
            P12,Pair 12,pair,E12,mentee,,2026-10-12
            P12,Pair 12,pair,E13,mentee,2026-10-12,
            C1,Circle,circle,E12,mentee,,2026-10-01
            C1,Circle,circle,E12,mentee,2026-11-02,
            """).utf8), file: "groups.csv")
        #expect(rematched[0].group.members.map(\.span) == [
            DaySpan(from: nil, until: nil), DaySpan(from: nil, until: ProgramDay("2026-10-12")), DaySpan(from: ProgramDay("2026-10-12"), until: nil),
        ], "one mentee until the 12th, the next from the 12th: one pair at any time")
        #expect(rematched[1].group.members.count == 2, "a member who left and came back")
        // 23:00 UTC on the 11th is already the 12th in Berlin: the new mentee's day.
        let members = rematched[0].group.members(at: Date(timeIntervalSince1970: 1_791_759_600), timeZone: TimeZone(identifier: "Europe/Berlin")!)
        #expect(members.map(\.participantID) == ["M1", "E13"])

        #expect(throws: ImportError(SourcePosition(file: "groups.csv", line: 2), "pair P12 must have exactly one mentor and one mentee; it has mentor, mentee, mentee")) {
            try reader.groups(Data((header + "P12,X,pair,M1,mentor,,\nP12,X,pair,E12,mentee,,2026-10-13\nP12,X,pair,E13,mentee,2026-10-12,\n").utf8), file: "groups.csv")
        }
        #expect(throws: ImportError(SourcePosition(file: "groups.csv", line: 3, column: "participant_id"), "E12 is listed twice in group C1 for the same days (first on line 2); give the rows from and until days that do not overlap")) {
            try reader.groups(Data((header + "C1,X,circle,E12,mentee,,2026-10-12\nC1,X,circle,E12,mentee,2026-10-11,\n").utf8), file: "groups.csv")
        }
        #expect(throws: ImportError(SourcePosition(file: "groups.csv", line: 2, column: "until"), "the membership ends (2026-10-01) on or before it begins (2026-10-12)")) {
            try reader.groups(Data((header + "C1,X,circle,E12,mentee,2026-10-12,2026-10-01\n").utf8), file: "groups.csv")
        }
        #expect(throws: ImportError(SourcePosition(file: "groups.csv", line: 2, column: "from"), "\"12.10.2026\" is not a day; write 2026-03-02 (a day in Europe/Berlin)")) {
            try reader.groups(Data((header + "C1,X,circle,E12,mentee,12.10.2026,\n").utf8), file: "groups.csv")
        }
    }

    @Test("sessions: an optional status cancels, restores, or (empty) leaves it to the session")
    func sessionStatus() throws {
        let header = "session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id,status\n"
        let entries = try reader.sessions(Data((header + """
            S1,T,workshop,L,2026-03-02 15:00,2026-03-02 16:00,,,cancelled
            S2,T,workshop,L,2026-03-02 15:00,2026-03-02 16:00,,,Scheduled
            S3,T,workshop,L,2026-03-02 15:00,2026-03-02 16:00,,,
            """).utf8), file: "s.csv")
        #expect(entries.map(\.session.status) == [.cancelled, .scheduled, .scheduled])
        #expect(entries.map(\.statusGiven) == [true, true, false])
        #expect(throws: ImportError(SourcePosition(file: "s.csv", line: 2, column: "status"), "\"closed\" is not a session status; use scheduled or cancelled, or leave it empty")) {
            try reader.sessions(Data((header + "S1,T,workshop,L,2026-03-02 15:00,2026-03-02 16:00,,,closed\n").utf8), file: "s.csv")
        }
    }

    @Test("sessions: times with an offset, or local in the configured zone")
    func sessions() throws {
        let entries = try reader.sessions(Data("""
            session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id
            S1,Peer Circle,One-on-one,Lobby,2026-03-02T15:00:00+01:00,2026-03-02T16:00:00Z,P1,F001
            S2,Lunch,lunch and learn,Lobby,2026-07-01 12:00,2026-07-01T13:30,,
            """.utf8), file: "sessions.csv")
        #expect(entries[0].session.kind == .oneOnOne)
        #expect(entries[0].session.startsAt == Date(timeIntervalSince1970: 1_772_460_000))
        #expect(entries[0].session.endsAt == Date(timeIntervalSince1970: 1_772_467_200))
        #expect(entries[0].session.groupID == "P1")
        #expect(entries[1].session.kind == .lunchAndLearn)
        // 12:00 in Berlin in July is 10:00 UTC.
        #expect(ProgramTime.format(entries[1].session.startsAt) == "2026-07-01T10:00:00Z")
        #expect(entries[1].session.groupID == nil)

        #expect(throws: ImportError(SourcePosition(file: "s.csv", line: 2, column: "ends_at"), "the session ends before it starts")) {
            try reader.sessions(Data("session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id\nS1,T,workshop,L,2026-03-02 15:00,2026-03-02 14:00,,\n".utf8), file: "s.csv")
        }
        #expect(throws: ImportError(SourcePosition(file: "s.csv", line: 2, column: "starts_at"), "\"tomorrow\" is not a time; write 2026-03-02T15:00:00+01:00, or 2026-03-02 15:00 in Europe/Berlin")) {
            try reader.sessions(Data("session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id\nS1,T,workshop,L,tomorrow,2026-03-02 14:00,,\n".utf8), file: "s.csv")
        }
        #expect(throws: ImportError(SourcePosition(file: "s.csv", line: 2, column: "kind"), "\"party\" is not a session kind; use one of one_on_one, group, workshop, lunch_and_learn, feedback_circle, networking, other")) {
            try reader.sessions(Data("session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id\nS1,T,party,L,2026-03-02 15:00,2026-03-02 16:00,,\n".utf8), file: "s.csv")
        }
    }

    @Test("the sample program reads cleanly")
    func sample() throws {
        let sample = SampleProgram(around: Date(timeIntervalSince1970: 1_772_463_600), location: "Lobby")
        #expect(try reader.participants(Data(sample.participantsCSV.utf8), file: "p").count == 41)
        #expect(try reader.groups(Data(sample.groupsCSV.utf8), file: "g").count == 15)
        #expect(try reader.sessions(Data(sample.sessionsCSV.utf8), file: "s").count == 18)
    }
}

