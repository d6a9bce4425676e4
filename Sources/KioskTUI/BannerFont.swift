/// Big letters for the one message that matters on each screen, readable from a few steps
/// away: five rows per glyph, five columns wide plus a space. A–Z, the capitals Spanish and
/// German add (Ä Ö Ü Á É Í Ó Ú Ñ), 0–9 and a little punctuation (¡ ¿ among it). A text with a
/// character the font lacks is not drawn in big letters at all (`canDraw`): the screens write
/// it as plain bold text instead, never as blanks.
public enum BannerFont {
    public static let height = 5
    static let width = 5

    /// Whether every character of `text` has a glyph.
    public static func canDraw(_ text: String) -> Bool {
        text.uppercased().allSatisfy { glyphs[$0] != nil }
    }

    /// The rows of `text` in big letters; characters the font lacks become blank (draw only what `canDraw`).
    public static func render(_ text: String) -> [String] {
        var rows = Array(repeating: "", count: height)
        for (index, character) in text.uppercased().enumerated() {
            let glyph = glyphs[character] ?? Array(repeating: "     ", count: height)
            for row in 0..<height {
                if index > 0 { rows[row] += " " }
                rows[row] += glyph[row].replacingOccurrences(of: "#", with: "█")
            }
        }
        return rows
    }

    /// The width `text` takes in big letters.
    public static func width(of text: String) -> Int {
        text.isEmpty ? 0 : text.count * (width + 1) - 1
    }

    static let glyphs: [Character: [String]] = [
        "A": [" ### ", "#   #", "#####", "#   #", "#   #"],
        "B": ["#### ", "#   #", "#### ", "#   #", "#### "],
        "C": [" ####", "#    ", "#    ", "#    ", " ####"],
        "D": ["#### ", "#   #", "#   #", "#   #", "#### "],
        "E": ["#####", "#    ", "#### ", "#    ", "#####"],
        "F": ["#####", "#    ", "#### ", "#    ", "#    "],
        "G": [" ####", "#    ", "#  ##", "#   #", " ####"],
        "H": ["#   #", "#   #", "#####", "#   #", "#   #"],
        "I": ["#####", "  #  ", "  #  ", "  #  ", "#####"],
        "J": ["#####", "   # ", "   # ", "#  # ", " ##  "],
        "K": ["#   #", "#  # ", "###  ", "#  # ", "#   #"],
        "L": ["#    ", "#    ", "#    ", "#    ", "#####"],
        "M": ["#   #", "## ##", "# # #", "#   #", "#   #"],
        "N": ["#   #", "##  #", "# # #", "#  ##", "#   #"],
        "O": [" ### ", "#   #", "#   #", "#   #", " ### "],
        "P": ["#### ", "#   #", "#### ", "#    ", "#    "],
        "Q": [" ### ", "#   #", "# # #", "#  # ", " ## #"],
        "R": ["#### ", "#   #", "#### ", "#  # ", "#   #"],
        "S": [" ####", "#    ", " ### ", "    #", "#### "],
        "T": ["#####", "  #  ", "  #  ", "  #  ", "  #  "],
        "U": ["#   #", "#   #", "#   #", "#   #", " ### "],
        "V": ["#   #", "#   #", "#   #", " # # ", "  #  "],
        "W": ["#   #", "#   #", "# # #", "## ##", "#   #"],
        "X": ["#   #", " # # ", "  #  ", " # # ", "#   #"],
        "Y": ["#   #", " # # ", "  #  ", "  #  ", "  #  "],
        "Z": ["#####", "   # ", "  #  ", " #   ", "#####"],
        "0": [" ### ", "#  ##", "# # #", "##  #", " ### "],
        "1": ["  #  ", " ##  ", "  #  ", "  #  ", " ### "],
        "2": [" ### ", "#   #", "  ## ", " #   ", "#####"],
        "3": ["#### ", "    #", " ### ", "    #", "#### "],
        "4": ["#   #", "#   #", "#####", "    #", "    #"],
        "5": ["#####", "#    ", "#### ", "    #", "#### "],
        "6": [" ### ", "#    ", "#### ", "#   #", " ### "],
        "7": ["#####", "   # ", "  #  ", " #   ", " #   "],
        "8": [" ### ", "#   #", " ### ", "#   #", " ### "],
        "9": [" ### ", "#   #", " ####", "    #", " ### "],
        // Capitals with marks: the mark takes the top row, the letter the four below.
        "Ä": ["#   #", " ### ", "#   #", "#####", "#   #"],
        "Ö": ["#   #", " ### ", "#   #", "#   #", " ### "],
        "Ü": ["#   #", "     ", "#   #", "#   #", " ### "],
        "Á": ["   # ", " ### ", "#   #", "#####", "#   #"],
        "É": ["   # ", "#####", "#### ", "#    ", "#####"],
        "Í": ["   # ", "#####", "  #  ", "  #  ", "#####"],
        "Ó": ["   # ", " ### ", "#   #", "#   #", " ### "],
        "Ú": ["   # ", "#   #", "#   #", "#   #", " ### "],
        "Ñ": [" ## #", "#   #", "##  #", "# # #", "#  ##"],
        "¡": ["  #  ", "     ", "  #  ", "  #  ", "  #  "],
        "¿": ["  #  ", "     ", " ##  ", "#    ", " ####"],
        ":": ["     ", "  #  ", "     ", "  #  ", "     "],
        "!": ["  #  ", "  #  ", "  #  ", "     ", "  #  "],
        "?": [" ### ", "#   #", "  ## ", "     ", "  #  "],
        "-": ["     ", "     ", "#####", "     ", "     "],
        ".": ["     ", "     ", "     ", "     ", "  #  "],
        " ": ["     ", "     ", "     ", "     ", "     "],
    ]
}
