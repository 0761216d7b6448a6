import Vapor

/// The generated API streams request bodies; a declared size over the limit is refused
/// before anything reads it (uploads may be 10 MB, everything else far less).
struct BodyLimitMiddleware: AsyncMiddleware {
    static let maxBytes = FileStore.maxBytes + 64 * 1024

    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        if let length = request.headers.first(name: .contentLength).flatMap(Int.init), length > Self.maxBytes {
            throw AppError(status: .payloadTooLarge, message: "The request body is \(length / 1024 / 1024) MB; the limit is \(FileStore.maxBytes / 1024 / 1024) MB.", field: "body")
        }
        return try await next.respond(to: request)
    }
}
