import Fluent
import SQLKit

/// Issue 15: what real organisations need of accounts — deactivation, the end of every
/// session at once, roster end dates, invitations, password resets, throttling by address.
struct AddAccountLifecycle: AsyncMigration {
    var name: String { "2026-12-01-add-account-lifecycle" }

    func prepare(on db: Database) async throws {
        // One column per statement: SQLite adds one column per ALTER TABLE.
        try await db.schema("users").field("deactivated_at", .datetime).update()
        // Page sessions that began before this moment no longer count (password change,
        // reset, deactivation): sessions are rows keyed by cookie, not by user.
        try await db.schema("users").field("sessions_valid_after", .datetime).update()
        // The roster end date of the person this account belongs to (YYYY-MM-DD): the
        // last day the account may sign in. Copied here so every request checks one row.
        try await db.schema("users").field("access_ends_on", .string).update()
        try await db.schema("sign_in_attempts").field("client", .string, .required, .sql(.default(""))).update()
        try await db.sql.create(index: "sign_in_attempts_email_client_at").on("sign_in_attempts")
            .column("email").column("client").column("attempted_at").run()

        try await db.schema("invitations")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id", onDelete: .restrict))
            .field("role", .string, .required)
            .field("email", .string)
            .field("name", .string, .required)
            .field("person_id", .uuid, .references("people", "id", onDelete: .restrict))
            // Set when the account exists already and the invitation only sets its password
            // (a partner's first admin, an auditor put on the register).
            .field("user_id", .uuid, .references("users", "id", onDelete: .restrict))
            .field("token_hash", .string, .required)
            .field("invited_by", .uuid)
            .field("expires_at", .datetime, .required)
            .field("accepted_at", .datetime)
            .field("accepted_user_id", .uuid)
            .field("withdrawn_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await db.sql.create(index: "invitations_organisation").on("invitations").column("organisation_id").run()

        try await db.schema("password_resets")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()

        try await db.schema("rate_events")
            .id()
            .field("action", .string, .required)
            .field("client", .string, .required)
            .field("at", .datetime, .required)
            .create()
        try await db.sql.create(index: "rate_events_action_client_at").on("rate_events")
            .column("action").column("client").column("at").run()

        try await db.schema("program_profiles")
            .id()
            .field("profile_id", .string, .required)
            .field("version", .int, .required)
            .field("source_file", .string, .required)
            .field("yaml", .string, .required)
            .field("content_hash", .string, .required)
            .field("imported_by", .uuid)
            .field("imported_at", .datetime)
            .unique(on: "profile_id", "version")
            .create()
    }

    func revert(on db: Database) async throws {
        for table in ["program_profiles", "rate_events", "password_resets", "invitations"] { try await db.schema(table).delete() }
    }
}
