import Fluent
import Vapor

/// The signed-in user as every handler and the policy see it.
struct CurrentUser: Authenticatable, Sendable {
    var id: UUID
    var email: String
    var name: String
    var role: Role
    var isAssessor: Bool
    var organisationId: UUID
    /// The token the API request used, so signing out revokes that one.
    var tokenId: UUID?

    init(_ user: UserModel, tokenId: UUID? = nil) throws {
        guard let role = Role(rawValue: user.role) else {
            throw AppError(status: .forbidden, message: "This account's role '\(user.role)' is not known.")
        }
        self.id = try user.requireID()
        self.email = user.email
        self.name = user.name
        self.role = role
        self.isAssessor = user.isAssessor
        self.organisationId = user.$organisation.id
        self.tokenId = tokenId
    }
}

extension Request {
    /// The signed-in user, or 401.
    func requireUser() throws -> CurrentUser {
        guard let user = auth.get(CurrentUser.self) else { throw AppError.unauthorized }
        return user
    }
}
