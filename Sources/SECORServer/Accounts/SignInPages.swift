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
        var notice: String?
    }

    struct Form: Content {
        var email: String?
        var password: String?
        var next: String?
    }

    func show(req: Request) async throws -> Response {
        if req.auth.has(CurrentUser.self) { return req.redirect(to: "/home") }
        // A new installation has no certifying partner yet: say how to set one up. Once anyone
        // has an account (a contractor may sign up first), they need the form.
        if try await OrganisationModel.query(on: req.db).filter(\.$kind == OrganisationKind.partner.rawValue).first() == nil,
           try await UserModel.query(on: req.db).first() == nil {
            return try await req.view.render("accounts/setup", SetupContext(layout: req.layoutContext(title: "Set up SECOR"),
                                                                   profiles: req.programs.all.map { "\($0.id) (\($0.partnerName))" }))
                .encodeResponse(for: req)
        }
        let next = Self.safeNext(try? req.query.get(String.self, at: "next"))
        let notice = (try? req.query.get(String.self, at: "reset")) == "1" ? "Your password is changed. Sign in with the new one." : nil
        return try await render(req, Context(layout: req.layoutContext(title: "Sign in"), email: "", next: next, notice: notice))
    }

    struct SetupContext: Encodable {
        var layout: LayoutContext
        var profiles: [String]
    }

    func signIn(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let next = Self.safeNext(form.next)
        let email = form.email ?? ""
        do {
            switch try await req.signIn(email: email, password: form.password ?? "") {
            case .signedIn(let user):
                try await req.startSession(for: user)
                return req.redirect(to: next)
            case .wrongCredentials:
                let context = Context(layout: try await req.layoutContext(title: "Sign in"), email: email, next: next,
                                      error: "The email or password is not right.", field: "password")
                return try await render(req, context, status: .unauthorized)
            case .locked(let seconds):
                let context = Context(layout: try await req.layoutContext(title: "Sign in"), email: email, next: next,
                                      error: "Too many failed sign-ins to this account from your address. Try again in \(APIHandler.minutes(seconds)).",
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

    /// Only a plain local path: never another site (`//host`, a scheme, a backslash that
    /// browsers read as a slash), and never a control character or space, which would
    /// otherwise reach the `Location` header (CR/LF there splits the response).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), next.count <= 2000,
              !next.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) || CharacterSet.whitespacesAndNewlines.contains($0) || $0 == "\\" }),
              !next.lowercased().contains("://") else { return "/home" }
        return next
    }
}
