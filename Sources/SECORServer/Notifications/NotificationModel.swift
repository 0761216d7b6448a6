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
    /// Tells every user of an organisation, and `alsoUser` (an auditor, say) unless they
    /// are one of them already — one message per person (call inside the write's transaction).
    static func notifyOrganisation(_ organisationId: UUID, title: String, body: String, link: String, alsoUser: UUID? = nil,
                                   on db: Database) async throws {
        let users = try await UserModel.query(on: db).filter(\.$organisation.$id == organisationId).all()
        var told = Set<UUID>()
        for user in users {
            let id = try user.requireID()
            try await NotificationModel(userId: id, title: title, body: body, link: link).create(on: db)
            told.insert(id)
        }
        if let alsoUser, !told.contains(alsoUser) {
            try await NotificationModel(userId: alsoUser, title: title, body: body, link: link).create(on: db)
        }
    }
}
