import Foundation

/// The program's engagement figures of DESIGN.md §8, computed in one place
/// (`EngagementMetrics`) from an `EngagementInput`, so every report that shows them counts
/// alike. The definitions are in docs/metrics.md; each property names its formula.
public struct EngagementReport: Codable, Sendable, Equatable {
    public var from: Date
    public var to: Date
    /// Sessions that started in the period and were not cancelled.
    public var sessions: Int
    /// Expected attendances whose session has ended (members of the session's group).
    public var expected: Int
    /// Of those, the ones present (on time, late or checked in by a facilitator).
    public var present: Int
    /// present ÷ expected; nil when nothing was expected.
    public var attendanceRate: Double?
    /// Every arrival, guests included.
    public var attended: Int
    /// on-time arrivals ÷ arrivals; nil without arrivals.
    public var punctuality: Double?
    /// Per week (Monday to Sunday in the program's time zone), oldest first.
    public var weeks: [Week]
    /// Of those active in the period's first two weeks, the share active in each week.
    public var retention: [Double]
    /// Participants whose attendance rate reached `completionThreshold`, ÷ participants with
    /// expected sessions.
    public var completion: Double?
    public var completionThreshold: Double
    public var satisfaction: Satisfaction
    public var timeInSession: TimeInSession
    public var pairs: [Pair]
    public var goalAchievement = GoalAchievement(pairs: 0, achieving: 0, share: nil, byCohort: [:])
    public var atRisk: [AtRisk]
    public var participants: [ParticipantFigures]
    /// Every rating counted in `satisfaction`, when asked for (`listingRatings`): the ratings export.
    public var ratings: [Rating]?

    /// One rating, of a session the report shows.
    public struct Rating: Codable, Sendable, Equatable {
        public var sessionID: String
        public var sessionTitle: String
        public var startsAt: Date
        public var location: String
        /// Nil for an anonymous rating.
        public var participantID: String?
        public var rating: Int
    }

    /// One week's figures.
    public struct Week: Codable, Sendable, Equatable {
        public var startsOn: Date
        public var sessions: Int
        public var expected: Int
        public var present: Int
        public var attendanceRate: Double?
        /// Distinct participants with an arrival this week.
        public var activeParticipants: Int
    }

    /// Ratings given at check-out.
    public struct Satisfaction: Codable, Sendable, Equatable {
        /// Mean of the ratings 1–4; nil without ratings.
        public var mean: Double?
        /// How many of each rating, 1 to 4.
        public var distribution: [Int]
        /// ratings ÷ badge check-outs (automatic check-outs cannot rate); nil without check-outs.
        public var responseRate: Double?
    }

    /// How long people stay: badge check-outs, and automatic ones apart (their end is the session's).
    public struct TimeInSession: Codable, Sendable, Equatable {
        public var badgeCheckOuts: Int
        public var medianMinutes: Double?
        public var automaticCheckOuts: Int
        public var automaticMedianMinutes: Double?
    }

    /// A mentoring pair's verified meetings: sessions of the pair's group both members attended.
    public struct Pair: Codable, Sendable, Equatable {
        public var groupID: String
        public var meetings: Int
        /// Meetings in each of the report's weeks (the heat map's row).
        public var meetingsPerWeek: [Int]
        public var lastMeeting: Date?
        /// No verified meeting in the `quietDays` before now.
        public var quiet: Bool
        /// Decided sessions where exactly one of the pair's two members of that time came (both
        /// expected, no member excused and absent), oldest first. The pair-health fields below
        /// are filled in by `assess` (PairHealth.swift).
        public var oneSidedSessions: [OneSidedSession] = []
        /// How many of those came last in a row (a verified meeting starts the count again).
        public var oneSidedInARow = 0
        /// The members' answers to "is this pairing a good fit?", latest by role.
        public var fit = Fit(mentor: nil, mentee: nil, answers: [])
        public var goalProgress = GoalProgress(answers: 0, latest: nil, previous: nil)
        /// The mean of the mentee's "how helpful was your mentor" answers.
        public var feedbackFromMentee: Double?
        /// The mean of the mentor's "how engaged was your mentee" answers.
        public var feedbackFromMentor: Double?
        public var health = PairHealthLevel.ok
        /// Why the health is not ok, the at-risk reasons first.
        public var reasons: [String] = []
    }

