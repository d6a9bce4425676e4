import Foundation

/// An email address as the hub keeps it: trimmed, lower-cased, one `@` between a local part and
/// a domain with a dot, at most 254 characters, and no spaces, control or format characters
/// (bidi overrides, terminal escapes) or combining marks, so that it prints and escapes as seen.
public enum EmailAddress {
    public static func normalized(_ text: String) -> String? {
        let email = text.trimmingCharacters(in: .whitespaces).lowercased()
        let refused: Set<Unicode.GeneralCategory> = [.control, .format, .nonspacingMark, .spacingMark, .enclosingMark, .lineSeparator, .paragraphSeparator]
        guard email.count <= 254, !email.unicodeScalars.contains(where: { $0.properties.isWhitespace || refused.contains($0.properties.generalCategory) }) else {
            return nil
        }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !email.contains("<"), !email.contains(">"), !email.contains(",")
        else { return nil }
        return email
    }
}
