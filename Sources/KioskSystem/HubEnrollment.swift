import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What `mentor-kiosk enroll` got from the hub, kept beside the database (mode 0600): the
/// hub's address, this kiosk's id there, its device token, and a private CA to trust.
public struct HubEnrollment: Codable, Sendable, Equatable {
    public var url: String
    public var kioskID: String
    public var token: String
    public var trustedCA: String?

    public init(url: String, kioskID: String, token: String, trustedCA: String?) {
        self.url = url
        self.kioskID = kioskID
        self.token = token
        self.trustedCA = trustedCA
    }

    public static func path(database: String) -> String {
        ((database as NSString).deletingLastPathComponent as NSString).appendingPathComponent("hub.json")
    }

    /// nil when the kiosk was never enrolled.
    public static func load(_ path: String) throws -> HubEnrollment? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try JSONDecoder().decode(HubEnrollment.self, from: data)
    }

    public func save(_ path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try PrivateFile.write(try encoder.encode(self), to: path)
    }
}

/// Writes a file only its owner can read, atomically: a temporary file, fsync, rename.
public enum PrivateFile {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func write(_ data: Data, to path: String) throws(Failure) {
        let temporary = path + ".new"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
        let written = data.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == data.count, synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
