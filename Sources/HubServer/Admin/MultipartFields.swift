import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import NIOHTTP1

/// The fields of a `multipart/form-data` form, read with MultipartKit's parser under limits a
/// form of the hub's never comes near: at most `maximumParts` parts, each with at most
/// `maximumHeaders` headers, each name once. A body built to make the parsing costly (thousands
/// of parts or headers) is refused instead.
struct MultipartFields {
    static let maximumParts = 16
    static let maximumHeaders = 8

    private(set) var parts: [String: ByteBuffer] = [:]

    func text(_ name: String) -> String? { parts[name].map { String(buffer: $0) } }

    func data(_ name: String) -> Data? { parts[name].map { Data(buffer: $0) } }

    static func read(_ request: Request, limit: Int) async throws -> MultipartFields {
        let pieces = request.headers[.contentType]?.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) } ?? []
        guard pieces.first?.lowercased() == "multipart/form-data",
              let boundary = pieces.dropFirst().first(where: { $0.lowercased().hasPrefix("boundary=") })?.dropFirst(9)
                  .trimmingCharacters(in: CharacterSet(charactersIn: "\"")),
              !boundary.isEmpty, boundary.utf8.count <= 70
        else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "send the form as multipart/form-data with a boundary")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, "too_large", "the form is over \(limit >> 20) MiB")
        }
        return try parse(buffer, boundary: boundary)
    }

    static func parse(_ buffer: ByteBuffer, boundary: String) throws -> MultipartFields {
        var fields = MultipartFields()
        var headers = HTTPHeaders()
        var body = ByteBuffer()
        var problem: String?
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in
            guard problem == nil else { return }
            guard headers.count < maximumHeaders else {
                problem = "a part of the form has more than \(maximumHeaders) headers"
                return
            }
            headers.add(name: name, value: value)
        }
        parser.onBody = { chunk in
            if problem == nil { body.writeBuffer(&chunk) }
        }
        parser.onPartComplete = {
            defer { (headers, body) = (HTTPHeaders(), ByteBuffer()) }
            guard problem == nil else { return }
            guard let name = MultipartPart(headers: headers, body: body).name else {
                problem = "a part of the form has no name"
                return
            }
            guard fields.parts.count < maximumParts else {
                problem = "the form has more than \(maximumParts) fields"
                return
            }
            guard fields.parts[name] == nil else {
                problem = "the form has the field \(name.prefix(40)) twice"
                return
            }
            fields.parts[name] = body
        }
        do {
            try parser.execute(buffer)
        } catch {
            throw APIError(.badRequest, "bad_request", "the form cannot be read: it is not valid multipart/form-data")
        }
        if let problem { throw APIError(.badRequest, "bad_request", "the form cannot be read: \(problem)") }
        return fields
    }
}
