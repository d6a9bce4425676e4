import Foundation
import KioskCore

/// A realistic mentoring program (41 people, 13 pairs, 2 circles) in the import formats, with
/// sessions placed around a given moment so that some are open: the demo's data, and a fixture
/// for tests. The roster and groups are tables here; the CSV texts and the badge list are made
/// from them.
public struct SampleProgram: Sendable {
    public var participantsCSV: String
    public var groupsCSV: String
    public var sessionsCSV: String

    struct Person {
        var id: String
        var name: String
        var role: Role
        var badges: [String]
        var active = true
        /// Empty: the kiosk's language.
        var language = ""

        init(_ id: String, _ name: String, _ role: Role, badges: [String], active: Bool = true, language: String = "") {
            self.id = id
            self.name = name
            self.role = role
            self.badges = badges
            self.active = active
            self.language = language
        }
    }

    static let people: [Person] = [
        Person("F001", "Fatima Okafor", .facilitator, badges: ["700001"]),
        Person("A001", "Alex Lindqvist", .admin, badges: ["700002"]),
        Person("M001", "Maria García", .mentor, badges: ["100001", "0100001"]),
        Person("M002", "Daniel Kim", .mentor, badges: ["100002"]),
        Person("M003", "Priya Shah", .mentor, badges: ["100003"]),
        Person("M004", "Tomás Silva", .mentor, badges: ["100004"], language: "es"),
        Person("E001", "Jonas Weber", .mentee, badges: ["200001"]),
        Person("E002", "Aisha Bello", .mentee, badges: ["200002"]),
        Person("E003", "Chen Wei", .mentee, badges: ["200003"]),
        Person("E004", "Lena Novak", .mentee, badges: ["200004"]),
        Person("E005", "Omar Haddad", .mentee, badges: ["200005"]),
        Person("E006", "Sofia Rossi", .mentee, badges: ["200006"]),
        Person("E007", "Noah Fischer", .mentee, badges: ["200007"], active: false),
        Person("M005", "Bruno Costa", .mentor, badges: ["100005"]),
        Person("M006", "Camille Martin", .mentor, badges: ["100006"]),
        Person("M007", "Dmitri Volkov", .mentor, badges: ["100007"]),
        Person("M008", "Elena Petrova", .mentor, badges: ["100008"]),
        Person("M009", "Farid Rahimi", .mentor, badges: ["100009"]),
        Person("M010", "Grace Mensah", .mentor, badges: ["100010"]),
        Person("M011", "Hiro Tanaka", .mentor, badges: ["100011"]),
        Person("M012", "Ingrid Berg", .mentor, badges: ["100012"]),
        Person("M013", "Jamal Carter", .mentor, badges: ["100013"]),
        Person("M014", "Keiko Sato", .mentor, badges: ["100014"]),
        Person("E008", "Liam O'Brien", .mentee, badges: ["200008"]),
        Person("E009", "Mei Lin", .mentee, badges: ["200009"]),
        Person("E010", "Nadia Hassan", .mentee, badges: ["200010"]),
        Person("E011", "Oscar Lindgren", .mentee, badges: ["200011"]),
        Person("E012", "Paula Mendes", .mentee, badges: ["200012"]),
        Person("E013", "Quentin Roux", .mentee, badges: ["200013"]),
        Person("E014", "Rosa Jiménez", .mentee, badges: ["200014"]),
        Person("E015", "Samir Khan", .mentee, badges: ["200015"]),
        Person("E016", "Tara Singh", .mentee, badges: ["200016"]),
        Person("E017", "Ugo Bianchi", .mentee, badges: ["200017"]),
        Person("E018", "Vera Kovacs", .mentee, badges: ["200018"]),
        Person("E019", "Wen Zhao", .mentee, badges: ["200019"]),
        Person("E020", "Ximena Ruiz", .mentee, badges: ["200020"]),
        Person("E021", "Yusuf Demir", .mentee, badges: ["200021"]),
        Person("E022", "Zara Ahmed", .mentee, badges: ["200022"]),
        Person("E023", "Emil Novak", .mentee, badges: ["200023"]),
        Person("E024", "Hana Ito", .mentee, badges: ["200024"]),
        Person("E025", "Luca Moretti", .mentee, badges: ["200025"]),
    ]

    static let pairs: [(id: String, name: String, mentor: String, mentee: String)] = [
        ("P1", "Maria & Jonas", mentor: "M001", mentee: "E001"),
        ("P2", "Daniel & Aisha", mentor: "M002", mentee: "E002"),
        ("P3", "Priya & Chen", mentor: "M003", mentee: "E003"),
        ("P4", "Bruno & Liam", mentor: "M005", mentee: "E008"),
        ("P5", "Camille & Mei", mentor: "M006", mentee: "E009"),
        ("P6", "Dmitri & Nadia", mentor: "M007", mentee: "E010"),
        ("P7", "Elena & Oscar", mentor: "M008", mentee: "E011"),
        ("P8", "Farid & Paula", mentor: "M009", mentee: "E012"),
        ("P9", "Grace & Quentin", mentor: "M010", mentee: "E013"),
        ("P10", "Hiro & Rosa", mentor: "M011", mentee: "E014"),
        ("P11", "Ingrid & Samir", mentor: "M012", mentee: "E015"),
        ("P12", "Jamal & Tara", mentor: "M013", mentee: "E016"),
        ("P13", "Keiko & Ugo", mentor: "M014", mentee: "E017"),
    ]

    static let circles: [(id: String, name: String, members: [(String, MemberRole)])] = [
        ("C1", "Peer Circle A", members: [("M004", .mentor), ("E004", .mentee), ("E005", .mentee), ("E006", .mentee)]),
        ("C2", "Peer Circle B", members: [("E018", .mentee), ("E019", .mentee), ("E020", .mentee), ("E021", .mentee), ("E022", .mentee), ("E023", .mentee), ("E024", .mentee), ("E025", .mentee), ("M014", .mentor)]),
    ]

    /// Mentors and mentees joined in two intakes (odd numbers in spring); staff in none.
    static func cohort(of person: Person) -> String {
        guard person.role == .mentor || person.role == .mentee, let last = person.id.last?.wholeNumberValue else { return "" }
        return last % 2 == 1 ? "2026 spring" : "2026 autumn"
    }

    /// Each sample person's first badge code, by participant id, for demos and tests.
    public static let badges: [String: String] = Dictionary(
        uniqueKeysWithValues: people.compactMap { person in person.badges.first.map { (person.id, $0) } })

    /// - Parameters:
    ///   - now: the moment the sessions are arranged around (rounded down to the minute).
    ///   - location: where the kiosk stands.
    public init(around now: Date, location: String) {
        participantsCSV = "id,name,role,badges,active,cohort,language\n" + Self.people.map { person in
            "\(person.id),\(person.name),\(person.role.rawValue),\(person.badges.joined(separator: ";")),\(person.active),\(Self.cohort(of: person)),\(person.language)\n"
        }.joined()
        groupsCSV = "group_id,name,kind,participant_id,member_role\n"
            + Self.pairs.map { pair in
                "\(pair.id),\(pair.name),pair,\(pair.mentor),mentor\n\(pair.id),\(pair.name),pair,\(pair.mentee),mentee\n"
            }.joined()
            + Self.circles.flatMap { circle in
                circle.members.map { "\(circle.id),\(circle.name),circle,\($0.0),\($0.1.rawValue)\n" }
            }.joined()
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
