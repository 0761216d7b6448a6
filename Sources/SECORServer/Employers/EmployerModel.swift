import Fluent
import Foundation

/// An employer's enrollment and details; one row per employer organisation (same id).
final class EmployerModel: Model, @unchecked Sendable {
    static let schema = "employers"

    // managed
    /// The employer organisation's id.
    @ID(custom: "id", generatedBy: .user) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // enrollment (E4)
    /// `pending`, `approved` or `declined`.
    @Field(key: "status") var status: String
    /// `online` or `phone`.
    @Field(key: "channel") var channel: String
    @OptionalField(key: "decline_reason") var declineReason: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "decided_by") var decidedBy: UUID?

    // data
    @Field(key: "legal_name") var legalName: String
    @Field(key: "trade_name") var tradeName: String
    @Field(key: "address") var address: String
    @Field(key: "contact_name") var contactName: String
    @Field(key: "phone") var phone: String
    @Field(key: "fax") var fax: String
    @Field(key: "email") var email: String
    /// E3: an associate membership paid until this day (YYYY-MM-DD), if any.
    @OptionalField(key: "associate_paid_until") var associatePaidUntil: String?

    // references: the designated assessor (T4, T7), a person on the roster or an external auditor
    @OptionalField(key: "assessor_person_id") var assessorPersonId: UUID?
    @OptionalField(key: "assessor_auditor_id") var assessorAuditorId: UUID?

    init() {}
}

enum EnrollmentStatus: String, Codable, CaseIterable, Sendable {
    case pending, approved, declined
}

enum ApplicationChannel: String, Codable, Sendable {
    case online, phone
}

final class WCBAccountModel: Model, @unchecked Sendable {
    static let schema = "wcb_accounts"

    @ID(key: .id) var id: UUID?
    @Parent(key: "employer_id") var employer: EmployerModel
    @Field(key: "number") var number: String
    @Field(key: "industry_code") var industryCode: String
    @Field(key: "active") var active: Bool

    init() {}

    init(employerId: UUID, number: String, industryCode: String, active: Bool) {
        self.$employer.id = employerId
        self.number = number
        self.industryCode = industryCode
        self.active = active
    }
}
