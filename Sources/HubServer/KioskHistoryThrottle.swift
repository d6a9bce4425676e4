import Foundation
import HubProtocol

/// Paces each kiosk's `GET /v1/events`. A page scans the kiosk's stored events and writes an
/// audit row, and the history is meant to be read once, by a kiosk set up again after its
/// database died: a token copied off an SD card must not make the hub do that without end. A
/// whole history (`KioskHistory.maximumEvents` in full pages, and some to spare) is served at
/// once; beyond that, one page every `interval`. An enrollment under the kiosk's id starts it
/// afresh (the old token is dead by then). Each hub process counts its own.
actor KioskHistoryThrottle {
    /// Pages served at once.
    static let burst = KioskHistory.maximumEvents / KioskHistory.pageLimit + 10
    /// How often a page is earned back.
    static let interval: TimeInterval = 6

    /// Per kiosk, the moment its pages would all be earned back (a generic cell rate algorithm:
    /// one moment per kiosk, no counts to drift).
    private var earnedBackAt: [String: Date] = [:]

    /// nil when this kiosk may read a page now (and it is counted); else the whole seconds to
    /// wait. A clock set back earns nothing.
    func wait(kioskID: String, at now: Date) -> Int? {
        let owed = max(earnedBackAt[kioskID] ?? now, now)
        let early = owed.timeIntervalSince(now) - Double(Self.burst - 1) * Self.interval
        guard early <= 0 else { return Int(early.rounded(.up)) }
        earnedBackAt[kioskID] = owed.addingTimeInterval(Self.interval)
        return nil
    }

    /// A kiosk enrolled (again): its history may be read whole.
    func enrolled(kioskID: String) {
        earnedBackAt[kioskID] = nil
    }
}