    /// Someone who may be drifting away, and why.
    public struct AtRisk: Codable, Sendable, Equatable {
        public var participantID: String
        public var name: String
        public var reason: String

        public init(participantID: String, name: String, reason: String) {
            self.participantID = participantID
            self.name = name
            self.reason = reason
        }
    }

    /// One participant's attendance over the period.
    public struct ParticipantFigures: Codable, Sendable, Equatable {
        public var participantID: String
        public var name: String
        public var expected: Int
        public var present: Int
        public var attendanceRate: Double?
        public var lastArrival: Date?
    }
}

/// Narrows a report to some of the program: a program role (mentees only, say) or one group.
/// Location and period are chosen when the input is read.
public struct ReportFilter: Sendable, Equatable {
    public var role: Role?
    public var groupID: String?
    public var cohort: String?

    public init(role: Role? = nil, groupID: String? = nil, cohort: String? = nil) {
        self.role = role
        self.groupID = groupID
        self.cohort = cohort
    }

    /// Whether an attendance export row is one the filter keeps (the exports' filter; the
    /// metrics apply the same rule to the rows they count).
    public func keeps(_ row: AttendanceReportRow) -> Bool {
        (role == nil || row.role == role) && (cohort == nil || row.cohort == cohort) && (groupID == nil || row.groupID == groupID)
    }

    /// Whether this person's rows count (group aside).
    func keeps(_ person: Participant) -> Bool {
        (role == nil || person.role == role) && (cohort == nil || person.cohort == cohort)
    }

    /// Whether only some people's rows count: then anonymous ratings, nobody's, do not.
    var choosesPeople: Bool { role != nil || cohort != nil }
}

/// A rating given without a name (the program's anonymous ratings): it counts for the
/// session's satisfaction, and is nobody's.
public struct AnonymousRating: Sendable, Equatable {
    public var sessionID: String
    public var rating: Int

    public init(sessionID: String, rating: Int) {
        self.sessionID = sessionID
        self.rating = rating
    }
}

/// What the engagement figures are computed from: a period's sessions, the program's groups
/// and people, and the arrivals at those sessions. The kiosk reads one straight from SQL, the
/// hub from its replay of the kiosks' events; both then hand it to `EngagementMetrics`.
///
/// Who was expected is not in the input: it follows from the sessions' groups, as in the
/// attendance export (`AttendanceReport`), so a million expected-but-absent rows never need
/// to be made.
public struct EngagementInput: Sendable {
    /// One arrival: what the figures need of an `Attendance`. At most one per participant and
    /// session (the attendance table's key); a second is ignored.
    public struct Arrival: Sendable, Equatable {
        public var participantID: String
        public var sessionID: String
        public var status: AttendanceStatus
        public var checkOutKind: CheckOutKind?
        public var durationSeconds: Int?
        public var rating: Int?

        public init(
            participantID: String, sessionID: String, status: AttendanceStatus, checkOutKind: CheckOutKind?, durationSeconds: Int?,
            rating: Int?
        ) {
            self.participantID = participantID
            self.sessionID = sessionID
            self.status = status
            self.checkOutKind = checkOutKind
            self.durationSeconds = durationSeconds
            self.rating = rating
        }

        public init(_ attendance: Attendance) {
            self.init(
                participantID: attendance.participantID, sessionID: attendance.sessionID, status: attendance.status,
                checkOutKind: attendance.checkOutKind, durationSeconds: attendance.durationSeconds, rating: attendance.rating)
        }
    }

    /// The sessions to report on, already chosen by period and location. Sessions that have
    /// not started by the report's "now", and cancelled ones, are left out by the metrics.
    public var sessions: [Session]
    public var groups: [MentoringGroup]
    /// Everyone who may appear; arrivals of anyone else are ignored (as in the export).
    public var participants: [Participant]
    public var arrivals: [Arrival]
    /// Ratings without a name; those of the reported sessions count for satisfaction (not
    /// under a role or cohort filter: they are nobody's).
    public var anonymousRatings: [AnonymousRating]
    /// Members excused from sessions: outside the denominators and the at-risk streaks.
    public var excusals: [Excusal]
    /// Answers to the check-out questions (fit, goal progress, directed feedback): the pairs' health.
    public var answers: [PairAnswer]

