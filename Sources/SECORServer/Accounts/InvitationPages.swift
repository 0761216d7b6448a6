import Fluent
import Vapor

/// `/invitations/{token}`: the invited person chooses a password (and, where the
/// invitation had none, gives an email to sign in with), then is signed in.
struct InvitationPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("invitations", ":invitationToken", use: show)
        routes.post("invitations", ":invitationToken", use: accept)
    }

    struct Context: Encodable {
        var layout: LayoutContext
        var token: String
        var name: String
        var role: String
        var organisation: String
        var email: String?
        var needsEmail: Bool
        var form: Form
        var error: FormError?
    }

    struct Form: Content {
        var name: String?
        var email: String?
        var password: String?
        var confirmPassword: String?
    }

    func show(req: Request) async throws -> Response {
        try await render(req, form: Form(), error: nil).encodeResponse(for: req)
    }

    func accept(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let token = req.parameters.get("invitationToken") ?? ""
        return try await req.submitForm({
            try await req.spend(.invitationAcceptance)
            let user = try await req.invitations.accept(token: token, .init(password: form.password, confirmation: form.confirmPassword ?? "",
                                                                            email: form.email, name: form.name))
            try await req.startSession(for: user)
            return req.redirect(to: "/home?welcome=1")
        }, orRender: { error in
            var kept = form
            kept.password = nil
            kept.confirmPassword = nil
            return try await render(req, form: kept, error: error)
        })
    }

    private func render(_ req: Request, form: Form, error: FormError?) async throws -> View {
        let token = req.parameters.get("invitationToken") ?? ""
        let row = try await req.invitations.pending(token: token)
        let organisation = try await OrganisationModel.find(row.organisationId, on: req.db)?.name ?? ""
        return try await req.view.render("accounts/invitation", Context(
            layout: req.layoutContext(title: "Your invitation"), token: token, name: form.name ?? row.name,
            role: Role(rawValue: row.role)?.label ?? row.role, organisation: organisation, email: row.email,
            needsEmail: row.email == nil, form: form, error: error))
    }
}
