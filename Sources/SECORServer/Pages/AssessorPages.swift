import Fluent
import SECORCore
import Vapor

/// The employer's designated assessor and whether they may audit it on a day (T3, T4, T7, T8).
struct AssessorPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("employers", ":employerId", "assessor", use: show)
        routes.post("employers", ":employerId", "assessor", use: designate)
    }

    struct Context: Encodable {
        var layout: LayoutContext
        var employerId: String
        var employerName: String
        var asOf: String
        var designated: String?
        var kind: String?
        var qualified: Bool
        var reasons: [String]
        var options: [SelectOption]
        var canEdit: Bool
        var error: FormError?
        /// The designated person has no account: nobody can register or conduct the audit as them.
        var noAccount: Bool
        var personLink: String?
    }

    struct Form: Content {
        var assessor: String?
    }

    func show(req: Request) async throws -> View {
        try await render(req, error: nil)
    }

    func designate(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let ref = try await req.employerRef(.editSettings)
        let form = try req.content.decode(Form.self)
        return try await req.submitForm({
            try await req.auditors.designate(ref, assessor: form.assessor, by: user)
            return req.redirect(to: "/employers/\(ref.id.uuidString)/assessor")
        }, orRender: { error in try await render(req, error: error) })
    }

    private func render(_ req: Request, error: FormError?) async throws -> View {
        let user = try req.requireUser()
        let ref = try await req.employerRef(.view)
        let day = try req.asOfDay()
        let designation = try await req.auditors.qualification(ref, on: day)
        let current = ref.employer.assessorPersonId.map { "person:\($0.uuidString)" } ?? ref.employer.assessorAuditorId.map { "auditor:\($0.uuidString)" }
        var options = [SelectOption(value: "", label: "No assessor designated", selected: current == nil)]
        if ref.profile.auditors.allowedKinds.contains(.internalAssessor) {
            let people = try await req.people.list(ref).filter { $0.person?.isOnAccount(on: .today) ?? false }
            options += people.map { SelectOption(value: "person:\($0.id!.uuidString)", label: "\($0.name) (our \(PersonCategory(rawValue: $0.category)?.label ?? $0.category))", selected: current == "person:\($0.id!.uuidString)") }
        }
        if ref.profile.auditors.allowedKinds.contains(.externalAuditor) {
            let register = try await AuditorModel.query(on: req.db).filter(\.$partner.$id == ref.scope.partnerId).with(\.$user).all()
            options += register.map { SelectOption(value: "auditor:\($0.id!.uuidString)", label: "\($0.user.name), external auditor \($0.certificationNumber)", selected: current == "auditor:\($0.id!.uuidString)") }
        }
        var designatedPerson: PersonModel?
        if let id = ref.employer.assessorPersonId { designatedPerson = try await PersonModel.find(id, on: req.db) }
        let context = Context(
            layout: try await req.layoutContext(title: "Assessor"), employerId: ref.id.uuidString, employerName: ref.organisation.name,
            asOf: day.iso, designated: designation?.name,
            kind: designation.map { $0.kind == .internalAssessor ? "the employer's own assessor" : "an external auditor" },
            qualified: designation?.result.qualified ?? false, reasons: designation?.result.reasons ?? [],
            options: options, canEdit: Policy.decide(user, .employer(ref.scope, .editSettings)) == .allow, error: error,
            noAccount: designatedPerson != nil && designatedPerson?.userId == nil,
            personLink: designatedPerson.map { "/employers/\(ref.id.uuidString)/people/\($0.id!.uuidString)" })
        return try await req.view.render("assessor", context)
    }
}
