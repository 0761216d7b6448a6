import Fluent
import Vapor

struct SignInPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("sign-in", use: show)
        routes.post("sign-in", use: signIn)
        routes.post("sign-out", use: signOut)
    }

    struct Context: Encodable {
        var layout: LayoutContext
        var email: String
        var next: String
        var error: String?
        var field: String?
    }

    struct Form: Content {
        var email: String?
        var password: String?
        var next: String?
    }

    func show(req: Request) async throws -> Response {
        if req.auth.has(CurrentUser.self) { return req.redirect(to: "/home") }
        let next = Self.safeNext(try? req.query.get(String.self, at: "next"))
        return try await render(req, Context(layout: req.layoutContext(title: "Sign in"), email: "", next: next))
    }

    func signIn(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let next = Self.safeNext(form.next)
        let email = form.email ?? ""
        do {
            switch try await req.accounts.signIn(email: email, password: form.password ?? "") {
            case .signedIn(let user):
                // A new session id on sign-in, so a session fixed before sign-in is useless.
                if let old = req.session.id {
                    try await SessionRecord.query(on: req.db).filter(\.$key == old).delete()
                    req.session.id = nil
                }
                req.session.data["userId"] = try user.requireID().uuidString
                req.session.data["signedInAt"] = String(Date().timeIntervalSince1970)
                return req.redirect(to: next)
            case .wrongCredentials:
                let context = Context(layout: try await req.layoutContext(title: "Sign in"), email: email, next: next,
                                      error: "The email or password is not right.", field: "password")
                return try await render(req, context, status: .unauthorized)
            case .locked(let seconds):
                let context = Context(layout: try await req.layoutContext(title: "Sign in"), email: email, next: next,
                                      error: "Too many failed sign-ins for this address. Try again in \(APIHandler.minutes(seconds)).",
                                      field: "email")
                let response = try await render(req, context, status: .tooManyRequests)
                response.headers.replaceOrAdd(name: .retryAfter, value: String(seconds))
                return response
            }
        } catch let error as AppError where error.status == .badRequest {
            let context = Context(layout: try await req.layoutContext(title: "Sign in"), email: email, next: next,
                                  error: error.message, field: error.field)
            return try await render(req, context, status: .badRequest)
        }
    }

    func signOut(req: Request) async throws -> Response {
        req.auth.logout(CurrentUser.self)
        req.session.destroy()
        return req.redirect(to: "/sign-in")
    }

    private func render(_ req: Request, _ context: Context, status: HTTPResponseStatus = .ok) async throws -> Response {
        let response = try await req.view.render("sign-in", context).encodeResponse(for: req)
        response.status = status
        return response
    }

    /// Only a local path: never redirect to another site after sign-in.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\") else { return "/home" }
        return next
    }
}
