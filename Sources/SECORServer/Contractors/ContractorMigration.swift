import Fluent

/// V3: contractors' sign-ups, watch lists, webhooks and their delivery log.
struct CreateContractors: AsyncMigration {
    var name: String { "2026-12-02-create-contractors" }

    func prepare(on db: Database) async throws {
        try await db.schema("contractor_sign_ups")
            .id()
            .field("token_hash", .string, .required)
            .field("company", .string, .required)
            .field("name", .string, .required)
            .field("email", .string, .required)
            .field("password_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await db.schema("watch_entries")
            .id()
            .field("contractor_id", .uuid, .required, .references("organisations", "id"))
            .field("kind", .string, .required)
            .field("value", .string, .required)
            .field("label", .string, .required)
            .field("standing", .string, .required)
            .field("changed_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "contractor_id", "kind", "value")
            .create()
        try await db.schema("webhook_endpoints")
            .id()
            .field("contractor_id", .uuid, .required, .references("organisations", "id"))
            .field("url", .string, .required)
            .field("secret", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "contractor_id")
            .create()
        try await db.schema("webhook_deliveries")
            .id()
            .field("contractor_id", .uuid, .required, .references("organisations", "id"))
            .field("event_key", .string, .required)
            .field("event", .string, .required)
            .field("url", .string, .required)
            .field("body", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("claim", .uuid)
            .field("claimed_until", .datetime)
            .field("delivered_at", .datetime)
            .field("gave_up_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "event_key")
            .create()
        try await db.schema("webhook_attempts")
            .id()
            .field("delivery_id", .uuid, .required, .references("webhook_deliveries", "id"))
            .field("attempted_at", .datetime, .required)
            .field("status_code", .int)
            .field("response", .string, .required)
            .field("milliseconds", .int, .required)
            .create()
    }

    func revert(on db: Database) async throws {
        for table in ["webhook_attempts", "webhook_deliveries", "webhook_endpoints", "watch_entries", "contractor_sign_ups"] {
            try await db.schema(table).delete()
        }
    }
}
