import Fluent
import SQLKit
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

// MARK: Raw SQL on the hot paths
//
// Recording and reading a record are the busiest paths; Fluent's model reflection cost
// more than the statements themselves (issue 21). These write and read the same columns,
// bound through the same database encoder, so Fluent reads what they write and back.

extension FieldRecordModel {
    /// Stores this new record (as `create(on:)` would, without the reflection).
    func insert(on db: Database) async throws {
        let id = self.id ?? UUID()
        let now = Date()
        try await db.sql.raw("""
            INSERT INTO field_records (id, created_at, current_version, idempotency_key, employer_id, recorded_by, kind, occurred_on, occurred_time, site, search_text)
            VALUES (\(bind: id), \(bind: now), \(bind: currentVersion), \(bind: idempotencyKey), \(bind: $employer.id), \(bind: recordedBy),
                    \(bind: kind), \(bind: occurredOn), \(bind: occurredTime), \(bind: site), \(bind: searchText))
            """).run()
        self.id = id
        createdAt = now
        $id.exists = true
    }
}

extension FieldRecordVersionModel {
    /// Stores this new version (as `create(on:)` would, without the reflection).
    func insert(on db: Database) async throws {
        let id = self.id ?? UUID()
        let now = Date()
        try await db.sql.raw("""
            INSERT INTO field_record_versions (id, created_at, record_id, version, content, content_hash, author_id, reason, occurred_on, occurred_time, attachments)
            VALUES (\(bind: id), \(bind: now), \(bind: $record.id), \(bind: version), \(bind: content), \(bind: contentHash), \(bind: authorId),
                    \(bind: reason), \(bind: occurredOn), \(bind: occurredTime), \(bind: attachments))
            """).run()
        self.id = id
        createdAt = now
        $id.exists = true
    }

    /// The columns `init(row:)` reads.
    static let columns = "id, created_at, record_id, version, content, content_hash, author_id, reason, occurred_on, occurred_time, attachments"

    /// A version read from a raw row of `columns`.
    convenience init(row: SQLRow) throws {
        self.init()
        id = try row.decode(column: "id", as: UUID.self)
        createdAt = try row.decode(column: "created_at", as: Date?.self)
        $record.id = try row.decode(column: "record_id", as: UUID.self)
        version = try row.decode(column: "version", as: Int.self)
        content = try row.decode(column: "content", as: String.self)
        contentHash = try row.decode(column: "content_hash", as: String.self)
        authorId = try row.decode(column: "author_id", as: UUID.self)
        reason = try row.decode(column: "reason", as: String.self)
        occurredOn = try row.decode(column: "occurred_on", as: String.self)
        occurredTime = try row.decode(column: "occurred_time", as: String.self)
        attachments = try row.decode(column: "attachments", as: String?.self)
        $id.exists = true
    }
}
