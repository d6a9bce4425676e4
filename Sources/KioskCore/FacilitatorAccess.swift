import Foundation

/// A facilitator's PIN: four presses of the kiosk's buttons 1–4, stored only as an HMAC.
public struct ButtonPIN: Sendable, Equatable {
    public static let length = 4
    public let digits: [Int]

    /// Accepts exactly four digits from 1 to 4 ("1234", "4 4 1 2").
    public init?(_ text: String) {
        let digits = text.compactMap { $0.wholeNumberValue }
        guard text.allSatisfy({ $0.isWhitespace || ("1"..."4").contains($0) }),
              digits.count == Self.length else { return nil }
        self.digits = digits
    }

    public init?(digits: [Int]) {
        guard digits.count == Self.length, digits.allSatisfy({ (1...4).contains($0) }) else { return nil }
        self.digits = digits
    }
}

/// What a PIN attempt achieved.
public enum PINCheck: Sendable, Equatable {
    case accepted(Participant)
    case wrong(attemptsLeft: Int)
    case locked(until: Date)
    /// The badge's owner may not supervise, or has no PIN set.
    case notAllowed
}

/// Repeated wrong PINs lock a facilitator out for a while (kept in the database, so a restart
/// does not reset it).
public struct PINRules: Sendable, Equatable {
    public var attempts = 5
    public var lockout: TimeInterval = 5 * 60

    public init() {}
}

/// A facilitator's stored PIN state.
public struct StoredPIN: Sendable, Equatable {
    public var hash: String
    public var failedAttempts: Int
    public var lockedUntil: Date?

    public init(hash: String, failedAttempts: Int = 0, lockedUntil: Date? = nil) {
        self.hash = hash
        self.failedAttempts = failedAttempts
        self.lockedUntil = lockedUntil
    }
}

/// Decides PIN attempts: who may try, right or wrong, and when to lock.
public enum PINPolicy {
    /// - Returns: the verdict and the PIN state to store afterwards (nil: store nothing).
    public static func check(
        participant: Participant, stored: StoredPIN?, enteredHash: String, at now: Date, rules: PINRules
    ) -> (PINCheck, StoredPIN?) {
        guard participant.isActive, participant.role.maySupervise, var stored else { return (.notAllowed, nil) }
        if let until = stored.lockedUntil, now < until { return (.locked(until: until), nil) }
        if stored.hash == enteredHash {
            stored.failedAttempts = 0
            stored.lockedUntil = nil
            return (.accepted(participant), stored)
        }
        stored.failedAttempts += 1
        if stored.failedAttempts >= rules.attempts {
            stored.failedAttempts = 0
            let until = now.addingTimeInterval(rules.lockout)
            stored.lockedUntil = until
            return (.locked(until: until), stored)
        }
        stored.lockedUntil = nil
        return (.wrong(attemptsLeft: rules.attempts - stored.failedAttempts), stored)
    }
}

extension BadgeHasher {
    /// The stored form of a facilitator's PIN: HMAC under the deployment secret, bound to the
    /// participant, so equal PINs of two facilitators do not look alike.
    public func pinHash(participantID: String, pin: ButtonPIN) -> String {
        hash(NormalizedBadge(code: "pin:\(participantID):" + pin.digits.map(String.init).joined())).hex
    }
}
