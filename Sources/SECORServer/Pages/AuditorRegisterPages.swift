import Fluent
import SECORCore
import Vapor

/// The partner admin's register of certified external auditors (T3).
struct AuditorRegisterPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("partner", "auditors", use: list)
        routes.post("partner", "auditors", use: create)
        routes.post("partner", "auditors", ":auditorId", use: update)
    }

    struct Row: Encodable {
        var id: String
        var name: String
        var email: String
        var number: String
        var standing: String
        var validUntil: String
        var courses: String
    }

    struct Context: Encodable {
        var layout: LayoutContext
        var rows: [Row]
        var noRows: Bool
        var standings: [SelectOption]
        var assessorCourses: [String]
        var form: Form
        var error: FormError?
        /// The invitation of the auditor just added, shown once.
        var invitation: ShownInvitation?
    }

    struct Form: Content {
        var name: String?
        var email: String?
        var certificationNumber: String?
        var standing: String?
        var validUntil: String?
        var courses: [String: String]?

        var input: AuditorService.Input {
            .init(name: name, email: email, certificationNumber: certificationNumber, standing: standing,
                  validUntil: validUntil, courses: courses)
        }
    }

    func list(req: Request) async throws -> View {
        try await render(req, form: Form(standing: "goodStanding"), error: nil)
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(Form.self)
        let profile = try await partnerProfile(req)
        return try await req.submitForm({
            let (_, link) = try await req.auditors.create(partnerId: user.organisationId, profile: profile, form.input, by: user,
                                                          linkBase: req.linkBase)
            req.showOnce(invitationLink: link, email: form.email?.trimmingCharacters(in: .whitespaces).lowercased(), name: form.name)
            return req.redirect(to: "/partner/auditors")
        }, orRender: { error in
            try await render(req, form: form, error: error)
        })
    }

    func update(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(Form.self)
        let profile = try await partnerProfile(req)
        return try await req.submitForm({
            _ = try await req.auditors.update(partnerId: user.organisationId, profile: profile,
                                              req.parameters.get("auditorId", as: UUID.self), form.input, by: user)
            return req.redirect(to: "/partner/auditors")
        }, orRender: { error in try await render(req, form: Form(standing: "goodStanding"), error: error) })
    }

    private func partnerProfile(_ req: Request) async throws -> ProgramProfile {
        guard let profile = try await req.userProfile().program else { throw AppError.forbidden }
        return profile
    }

    private func render(_ req: Request, form: Form, error: FormError?) async throws -> View {
        let user = try req.requireUser()
        let profile = try await partnerProfile(req)
        let register = try await req.auditors.register(partnerId: user.organisationId, by: user)
        let rows = register.map {
            Row(id: $0.id!.uuidString, name: $0.user.name, email: $0.user.email, number: $0.certificationNumber,
                standing: $0.standing, validUntil: $0.validUntil, courses: $0.courses.replacingOccurrences(of: "\n", with: ", "))
        }
        return try await req.view.render("auditors", Context(
            layout: req.layoutContext(title: "Auditor register"), rows: rows, noRows: rows.isEmpty,
            standings: AuditorStanding.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: false) }, assessorCourses: profile.auditors.assessorCourses,
            form: form, error: error, invitation: await req.takeShownInvitation()))
    }
}
