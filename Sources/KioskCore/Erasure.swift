import Crypto
import Foundation

/// A participant erased at the hub (`mentor-hub participant erase`, GDPR article 17): the id
/// they had, known only by its salted digest, and the pseudonym that replaced it in every stored
/// event, attendance and membership, so figures keep their counts. Kiosks get the hub's list in
/// their directory and erase the id in their own database; the hub gives an event a kiosk sends
/// later with the old id the pseudonym before it stores it.
public struct Erasure: Codable, Sendable, Equatable {
    /// SHA-256 (hex) of the ledger's salt and the erased id (`ErasureLedger.digest`).
    public var digest: String
    public var pseudonym: String

    public init(digest: String, pseudonym: String) {
        self.digest = digest
        self.pseudonym = pseudonym
    }
}

/// Every erasure of a hub, with the salt its digests share: what a kiosk needs to recognise an
/// id it holds without the hub keeping (or sending) any erased id.
public struct ErasureLedger: Codable, Sendable, Equatable {
    /// Random, one per hub: an id cannot be looked up in a table made for every hub.
    public var salt: String
    public var erasures: [Erasure]

    public init(salt: String, erasures: [Erasure]) {
        self.salt = salt
        self.erasures = erasures
    }

    public var isEmpty: Bool { erasures.isEmpty }

    /// Why a kiosk refuses this ledger (nil: it takes it): a pseudonym that is not one would merge
    /// the erased person into someone else's figures; a digest that is not SHA-256 hex matches nobody.
    public var problem: String? {
        let hex = Set("0123456789abcdef")
        for erasure in erasures {
            let tail = erasure.pseudonym.dropFirst(ErasedParticipant.prefix.count)
            guard erasure.pseudonym.hasPrefix(ErasedParticipant.prefix), (8...32).contains(tail.count), tail.allSatisfy(hex.contains) else {
                return "the erasure pseudonym \(erasure.pseudonym.prefix(80)) is not erased-<hex>"
            }
            guard erasure.digest.count == 64, erasure.digest.allSatisfy(hex.contains) else { return "an erasure's digest is not SHA-256 hex" }
        }
        if Set(erasures.map(\.pseudonym)).count != erasures.count { return "two erasures share a pseudonym" }
        return salt.isEmpty || salt.count > 128 ? "the erasure salt is empty or too long" : nil
    }

    public static func digest(of id: String, salt: String) -> String {
        Hex.lowercase(SHA256.hash(data: Data((salt + "\u{0}" + id).utf8)))
    }

    /// Each of `ids` by its digest under `salt`: what a ledger's digests are looked up by.
    public static func digests(of ids: some Sequence<String>, salt: String) -> [String: String] {
        Dictionary(Set(ids).map { (digest(of: $0, salt: salt), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The pseudonyms of those of `ids` that were erased, by id.
    public func pseudonyms(of ids: some Sequence<String>) -> [String: String] {
        guard !erasures.isEmpty else { return [:] }
        let ids = Self.digests(of: ids, salt: salt)
        return Dictionary(erasures.compactMap { erasure in ids[erasure.digest].map { ($0, erasure.pseudonym) } }, uniquingKeysWith: { first, _ in first })
    }
}

/// How an erased participant appears: a pseudonym for an id, a fixed name for their name.
public enum ErasedParticipant {
    /// The name every report, screen and export shows for an erased participant.
    public static let name = "erased participant"
    /// Every pseudonym starts with it, so an admin reading an export knows what it is.
    public static let prefix = "erased-"

    /// `text` with each whole-word occurrence of `word` (not part of a longer id or address:
    /// the characters around it are neither letters, digits, `-`, `_` nor `@`, nor a `.` that
    /// joins another letter or digit) replaced by `replacement`: for free text that names the
    /// erased person (the hub's audit log, its notices' keys).
    public static func replacing(_ word: String, with replacement: String, in text: String) -> String {
        guard !word.isEmpty, text.contains(word) else { return text }
        func joins(_ character: Character?, beyond: Character?) -> Bool {
            guard let character else { return false }
            if character == "." { return beyond.map { $0.isLetter || $0.isNumber } ?? false }
            return character.isLetter || character.isNumber || character == "-" || character == "_" || character == "@"
        }
        var result = ""
        var rest = text[...]
        while let range = rest.range(of: word) {
            result += rest[..<range.lowerBound]
            let before = result.last, beforeThat = result.dropLast().last
            let after = range.upperBound == rest.endIndex ? nil : rest[range.upperBound]
            let afterIndex = range.upperBound == rest.endIndex ? rest.endIndex : rest.index(after: range.upperBound)
            let afterThat = afterIndex == rest.endIndex ? nil : rest[afterIndex]
            result += joins(before, beyond: beforeThat) || joins(after, beyond: afterThat) ? word : replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
