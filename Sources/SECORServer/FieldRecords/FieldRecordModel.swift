import Fluent
import Foundation

/// One everyday record (FLHA, toolbox talk, ...). Its content lives in versions: an
/// amendment adds a version and never changes an earlier one.
final class FieldRecordModel: Model, @unchecked Sendable {
    static let schema = "field_records"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "current_version") var currentVersion: Int
    /// Sent by the phone with each record, so a retried request stores it once.
    @OptionalField(key: "idempotency_key") var idempotencyKey: String?

    // references
    @Parent(key: "employer_id") var employer: EmployerModel
    @Field(key: "recorded_by") var recordedBy: UUID

    // data
    @Field(key: "kind") var kind: String
    /// The day the work happened (not when it was typed), YYYY-MM-DD, and its time HH:MM.
    @Field(key: "occurred_on") var occurredOn: String
    @Field(key: "occurred_time") var occurredTime: String
    @Field(key: "site") var site: String
    /// The current version's words, for search.
    @Field(key: "search_text") var searchText: String

    init() {}
}

final class FieldRecordVersionModel: Model, @unchecked Sendable {
    static let schema = "field_record_versions"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "record_id") var record: FieldRecordModel
    @Field(key: "version") var version: Int
    /// The kind's content as JSON.
    @Field(key: "content") var content: String
    /// SHA-256 of the version's day, time and content: what every sign-off binds.
    @Field(key: "content_hash") var contentHash: String
    @Field(key: "author_id") var authorId: UUID
    /// Why it was amended (empty for the first version).
    @Field(key: "reason") var reason: String
    @Field(key: "occurred_on") var occurredOn: String
    @Field(key: "occurred_time") var occurredTime: String
    /// Photos and files of this version: stored-file ids, comma-separated.
    @OptionalField(key: "attachments") var attachments: String?

    var attachmentIds: [UUID] { (attachments ?? "").split(separator: ",").compactMap { UUID(uuidString: String($0)) } }

    init() {}
}

/// A sign-off binding the signer and the time to one version's content hash.
final class SignOffModel: Model, @unchecked Sendable {
    static let schema = "record_signoffs"

    @ID(key: .id) var id: UUID?
    @Parent(key: "record_id") var record: FieldRecordModel
    @Field(key: "version") var version: Int
    @Field(key: "signer_name") var signerName: String
    @OptionalField(key: "person_id") var personId: UUID?
    @Field(key: "signed_at") var signedAt: Date
    @Field(key: "content_hash") var contentHash: String

    init() {}
}
