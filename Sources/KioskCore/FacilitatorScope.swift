import Foundation

/// What a facilitator signed in at the hub may see: the groups they facilitate (a membership as
/// facilitator, at any time) and the sessions of those groups or that they run themselves. One
/// definition, so every facilitator page and download filters alike.
public struct FacilitatorScope: Sendable, Equatable {
    public let participantID: String
    public let groupIDs: Set<String>

    public init(participantID: String, groups: [MentoringGroup], sessions: [Session]) {
        self.participantID = participantID
        let facilitated = groups.filter { group in
            group.members.contains { $0.participantID == participantID && $0.role == .facilitator }
        }.map(\.id)
        let run = sessions.filter { $0.facilitatorID == participantID }.compactMap(\.groupID)
        groupIDs = Set(facilitated + run)
    }

    public func includes(_ session: Session) -> Bool {
        session.facilitatorID == participantID || session.groupID.map(groupIDs.contains) == true
    }

    public func includes(_ group: MentoringGroup) -> Bool { groupIDs.contains(group.id) }
}
