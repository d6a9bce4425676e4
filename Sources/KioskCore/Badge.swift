import Crypto
import Foundation

/// How a deployment's badge codes are written, so the same card always yields the same code
/// whichever reader (or spreadsheet) it came through.
public struct BadgeRules: Sendable, Equatable {
    /// Letter case applied before matching and hashing.
    public enum LetterCase: String, Sendable, CaseIterable {
        case upper, lower, preserve
    }

    /// Whether `000123` and `123` are the same badge.
    public enum LeadingZeros: String, Sendable, CaseIterable {
        case keep, strip
    }

    public var letterCase: LetterCase
    public var leadingZeros: LeadingZeros
    /// A regular expression the whole normalised code must match.
    public var allowedPattern: String
    public var minimumLength: Int
    public var maximumLength: Int

    /// Raw input longer than this is not a badge (a stuck key, a pasted file) whatever the rules.
    public static let absurdLength = 256

    public init(
        letterCase: LetterCase = .upper, leadingZeros: LeadingZeros = .keep,
        allowedPattern: String = "[A-Z0-9]+", minimumLength: Int = 4, maximumLength: Int = 32
    ) {
        self.letterCase = letterCase
        self.leadingZeros = leadingZeros
        self.allowedPattern = allowedPattern
        self.minimumLength = minimumLength
        self.maximumLength = maximumLength
    }

    /// Checks that the rules themselves make sense; config loading reports the message.
    public func validate() throws(BadgeRulesError) {
        guard minimumLength >= 1 else { throw .invalidLength("minimum length must be at least 1") }
        guard maximumLength >= minimumLength else {
            throw .invalidLength("maximum length \(maximumLength) is below minimum length \(minimumLength)")
        }
        guard maximumLength <= Self.absurdLength else {
            throw .invalidLength("maximum length must be at most \(Self.absurdLength)")
        }
        do {
            _ = try NSRegularExpression(pattern: "^(?:\(allowedPattern))$")
        } catch {
            throw .invalidPattern("\(allowedPattern) is not a valid regular expression: \(error)")
        }
    }
}

/// Why a set of badge rules cannot be used.
public enum BadgeRulesError: Error, Equatable, CustomStringConvertible {
    case invalidLength(String)
    case invalidPattern(String)

    public var description: String {
        switch self {
        case .invalidLength(let message), .invalidPattern(let message): message
        }
    }
}

/// Why a scanned or imported badge code was refused. Nothing is stored for a refused code.
public enum BadgeRejection: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case absurdLength(bytes: Int)
    case invalidUTF8
    case escapeSequence
    case controlCharacter(position: Int)
    case tooShort(length: Int, minimum: Int)
    case tooLong(length: Int, maximum: Int)
    case patternMismatch(pattern: String)

    /// Stable identifier for scripts (`--json`).
    public var code: String {
        switch self {
        case .empty: "empty"
        case .absurdLength: "absurd_length"
        case .invalidUTF8: "invalid_utf8"
        case .escapeSequence: "escape_sequence"
        case .controlCharacter: "control_character"
        case .tooShort: "too_short"
        case .tooLong: "too_long"
        case .patternMismatch: "pattern_mismatch"
        }
    }

    public var description: String {
        switch self {
        case .empty: "the badge code is empty"
        case .absurdLength(let bytes): "the input is \(bytes) bytes long; no badge is longer than \(BadgeRules.absurdLength)"
        case .invalidUTF8: "the input is not valid UTF-8"
        case .escapeSequence: "the input contains a terminal escape sequence"
        case .controlCharacter(let position): "the input contains a control character at position \(position)"
        case .tooShort(let length, let minimum): "the badge code has \(length) characters; at least \(minimum) are required"
        case .tooLong(let length, let maximum): "the badge code has \(length) characters; at most \(maximum) are allowed"
        case .patternMismatch(let pattern): "the badge code does not match the allowed pattern \(pattern)"
        }
    }
}

/// A badge code after normalisation: the only form that is ever hashed.
public struct NormalizedBadge: Sendable, Hashable, CustomStringConvertible {
    public let code: String
    public var description: String { code }
}

