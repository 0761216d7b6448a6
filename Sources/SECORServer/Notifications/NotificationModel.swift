import Fluent
import Foundation

/// An in-app message to one user.
final class NotificationModel: Model, @unchecked Sendable {
    static let schema = "notifications"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @Field(key: "link") var link: String
    @OptionalField(key: "read_at") var readAt: Date?

    init() {}

    init(userId: UUID, title: String, body: String, link: String) {
        self.$user.id = userId
        self.title = title
        self.body = body
        self.link = link
    }
}

enum Notifications {
    /// Tells every user of an organisation (call inside the write's transaction).
    static func notifyOrganisation(_ organisationId: UUID, title: String, body: String, link: String, on db: Database) async throws {
        let users = try await UserModel.query(on: db).filter(\.$organisation.$id == organisationId).all()
        for user in users {
            try await NotificationModel(userId: try user.requireID(), title: title, body: body, link: link).create(on: db)
        }
    }
}
