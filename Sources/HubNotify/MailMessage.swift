import Foundation

/// A plain-text email as the hub sends it: UTF-8 text in base64 (so no line of it can end the
/// SMTP data early), the subject as an RFC 2047 encoded word, recipients that are normalised
/// addresses (no line breaks can reach a header).
public struct MailMessage: Sendable, Equatable {
    public var to: [String]
    public var subject: String
    public var text: String

    public init(to: [String], subject: String, text: String) {
        self.to = to
        self.subject = subject
        self.text = text
    }

    /// The message as the DATA of an SMTP conversation (CRLF line ends, without the final dot).
    func rendered(from: String, date: Date = Date(), id: UUID = UUID()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let body = Data(text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
            .base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return [
            "From: \(from)", "To: \(to.joined(separator: ", "))",
            "Subject: " + Self.encodedWords(subject),
            "Date: \(formatter.string(from: date))", "Message-ID: <\(id.uuidString.lowercased())@mentor-hub>", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "Auto-Submitted: auto-generated", "", body,
        ].joined(separator: "\r\n")
    }

    /// A header's text (its first 400 scalars) as RFC 2047 encoded words, each at most 75 characters, folded onto lines of their own.
    static func encodedWords(_ text: String) -> String {
        // By scalar: a letter with thousands of combining marks is one Character, and must still be cut.
        var chunks: [String] = []
        var chunk = ""
        for scalar in text.unicodeScalars.prefix(400) {
            if chunk.utf8.count + String(scalar).utf8.count > 45 {
                chunks.append(chunk)
                chunk = ""
            }
            chunk.unicodeScalars.append(scalar)
        }
        chunks.append(chunk)
        return chunks.map { "=?utf-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }
}
