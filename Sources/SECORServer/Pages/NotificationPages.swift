import Fluent
import Vapor

/// The signed-in user's in-app notifications.
struct NotificationPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("notifications", use: list)
        routes.post("notifications", "read", use: markRead)
    }

    struct Item: Encodable {
        var title: String
        var body: String
        var link: String
        var when: String
        var unread: Bool
    }

    struct Context: Encodable {
        var layout: LayoutContext
        var items: [Item]
        var noItems: Bool
        var pager: Pager
    }

    func list(req: Request) async throws -> View {
        let user = try req.requireUser()
        let page = try Pager.page(req)
        // One more than a page tells whether another follows.
        let rows = try await NotificationModel.query(on: req.db).filter(\.$user.$id == user.id)
            .sort(\.$createdAt, .descending).offset((page - 1) * Pager.size).limit(Pager.size + 1).all()
        let items = Array(rows.prefix(Pager.size))
        return try await req.view.render("notifications", Context(
            layout: req.layoutContext(title: "Notifications"),
            items: items.map { Item(title: $0.title, body: $0.body, link: $0.link, when: $0.createdAt.map { AlbertaTime.readable($0) } ?? "", unread: $0.readAt == nil) },
            noItems: items.isEmpty,
            pager: Pager(path: "/notifications", filters: [], page: page, shown: items.count, hasMore: rows.count > Pager.size, noun: "Notifications", order: "newest first")))
    }

    func markRead(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try await NotificationModel.query(on: req.db).filter(\.$user.$id == user.id).filter(\.$readAt == nil)
            .set(\.$readAt, to: Date()).update()
        return req.redirect(to: "/notifications")
    }
}
