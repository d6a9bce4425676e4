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

/// What a hub address says about the network between kiosk and hub.
public enum HubAddress {
    /// Whether `url`'s host is this machine (localhost, 127.0.0.0/8, ::1): the only place a
    /// plain-http hub is safe to enroll at without saying so.
    public static func isLoopback(_ url: String) -> Bool {
        guard let host = URLComponents(string: url)?.host?.lowercased() else { return false }
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}

/// Writes a file only its owner can read, atomically: a temporary file, fsync, rename.
public enum PrivateFile {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The temporary file is new (`O_EXCL`) and never a link (`O_NOFOLLOW`): a leftover or a
    /// planted symlink beside the target is removed first, never written through.
    public static func write(_ data: Data, to path: String) throws(Failure) {
        let temporary = path + ".new"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
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
