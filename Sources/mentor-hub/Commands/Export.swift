import ArgumentParser
import Foundation
import HubProtocol
import HubServer
import HubStore

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the stored events as JSON Lines (streamed page by page, however many).")
    @OptionGroup var options: HubOptions
    @Option(help: "Only this kiosk's events.") var kiosk: String?

    func run() async throws {
        let encoder = HubJSONLines()
        try await options.withStore { store in
            var position = kiosk.map { EventPosition(kioskID: $0, seq: 0) }
            while true {
                let page = try await store.events(kioskID: kiosk, after: position, limit: HubServer.exportPageLimit)
                var text = ""
                for (kioskID, event) in page { text += try encoder.line(kioskID: kioskID, event: event) + "\n" }
                FileHandle.standardOutput.write(Data(text.utf8))
                guard page.count == HubServer.exportPageLimit, let last = page.last else { return }
                position = EventPosition(kioskID: last.kioskID, seq: last.event.seq)
            }
        }
    }
}

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Kiosks and events at a glance.")
    @OptionGroup var options: HubOptions

    func run() async throws {
        let kiosks = try await options.withStore { try await $0.kiosks() }
        print("\(kiosks.count) kiosks, \(kiosks.filter(\.enrolled).count) enrolled; \(kiosks.map(\.eventsStored).reduce(0, +)) events stored, \(kiosks.map(\.eventsRejected).reduce(0, +)) rejected")
    }
}
