import Vapor

/// An address asked with a method it does not serve answers 405 with `Allow` (RFC 9110
/// §15.5.6), not 404: the address exists. Only when no route matched at all (the router's
/// own `RouteNotFound`); a handler's "no audit with that id" stays 404.
struct MethodNotAllowedMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let error as RouteNotFound {
            let segments = request.url.path.split(separator: "/").map(String.init)
            let allowed = Set(request.application.routes.all.filter { Self.matches($0.path, segments) }.map(\.method.rawValue))
            guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else { throw error }
            let list = allowed.sorted().joined(separator: ", ")
            throw AppError(status: .methodNotAllowed, message: "\(request.method.rawValue) is not served at this address; it serves \(list).",
                           headers: ["Allow": list])
        }
    }

    static func matches(_ route: [PathComponent], _ segments: [String]) -> Bool {
        var i = 0
        for component in route {
            switch component {
            case .catchall: return i < segments.count
            case .constant(let text): guard i < segments.count, segments[i] == text else { return false }
            case .parameter, .anything: guard i < segments.count else { return false }
            }
            i += 1
        }
        return i == segments.count
    }
}
