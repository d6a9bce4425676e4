/// The colours a screen uses; the terminal backend maps them to its palette.
public enum ScreenColor: Int, Sendable, CaseIterable {
    case normal, black, red, green, yellow, blue, magenta, cyan, white
}

/// How a cell looks. Colour is never the only signal: screens also use words and symbols.
public struct CellStyle: Sendable, Hashable {
    public var foreground: ScreenColor
    public var background: ScreenColor
    public var bold: Bool

    public init(foreground: ScreenColor = .normal, background: ScreenColor = .normal, bold: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
    }

    public static let plain = CellStyle()
}

/// One character position on the screen.
public struct Cell: Sendable, Hashable {
    public var character: Character
    public var style: CellStyle

    public init(_ character: Character, _ style: CellStyle = .plain) {
        self.character = character
        self.style = style
    }
}

/// A screen as a grid of styled cells: what a renderer produces, what a terminal paints, and
/// what tests read as plain text.
public struct ScreenGrid: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public private(set) var cells: [Cell]

    public init(rows: Int, columns: Int, fill: CellStyle = .plain) {
        self.rows = max(0, rows)
        self.columns = max(0, columns)
        cells = Array(repeating: Cell(" ", fill), count: self.rows * self.columns)
    }

    public subscript(row: Int, column: Int) -> Cell {
        get { cells[row * columns + column] }
        set { cells[row * columns + column] = newValue }
    }

    /// Writes `text` from `column`, clipped at the right edge.
    public mutating func put(_ text: String, row: Int, column: Int, style: CellStyle = .plain) {
        guard row >= 0, row < rows else { return }
        var position = column
        for character in text {
            if position >= columns { break }
            if position >= 0 { self[row, position] = Cell(character, style) }
            position += 1
        }
    }

    /// Writes `text` centred on `row`.
    public mutating func center(_ text: String, row: Int, style: CellStyle = .plain) {
        put(text, row: row, column: max(0, (columns - text.count) / 2), style: style)
    }

    /// Paints a whole row's background.
    public mutating func fill(row: Int, style: CellStyle) {
        guard row >= 0, row < rows else { return }
        for column in 0..<columns { self[row, column] = Cell(" ", style) }
    }

    /// White on black everywhere; what a coloured background marked (header, footer, the
    /// selected entry) becomes black on white. The words and symbols carry the meaning.
    public mutating func makeHighContrast() {
        for index in cells.indices {
            let style = cells[index].style
            cells[index].style = style.background == .normal || style.background == .black
                ? CellStyle(foreground: .white, background: .black, bold: style.bold)
                : CellStyle(foreground: .black, background: .white, bold: true)
        }
    }

    /// The screen as plain text, one line per row, trailing spaces removed.
    public var text: String {
        (0..<rows).map { row in
            var line = String((0..<columns).map { self[row, $0].character })
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}
