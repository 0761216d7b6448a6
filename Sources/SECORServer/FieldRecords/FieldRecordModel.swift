import Fluent
import Foundation
import SECORCore

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

/// A sign-off: one person, in one role, by one method, binding one version's hash.
/// Made by the person it names (self), or drawn by them on the recorder's phone
/// (attested); never carried to a later version.
final class SignOffModel: Model, @unchecked Sendable {
    static let schema = "record_signoffs"

    // managed
    @ID(key: .id) var id: UUID?
    @Field(key: "signed_at") var signedAt: Date

    // references
    @Parent(key: "record_id") var record: FieldRecordModel
    @OptionalField(key: "person_id") var personId: UUID?
    /// The signed-in user who made it: the signer (self), or the holder of the phone (attested).
    @OptionalField(key: "recorded_by") var recordedBy: UUID?
    /// The drawn signature (attested), a stored PNG.
    @OptionalField(key: "signature_file_id") var signatureFileId: UUID?

    // data
    @Field(key: "version") var version: Int
    @Field(key: "signer_name") var signerName: String
    /// The version's content hash this sign-off binds.
    @Field(key: "content_hash") var contentHash: String
    @Field(key: "role") var role: String
    @Field(key: "method") var method: String
    /// A reviewer's note.
    @OptionalField(key: "note") var note: String?
    /// SHA-256 over the version's hash, the person, role, method, time and the drawn
    /// signature's own hash: what `secor check` recomputes.
    @OptionalField(key: "seal") var seal: String?

    init() {}

    var signOffRole: SignOffRole { SignOffRole(rawValue: role) ?? .worker }
    var signOffMethod: SignOffMethod { SignOffMethod(rawValue: method) ?? .ticked }
}
