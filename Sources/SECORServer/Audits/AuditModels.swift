import Fluent
import Foundation
import SECORCore

/// One audit from registration to submission (R1-R7, S4). Lists (worksites, accounts,
/// summary lines) are JSON text: they are read and written whole with the audit.
final class AuditModel: Model, @unchecked Sendable {
    static let schema = "audits"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "employer_id") var employer: OrganisationModel
    @Field(key: "partner_id") var partnerId: UUID
    /// A1: the protocol version it was registered with, for good.
    @Parent(key: "protocol_version_id") var protocolVersion: ProtocolVersionModel
    @Field(key: "registered_by") var registeredBy: UUID
    /// The user who audits: the designated external auditor or the employer's assessor.
    @Field(key: "auditor_user_id") var auditorUserId: UUID
    @Field(key: "auditor_name") var auditorName: String
    @Field(key: "auditor_kind") var auditorKind: String
    @Field(key: "audit_type") var auditType: String
    @Field(key: "planned_start") var plannedStart: String
    @OptionalField(key: "last_day_on_site") var lastDayOnSite: String?
    @Field(key: "worksites") var worksites: String
    @Field(key: "wcb_accounts") var wcbAccounts: String
    @Field(key: "stage") var stage: String
    /// R6: set on approval; unique.
    @OptionalField(key: "number") var number: String?
    @OptionalField(key: "decision_reason") var decisionReason: String?
    @OptionalField(key: "decided_by") var decidedBy: UUID?
    /// R2: the typed reasons of a rejection (`RejectionReason` raw values, JSON).
    @OptionalField(key: "rejection_reasons") var rejectionReasons: String?
    /// The partner's QA reviewer the audit is assigned to; the history is in `qa_assignments`.
    @OptionalField(key: "qa_reviewer_id") var qaReviewerId: UUID?
    /// R7: the review fee in cents and the day it was paid.
    @OptionalField(key: "fee_cents") var feeCents: Int?
    @OptionalField(key: "fee_paid_on") var feePaidOn: String?
    @Field(key: "report_facts") var reportFacts: String
    @Field(key: "strengths") var strengths: String
    @Field(key: "recommendations") var recommendations: String
    @OptionalField(key: "safety_manual_file") var safetyManualFile: UUID?
    @OptionalField(key: "legislation_file") var legislationFile: UUID?
    @Field(key: "revision") var revision: Int
    @OptionalField(key: "submitted_at") var submittedAt: Date?
    @OptionalField(key: "submitted_via") var submittedVia: String?
    /// Scope and sampling (profile `sampling`): the employee breakdown by role (JSON
    /// `EmployeeBreakdown`), the worksites to visit (JSON) and the interviews planned.
    @OptionalField(key: "employee_breakdown") var employeeBreakdown: String?
    @OptionalField(key: "visited_sites") var visitedSites: String?
    @OptionalField(key: "planned_interviews") var plannedInterviews: Int?

    init() {}
}

/// The auditor's work on one question (A2, A3, A5).
final class AuditAnswerModel: Model, @unchecked Sendable {
    static let schema = "audit_answers"

    @ID(key: .id) var id: UUID?
    @Parent(key: "audit_id") var audit: AuditModel
    @Field(key: "question_id") var questionId: String
    /// The `Answer` as JSON; nil until answered.
    @OptionalField(key: "answer") var answer: String?
    @Field(key: "methods") var methods: String
    @Field(key: "notes") var notes: String
    @Field(key: "recommendation") var recommendation: String
    /// Field record ids reviewed (A7), JSON.
    @Field(key: "documents") var documents: String
    @Field(key: "updated_by") var updatedBy: UUID
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    /// Carry-over: the number of the certification audit whose answer this is.
    @OptionalField(key: "carried_from") var carriedFrom: String?

    init() {}
}

/// One interview or observation on a question's sampling sheet (A2). `subject` (who was
/// interviewed, what was observed) and `note` are confidential: partner staff and the
/// auditor see them; the employer's report and the customer copy never do.
final class AuditSheetRowModel: Model, @unchecked Sendable {
    static let schema = "audit_sheet_rows"

    @ID(key: .id) var id: UUID?
    @Parent(key: "audit_id") var audit: AuditModel
    @Field(key: "question_id") var questionId: String
    @Field(key: "site") var site: String
    @Field(key: "role") var role: String
    @Field(key: "on_day") var onDay: String
    @Field(key: "positive") var positive: Bool
    @Field(key: "subject") var subject: String
    @Field(key: "note") var note: String
    @Field(key: "recorded_by") var recordedBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var core: SheetRow { SheetRow(site: site, role: StaffRole(rawValue: role) ?? .worker, positive: positive) }
}

/// A6: an action-plan item for a deficiency.
final class AuditActionItemModel: Model, @unchecked Sendable {
    static let schema = "audit_action_items"

    @ID(key: .id) var id: UUID?
    @Parent(key: "audit_id") var audit: AuditModel
    @Field(key: "question_id") var questionId: String
    @Field(key: "action") var action: String
    @Field(key: "owner") var owner: String
    @Field(key: "target_on") var targetOn: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// D3: more time for D1 or D2, asked before the deadline and decided by the partner.
final class AuditExtensionModel: Model, @unchecked Sendable {
    static let schema = "audit_extensions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "audit_id") var audit: AuditModel
    @Field(key: "deadline") var deadline: String
    @Field(key: "days") var days: Int
    @Field(key: "reason") var reason: String
    @Field(key: "requested_by") var requestedBy: UUID
    @Field(key: "requested_on") var requestedOn: String
    @Field(key: "status") var status: String
    @OptionalField(key: "decided_by") var decidedBy: UUID?
    @OptionalField(key: "decided_on") var decidedOn: String?
    @OptionalField(key: "decision_reason") var decisionReason: String?

    init() {}
}

/// R3: a change or the cancellation of an approved registration, with who and why.
final class AuditChangeModel: Model, @unchecked Sendable {
    static let schema = "audit_changes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "audit_id") var audit: AuditModel
    @Field(key: "user_id") var userId: UUID
    @Field(key: "user_name") var userName: String
    @Field(key: "what") var what: String
    @Field(key: "why") var why: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// S1, S2: a signature bound to signer, time and the hash of the report content.
final class AuditSignoffModel: Model, @unchecked Sendable {
    static let schema = "audit_signoffs"

    @ID(key: .id) var id: UUID?
    @Parent(key: "audit_id") var audit: AuditModel
    @Field(key: "role") var role: String
    @Field(key: "user_id") var userId: UUID
    @Field(key: "name") var name: String
    @Field(key: "content_hash") var contentHash: String
    @Timestamp(key: "signed_at", on: .create) var signedAt: Date?

    init() {}
}

/// S4: a frozen revision of the report, kept for good.
final class AuditRevisionModel: Model, @unchecked Sendable {
    static let schema = "audit_revisions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "audit_id") var audit: AuditModel
    @Field(key: "revision") var revision: Int
    @Field(key: "content") var content: String
    @Field(key: "content_hash") var contentHash: String
    @Field(key: "submitted_by") var submittedBy: UUID
    @Field(key: "submitted_via") var submittedVia: String
    @Timestamp(key: "submitted_at", on: .create) var submittedAt: Date?

    init() {}
}
