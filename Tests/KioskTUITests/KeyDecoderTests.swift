import KioskCore
import Testing
import KioskTUI

@Suite("Keys: buttons, bursts and the demo's keys")
struct KeyDecoderTests {
    static let special = KeyDecoder.SpecialKeys(up: 259, down: 258, enter: 343)

    func decode(_ text: String, demo: Bool) -> [DecodedKey] {
        var decoder = KeyDecoder(special: Self.special, demo: demo)
        var keys: [DecodedKey] = []
        for byte in text.utf8 { keys += decoder.feed(Int32(byte), at: 0) }
        return keys + decoder.flush(at: 1)
    }

    @Test("in the demo, a lone v toggles speech and a lone s simulates a scan; an appliance ignores both")
    func demoKeys() {
        #expect(decode("v", demo: true) == [.toggleSpeech])
        #expect(decode("s", demo: true) == [.simulateScan])
        #expect(decode("v", demo: false).isEmpty)
        #expect(decode("s", demo: false).isEmpty)
        #expect(decode("3", demo: false) == [.input(.button(.select))])
        #expect(decode("vvvv", demo: true) == [.input(.badge(Array("vvvv".utf8)))], "a burst is a badge, not four toggles")
    }
}
