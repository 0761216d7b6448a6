import Vapor

/// The generated API streams request bodies, so its limits are set here: uploads may be
/// 10 MB, a JSON body 1 MB. A declared size over the limit is refused before anything
/// reads it; a body sent without a length is read up to the limit and refused past it.
struct BodyLimitMiddleware: AsyncMiddleware {
    static let maxBytes = FileStore.maxBytes + 64 * 1024
    static let maxJSONBytes = 1024 * 1024

    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        let isUpload = request.headers.contentType.map { $0 == .binary || $0.type == "image" || $0 == .pdf || $0.subType == "form-data" } ?? false
        let limit = isUpload ? Self.maxBytes : Self.maxJSONBytes
        if let length = request.headers.first(name: .contentLength).flatMap(Int.init) {
            if length > limit { throw Self.tooLarge(limit) }
        } else if request.body.data == nil, request.method != .GET, request.method != .HEAD {
            do {
                _ = try await request.body.collect(max: limit).get()
            } catch let error as AbortError where error.status == .payloadTooLarge {
                throw Self.tooLarge(limit)
            }
        }
        return try await next.respond(to: request)
    }

    static func tooLarge(_ limit: Int) -> AppError {
        let size = limit >= 1024 * 1024 ? "\(limit / 1024 / 1024) MB" : "\(limit / 1024) KB"
        return AppError(status: .payloadTooLarge, message: "The request body is larger than the limit of \(size).", field: "body")
    }
}

/// No address of ours is longer than 2,000 characters; a longer one is answered 414 before
/// anything reads it (the static file lookup failed on it with "File name too long": a 500).
struct PathLengthMiddleware: AsyncMiddleware {
    static let maxLength = 2000

    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        guard request.url.path.utf8.count <= Self.maxLength else {
            throw AppError(status: .uriTooLong, message: "The address is longer than \(Self.maxLength) characters.", field: "path")
        }
        return try await next.respond(to: request)
    }
}