    public init(
        sessions: [Session], groups: [MentoringGroup], participants: [Participant], arrivals: [Arrival],
        anonymousRatings: [AnonymousRating] = [], excusals: [Excusal] = [], answers: [PairAnswer] = []
    ) {
        self.answers = answers
        self.sessions = sessions
        self.groups = groups
        self.participants = participants
        self.arrivals = arrivals
        self.anonymousRatings = anonymousRatings
        self.excusals = excusals
    }
}

/// Computes `EngagementReport`s in one pass over the sessions in time order: each session's
/// expected members (its group) and guests (arrivals who are not members) are its rows, the
/// same rows as the attendance export's, counted as they go by. Pure: the period, the time
/// zone and "now" are parameters.
public enum EngagementMetrics {
    /// A pair with no verified meeting, or a participant with no arrival, for this long is flagged.
    public static let quietDays = 21
    /// Missed expected sessions in a row that flag a participant.
    public static let missedInARow = 2

    /// - Parameters:
    ///   - input: the period's sessions (by `from..<to` and location), the program and its arrivals.
    ///   - completionThreshold: the attendance rate that counts as completing (0–1).
    ///   - filter: only these participants' rows, or this group's sessions.
    ///   - listingRatings: also list every rating counted (the ratings export).
    public static func report(
        _ input: EngagementInput, from: Date, to: Date, now: Date, timeZone: TimeZone, completionThreshold: Double = 0.75,
        filter: ReportFilter = ReportFilter(), listingRatings: Bool = false
    ) -> EngagementReport {
        let program = IndexedProgram(input, now: now, timeZone: timeZone)
        let weekStarts = weeks(from: from, to: to, timeZone: timeZone)
        var tally = Tally(people: program.people.count, weeks: weekStarts.count, sessions: program.sessions.count)
        // Under a role or cohort the pairs with someone chosen; a meeting still needs both members.
        let pairIDs = Set(input.groups.filter { group in
            group.kind == .pair && (filter.groupID == nil || group.id == filter.groupID)
                && (!filter.choosesPeople || group.members.contains { member in
                    program.personIndex[member.participantID].map { filter.keeps(program.people[$0]) } ?? false
                })
        }.map(\.id))
        var scratch = IndexedProgram.Scratch(people: program.people.count)
        var ratings: [EngagementReport.Rating] = []
        var week = -1
        for (sessionIndex, session) in program.sessions.enumerated() {
            while week + 1 < weekStarts.count && weekStarts[week + 1] <= session.startsAt { week += 1 }
            guard filter.groupID == nil || session.groupID == filter.groupID else { continue }
            let group = session.groupID.flatMap { program.groups[$0] }
            let decided = session.endsAt <= now || session.status == .closed
            var presentMembers = 0
            let isPair = group.map { pairIDs.contains($0.id) } ?? false
            var log = PairSessionLog(
                sessionID: session.id, startsAt: session.startsAt, endsAt: session.endsAt, decided: decided, countable: true, came: [], roleOf: [:])
            var expectedMembers = 0
            let members = program.forEachRow(of: sessionIndex, group: group, scratch: &scratch) { person, row, arrival in
                if arrival != nil && row.isMember { presentMembers += 1 }
                if isPair, let role = row.role {
                    if row.expected { expectedMembers += 1 }
                    if row.excused && arrival == nil { log.countable = false }
                    if arrival != nil {
                        log.came.append((program.people[person].id, role))
                        log.roleOf[program.people[person].id] = role
                    }
                }
                guard filter.keeps(program.people[person]) else { return }
                tally.count(
                    person: person, session: sessionIndex, week: week, startsAt: session.startsAt, row: row, decided: decided, arrival: arrival)
                if listingRatings, let rating = arrival?.rating {
                    ratings.append(.init(session, participantID: program.people[person].id, rating: rating))
                }
            }
            // A pair meets when its members of that time, two at least and all known, all came.
            if let group, pairIDs.contains(group.id), members.allKnown, members.count >= 2, presentMembers == members.count {
                tally.meetings[group.id, default: []].append((session.startsAt, week))
            }
            if let group, isPair {
                log.countable = log.countable && members.allKnown && members.count == 2 && expectedMembers == 2
                tally.pairLogs[group.id, default: []].append(log)
            }
        }
        for rating in input.anonymousRatings where !filter.choosesPeople {
            guard let session = program.sessionIndex[rating.sessionID], tally.sessionShown[session] else { continue }
            tally.rate(rating.rating)
            if listingRatings { ratings.append(.init(program.sessions[session], participantID: nil, rating: rating.rating)) }
        }
        var report = tally.report(
            program: program, pairs: input.groups.filter { pairIDs.contains($0.id) }, weekStarts: weekStarts, from: from, to: to,
            now: now, timeZone: timeZone, completionThreshold: completionThreshold)
        assessPairs(&report, logs: tally.pairLogs, answers: input.answers, program: program, now: now)
        if listingRatings {
            report.ratings = ratings.sorted { ($0.startsAt, $0.sessionID, $0.participantID ?? "") < ($1.startsAt, $1.sessionID, $1.participantID ?? "") }
        }
        return report
    }

