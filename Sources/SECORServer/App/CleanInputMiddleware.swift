import Foundation
import Vapor

/// The pages' gate, before any handler reads a request: no query value, form field or JSON
/// string may hold NUL or another control character (line breaks and tabs are text; which
/// fields may hold them is `Validate.text`'s and the record checker's rule). A NUL stored
/// in SQLite was read back cut short and broke the log's hash chain; refused here, it never
/// reaches a handler or the database. 400 names the field. The API's gate is the
/// document's patterns (`ContractGate`), field by field.
struct CleanInputMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        if request.url.path.hasPrefix("/api/") { return try await next.respond(to: request) }
        if let field = Self.queryProblem(request.url.query) { throw Self.refusal(field) }
        if request.method != .GET, request.method != .HEAD, let type = request.headers.contentType,
           type == .json || type == .urlEncodedForm {
            var body = request.body.data
            if body == nil { body = try? await request.body.collect(max: BodyLimitMiddleware.maxJSONBytes).get() }
            if let body {
                let field = type == .json ? Self.jsonProblem(body) : Self.queryProblem(String(buffer: body))
                if let field { throw Self.refusal(field) }
            }
        }
        return try await next.respond(to: request)
    }

    static func refusal(_ field: String) -> AppError {
        AppError.invalid(field, "\(field) holds a control character (such as NUL); send it again as plain text.")
    }

    /// A character no text of ours holds: the C0 and C1 controls and DEL, but newline,
    /// carriage return and tab.
    static func isRefused(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control && scalar != "\n" && scalar != "\r" && scalar != "\t"
    }

    static func holdsRefused(_ text: String) -> Bool { text.unicodeScalars.contains(where: isRefused) }

    /// `a=1&b=2` (a query or a form body), each name and value percent-decoded.
    static func queryProblem(_ query: String?) -> String? {
        guard let query, !query.isEmpty else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            let name = decode(parts[0])
            if parts.count > 1 && holdsRefused(decode(parts[1])) { return name }
        }
        return nil
    }

    /// A JSON body: a byte scan first (raw controls cannot appear in valid JSON, so only
    /// escapes and C1/DEL bytes can carry one); only a suspect body is parsed, to name the field.
    static func jsonProblem(_ body: ByteBuffer) -> String? {
        let bytes = body.readableBytesView
        guard bytes.contains(where: { $0 == UInt8(ascii: "\\") || $0 == 0x7F || $0 == 0xC2 || $0 < 0x20 }) else { return nil }
        guard let value = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else { return nil }
        return find(in: value, path: "")
    }

    private static func find(in value: Any, path: String) -> String? {
        switch value {
        case let text as String:
            return holdsRefused(text) ? (path.isEmpty ? "body" : path) : nil
        case let object as [String: Any]:
            for (key, inner) in object {
                let here = path.isEmpty ? key : "\(path).\(key)"
                if let found = find(in: inner, path: here) { return found }
            }
            return nil
        case let array as [Any]:
            for (i, inner) in array.enumerated() { if let found = find(in: inner, path: "\(path)[\(i)]") { return found } }
            return nil
        default:
            return nil
        }
    }
}
