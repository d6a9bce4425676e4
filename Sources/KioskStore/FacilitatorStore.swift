import Foundation
import GRDB
import KioskCore

extension KioskStore {
    /// Sets (or replaces) a facilitator's PIN hash and clears any lockout.
    public func setPIN(participantID: String, hash: String) throws {
        try record { db in
            guard let person = try participant(db, id: participantID) else {
                throw SupervisionRefusal.participantUnknown(participantID)
            }
            _ = try SupervisionPolicy.authorize(actor: person, actorID: participantID)
            try db.execute(sql: """
                INSERT INTO facilitator_pin (participant_id, pin_hash, failed_attempts, locked_until) VALUES (?, ?, 0, NULL)
                ON CONFLICT (participant_id) DO UPDATE SET pin_hash = excluded.pin_hash, failed_attempts = 0, locked_until = NULL
                """, arguments: [participantID, hash])
        }
    }

    /// Checks a PIN attempt and stores the attempt count and lockout it leads to.
    public func checkPIN(participantID: String, enteredHash: String, at now: Date, rules: PINRules = PINRules()) throws -> PINCheck {
        try record { db in
            guard let person = try participant(db, id: participantID) else { return .notAllowed }
            let stored = try Row.fetchOne(db, sql: "SELECT * FROM facilitator_pin WHERE participant_id = ?", arguments: [participantID])
                .map { row in
                    StoredPIN(hash: row["pin_hash"], failedAttempts: row["failed_attempts"], lockedUntil: row["locked_until"])
                }
            let (check, update) = PINPolicy.check(participant: person, stored: stored, enteredHash: enteredHash, at: now, rules: rules)
            if let update {
                try db.execute(
                    sql: "UPDATE facilitator_pin SET failed_attempts = ?, locked_until = ? WHERE participant_id = ?",
                    arguments: [update.failedAttempts, update.lockedUntil.map(DatabaseTime.text), participantID])
            }
            return check
        }
    }

    /// The tallies of the sessions at `location` whose check-in window is open at `now`.
    public func openTallies(location: String, at now: Date, rules: CheckInRules) throws -> [SessionTally] {
        let open = try sessions(from: now.addingTimeInterval(-24 * 3600), to: now.addingTimeInterval(24 * 3600), location: location)
            .filter { $0.session.phase(at: now, rules: rules).acceptsCheckIns }
        return try open.compactMap { try tally(sessionID: $0.session.id) }
    }
}
