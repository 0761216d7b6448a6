import Fluent
import Vapor

/// Pages: the session cookie names a session row; its `userId` names the user.
struct SessionUserMiddleware: AsyncMiddleware {
    /// A signed-in session lasts 12 hours: one working day in the field.
    static let sessionLifetime: TimeInterval = 12 * 3600

    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        request.storage[PageRequestKey.self] = true
        // Only a visitor who brings a cookie has a session to read; reading creates one,
        // and an anonymous visitor gets a session row only when a form needs its token.
        if request.cookies[request.application.sessions.configuration.cookieName] != nil,
           let raw = request.session.data["userId"], let id = UUID(uuidString: raw) {
            // The session row outlives its cookie unless it carries its own end.
            let signedInAt = request.session.data["signedInAt"].flatMap(Double.init) ?? 0
            if Date().timeIntervalSince1970 - signedInAt > Self.sessionLifetime {
                request.session.destroy()
            } else if let user = try await UserModel.find(id, on: request.db), user.isActive(on: .today),
                      signedInAt >= (user.sessionsValidAfter?.timeIntervalSince1970 ?? 0) {
                request.auth.login(try CurrentUser(user))
            } else {
                // Gone, deactivated, off the roster, or every session ended (password changed or reset).
                request.session.destroy()
            }
        }
        return try await next.respond(to: request)
    }
}

/// API: `Authorization: Bearer <token>`.
struct BearerUserMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        if let bearer = request.headers.bearerAuthorization,
           let user = try await request.accounts.user(forToken: bearer.token) {
            request.auth.login(user)
        }
        return try await next.respond(to: request)
    }
}

/// Pages that need a signed-in user send everyone else to the sign-in page.
struct RequireSignInMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        guard request.auth.has(CurrentUser.self) else {
            // The phone's outbox keeps its records and asks the person to sign in.
            if request.wantsJSON { throw AppError.unauthorized }
            let back = request.url.path + (request.url.query.map { "?\($0)" } ?? "")
            return request.redirect(to: "/sign-in?next=\(back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")")
        }
        return try await next.respond(to: request)
    }
}

/// Every form POST carries the session's CSRF token in `_csrf`; without it the
/// request is refused before any handler runs.
struct CSRFMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        if request.method == .POST {
            // Routes that accept uploads collect their body after middleware runs; the
            // token is inside it, so collect it here (bounded like those routes).
            if request.body.data == nil {
                _ = try await request.body.collect(max: BodyLimitMiddleware.maxBytes).get()
            }
            let sent = try? request.content.get(String.self, at: "_csrf")
            guard let expected = request.session.data["csrf"], let sent, !expected.isEmpty,
                  constantTimeEqual(sent, expected) else {
                throw AppError(status: .forbidden, message: "This form has expired or did not come from this site. Reload the page and try again.", field: "_csrf")
            }
        }
        return try await next.respond(to: request)
    }

    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension Request {
    /// Signs the user in to a page session: a new session id (a session fixed before
    /// sign-in is useless) and a new CSRF token.
    func startSession(for user: UserModel, at time: Date = Date()) async throws {
        if let old = session.id {
            try await SessionRecord.query(on: db).filter(\.$key == old).delete()
            session.id = nil
        }
        session.data["csrf"] = nil
        session.data["userId"] = try user.requireID().uuidString
        session.data["signedInAt"] = String(time.timeIntervalSince1970)
        auth.login(try CurrentUser(user))
    }
}

/// Set on requests that went through the page stack (sessions, CSRF).
struct PageRequestKey: StorageKey { typealias Value = Bool }

extension Request {
    var isPageRequest: Bool { storage[PageRequestKey.self] ?? false }

    /// A page request from script (the outbox) that wants JSON answers, not pages or redirects.
    var wantsJSON: Bool { headers[.accept].first?.hasPrefix("application/json") == true }

    /// The session's CSRF token, created on first use.
    func csrfToken() -> String {
        if let token = session.data["csrf"] { return token }
        let token = Data((0..<24).map { _ in UInt8.random(in: 0...255) }).base64URLEncoded()
        session.data["csrf"] = token
        return token
    }
}
