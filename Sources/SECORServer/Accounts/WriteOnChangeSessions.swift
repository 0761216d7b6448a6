import Fluent
import Vapor

/// Fluent's session driver, writing a session row only when its data changed.
///
/// Vapor's `SessionsMiddleware` saves the session after every response; with Fluent that is
/// one fsync'd write per signed-in page view, outside the writer queue (issue 21). A page
/// view that neither signs in, sets a flash message nor creates a CSRF token leaves the
/// data as it was read, so nothing needs writing: the cookie is re-sent all the same.
struct WriteOnChangeSessions: SessionDriver {
    let base: any SessionDriver

    /// The data as it was read for this request.
    private struct AsRead: StorageKey { typealias Value = SessionData }

    func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        base.createSession(data, for: request)
    }

    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        base.readSession(sessionID, for: request).map { data in
            request.storage[AsRead.self] = data
            return data
        }
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        if let read = request.storage[AsRead.self], read == data { return request.eventLoop.makeSucceededFuture(sessionID) }
        return base.updateSession(sessionID, to: data, for: request)
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
        base.deleteSession(sessionID, for: request)
    }
}
