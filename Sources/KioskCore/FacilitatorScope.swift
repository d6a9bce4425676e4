import Foundation

/// What a facilitator signed in at the hub may see: the groups they facilitate now (a current
/// membership as facilitator) or whose sessions in `sessions` they run, and those sessions. One
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
        let run = sessions.filter { $0.facilitatorID == participantID }.compactMap(\.groupID)
        groupIDs = Set(facilitated + run)
    }

    public func includes(_ session: Session) -> Bool {
        session.facilitatorID == participantID || session.groupID.map(groupIDs.contains) == true
    }

    public func includes(_ group: MentoringGroup) -> Bool { groupIDs.contains(group.id) }
}