    /// The Mondays (00:00 in `timeZone`) of the weeks that overlap `from..<to`.
    static func weeks(from: Date, to: Date, timeZone: TimeZone) -> [Date] {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        guard var start = calendar.dateInterval(of: .weekOfYear, for: from)?.start else { return [] }
        var starts: [Date] = []
        while start < to {
            starts.append(start)
            guard let next = calendar.date(byAdding: .weekOfYear, value: 1, to: start) else { break }
            start = next
        }
        return starts
    }

    static func ratio(_ part: Int, _ whole: Int) -> Double? {
        whole == 0 ? nil : Double(part) / Double(whole)
    }

    /// The median of durations in seconds, in minutes. Counted by value (durations repeat a
    /// lot: a session's automatic check-outs all end together), not sorted.
    static func median(_ seconds: [Int]) -> Double? {
        guard !seconds.isEmpty else { return nil }
        let counts = Dictionary(seconds.map { ($0, 1) }, uniquingKeysWith: +).sorted { $0.key < $1.key }
        func value(at position: Int) -> Int {
            var seen = 0
            for (value, count) in counts {
                seen += count
                if seen > position { return value }
            }
            return counts[counts.count - 1].key
        }
        let middle = seconds.count / 2
        let median = seconds.count.isMultiple(of: 2) ? Double(value(at: middle - 1) + value(at: middle)) / 2 : Double(value(at: middle))
        return median / 60
    }
}

extension EngagementReport.Rating {
    init(_ session: Session, participantID: String?, rating: Int) {
        self.init(
            sessionID: session.id, sessionTitle: session.title, startsAt: session.startsAt, location: session.location,
            participantID: participantID, rating: rating)
    }
}

/// The input with everyone and every session numbered, arrivals bucketed by session: what
/// lets one pass count a million rows without building them.
struct IndexedProgram {
    struct Group {
        var id: String
        /// Member rows of known participants: who, and when the row (and their time in the
        /// program) lets a session start.
        var members: [(person: Int, span: Range<Date>, role: MemberRole)]
        /// When member rows of participants the program does not know hold.
        var unknownMembers: [Range<Date>]
        /// The cohort of its (latest) mentee, for goal achievement by cohort; "" without one.
        var cohort = ""
    }

    /// What a session's row is for its person.
    struct RowKind {
        /// A member of the session's group at the time (their row's days and their time in the program).
        var isMember: Bool
        /// A member who is active: the row counts as expected.
        var expected: Bool
        /// Expected, and excused from the session.
        var excused: Bool
        /// A member's role in the group at the session; nil for a guest.
        var role: MemberRole? = nil
    }

    var people: [Participant]
    var personIndex: [String: Int]
    /// Started by `now`, not cancelled, each id once, in (start, id) order.
    var sessions: [Session]
    var sessionIndex: [String: Int]
    var groups: [String: Group]
    /// `session * people.count + person` of each excusal.
    var excused: Set<Int>
    /// Arrival indices of session `s` are `arrivalOrder[arrivalStart[s]..<arrivalStart[s + 1]]`.
    var arrivalStart: [Int]
    var arrivalOrder: [Int32]
    /// Who made each arrival (an index into `people`).
    var personOfArrival: [Int32]
    /// What the tally needs of each arrival, without its strings.
    var facts: [Fact]