/// Turns raw reader input into a `NormalizedBadge`, refusing anything that is not a badge.
public struct BadgeNormalizer: Sendable {
    public let rules: BadgeRules
    /// Compiled once, anchored at both ends. NSRegularExpression (ICU) matches a short code
    /// several times faster than Swift's `Regex` on Linux, and is documented thread-safe.
    private let pattern: NSRegularExpression?

    public init(rules: BadgeRules) {
        self.rules = rules
        self.pattern = try? NSRegularExpression(pattern: "^(?:\(rules.allowedPattern))$")
    }

    /// Normalises raw bytes as they come from a reader or a pipe.
    public func normalize(bytes: some Collection<UInt8>) throws(BadgeRejection) -> NormalizedBadge {
        guard bytes.count <= BadgeRules.absurdLength else { throw .absurdLength(bytes: bytes.count) }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8 }
        return try normalize(text)
    }

    public func normalize(_ raw: String) throws(BadgeRejection) -> NormalizedBadge {
        let byteCount = raw.utf8.count
        guard byteCount <= BadgeRules.absurdLength else { throw .absurdLength(bytes: byteCount) }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.unicodeScalars.contains("\u{1B}") { throw .escapeSequence }
        for (offset, scalar) in trimmed.unicodeScalars.enumerated() where Self.isControl(scalar) {
            throw .controlCharacter(position: offset + 1)
        }
        var code: String
        switch rules.letterCase {
        case .upper: code = trimmed.uppercased()
        case .lower: code = trimmed.lowercased()
        case .preserve: code = trimmed
        }
        if rules.leadingZeros == .strip {
            let stripped = code.drop(while: { $0 == "0" })
            code = stripped.isEmpty && !code.isEmpty ? "0" : String(stripped)
        }
        guard !code.isEmpty else { throw .empty }
        let length = code.count
        guard length >= rules.minimumLength else { throw .tooShort(length: length, minimum: rules.minimumLength) }
        guard length <= rules.maximumLength else { throw .tooLong(length: length, maximum: rules.maximumLength) }
        let range = NSRange(code.startIndex..<code.endIndex, in: code)
        guard let pattern, pattern.firstMatch(in: code, options: [.anchored], range: range) != nil else {
            throw .patternMismatch(pattern: rules.allowedPattern)
        }
        return NormalizedBadge(code: code)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned:
            true
        default:
            false
        }
    }
}

/// A badge code as stored: HMAC-SHA256 of the normalised code under the deployment secret,
/// in lowercase hex. A lost SD card yields these, never the numbers that may also open doors.
public struct BadgeHash: Sendable, Hashable, Codable, CustomStringConvertible {
    public let hex: String

    public init(hex: String) { self.hex = hex }
    public var description: String { hex }
}

/// Lower-case hex digits of bytes: badge hashes, digests, tokens' hashes, all written alike.
public enum Hex {
    public static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in bytes {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

/// Computes `BadgeHash`es with the deployment secret.
public struct BadgeHasher: Sendable {
    private let secret: Data

    /// Secrets shorter than this are refused: HMAC's strength is the secret's.
    public static let minimumSecretBytes = 16

    public init(secret: some ContiguousBytes) throws(BadgeSecretError) {
        let count = secret.withUnsafeBytes { $0.count }
        guard count >= Self.minimumSecretBytes else { throw .tooShort(bytes: count) }
        self.secret = secret.withUnsafeBytes { Data($0) }
    }

    public func hash(_ badge: NormalizedBadge) -> BadgeHash {
        BadgeHash(hex: Hex.lowercase(HMAC<SHA256>.authenticationCode(for: Data(badge.code.utf8), using: SymmetricKey(data: secret))))
    }

    /// 32 fresh random bytes for a new deployment's secret.
    public static func generateSecret() -> Data {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
    }
}

/// Why the badge secret cannot be used.
public enum BadgeSecretError: Error, Equatable, CustomStringConvertible {
    case tooShort(bytes: Int)

    public var description: String {
        switch self {
        case .tooShort(let bytes):
            "the badge secret has \(bytes) bytes; at least \(BadgeHasher.minimumSecretBytes) are required"
        }
    }
}
