import Fluent
import SQLKit

struct AddRecordAttachments: AsyncMigration {
    var name: String { "2026-11-22-add-record-attachments" }

    func prepare(on db: Database) async throws {
        try await db.schema("field_record_versions").field("attachments", .string).update()
    }

    func revert(on db: Database) async throws {
        try await db.schema("field_record_versions").deleteField("attachments").update()
    }
}

struct CreateFieldRecords: AsyncMigration {
    var name: String { "2026-11-22-create-field-records" }

    func prepare(on db: Database) async throws {
        try await db.schema("field_records")
            .id()
            .field("employer_id", .uuid, .required, .references("employers", "id", onDelete: .restrict))
            .field("recorded_by", .uuid, .required)
            .field("kind", .string, .required)
            .field("occurred_on", .string, .required)
            .field("occurred_time", .string, .required)
            .field("site", .string, .required)
            .field("search_text", .string, .required)
            .field("current_version", .int, .required)
            .field("idempotency_key", .string)
            .field("created_at", .datetime)
            .unique(on: "employer_id", "idempotency_key")
            .create()
        try await db.sql.create(index: "field_records_employer_day").on("field_records")
            .column("employer_id").column("occurred_on").run()
        try await db.schema("field_record_versions")
            .id()
            .field("record_id", .uuid, .required, .references("field_records", "id", onDelete: .restrict))
            .field("version", .int, .required)
            .field("content", .string, .required)
            .field("content_hash", .string, .required)
            .field("author_id", .uuid, .required)
            .field("reason", .string, .required)
            .field("occurred_on", .string, .required)
            .field("occurred_time", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "record_id", "version")
            .create()
        try await db.schema("record_signoffs")
            .id()
            .field("record_id", .uuid, .required, .references("field_records", "id", onDelete: .restrict))
            .field("version", .int, .required)
            .field("signer_name", .string, .required)
            .field("person_id", .uuid)
            .field("signed_at", .datetime, .required)
            .field("content_hash", .string, .required)
            .create()
        // Full-text search (F3): FTS5 on SQLite, a GIN index on PostgreSQL.
        if db.isSQLite {
            try await db.sql.raw("CREATE VIRTUAL TABLE field_records_fts USING fts5(record_id UNINDEXED, body)").run()
        } else {
            try await db.sql.raw("CREATE INDEX field_records_search ON field_records USING GIN (to_tsvector('simple', search_text))").run()
        }
    }

    func revert(on db: Database) async throws {
        if db.isSQLite { try await db.sql.raw("DROP TABLE IF EXISTS field_records_fts").run() }
        try await db.schema("record_signoffs").delete()
        try await db.schema("field_record_versions").delete()
        try await db.schema("field_records").delete()
    }
}

/// Sign-offs made by the person who signs (issue 16): role, method, who recorded it, the
/// drawn signature, a reviewer's note and the seal. Earlier sign-offs were ticks made by
/// whoever held the phone; they stay, marked `ticked`, never shown as signatures.
struct AddPersonalSignOffs: AsyncMigration {
    var name: String { "2026-12-01-add-personal-signoffs" }

    func prepare(on db: Database) async throws {
        // SQLite alters one column per statement.
        try await db.schema("record_signoffs").field("role", .string, .required, .sql(.default("worker"))).update()
        try await db.schema("record_signoffs").field("method", .string, .required, .sql(.default("ticked"))).update()
        try await db.schema("record_signoffs").field("recorded_by", .uuid).update()
        try await db.schema("record_signoffs").field("signature_file_id", .uuid).update()
        try await db.schema("record_signoffs").field("note", .string).update()
        try await db.schema("record_signoffs").field("seal", .string).update()
        try await db.sql.raw("""
            UPDATE record_signoffs SET role = 'signer'
            WHERE record_id IN (SELECT id FROM field_records WHERE kind = 'safetyPolicy')
            """).run()
    }

    func revert(on db: Database) async throws {
        for field in ["seal", "note", "signature_file_id", "recorded_by", "method", "role"] {
            try await db.schema("record_signoffs").deleteField(.string(field)).update()
        }
    }
}
