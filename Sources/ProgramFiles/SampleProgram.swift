import Foundation

/// A realistic mentoring program (41 people, 13 pairs, 2 circles) in the import formats, with sessions placed around
/// a given moment so that some are open: the demo's data, and a fixture for tests.
public struct SampleProgram: Sendable {
    public var participantsCSV: String
    public var groupsCSV: String
    public var sessionsCSV: String

    /// Badge codes of the sample people, by participant id, for demos and tests.
    public static let badges: [String: String] = [
        "F001": "700001", "A001": "700002", "M001": "100001", "M002": "100002", "M003": "100003", "M004": "100004",
        "E001": "200001", "E002": "200002", "E003": "200003", "E004": "200004", "E005": "200005", "E006": "200006", "E007": "200007",
        "M005": "100005", "M006": "100006", "M007": "100007", "M008": "100008", "M009": "100009", "M010": "100010", "M011": "100011", "M012": "100012", "M013": "100013", "M014": "100014", "E008": "200008", "E009": "200009", "E010": "200010", "E011": "200011", "E012": "200012", "E013": "200013", "E014": "200014", "E015": "200015", "E016": "200016", "E017": "200017", "E018": "200018", "E019": "200019", "E020": "200020", "E021": "200021", "E022": "200022", "E023": "200023", "E024": "200024", "E025": "200025",
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
            M005,Bruno Costa,mentor,100005,true
            M006,Camille Martin,mentor,100006,true
            M007,Dmitri Volkov,mentor,100007,true
            M008,Elena Petrova,mentor,100008,true
            M009,Farid Rahimi,mentor,100009,true
            M010,Grace Mensah,mentor,100010,true
            M011,Hiro Tanaka,mentor,100011,true
            M012,Ingrid Berg,mentor,100012,true
            M013,Jamal Carter,mentor,100013,true
            M014,Keiko Sato,mentor,100014,true
            E008,Liam O'Brien,mentee,200008,true
            E009,Mei Lin,mentee,200009,true
            E010,Nadia Hassan,mentee,200010,true
            E011,Oscar Lindgren,mentee,200011,true
            E012,Paula Mendes,mentee,200012,true
            E013,Quentin Roux,mentee,200013,true
            E014,Rosa Jiménez,mentee,200014,true
            E015,Samir Khan,mentee,200015,true
            E016,Tara Singh,mentee,200016,true
            E017,Ugo Bianchi,mentee,200017,true
            E018,Vera Kovacs,mentee,200018,true
            E019,Wen Zhao,mentee,200019,true
            E020,Ximena Ruiz,mentee,200020,true
            E021,Yusuf Demir,mentee,200021,true
            E022,Zara Ahmed,mentee,200022,true
            E023,Emil Novak,mentee,200023,true
            E024,Hana Ito,mentee,200024,true
            E025,Luca Moretti,mentee,200025,true

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
            P4,Bruno & Liam,pair,M005,mentor
            P4,Bruno & Liam,pair,E008,mentee
            P5,Camille & Mei,pair,M006,mentor
            P5,Camille & Mei,pair,E009,mentee
            P6,Dmitri & Nadia,pair,M007,mentor
            P6,Dmitri & Nadia,pair,E010,mentee
            P7,Elena & Oscar,pair,M008,mentor
            P7,Elena & Oscar,pair,E011,mentee
            P8,Farid & Paula,pair,M009,mentor
            P8,Farid & Paula,pair,E012,mentee
            P9,Grace & Quentin,pair,M010,mentor
            P9,Grace & Quentin,pair,E013,mentee
            P10,Hiro & Rosa,pair,M011,mentor
            P10,Hiro & Rosa,pair,E014,mentee
            P11,Ingrid & Samir,pair,M012,mentor
            P11,Ingrid & Samir,pair,E015,mentee
            P12,Jamal & Tara,pair,M013,mentor
            P12,Jamal & Tara,pair,E016,mentee
            P13,Keiko & Ugo,pair,M014,mentor
            P13,Keiko & Ugo,pair,E017,mentee
            C2,Peer Circle B,circle,E018,mentee
            C2,Peer Circle B,circle,E019,mentee
            C2,Peer Circle B,circle,E020,mentee
            C2,Peer Circle B,circle,E021,mentee
            C2,Peer Circle B,circle,E022,mentee
            C2,Peer Circle B,circle,E023,mentee
            C2,Peer Circle B,circle,E024,mentee
            C2,Peer Circle B,circle,E025,mentee
            C2,Peer Circle B,circle,M014,mentor

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
            "S-CIRCLEB,Peer Circle B,group,\(location),\(at(2 * 24 * 60)),\(at(2 * 24 * 60 + 60)),C2,F001",
        ] + (4...13).map { pair in
            "S-P\(pair),Pair meeting P\(pair),one_on_one,\(location),\(at(Double(2 * 24 * 60 + pair * 60))),\(at(Double(2 * 24 * 60 + pair * 60 + 45))),P\(pair),"
        }
        sessionsCSV = "session_id,title,kind,location,starts_at,ends_at,group_id,facilitator_id\n"
            + rows.joined(separator: "\n") + "\n"
    }
}
