import Fluent
import Foundation
import SECORCore

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
    /// The row of the notice table it was sent for (`NoticeEvent`).
    @OptionalField(key: "event") var event: String?
    /// When it went out in a daily digest email (for people who chose the digest).
    @OptionalField(key: "digested_at") var digestedAt: Date?

    init() {}

    init(userId: UUID, title: String, body: String, link: String, event: NoticeEvent) {
        self.$user.id = userId
        self.title = title
        self.body = body
        self.link = link
        self.event = event.rawValue
    }
}
