import Fluent
import SQLKit

/// Issue 17: notices as a table (event, digest), reviewer assignment, typed rejection
/// reasons, and one word for a failed review: `invalid` (Q11).
struct AddNoticeRouting: AsyncMigration {
    var name: String { "2026-12-01-add-notice-routing" }

    func prepare(on db: Database) async throws {
        // SQLite adds one column per statement.
        try await db.schema("notifications").field("event", .string).update()
        try await db.schema("notifications").field("digested_at", .datetime).update()
        try await db.schema("users").field("email_digest", .bool).update()
        try await db.schema("audits").field("rejection_reasons", .string).update()
        try await db.schema("audits").field("qa_reviewer_id", .uuid).update()
        try await db.schema("qa_assignments")
            .id()
            .field("audit_id", .uuid, .required, .references("audits", "id"))
            .field("reviewer_id", .uuid, .required)
            .field("reviewer_name", .string, .required)
            .field("assigned_by", .uuid, .required)
            .field("assigned_by_name", .string, .required)
            .field("note", .string, .required)
            .field("created_at", .datetime)
            .create()
        // Q11: a report that fails QA is invalid; `failed` was a second word for it.
        try await db.sql.update("audits").set("stage", to: "invalid").where("stage", .equal, "failed").run()
    }

    func revert(on db: Database) async throws {
        try await db.schema("qa_assignments").delete()
    }
}
