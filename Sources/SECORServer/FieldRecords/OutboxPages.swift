import Vapor

/// The phone's outbox: a page listing what waits on this phone (filled by offline.js from
/// the phone's own storage), and the session state the outbox asks before it sends.
struct OutboxPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("outbox", use: outbox)
        routes.get("session", "state", use: state)
    }

    struct Context: Encodable {
        var layout: LayoutContext
    }

    /// Public: it shows nothing of the server's, and opens offline for anyone holding the phone.
    func outbox(req: Request) async throws -> View {
        try await req.view.render("records/outbox", Context(layout: req.layoutContext(title: "On this phone")))
    }

    struct State: Content {
        var signedIn: Bool
        /// Who: the outbox sends only what this person queued.
        var userId: String?
        /// A fresh form token for what the outbox sends (a page kept on the phone holds an old one).
        var csrf: String?
    }

    func state(req: Request) async throws -> Response {
        let user = req.auth.get(CurrentUser.self)
        let response = try await State(signedIn: user != nil, userId: user?.id.uuidString, csrf: user != nil ? req.csrfToken() : nil).encodeResponse(for: req)
        response.headers.cacheControl = .init(noStore: true)
        return response
    }
}
