import Fluent
import Foundation

/// The QA review of one audit (Q1-Q9): the standard form's checks, the reviewer's own
/// scores, the deficiencies found, and the D4/D5 clock.
final class QAReviewModel: Model, @unchecked Sendable {
    static let schema = "qa_reviews"

    @ID(key: .id) var id: UUID?
    @Parent(key: "audit_id") var audit: AuditModel
    @OptionalField(key: "reviewer_id") var reviewerId: UUID?
    @OptionalField(key: "reviewer_name") var reviewerName: String?
    /// [QACheckResult] as JSON.
    @Field(key: "checks") var checks: String
    /// [questionId: Answer] as JSON: the reviewer's scores (Q5).
    @Field(key: "answers") var answers: String
    /// [QADeficiency] as JSON (Q8).
    @Field(key: "deficiencies") var deficiencies: String
    @OptionalField(key: "first_feedback_on") var firstFeedbackOn: String?
    /// The feedback still waiting for its correction; nil once the auditor resubmits.
    @OptionalField(key: "open_feedback_on") var openFeedbackOn: String?
    @OptionalField(key: "outcome") var outcome: String?
    @OptionalField(key: "outcome_reason") var outcomeReason: String?
    @OptionalField(key: "decided_on") var decidedOn: String?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

/// Q7: one sending back, with what must be fixed, kept for good (Q12).
final class QAFeedbackModel: Model, @unchecked Sendable {
    static let schema = "qa_feedback"

    @ID(key: .id) var id: UUID?
    @Parent(key: "audit_id") var audit: AuditModel
    @Field(key: "revision") var revision: Int
    @Field(key: "sent_on") var sentOn: String
    @Field(key: "message") var message: String
    @Field(key: "deficiencies") var deficiencies: String
    @Field(key: "reviewer_id") var reviewerId: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// C2: a certificate issued on a passed certification audit.
final class CertificateModel: Model, @unchecked Sendable {
    static let schema = "certificates"

    @ID(key: .id) var id: UUID?
    @Parent(key: "employer_id") var employer: OrganisationModel
    @Parent(key: "audit_id") var audit: AuditModel
    @Field(key: "number") var number: String
    @Field(key: "issued_on") var issuedOn: String
    @Field(key: "expires_on") var expiresOn: String
    @OptionalField(key: "cancelled_on") var cancelledOn: String?
    @OptionalField(key: "cancel_reason") var cancelReason: String?
    /// A short certificate's years (profile `shortCertificate`); nil for the full term.
    @OptionalField(key: "term_years") var termYears: Int?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// What the deadline job has done, once each: the unique key is the guard that lets
/// two app instances sweep at the same time without doing anything twice.
final class DeadlineEventModel: Model, @unchecked Sendable {
    static let schema = "deadline_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "detail") var detail: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(key: String, detail: String) {
        self.key = key
        self.detail = detail
    }
}

struct CreateQA: AsyncMigration {
    var name: String { "2026-11-22-create-qa" }

    func prepare(on db: Database) async throws {
        try await db.schema("qa_reviews")
            .id()
            .field("audit_id", .uuid, .required, .references("audits", "id", onDelete: .restrict))
            .field("reviewer_id", .uuid)
            .field("reviewer_name", .string)
            .field("checks", .string, .required)
            .field("answers", .string, .required)
            .field("deficiencies", .string, .required)
            .field("first_feedback_on", .string)
            .field("open_feedback_on", .string)
            .field("outcome", .string)
            .field("outcome_reason", .string)
            .field("decided_on", .string)
            .field("updated_at", .datetime)
            .unique(on: "audit_id")
            .create()
        try await db.schema("qa_feedback")
            .id()
            .field("audit_id", .uuid, .required, .references("audits", "id", onDelete: .restrict))
            .field("revision", .int, .required)
            .field("sent_on", .string, .required)
            .field("message", .string, .required)
            .field("deficiencies", .string, .required)
            .field("reviewer_id", .uuid, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema("certificates")
            .id()
            .field("employer_id", .uuid, .required, .references("organisations", "id", onDelete: .restrict))
            .field("audit_id", .uuid, .required, .references("audits", "id", onDelete: .restrict))
            .field("number", .string, .required)
            .field("issued_on", .string, .required)
            .field("expires_on", .string, .required)
            .field("cancelled_on", .string)
            .field("created_at", .datetime)
            .unique(on: "audit_id")
            .unique(on: "number")
            .create()
        try await db.schema("deadline_events")
            .id()
            .field("key", .string, .required)
            .field("detail", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "key")
            .create()
    }

    func revert(on db: Database) async throws {
        for table in ["deadline_events", "certificates", "qa_feedback", "qa_reviews"] { try await db.schema(table).delete() }
    }
}

/// Q9: the employer's own action item for a deficiency the QA review added.
final class EmployerActionItemModel: Model, @unchecked Sendable {
    static let schema = "employer_action_items"

    @ID(key: .id) var id: UUID?
    @Parent(key: "audit_id") var audit: AuditModel
    @Field(key: "deficiency") var deficiency: String
    @Field(key: "action") var action: String
    @Field(key: "owner") var owner: String
    @Field(key: "target_on") var targetOn: String
    @Field(key: "created_by") var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

struct CreateEmployerActionItems: AsyncMigration {
    var name: String { "2026-11-22-create-employer-action-items" }

    func prepare(on db: Database) async throws {
        try await db.schema("employer_action_items")
            .id()
            .field("audit_id", .uuid, .required, .references("audits", "id", onDelete: .restrict))
            .field("deficiency", .string, .required)
            .field("action", .string, .required)
            .field("owner", .string, .required)
            .field("target_on", .string, .required)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on db: Database) async throws { try await db.schema("employer_action_items").delete() }
}

struct AddCertificateCancelReason: AsyncMigration {
    var name: String { "2026-11-22-add-certificate-cancel-reason" }

    func prepare(on db: Database) async throws {
        try await db.schema("certificates").field("cancel_reason", .string).update()
    }

    func revert(on db: Database) async throws { try await db.schema("certificates").deleteField("cancel_reason").update() }
}

/// Who reviews an audit, and every change of it, kept for good.
final class QAAssignmentModel: Model, @unchecked Sendable {
    static let schema = "qa_assignments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "audit_id") var audit: AuditModel
    @Field(key: "reviewer_id") var reviewerId: UUID
    @Field(key: "reviewer_name") var reviewerName: String
    @Field(key: "assigned_by") var assignedBy: UUID
    @Field(key: "assigned_by_name") var assignedByName: String
    @Field(key: "note") var note: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

extension DeadlineEventModel {
    /// Which of `keys` were acted on already: 500 keys a statement, so a sweep that finds
    /// nothing new costs a few statements however many warnings and reminders are due
    /// (it was a transaction each, failing on the unique key; issue 21). The unique key
    /// still decides when two instances act at once.
    static func existing(_ keys: [String], on db: Database) async throws -> Set<String> {
        var found: Set<String> = []
        let unique = Array(Set(keys))
        for start in stride(from: 0, to: unique.count, by: 500) {
            let chunk = Array(unique[start..<min(start + 500, unique.count)])
            found.formUnion(try await DeadlineEventModel.query(on: db).filter(\.$key ~~ chunk).field(\.$key).all().map(\.key))
        }
        return found
    }
}