    /// An arrival's figures (a plain value: copied a million times).
    struct Fact {
        var onTime: Bool
        var checkOutKind: CheckOutKind?
        var durationSeconds: Int32
        var rating: Int?
    }

    init(_ input: EngagementInput, now: Date, timeZone: TimeZone) {
        people = []
        personIndex = Dictionary(minimumCapacity: input.participants.count)
        for person in input.participants where personIndex[person.id] == nil {
            personIndex[person.id] = people.count
            people.append(person)
        }
        var seen = Set<String>(minimumCapacity: input.sessions.count)
        sessions = input.sessions.filter { $0.startsAt <= now && $0.status != .cancelled && seen.insert($0.id).inserted }
        let inOrder = { (first: Session, second: Session) in (first.startsAt, first.id) < (second.startsAt, second.id) }
        if !zip(sessions, sessions.dropFirst()).allSatisfy({ !inOrder($1, $0) }) { sessions.sort(by: inOrder) }
        sessionIndex = Dictionary(uniqueKeysWithValues: sessions.enumerated().map { ($1.id, $0) })
        groups = [:]
        let inProgram = people.map { $0.membership.instants(in: timeZone) }
        for group in input.groups where groups[group.id] == nil {
            var entry = Group(id: group.id, members: [], unknownMembers: [])
            for member in group.members {
                let span = member.span.instants(in: timeZone)
                if let index = personIndex[member.participantID] {
                    entry.members.append((index, span.clamped(to: inProgram[index]), member.role))
                    if member.role == .mentee { entry.cohort = people[index].cohort ?? "" }
                } else {
                    entry.unknownMembers.append(span)
                }
            }
            groups[group.id] = entry
        }
        let (peopleCount, personIndex, sessionIndex) = (people.count, personIndex, sessionIndex)
        excused = Set(input.excusals.compactMap { excusal in
            guard let person = personIndex[excusal.participantID], let session = sessionIndex[excusal.sessionID] else { return nil }
            return session * peopleCount + person
        })
        var sessionOfArrival = [Int32](repeating: -1, count: input.arrivals.count)
        personOfArrival = sessionOfArrival
        facts = input.arrivals.map { arrival in
            Fact(
                onTime: arrival.status == .onTime, checkOutKind: arrival.checkOutKind,
                durationSeconds: arrival.durationSeconds.map { Int32(clamping: $0) } ?? -1, rating: arrival.rating)
        }
        var counts = [Int](repeating: 0, count: sessions.count + 1)
        var previous: (id: String, index: Int?) = ("", nil)
        for (index, arrival) in input.arrivals.enumerated() {
            // Arrivals often come person by person (the attendance table's key order).
            if arrival.participantID != previous.id { previous = (arrival.participantID, personIndex[arrival.participantID]) }
            guard let person = previous.index, let session = sessionIndex[arrival.sessionID] else { continue }
            sessionOfArrival[index] = Int32(session)
            personOfArrival[index] = Int32(person)
            counts[session + 1] += 1
        }
        for index in sessions.indices { counts[index + 1] += counts[index] }
        arrivalStart = counts
        var next = counts
        arrivalOrder = [Int32](repeating: 0, count: counts[sessions.count])
        for (index, session) in sessionOfArrival.enumerated() where session >= 0 {
            arrivalOrder[next[Int(session)]] = Int32(index)
            next[Int(session)] += 1
        }
    }

    /// Per person, the last session they arrived at or were expected at (and their arrival):
    /// scratch space for `forEachRow`, so a million rows need no allocation.
    struct Scratch {
        var arrivalSession: [Int], arrivalOfPerson: [Int32], memberSession: [Int]
        var guests: [(person: Int, arrival: Int32)] = []

        init(people: Int) {
            arrivalSession = Array(repeating: -1, count: people)
            memberSession = arrivalSession
            arrivalOfPerson = Array(repeating: -1, count: people)
        }
    }

