import Foundation

/// What a facilitator signed in at the hub may see: the groups they facilitate now (a current
/// membership as facilitator) or whose sessions in `sessions` they run (one upcoming, or ended
/// less than `handOverDays` ago), and those sessions. One
/// definition, so every facilitator page and download filters alike: a facilitator who handed a
/// group on no longer sees it.
public struct FacilitatorScope: Sendable, Equatable {
    public let participantID: String
    public let groupIDs: Set<String>

    public init(participantID: String, groups: [MentoringGroup], sessions: [Session], at now: Date, timeZone: TimeZone) {
        self.participantID = participantID
        let facilitated = groups.filter { group in
            group.members(at: now, timeZone: timeZone).contains { $0.participantID == participantID && $0.role == .facilitator }
        }.map(\.id)
        // Running a group's session makes it theirs from now on, and for a week after the last
        // one ended: a facilitator who handed the group on stops seeing it then.
        let run = sessions.filter { $0.facilitatorID == participantID && $0.endsAt > now.addingTimeInterval(-Self.handOverDays * 86_400) }.compactMap(\.groupID)
        groupIDs = Set(facilitated + run)
    }

    /// How long a group whose session someone ran stays theirs after that session.
    public static let handOverDays: Double = 7

    /// The scope of `participantID` in `program` at `now`: nothing when they are not on the
    /// roster or no longer in the program (inactive, or left), for their pages and digests alike.
    public static func current(participantID: String, in program: ProgramSnapshot, at now: Date, timeZone: TimeZone) -> FacilitatorScope {
        let inProgram = program.participants.first { $0.id == participantID }?.isInProgram(at: now, in: timeZone) ?? false
        return FacilitatorScope(
            participantID: participantID, groups: inProgram ? program.groups : [], sessions: inProgram ? program.sessions : [], at: now, timeZone: timeZone)
    }

    public func includes(_ session: Session) -> Bool {
        session.facilitatorID == participantID || session.groupID.map(groupIDs.contains) == true
    }

    public func includes(_ group: MentoringGroup) -> Bool { groupIDs.contains(group.id) }

    /// The members of this facilitator's groups on `now`'s day, facilitators left out.
    public func members(of groups: [MentoringGroup], at now: Date, timeZone: TimeZone) -> Set<String> {
        Set(groups.filter(includes).flatMap { $0.members(at: now, timeZone: timeZone) }.filter { $0.role != .facilitator }.map(\.participantID))
    }

    /// `report` narrowed to what this facilitator may see: the pairs of their groups, and the
    /// figures and at-risk reasons of their groups' members. The program-wide totals stay as
    /// they are, and no page or file of a facilitator shows them; ratings are left out.
    public func narrow(_ report: EngagementReport, groups: [MentoringGroup], at now: Date, timeZone: TimeZone) -> EngagementReport {
        let members = members(of: groups, at: now, timeZone: timeZone)
        var narrowed = report
        narrowed.pairs = report.pairs.filter { groupIDs.contains($0.groupID) }
        narrowed.atRisk = report.atRisk.filter { members.contains($0.participantID) }
        narrowed.participants = report.participants.filter { members.contains($0.participantID) }
        narrowed.ratings = nil
        return narrowed
    }
}
