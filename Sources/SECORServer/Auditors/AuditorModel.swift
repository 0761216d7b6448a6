import Fluent
import Foundation

/// An entry of a partner's register of external auditors (T3), tied to the auditor's
/// own account.
final class AuditorModel: Model, @unchecked Sendable {
    static let schema = "auditors"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // references
    @Parent(key: "partner_id") var partner: OrganisationModel
    @Parent(key: "user_id") var user: UserModel

    // data
    @Field(key: "certification_number") var certificationNumber: String
    /// `goodStanding`, `suspended` or `lapsed`.
    @Field(key: "standing") var standing: String
    @Field(key: "valid_until") var validUntil: String
    /// Assessor courses the auditor holds (T7: PHSM), as `courseId=YYYY-MM-DD` lines.
    @Field(key: "courses") var courses: String

    init() {}
}