    /// Calls `body` for each row of the session: its group's members of the time first
    /// (expected, when active), then guests, with the person's arrival if they came. Returns how
    /// many members the group had at the session, and whether the program knows them all.
    @discardableResult
    func forEachRow(
        of session: Int, group: Group?, scratch: inout Scratch, _ body: (_ person: Int, _ row: RowKind, _ arrival: Fact?) -> Void
    ) -> (count: Int, allKnown: Bool) {
        scratch.guests.removeAll(keepingCapacity: true)
        for slot in arrivalStart[session]..<arrivalStart[session + 1] {
            let arrival = arrivalOrder[slot]
            let person = Int(personOfArrival[Int(arrival)])
            guard scratch.arrivalSession[person] != session else { continue }
            scratch.arrivalSession[person] = session
            scratch.arrivalOfPerson[person] = arrival
            scratch.guests.append((person, arrival))
        }
        let startsAt = sessions[session].startsAt
        var members = 0
        for (person, span, role) in group?.members ?? [] where span.contains(startsAt) && scratch.memberSession[person] != session {
            scratch.memberSession[person] = session
            members += 1
            let arrival = scratch.arrivalSession[person] == session ? facts[Int(scratch.arrivalOfPerson[person])] : nil
            let active = people[person].isActive
            guard active || arrival != nil else { continue }
            body(
                person, RowKind(isMember: true, expected: active, excused: active && excused.contains(session * people.count + person), role: role),
                arrival)
        }
        for (person, arrival) in scratch.guests where scratch.memberSession[person] != session {
            body(person, RowKind(isMember: false, expected: false, excused: false), facts[Int(arrival)])
        }
        return (members, !(group?.unknownMembers.contains { $0.contains(startsAt) } ?? false))
    }
}

/// The running counts of one report.
private struct Tally {
    var sessions = 0, expected = 0, present = 0, attended = 0, onTime = 0
    var sessionShown: [Bool]
    var weekSessions: [Int], weekExpected: [Int], weekPresent: [Int], weekActive: [Int], weekRetained: [Int]
    var cohort = 0
    var seen: [Bool], personExpected: [Int], personPresent: [Int], lastArrival: [Date?], lastActiveWeek: [Int], inCohort: [Bool]
    /// Missed expected sessions since the person's last expected arrival, and when their latest decided expected session started.
    var missedSince: [Int], latestExpected: [Date?]
    var ratingSum = 0, ratingCount = 0, distribution = [0, 0, 0, 0]
    var badgeOuts = 0, badgeDurations: [Int] = [], automaticOuts = 0, automaticDurations: [Int] = []
    var meetings: [String: [(startsAt: Date, week: Int)]] = [:]
    var pairLogs: [String: [PairSessionLog]] = [:]

    init(people: Int, weeks: Int, sessions: Int) {
        sessionShown = Array(repeating: false, count: sessions)
        weekSessions = Array(repeating: 0, count: weeks)
        (weekExpected, weekPresent, weekActive, weekRetained) = (weekSessions, weekSessions, weekSessions, weekSessions)
        seen = Array(repeating: false, count: people)
        inCohort = seen
        personExpected = Array(repeating: 0, count: people)
        (personPresent, missedSince) = (personExpected, personExpected)
        lastActiveWeek = Array(repeating: -1, count: people)
        lastArrival = Array(repeating: nil, count: people)
        latestExpected = lastArrival
    }

    mutating func count(person: Int, session: Int, week: Int, startsAt: Date, row: IndexedProgram.RowKind, decided: Bool, arrival: IndexedProgram.Fact?) {
        seen[person] = true
        if !sessionShown[session] {
            sessionShown[session] = true
            sessions += 1
            if week >= 0 { weekSessions[week] += 1 }
        }
        if row.expected && (arrival != nil || decided && !row.excused) {
            expected += 1
            personExpected[person] += 1
            if week >= 0 { weekExpected[week] += 1 }
            latestExpected[person] = startsAt
            if arrival != nil {
                present += 1
                personPresent[person] += 1
                if week >= 0 { weekPresent[week] += 1 }
                missedSince[person] = 0
            } else {
                missedSince[person] += 1
            }
        }
        guard let arrival else { return }
        attended += 1
        if arrival.onTime { onTime += 1 }
        lastArrival[person] = startsAt
        if week >= 0 && lastActiveWeek[person] != week {
            lastActiveWeek[person] = week
            weekActive[week] += 1
            if week <= 1 && !inCohort[person] {
                inCohort[person] = true
                cohort += 1
            }
            if inCohort[person] { weekRetained[week] += 1 }
        }
        switch arrival.checkOutKind {
        case .badge?:
            badgeOuts += 1
            if arrival.durationSeconds >= 0 { badgeDurations.append(Int(arrival.durationSeconds)) }
        case .auto?:
            automaticOuts += 1
            if arrival.durationSeconds >= 0 { automaticDurations.append(Int(arrival.durationSeconds)) }
        case nil: break
        }
        if let rating = arrival.rating { rate(rating) }
    }

