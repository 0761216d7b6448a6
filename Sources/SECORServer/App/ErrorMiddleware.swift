import Fluent
import Leaf
import OpenAPIRuntime
import Vapor

/// Turns every error into a clear answer: JSON `{message, field}` for the API, an error
/// page for people. Bad input is 4xx; only a fault of ours is 500, with no detail shown.
struct SECORErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let (status, message, field, headers) = describe(error, request: request)
            let problems = ((error as? AppError) ?? ((error as? ServerError)?.underlyingError as? AppError))?.problems ?? []
            if status == .internalServerError {
                request.logger.report(error: error)
            }
            if wantsJSON(request) {
                let response = Response(status: status, headers: headers)
                try response.content.encode(ErrorBody(message: message, field: field, errors: problems.count > 1 ? problems : nil))
                return response
            }
            let context = ErrorPageContext(layout: try? await request.layoutContext(title: "\(status.code) \(status.reasonPhrase)"),
                                           status: Int(status.code), title: status.reasonPhrase, message: message)
            let response = try await request.view.render("error", context).encodeResponse(for: request)
            response.status = status
            for (name, value) in headers { response.headers.replaceOrAdd(name: name, value: value) }
            return response
        }
    }

    private func wantsJSON(_ request: Request) -> Bool {
        let path = request.url.path
        // The phone's outbox asks pages for JSON, so it can tell a refusal from a sign-in page.
        if request.wantsJSON { return true }
        return path.hasPrefix("/api/") || path == "/health" || path == "/openapi.yaml"
    }

    private func describe(_ error: Error, request: Request) -> (HTTPResponseStatus, String, String?, HTTPHeaders) {
        switch error {
        case let error as AppError:
            return (error.status, error.message, error.field, error.headers)
        case let error as ServerError:
            // The generated API layer wraps what went wrong; answer for the cause.
            if let cause = error.underlyingError as? AppError { return (cause.status, cause.message, cause.field, cause.headers) }
            if let cause = error.underlyingError as? DecodingError {
                // Without a body, what failed to decode is a path or query parameter.
                guard (request.body.data?.readableBytes ?? 0) > 0 else {
                    return (.badRequest, "A parameter of the request is not valid: \(Self.describeParameter(cause))", Self.field(cause), [:])
                }
                return (.badRequest, "The request body is not valid: \(Self.describe(cause))", Self.field(cause), [:])
            }
            if error.underlyingError is AbortError || error.underlyingError is any DatabaseError {
                return describe(error.underlyingError, request: request)
            }
            let status = HTTPResponseStatus(statusCode: error.httpStatus.code)
            if status != .internalServerError {
                return (status, "The request could not be read: \(error.underlyingError)", nil, [:])
            }
            return (.internalServerError, "Something went wrong on our side; it has been logged.", nil, [:])
        case let error as DecodingError:
            return (.badRequest, "The request is not valid: \(Self.describe(error))", Self.field(error), [:])
        case let error as AbortError:
            return (error.status, error.reason, nil, error.headers)
        case let error as any DatabaseError where error.isConstraintFailure:
            // A check before the write should have caught it; two requests at once can still
            // race to the same unique value. Logged, so the missing check gets found.
            request.logger.warning("constraint failure answered 409: \(String(reflecting: error))")
            return (.conflict, "This conflicts with a record that is there already. Reload and try again.", nil, [:])
        default:
            return (.internalServerError, "Something went wrong on our side; it has been logged.", nil, [:])
        }
    }

    static func field(_ error: DecodingError) -> String? {
        let path: [CodingKey]
        switch error {
        case .keyNotFound(let key, let c): path = c.codingPath + [key]
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): path = c.codingPath
        @unknown default: return nil
        }
        let text = path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return text.isEmpty ? nil : text
    }

    static func describeParameter(_ error: DecodingError) -> String {
        if case .dataCorrupted(let c) = error { return allowedValues(c.debugDescription) }
        return describe(error)
    }

    /// The generated decoder says "Cannot initialize RolesPayloadPayload from invalid String
    /// value boss": our type names mean nothing to a caller; the value does.
    static func allowedValues(_ description: String) -> String {
        guard let range = description.range(of: "from invalid String value ") else { return description }
        return "'\(description[range.upperBound...])' is not one of the allowed values (see the API document)."
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): return "'\(key.stringValue)' is required."
        case .typeMismatch(let type, _): return "a value has the wrong type (expected \(type))."
        case .valueNotFound: return "a required value is null."
        case .dataCorrupted(let c):
            // The parser's own words say where and what (a number too large, a stray comma).
            let detail = (c.underlyingError as NSError?).flatMap { $0.userInfo[NSDebugDescriptionErrorKey] as? String ?? $0.localizedDescription }
            return c.codingPath.isEmpty ? "it is not well-formed JSON\(detail.map { " (\($0))" } ?? "")." : allowedValues(c.debugDescription)
        @unknown default: return "it could not be read."
        }
    }
}

struct ErrorPageContext: Encodable {
    var layout: LayoutContext?
    var status: Int
    var title: String
    var message: String
}
