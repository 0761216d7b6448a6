import Fluent
import Vapor

/// Employer pages: partner staff see their partner's employers; employer users their own.
struct EmployerPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("employers", ":employerId", use: show)
        routes.get("partner", "employers", use: list)
    }

    struct ShowContext: Encodable {
        var layout: LayoutContext
        var employer: EmployerSummary
        var people: [Person]
        var noPeople: Bool

        struct Person: Encodable {
            var name: String
            var role: String
        }
    }

    struct ListContext: Encodable {
        var layout: LayoutContext
        var employers: [EmployerSummary]
        var noEmployers: Bool
    }

    func show(req: Request) async throws -> View {
        let user = try req.requireUser()
        guard let id = req.parameters.get("employerId", as: UUID.self) else { throw AppError.notFound("employer") }
        let employer = try await req.employers.employer(id, for: user)
        let users = try await UserModel.query(on: req.db).filter(\.$organisation.$id == id).sort(\.$name).all()
        let people = users.map { u in
            ShowContext.Person(name: u.name, role: (Role(rawValue: u.role)?.label ?? u.role) + (u.isAssessor ? ", assessor" : ""))
        }
        return try await req.view.render("employer", ShowContext(layout: req.layoutContext(title: employer.name),
                                                                 employer: employer, people: people, noPeople: people.isEmpty))
    }

    func list(req: Request) async throws -> View {
        let user = try req.requireUser()
        try Policy.authorize(user, .partnerArea)
        let employers = try await req.employers.visibleEmployers(for: user)
        return try await req.view.render("partner-employers", ListContext(layout: req.layoutContext(title: "Employers"),
                                                                          employers: employers, noEmployers: employers.isEmpty))
    }
}
