import Fluent
import Vapor

/// `/password-reset`: ask for a link by email; `/password-reset/{token}`: choose a new
/// password. The first answers the same whether or not the email has an account.
struct PasswordResetPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("password-reset", use: showRequest)
        routes.post("password-reset", use: request)
        routes.get("password-reset", ":resetToken", use: showChoose)
        routes.post("password-reset", ":resetToken", use: choose)
    }

    struct Context: Encodable {
        var layout: LayoutContext
        var email: String
        var sent: Bool
        var token: String?
        var error: FormError?
    }

    struct Form: Content {
        var email: String?
        var password: String?
        var confirmPassword: String?
    }

    func showRequest(req: Request) async throws -> View {
        try await req.view.render("accounts/password-reset", Context(layout: req.layoutContext(title: "Reset your password"), email: "", sent: false))
    }

    func request(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        return try await req.submitForm({
            try await req.spend(.passwordReset)
            try await req.passwordResets.request(email: form.email, linkBase: req.linkBase)
            return try await req.view.render("accounts/password-reset", Context(layout: req.layoutContext(title: "Check your email"),
                                                                        email: form.email ?? "", sent: true)).encodeResponse(for: req)
        }, orRender: { error in
            try await req.view.render("accounts/password-reset", Context(layout: req.layoutContext(title: "Reset your password"),
                                                                 email: form.email ?? "", sent: false, error: error))
        })
    }

    func showChoose(req: Request) async throws -> View {
        let token = req.parameters.get("resetToken") ?? ""
        _ = try await req.passwordResets.pending(token: token)
        return try await req.view.render("accounts/password-choose", Context(layout: req.layoutContext(title: "Choose a new password"),
                                                                     email: "", sent: false, token: token))
    }

    func choose(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let token = req.parameters.get("resetToken") ?? ""
        return try await req.submitForm({
            try await req.spend(.passwordReset)
            // The user's own sessions, this one too if it was theirs, ended with the reset.
            _ = try await req.passwordResets.reset(token: token, password: form.password, confirmation: form.confirmPassword ?? "",
                                                   client: req.clientAddress)
            return req.redirect(to: "/sign-in?reset=1")
        }, orRender: { error in
            try await req.view.render("accounts/password-choose", Context(layout: req.layoutContext(title: "Choose a new password"),
                                                                  email: "", sent: false, token: token, error: error))
        })
    }
}
