import Vapor

/// Generated API handlers get typed input only; this hands them the Vapor request
/// (database, auth, logger) through a task-local set by `RequestContextMiddleware`.
enum RequestContext {
    @TaskLocal static var current: Request?

    static func request() throws -> Request {
        guard let request = current else {
            throw Abort(.internalServerError, reason: "API handler ran outside a request")
        }
        return request
    }
}

struct RequestContextMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        try await RequestContext.$current.withValue(request) {
            try await next.respond(to: request)
        }
    }
}