    mutating func rate(_ rating: Int) {
        ratingSum += rating
        ratingCount += 1
        if (1...4).contains(rating) { distribution[rating - 1] += 1 }
    }

    func report(
        program: IndexedProgram, pairs: [MentoringGroup], weekStarts: [Date], from: Date, to: Date, now: Date, timeZone: TimeZone,
        completionThreshold: Double
    ) -> EngagementReport {
        let ratio = EngagementMetrics.ratio
        let quietSince = now.addingTimeInterval(-Double(EngagementMetrics.quietDays) * 86_400)
        let shown = program.people.indices.filter { seen[$0] }.sorted { program.people[$0].id < program.people[$1].id }
        let participants = shown.map { person in
            EngagementReport.ParticipantFigures(
                participantID: program.people[person].id, name: program.people[person].name, expected: personExpected[person],
                present: personPresent[person], attendanceRate: ratio(personPresent[person], personExpected[person]), lastArrival: lastArrival[person])
        }
        let withExpectations = shown.filter { personExpected[$0] > 0 }
        let completed = withExpectations.filter { (ratio(personPresent[$0], personExpected[$0]) ?? 0) >= completionThreshold }
        let atRisk = withExpectations.compactMap { person -> EngagementReport.AtRisk? in
            let who = program.people[person]
            guard !who.hasLeft(by: now, in: timeZone) else { return nil }
            if missedSince[person] >= EngagementMetrics.missedInARow {
                return .init(participantID: who.id, name: who.name, reason: "missed the last \(missedSince[person]) expected sessions")
            }
            if (lastArrival[person] ?? .distantPast) < quietSince, let latest = latestExpected[person], latest >= quietSince {
                return .init(participantID: who.id, name: who.name, reason: "no attendance in \(EngagementMetrics.quietDays) days")
            }
            return nil
        }
        return EngagementReport(
            from: from, to: to, sessions: sessions, expected: expected, present: present, attendanceRate: ratio(present, expected),
            attended: attended, punctuality: ratio(onTime, attended),
            weeks: weekStarts.indices.map { week in
                EngagementReport.Week(
                    startsOn: weekStarts[week], sessions: weekSessions[week], expected: weekExpected[week], present: weekPresent[week],
                    attendanceRate: ratio(weekPresent[week], weekExpected[week]), activeParticipants: weekActive[week])
            },
            retention: cohort == 0 ? [] : weekRetained.map { Double($0) / Double(cohort) },
            completion: ratio(completed.count, withExpectations.count), completionThreshold: completionThreshold,
            satisfaction: .init(
                mean: ratingCount == 0 ? nil : Double(ratingSum) / Double(ratingCount), distribution: distribution,
                responseRate: ratio(ratingCount, badgeOuts)),
            timeInSession: .init(
                badgeCheckOuts: badgeOuts, medianMinutes: EngagementMetrics.median(badgeDurations), automaticCheckOuts: automaticOuts,
                automaticMedianMinutes: EngagementMetrics.median(automaticDurations)),
            pairs: pairs.sorted { $0.id.compare($1.id, options: .numeric) == .orderedAscending }.map { group in
                let met = meetings[group.id] ?? []
                let last = met.last?.startsAt
                return EngagementReport.Pair(
                    groupID: group.id, meetings: met.count,
                    meetingsPerWeek: weekStarts.indices.map { week in met.filter { $0.week == week }.count },
                    lastMeeting: last, quiet: last.map { now.timeIntervalSince($0) > Double(EngagementMetrics.quietDays) * 86_400 } ?? true)
            },
            atRisk: atRisk, participants: participants)
    }
}

extension AttendanceReportRow {
    /// Checked in: on time, late, or by a facilitator.
    public var isPresent: Bool { status == .onTime || status == .late || status == .manual }
}
