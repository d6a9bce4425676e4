import Foundation
import HubStore
@testable import KioskCore
import Testing
@testable import HubServer

@Suite("Dashboard page")
struct DashboardPageTests {
    static let monday = Date(timeIntervalSince1970: 1_772_409_600) // 2026-03-02T00:00:00Z

    @Test("names and locations from the roster are escaped; every chart is there even for an empty period")
    func escaping() {
        var report = EngagementMetrics.report(
            EngagementInput(sessions: [], groups: [MentoringGroup(id: "P<1>", name: "pair", kind: .pair, members: [])], participants: [], arrivals: []),
            from: Self.monday,
            to: Self.monday.addingTimeInterval(14 * 86_400), now: Self.monday.addingTimeInterval(15 * 86_400), timeZone: .gmt)
        report.atRisk = [.init(participantID: "E1", name: "<script>alert(1)</script> & \"Bob\"", reason: "missed the last 2 expected sessions")]
        let kiosk = KioskSummary(
            kioskID: "k'1", location: "Room <B>", enrolled: true, revoked: false, acknowledgedThrough: 0, lastSeenAt: nil, eventsStored: 0, eventsRejected: 0)
        let page = DashboardPage.render(
            report, kiosks: [kiosk],
            period: .init(from: Self.monday, to: Self.monday.addingTimeInterval(14 * 86_400), location: "Hall \"A\"", timeZone: .gmt, now: Self.monday))
        #expect(!page.contains("<script>") && page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Bob&quot;"))
        #expect(page.contains("Room &lt;B&gt;") && page.contains("k&#39;1") && page.contains("P&lt;1&gt;"))
        #expect(page.contains("value=\"Hall &quot;A&quot;\""))
        #expect(page.contains("location=Hall%20%22A%22"), "download links keep the period")
        #expect(page.components(separatedBy: "<svg").count - 1 == 4, "attendance, satisfaction, active participants, pair heat map (retention has no cohort)")
    }
}
