import Fluent
import Foundation

/// One sign-in attempt, kept to lock an (account, address) pair after repeated failures. In the
/// database rather than memory so every app instance sees the same count.
final class SignInAttemptModel: Model, @unchecked Sendable {
    static let schema = "sign_in_attempts"

    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    /// The client address (peer, or the forwarded address from a trusted proxy).
    @Field(key: "client") var client: String
    @Field(key: "succeeded") var succeeded: Bool
    @Field(key: "attempted_at") var attemptedAt: Date

    init() {}

    init(email: String, client: String, succeeded: Bool, at: Date) {
        self.email = email
        self.client = client
        self.succeeded = succeeded
        self.attemptedAt = at
    }
}
