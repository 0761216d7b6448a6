import Fluent
import SECORCore
import Vapor

/// The training matrix: what each job role requires, and per worker what is held.
struct MatrixPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("employers", ":employerId", "matrix", use: show)
        routes.post("employers", ":employerId", "matrix", use: add)
        routes.post("employers", ":employerId", "matrix", ":requirementId", "delete", use: remove)
    }

    struct Requirement: Encodable {
        var id: String
        var jobRole: String
        var course: String
    }

    struct Cell: Encodable {
        var course: String
        var state: String
        var label: String
    }

    struct Row: Encodable {
        var person: String
        var jobRole: String
        var cells: [Cell]
        var noCells: Bool
    }

    struct Context: Encodable {
        var layout: LayoutContext
        var employerId: String
        var employerName: String
        var requirements: [Requirement]
        var noRequirements: Bool
        var rows: [Row]
        var noRows: Bool
        var unassigned: [String]
        var hasUnassigned: Bool
        var roles: [String]
        var courses: [SelectOption]
        var canEdit: Bool
        var jobRole: String
        var error: FormError?
        var asOf: String
    }

    struct Form: Content {
        var jobRole: String?
        var courseId: String?
    }

    func show(req: Request) async throws -> View {
        try await render(req, form: Form(), error: nil)
    }

    func add(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let ref = try await req.employerRef(.editRecords)
        let form = try req.content.decode(Form.self)
        return try await req.submitForm({
            _ = try await req.matrix.add(ref, jobRole: form.jobRole, courseId: form.courseId, by: user)
            return req.redirect(to: "/employers/\(ref.id.uuidString)/matrix")
        }, orRender: { error in try await render(req, form: form, error: error) })
    }

    func remove(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let ref = try await req.employerRef(.editRecords)
        try await req.matrix.remove(ref, req.parameters.get("requirementId", as: UUID.self), by: user)
        return req.redirect(to: "/employers/\(ref.id.uuidString)/matrix")
    }

    private func render(_ req: Request, form: Form, error: FormError?) async throws -> View {
        let user = try req.requireUser()
        let ref = try await req.employerRef(.view)
        let day = try req.asOfDay()
        let requirements = try await req.matrix.requirements(ref)
        let rows = try await req.matrix.rows(ref, on: day)
        let people = try await req.people.list(ref)
        let roles = Array(Set(people.map(\.jobRole).filter { !$0.isEmpty } + requirements.map(\.jobRole))).sorted()
        let unassigned = people.filter { $0.jobRole.isEmpty && ($0.person?.isOnAccount(on: day) ?? false) }.map(\.name)
        let context = Context(
            layout: try await req.layoutContext(title: "Training matrix"), employerId: ref.id.uuidString,
            employerName: ref.organisation.name,
            requirements: requirements.map { Requirement(id: $0.id!.uuidString, jobRole: $0.jobRole, course: ref.profile.course($0.courseId)?.name ?? $0.courseId) },
            noRequirements: requirements.isEmpty,
            rows: rows.map { row in
                Row(person: row.personName, jobRole: row.jobRole,
                    cells: row.cells.map { Cell(course: $0.courseName, state: $0.state.key, label: $0.state.label) },
                    noCells: row.cells.isEmpty)
            },
            noRows: rows.isEmpty, unassigned: unassigned, hasUnassigned: !unassigned.isEmpty, roles: roles,
            courses: ref.profile.catalogue.map { SelectOption(value: $0.id, label: $0.name, selected: $0.id == form.courseId) },
            canEdit: Policy.decide(user, .employer(ref.scope, .editRecords)) == .allow,
            jobRole: form.jobRole ?? "", error: error, asOf: day.iso)
        return try await req.view.render("matrix", context)
    }
}
