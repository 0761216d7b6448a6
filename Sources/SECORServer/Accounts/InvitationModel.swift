import Fluent
import Foundation

/// An invitation to an account (single-use, 7 days). Only the SHA-256 of its token is
/// stored: the link is shown once to the inviter and sent by email where there is one.
final class InvitationModel: Model, @unchecked Sendable {
    static let schema = "invitations"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // references
    @Field(key: "organisation_id") var organisationId: UUID
    @OptionalField(key: "person_id") var personId: UUID?
    @OptionalField(key: "user_id") var userId: UUID?
    @OptionalField(key: "invited_by") var invitedBy: UUID?
    @OptionalField(key: "accepted_user_id") var acceptedUserId: UUID?

    // data
    @Field(key: "role") var role: String
    /// Crews often have no work email: the invitee then gives one when accepting.
    @OptionalField(key: "email") var email: String?
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "accepted_at") var acceptedAt: Date?
    @OptionalField(key: "withdrawn_at") var withdrawnAt: Date?

    init() {}

    enum State: String { case pending, accepted, withdrawn, expired }

    /// The invitation still waiting for an email, if any: an email is one account's.
    static func pending(email: String, on db: Database, at now: Date = Date()) async throws -> InvitationModel? {
        try await query(on: db).filter(\.$email == email).filter(\.$acceptedAt == nil).filter(\.$withdrawnAt == nil)
            .filter(\.$expiresAt > now).first()
    }

    func state(at now: Date) -> State {
        if acceptedAt != nil { return .accepted }
        if withdrawnAt != nil { return .withdrawn }
        return expiresAt <= now ? .expired : .pending
    }
}

/// A password-reset token (single-use, one hour), stored hashed.
final class PasswordResetModel: Model, @unchecked Sendable {
    static let schema = "password_resets"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "user_id") var userId: UUID
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}
}
