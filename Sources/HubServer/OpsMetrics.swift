import Foundation
import HubStore
import Hummingbird
import NIOCore
import Prometheus

/// `GET /metrics` in Prometheus' text format, for whoever runs the hub: events stored,
/// duplicated and rejected per kiosk, directory polls and builds, and HTTP errors by status since the process started
/// (rates come from Prometheus), and per kiosk at scrape time its queue (as it last reported
/// it), how far the hub has its events, and how long since it was last seen. Needs the admin
/// token as Bearer (Prometheus: `authorization: {credentials_file: …/admin.token}`).
/// The hub's metric names with their help texts.
enum HubMetric {
    static func named(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "mentor_hub", metricName: name, unitName: unit, helpText: help)
    }

    static var eventsStored: MetricNameDescriptor { named("events_stored", "total", "Events stored for the first time, per kiosk, since the hub started.") }
    static var eventsDuplicate: MetricNameDescriptor { named("events_duplicate", "total", "Events sent again and already stored (retries), per kiosk.") }
    static var eventsRejected: MetricNameDescriptor { named("events_rejected", "total", "Events kept as rejected (invalid or a reused sequence number), per kiosk.") }
    static var directoryPolls: MetricNameDescriptor { named("directory_polls", "total", "Kiosks' directory polls, by answer: not_modified (304) or sent.") }
    static var directoryBuilds: MetricNameDescriptor { named("directory_builds", "total", "Directories built (read and hashed); a poll answered from the cache builds none.") }
    static var httpErrors: MetricNameDescriptor { named("http_errors", "total", "Answers with a 4xx or 5xx status, by status.") }
    static var acknowledgedThrough: MetricNameDescriptor { named("kiosk_acknowledged_through", "seq", "The kiosk's last sequence number the hub has.") }
    static var storedPerKiosk: MetricNameDescriptor { named("kiosk_events_stored", "events", "Events the hub holds from the kiosk.") }
    static var rejectedPerKiosk: MetricNameDescriptor { named("kiosk_events_rejected", "events", "Events of the kiosk kept as rejected.") }
    static var queueLength: MetricNameDescriptor { named("kiosk_queue_length", "events", "Events waiting on the kiosk, as it last reported: its export lag.") }
    static var sinceSeen: MetricNameDescriptor { named("kiosk_since_seen", "seconds", "Seconds since the kiosk's last authenticated request.") }
}

extension HubServer {
    func prometheusMetrics(_ request: Request) async throws -> Response {
        try await authorizeAdmin(request)
        let now = clock()
        for kiosk in try await store.kiosks() {
            let label = [("kiosk", kiosk.kioskID)]
            metrics.makeGauge(descriptor: HubMetric.acknowledgedThrough, labels: label).set(Double(kiosk.acknowledgedThrough))
            metrics.makeGauge(descriptor: HubMetric.storedPerKiosk, labels: label).set(Double(kiosk.eventsStored))
            metrics.makeGauge(descriptor: HubMetric.rejectedPerKiosk, labels: label).set(Double(kiosk.eventsRejected))
            if let queue = kiosk.queueLength {
                metrics.makeGauge(descriptor: HubMetric.queueLength, labels: label).set(Double(queue))
            }
            if let seen = kiosk.lastSeenAt {
                metrics.makeGauge(descriptor: HubMetric.sinceSeen, labels: label).set(now.timeIntervalSince(seen).rounded())
            }
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
    }
}
