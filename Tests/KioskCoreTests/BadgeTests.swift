import Foundation
import Testing
@testable import KioskCore

@Suite("Badge normalisation and hashing")
struct BadgeTests {
    static let accepted: [(String, BadgeRules, String)] = [
        ("00123abc", BadgeRules(), "00123ABC"),
        ("  00123ABC\r\n", BadgeRules(), "00123ABC"),
        ("\t4455\n", BadgeRules(), "4455"),
        ("00123abc", BadgeRules(letterCase: .lower, allowedPattern: "[a-z0-9]+"), "00123abc"),
        ("00123abc", BadgeRules(letterCase: .preserve, allowedPattern: "[A-Za-z0-9]+"), "00123abc"),
        ("000123", BadgeRules(leadingZeros: .strip, minimumLength: 1), "123"),
        ("0000", BadgeRules(leadingZeros: .strip, minimumLength: 1), "0"),
        ("AB-12-CD", BadgeRules(allowedPattern: "[A-Z0-9-]+"), "AB-12-CD"),
    ]

    @Test("accepted codes are normalised", arguments: accepted)
    func accepts(raw: String, rules: BadgeRules, expected: String) throws {
        #expect(try BadgeNormalizer(rules: rules).normalize(raw).code == expected)
    }

    static let refused: [(String, BadgeRejection)] = [
        ("", .empty),
        ("   \r\n", .empty),
        ("12\u{1B}[2J34", .escapeSequence),
        ("12\u{07}34", .controlCharacter(position: 3)),
        ("12\u{0}34", .controlCharacter(position: 3)),
        ("12\u{200B}34", .controlCharacter(position: 3)),
        ("123", .tooShort(length: 3, minimum: 4)),
        (String(repeating: "1", count: 33), .tooLong(length: 33, maximum: 32)),
        (String(repeating: "1", count: 257), .absurdLength(bytes: 257)),
        ("12 34", .patternMismatch(pattern: "[A-Z0-9]+")),
        ("Ünïcode", .patternMismatch(pattern: "[A-Z0-9]+")),
    ]

    @Test("refused codes say why", arguments: refused)
    func refuses(raw: String, expected: BadgeRejection) {
        #expect(throws: expected) { try BadgeNormalizer(rules: BadgeRules()).normalize(raw) }
    }

    @Test("invalid UTF-8 from a reader is refused")
    func invalidUTF8() {
        #expect(throws: BadgeRejection.invalidUTF8) {
            try BadgeNormalizer(rules: BadgeRules()).normalize(bytes: [0x31, 0x32, 0xFF, 0x33, 0x34])
        }
        #expect(throws: BadgeRejection.absurdLength(bytes: 300)) {
            try BadgeNormalizer(rules: BadgeRules()).normalize(bytes: [UInt8](repeating: 0x31, count: 300))
        }
    }

    @Test("hash is HMAC-SHA256 of the normalised code under the secret (RFC 4231 test case 2 shape)")
    func hmacKnownAnswer() throws {
        // RFC 4231 test case 1: key = 0x0b * 20, data = "Hi There".
        let hasher = try BadgeHasher(secret: Data(repeating: 0x0B, count: 20))
        let hash = hasher.hash(NormalizedBadge(code: "Hi There"))
        #expect(hash.hex == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    @Test("the same card through different readers hashes the same; other secrets differ")
    func hashing() throws {
        let normalizer = BadgeNormalizer(rules: BadgeRules(leadingZeros: .strip, minimumLength: 1))
        let hasher = try BadgeHasher(secret: Data(repeating: 7, count: 32))
        let a = hasher.hash(try normalizer.normalize("000123ab\n"))
        let b = hasher.hash(try normalizer.normalize("123AB"))
        #expect(a == b)
        #expect(!a.hex.contains("123"))
        let other = try BadgeHasher(secret: Data(repeating: 8, count: 32))
        #expect(other.hash(try normalizer.normalize("123AB")) != a)
    }

    @Test("short secrets and broken rules are refused")
    func badSecretsAndRules() {
        #expect(throws: BadgeSecretError.tooShort(bytes: 8)) { try BadgeHasher(secret: Data(count: 8)) }
        #expect(throws: (any Error).self) { try BadgeRules(allowedPattern: "[A-Z").validate() }
        #expect(throws: (any Error).self) { try BadgeRules(minimumLength: 10, maximumLength: 5).validate() }
        #expect(BadgeHasher.generateSecret().count == 32)
    }
}

@Suite("Event ids")
struct TimeOrderedUUIDTests {
    @Test("UUIDv7: version and variant bits, ordered by time")
    func ordered() {
        let earlier = TimeOrderedUUID.make(at: Fixture.at(0))
        let later = TimeOrderedUUID.make(at: Fixture.at(0, seconds: 0.002))
        let text = earlier.uuidString
        #expect(text[text.index(text.startIndex, offsetBy: 14)] == "7")
        #expect("89AB".contains(text[text.index(text.startIndex, offsetBy: 19)]))
        #expect(earlier.uuidString < later.uuidString)
    }
}
