import Vapor

/// The published programs of every certifying partner.
struct ProgramPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("programs", use: list)
    }

    struct Context: Encodable {
        var layout: LayoutContext
        var programs: [HomePages.ProgramFacts]
    }

    func list(req: Request) async throws -> View {
        try Policy.authorize(req.auth.get(CurrentUser.self), .viewPrograms)
        return try await req.view.render("programs", Context(layout: req.layoutContext(title: "Programs"),
                                                             programs: req.programs.all.map(HomePages.ProgramFacts.init)))
    }
}
