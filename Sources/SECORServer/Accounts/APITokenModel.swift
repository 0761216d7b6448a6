import Fluent
import Foundation

/// An API bearer token. Only the SHA-256 of the token is stored, so a leaked database
/// does not leak working tokens.
final class APITokenModel: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // references
    @Parent(key: "user_id") var user: UserModel

    // data
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}

    init(userId: UUID, tokenHash: String, expiresAt: Date) {
        self.$user.id = userId
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
    }
}
