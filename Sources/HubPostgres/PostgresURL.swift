import Foundation
import NIOSSL
import PostgresNIO

/// Where the hub's PostgreSQL database is, written the way libpq and every PostgreSQL tool
/// write it: `postgres://user:password@host:5432/database?sslmode=require`, or a Unix socket
/// folder in `host=` (`postgres://mentor@/mentor_hub?host=/var/run/postgresql`).
/// Messages about it never repeat the password.
public struct PostgresURL: Sendable, CustomStringConvertible {
    /// For the connection pool the hub uses.
    public let configuration: PostgresClient.Configuration
    /// For a single connection: opening one first tells why a database cannot be reached
    /// (the pool only reports that it gave up).
    public let connectionConfiguration: PostgresConnection.Configuration
    /// The URL without its password, for messages and logs.
    public let description: String
    /// The same connection for libpq's tools (pg_dump, pg_restore, psql), as environment
    /// variables: the password never appears on a command line.
    public let libpqEnvironment: [String: String]

    /// Whether `text` names a PostgreSQL database (rather than the default SQLite files).
    public static func names(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    public init(_ text: String) throws {
        guard Self.names(text), let url = URLComponents(string: text) else {
            throw InvalidURL(reason: "a PostgreSQL URL looks like postgres://user:password@host:5432/database")
        }
        let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        guard let user = url.user.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else {
            throw InvalidURL(reason: "the URL names no user (postgres://USER@host/database)")
        }
        guard !database.isEmpty else { throw InvalidURL(reason: "the URL names no database (postgres://user@host/DATABASE)") }
        let password = url.password.flatMap { $0.removingPercentEncoding }
        let query = Dictionary((url.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        var environment = ["PGUSER": user, "PGDATABASE": database, "PGPORT": String(url.port ?? 5432), "PGSSLMODE": query["sslmode"] ?? "prefer"]
        environment["PGPASSWORD"] = password
        environment["PGHOST"] = query["host"] ?? url.host
        libpqEnvironment = environment
        if let unknown = query.keys.first(where: { !["sslmode", "host"].contains($0) }) {
            throw InvalidURL(reason: "unknown URL parameter \(unknown) (known: sslmode, host)")
        }
        if let socketFolder = query["host"], socketFolder.hasPrefix("/") {
            let port = url.port ?? 5432
            let socket = "\(socketFolder)/.s.PGSQL.\(port)"
            configuration = .init(unixSocketPath: socket, username: user, password: password, database: database)
            connectionConfiguration = .init(unixSocketPath: socket, username: user, password: password, database: database)
        } else {
            guard let host = url.host, !host.isEmpty else { throw InvalidURL(reason: "the URL names no host (postgres://user@HOST/database)") }
            let port = url.port ?? 5432
            // libpq's meanings: require encrypts without checking the server's certificate.
            var unverified = TLSConfiguration.makeClientConfiguration()
            unverified.certificateVerification = .none
            switch query["sslmode"] ?? "prefer" {
            case "disable":
                configuration = .init(host: host, port: port, username: user, password: password, database: database, tls: .disable)
                connectionConfiguration = .init(host: host, port: port, username: user, password: password, database: database, tls: .disable)
            case "prefer", "allow":
                configuration = .init(host: host, port: port, username: user, password: password, database: database, tls: .prefer(unverified))
                connectionConfiguration = .init(
                    host: host, port: port, username: user, password: password, database: database, tls: .prefer(try NIOSSLContext(configuration: unverified)))
            case "require", "verify-full":
                let checked = query["sslmode"] == "verify-full" ? TLSConfiguration.makeClientConfiguration() : unverified
                configuration = .init(host: host, port: port, username: user, password: password, database: database, tls: .require(checked))
                connectionConfiguration = .init(
                    host: host, port: port, username: user, password: password, database: database, tls: .require(try NIOSSLContext(configuration: checked)))
            case let mode: throw InvalidURL(reason: "sslmode \(mode) is not one of disable, prefer, require, verify-full")
            }
        }
        var shown = url
        if shown.password != nil { shown.password = "***" }
        description = shown.string ?? "postgres://…"
    }

    /// A database URL that cannot be used; says why without the password.
    public struct InvalidURL: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "cannot use the database URL: \(reason)" }
    }
}
