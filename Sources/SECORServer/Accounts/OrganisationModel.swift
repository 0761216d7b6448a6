import Fluent
import Foundation

final class OrganisationModel: Model, @unchecked Sendable {
    static let schema = "organisations"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // references
    /// For an employer: the certifying partner whose program it is in.
    @OptionalParent(key: "partner_id") var partner: OrganisationModel?

    // data
    @Field(key: "kind") var kind: String
    @Field(key: "name") var name: String
    /// For a partner: the id of its program profile (`esc`, `acsa`).
    @OptionalField(key: "profile_id") var profileId: String?

    init() {}

    init(id: UUID? = nil, kind: OrganisationKind, name: String, partnerId: UUID? = nil, profileId: String? = nil) {
        self.id = id
        self.kind = kind.rawValue
        self.name = name
        self.$partner.id = partnerId
        self.profileId = profileId
    }

    var organisationKind: OrganisationKind? { OrganisationKind(rawValue: kind) }

    /// The kind, or a clear error naming the row (never a crash) if the database holds another.
    func requireKind() throws -> OrganisationKind {
        guard let kind = organisationKind else {
            throw AppError(status: .internalServerError, message: "Organisation \(id?.uuidString ?? "") has an unknown kind '\(self.kind)'.")
        }
        return kind
    }
}
