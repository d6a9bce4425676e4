import CGPIO

#if canImport(Glibc)
import Glibc
#endif

/// Why the box's GPIO cannot be used, worded for the person wiring it (which chip, which line,
/// who holds it). The kiosk shows it on its status screen and runs with keys instead.
public struct GPIOError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

/// A GPIO chip, found by label or path: never by number, which changes between kernels and
/// Raspberry Pi models (the Pi 5's header chip moved from gpiochip4 to gpiochip0).
public struct GPIOChip: Sendable, Equatable {
    /// The header chips of Raspberry Pi 5, 4 and earlier, tried in this order for "auto".
    public static let raspberryPiLabels = ["pinctrl-rp1", "pinctrl-bcm2711", "pinctrl-bcm2835"]

    public let path: String
    public let lineCount: Int

    /// The libgpiod API the kiosk was built against: 1 (bookworm) or 2 (trixie).
    public static var apiMajor: Int { Int(cgpio_api_major()) }
    /// The version of the libgpiod library in use ("1.6.3", "2.3"), as `hardware info` reports it.
    public static var libraryVersion: String { String(cString: cgpio_library_version()) }

    /// - Parameter labelOrPath: "auto", a chip label, or a device path.
    public static func find(_ labelOrPath: String) throws(GPIOError) -> GPIOChip {
        if labelOrPath == "auto" {
            for label in raspberryPiLabels {
                if let chip = try? find(label) { return chip }
            }
            throw GPIOError("no Raspberry Pi GPIO chip found (looked for the labels \(raspberryPiLabels.joined(separator: ", "))); set [gpio] chip to a label or a /dev/gpiochip path, or \"none\"")
        }
        var path = [CChar](repeating: 0, count: 256)
        guard cgpio_find_chip(labelOrPath, &path, path.count) == 0 else {
            let reason = errno == ENOENT ? "no such chip" : String(cString: strerror(errno))
            throw GPIOError("GPIO chip \"\(labelOrPath)\": \(reason)")
        }
        let found = String(decoding: path.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let lines = cgpio_chip_lines(found)
        guard lines >= 0 else { throw GPIOError("GPIO chip \(found): \(String(cString: strerror(errno)))") }
        return GPIOChip(path: found, lineCount: Int(lines))
    }

    /// Who holds line `offset`: nil when it is free.
    public func consumer(of offset: UInt32) -> String? {
        var name = [CChar](repeating: 0, count: 64)
        guard cgpio_line_consumer(path, offset, &name, name.count) == 1 else { return nil }
        let text = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.isEmpty ? "the kernel" : "\"\(text)\""
    }

    /// Requests lines through `request`; on failure, names the lines and who holds them.
    func request(
        _ lines: [(name: String, offset: UInt32)], _ request: ([UInt32]) -> OpaquePointer?
    ) throws(GPIOError) -> OpaquePointer {
        if let outside = lines.first(where: { Int($0.offset) >= lineCount }) {
            throw GPIOError("\(outside.name) is wired to line \(outside.offset), but \(path) has lines 0–\(lineCount - 1)")
        }
        if let handle = request(lines.map(\.offset)) { return handle }
        let failure = errno
        let taken = lines.compactMap { line in consumer(of: line.offset).map { "\(line.name) (line \(line.offset)) is in use by \($0)" } }
        if failure == EBUSY || !taken.isEmpty {
            throw GPIOError("\(path): " + (taken.isEmpty ? "lines busy" : taken.joined(separator: "; ")))
        }
        throw GPIOError("\(path): cannot request \(lines.map { "\($0.name) (line \($0.offset))" }.joined(separator: ", ")): \(String(cString: strerror(failure)))")
    }
}
