import Vapor

/// V3: `/contractors/sign-up` (anyone) and `/contractors/confirm/{token}` (the emailed link:
/// a button, so a mail scanner opening the link confirms nothing).
struct ContractorSignUpPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("contractors", "sign-up", use: show)
        routes.post("contractors", "sign-up", use: signUp)
        routes.get("contractors", "confirm", ":signUpToken", use: showConfirm)
        routes.post("contractors", "confirm", ":signUpToken", use: confirm)
    }

    struct Form: Content {
        var company: String?
        var name: String?
        var email: String?
        var password: String?
        var confirmPassword: String?
    }

    struct Context: Encodable {
        var layout: LayoutContext
        var form: Form
        var sentTo: String?
        var token: String?
        var company: String?
        var error: FormError?
    }

    func show(req: Request) async throws -> View {
        try await req.view.render("contractors/sign-up", Context(layout: req.layoutContext(title: "Sign up as a prime contractor"), form: Form()))
    }

    func signUp(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        return try await req.submitForm({
            try await req.spend(.contractorSignUp)
            let email = try await req.contractorSignUps.request(
                .init(company: form.company, name: form.name, email: form.email, password: form.password, confirmPassword: form.confirmPassword ?? ""),
                linkBase: req.linkBase)
            return try await req.view.render("contractors/sign-up", Context(layout: req.layoutContext(title: "Check your email"),
                                                                            form: Form(), sentTo: email)).encodeResponse(for: req)
        }, orRender: { error in
            var kept = form
            kept.password = nil
            kept.confirmPassword = nil
            return try await req.view.render("contractors/sign-up", Context(layout: req.layoutContext(title: "Sign up as a prime contractor"),
                                                                            form: kept, error: error))
        })
    }

    func showConfirm(req: Request) async throws -> View {
        let token = req.parameters.get("signUpToken") ?? ""
        let row = try await req.contractorSignUps.pending(token: token)
        return try await req.view.render("contractors/confirm", Context(layout: req.layoutContext(title: "Confirm your email"), form: Form(),
                                                                        token: token, company: row.company))
    }

    func confirm(req: Request) async throws -> Response {
        let token = req.parameters.get("signUpToken") ?? ""
        try await req.spend(.contractorSignUp)
        let user = try await req.contractorSignUps.confirm(token: token)
        try await req.startSession(for: user)
        req.flash("Your email is confirmed and \(try await OrganisationModel.find(user.$organisation.id, on: req.db)?.name ?? "your company")'s account is open. Add the subcontractors you hire.")
        return req.redirect(to: "/watch")
    }
}
