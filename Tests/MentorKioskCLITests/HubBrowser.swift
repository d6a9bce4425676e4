import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A browser's part of the conversation: its cookies, and the pages it got.
final class HubBrowser {
    let base: String
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
    var cookies: [String: String] = [:]
    /// The raw Set-Cookie headers of the last answer.
    var lastSetCookies: [String] = []

    init(base: String) { self.base = base }
    deinit { try? client.syncShutdown() }

    struct Page {
        var status: Int
        var headers: HTTPHeaders
        var body: String
        var location: String? { headers.first(name: "Location") }
        /// The CSRF token of the page's (first) form.
        var csrf: String? { body.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/).map { String($0.1) } }
    }

    func get(_ path: String) async throws -> Page { try await send(.GET, path, body: nil, headers: [:]) }

    func post(_ path: String, _ fields: [(String, String)], headers: [String: String] = [:]) async throws -> Page {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
        return try await send(.POST, path, body: body, headers: ["Content-Type": "application/x-www-form-urlencoded"].merging(headers) { $1 })
    }

    func send(_ method: HTTPMethod, _ path: String, body: String?, headers: [String: String]) async throws -> Page {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if !cookies.isEmpty { request.headers.add(name: "Cookie", value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        lastSetCookies = response.headers["Set-Cookie"]
        for line in lastSetCookies {
            let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let (name, value) = (String(pair[0]), pair.count > 1 ? String(pair[1]) : "")
            if value.isEmpty || line.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return Page(status: Int(response.status.code), headers: response.headers, body: String(buffer: try await response.body.collect(upTo: 8 << 20)))
    }

    /// Sends the set-password form of a link, with the password twice.
    func setPassword(_ token: String, _ password: String) async throws -> Page {
        try await post("/set-password", [("token", token), ("password", password), ("confirm", password)])
    }

    /// A `multipart/form-data` POST, as a form with a file input sends it: `files` are (field, file name, content).
    func postMultipart(_ path: String, _ fields: [(String, String)], files: [(String, String, Data)] = []) async throws -> Page {
        let boundary = "----hub-test-" + UUID().uuidString
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        for (name, file, content) in files {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(file)\"\r\nContent-Type: text/csv\r\n\r\n".utf8))
            body.append(content)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return try await send(.POST, path, body: String(decoding: body, as: UTF8.self), headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"])
    }

    /// Opens the login page and sends its form.
    func logIn(_ email: String, _ password: String, next: String = "") async throws -> Page {
        let form = try await get("/login" + (next.isEmpty ? "" : "?next=" + next))
        return try await post("/login", [("csrf", form.csrf ?? ""), ("next", ""), ("email", email), ("password", password)])
    }
}
