import Fluent
import Foundation
import SECORCore
import Vapor

final class UserModel: Model, @unchecked Sendable {
    static let schema = "users"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "password_changed_at") var passwordChangedAt: Date?
    @OptionalField(key: "deactivated_at") var deactivatedAt: Date?
    /// Page sessions signed in before this no longer count.
    @OptionalField(key: "sessions_valid_after") var sessionsValidAfter: Date?

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
    /// The roster end date of the person behind this account (YYYY-MM-DD): the last day it may sign in.
    @OptionalField(key: "access_ends_on") var accessEndsOn: String?
    /// One email a day with the day's notices instead of one email per notice.
    @OptionalField(key: "email_digest") var emailDigest: Bool?

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

extension UserModel {
    /// Whether the account may be used today: not deactivated, and its person still on the
    /// roster (an end date is the last day worked). Checked at sign-in and on every request.
    func isActive(on day: CalendarDay) -> Bool {
        guard deactivatedAt == nil else { return false }
        guard let ends = accessEndsOn, let last = try? CalendarDay(iso: ends) else { return true }
        return day <= last
    }

    /// An account made before its owner chose a password (an invitation sets it): no
    /// bcrypt hash matches it, so nobody can sign in with it.
    static func unusablePasswordHash() -> String { "!unset-" + UUID().uuidString }

    /// Whether the account's owner has chosen a password (see `unusablePasswordHash`).
    var hasPassword: Bool { !passwordHash.hasPrefix("!") }
}
