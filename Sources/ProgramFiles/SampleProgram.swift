import Foundation

/// A small, realistic mentoring program in the import formats, with sessions placed around
/// a given moment so that some are open: the demo's data, and a fixture for tests.
public struct SampleProgram: Sendable {
    public var participantsCSV: String
    public var groupsCSV: String
    public var sessionsCSV: String

    /// Badge codes of the sample people, by participant id, for demos and tests.
    public static let badges: [String: String] = [
        "F001": "700001", "A001": "700002", "M001": "100001", "M002": "100002", "M003": "100003", "M004": "100004",
        "E001": "200001", "E002": "200002", "E003": "200003", "E004": "200004", "E005": "200005", "E006": "200006", "E007": "200007",
    ]

    /// - Parameters:
    ///   - now: the moment the sessions are arranged around (rounded down to the minute).
    ///   - location: where the kiosk stands.
    public init(around now: Date, location: String) {
        participantsCSV = """
            id,name,role,badges,active
            F001,Fatima Okafor,facilitator,700001,true
            A001,Alex Lindqvist,admin,700002,true
            M001,Maria García,mentor,100001;0100001,true
            M002,Daniel Kim,mentor,100002,true
            M003,Priya Shah,mentor,100003,true
            M004,Tomás Silva,mentor,100004,true
            E001,Jonas Weber,mentee,200001,true
            E002,Aisha Bello,mentee,200002,true
            E003,Chen Wei,mentee,200003,true
            E004,Lena Novak,mentee,200004,true
            E005,Omar Haddad,mentee,200005,true
            E006,Sofia Rossi,mentee,200006,true
            E007,Noah Fischer,mentee,200007,false

            """
        groupsCSV = """
            group_id,name,kind,participant_id,member_role
            P1,Maria & Jonas,pair,M001,mentor
            P1,Maria & Jonas,pair,E001,mentee
            P2,Daniel & Aisha,pair,M002,mentor
            P2,Daniel & Aisha,pair,E002,mentee
            P3,Priya & Chen,pair,M003,mentor
            P3,Priya & Chen,pair,E003,mentee
            C1,Peer Circle A,circle,M004,mentor
            C1,Peer Circle A,circle,E004,mentee
            C1,Peer Circle A,circle,E005,mentee
            C1,Peer Circle A,circle,E006,mentee

            """
        let minute = (now.timeIntervalSince1970 / 60).rounded(.down) * 60
        let base = Date(timeIntervalSince1970: minute)
        func at(_ minutes: Double) -> String { ProgramTime.format(base.addingTimeInterval(minutes * 60)) }
        let rows = [
            "S-CIRCLE-PREV,Peer Circle A,group,\(location),\(at(-7 * 24 * 60)),\(at(-7 * 24 * 60 + 60)),C1,F001",
            "S-PAIR2-PREV,Daniel & Aisha — one-on-one,one_on_one,\(location),\(at(-3 * 24 * 60)),\(at(-3 * 24 * 60 + 45)),P2,",
            "S-CIRCLE,Peer Circle A,group,\(location),\(at(-2)),\(at(58)),C1,F001",
            "S-PAIR1,Maria & Jonas — one-on-one,one_on_one,\(location),\(at(-20)),\(at(25)),P1,",
            "S-LUNCH,Lunch & Learn: Giving Feedback,lunch_and_learn,\(location),\(at(-5)),\(at(40)),,F001",
            "S-NETWORK,Networking Hour,networking,\(location),\(at(-10)),\(at(50)),,",
            "S-WORKSHOP,CV Workshop,workshop,\(location),\(at(180)),\(at(270)),,F001",
        ]
        sessionsCSV = "session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id\n"
            + rows.joined(separator: "\n") + "\n"
    }
}
