import Foundation

/// A sentence for the speaker, with the language to say it in.
public struct Utterance: Sendable, Equatable {
    public var text: String
    public var language: KioskLanguage

    public init(text: String, language: KioskLanguage) {
        self.text = text
        self.language = language
    }
}

/// What the kiosk says aloud when a screen appears: the screen's own words (from the same
/// phrasebooks), in the language of the person in front of it, without the symbols and dashes
/// that only the eye needs. Pure.
public enum SpokenWords {
    /// nil when `mode` says nothing for this screen.
    public static func utterance(for screen: KioskScreen, mode: SpeechMode, wording: KioskWording) -> Utterance? {
        guard mode != .off else { return nil }
        let words = wording.speaking(to: screen.person)
        let phrases = words.phrases
        let full = mode == .full
        var sentences: [String] = []
        switch screen {
        case .result(let report), .facilitatorResult(_, let report):
            sentences = [report.message] + [report.milestone].compactMap { $0 }
        case .rating(_, let report):
            sentences = [report.message] + (full ? question(.rating, words) : [])
        case .question(_, _, let asked, let thanks):
            sentences = [thanks] + (full ? question(asked, words) : [])
        case .chooseSession(_, let participant, let choices, _) where full:
            sentences = [phrases.whichSession(name: participant.name)]
                + choices.enumerated().map { "\($0.offset + 1): \($0.element.title)" }
        case .offerCheckOut(_, let report) where full:
            sentences = [words.youCheckedIn(report), phrases.text(.offerLeaving)]
        default:
            return nil
        }
        let text = sentences.map(spoken).filter { !$0.isEmpty }.joined(separator: ". ")
        return text.isEmpty ? nil : Utterance(text: text, language: words.language)
    }

    private static func question(_ question: CheckOutQuestion, _ words: KioskWording) -> [String] {
        let prompt = words.prompt(question)
        return [prompt.question, words.phrases.text(.pressOneButton)]
            + prompt.choices.enumerated().map { "\($0.offset + 1): \($0.element)" }
    }

    /// A line as the ear wants it: no leading symbol, dashes and brackets as pauses, and no
    /// control character (espeak-ng reads some as commands).
    static func spoken(_ line: String) -> String {
        var text = String(String.UnicodeScalarView(line.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }))
        while let first = text.unicodeScalars.first, "✓✗•?★▶◀".unicodeScalars.contains(first) || first == " " {
            text.unicodeScalars.removeFirst()
        }
        for (mark, pause) in [(" — ", ", "), (" (", ", "), (")", ""), ("[", ""), ("]", ""), ("▶", ""), ("◀", "")] {
            text = text.replacingOccurrences(of: mark, with: pause)
        }
        return text.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: ".")))
    }
}
