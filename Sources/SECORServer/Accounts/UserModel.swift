import Fluent
import Foundation
import Vapor

final class UserModel: Model, @unchecked Sendable {
    static let schema = "users"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "password_changed_at") var passwordChangedAt: Date?

    // references
    @Parent(key: "organisation_id") var organisation: OrganisationModel

    // data
    /// Stored lower-cased; unique.
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "role") var role: String
    /// The employer's designated assessor (T4, T7).
    @Field(key: "is_assessor") var isAssessor: Bool

    init() {}

    init(id: UUID? = nil, organisationId: UUID, email: String, name: String, passwordHash: String, role: Role,
         isAssessor: Bool = false) {
        self.id = id
        self.$organisation.id = organisationId
        self.email = email.lowercased()
        self.name = name
        self.passwordHash = passwordHash
        self.role = role.rawValue
        self.isAssessor = isAssessor
    }
}
