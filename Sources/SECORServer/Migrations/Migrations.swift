import Fluent

/// Every migration, in order. Each has an explicit name so moving code never re-runs one.
enum Migrations {
    static let all: [any Migration] = [
        CreateOrganisations(),
        CreateUsers(),
        CreateAPITokens(),
        CreateSignInAttempts(),
        CreateAuditLog(),
        CreateSessions(),
        CreateEmployers(),
        CreateWCBAccounts(),
        CreatePeople(),
        CreateStoredFiles(),
        CreateCourseCompletions(),
        CreateMatrixRequirements(),
        CreateAuditors(),
        CreateNotifications(),
        CreateFieldRecords(),
        AddRecordAttachments(),
        CreateProtocolVersions(),
        ImportSampleProtocols(),
        CreateAudits(),
        CreateQA(),
        CreateEmailOutbox(),
        CreateCalendarFeeds(),
        CreateEmployerActionItems(),
        AddCertificateCancelReason(),
        AddScaleIndexes(),
        AddAccountLifecycle(),
        AddPersonalSignOffs(),
        AddNoticeRouting(),
        KeyAuditLog(),
        AddAuditInstrument(),
        CreateVerificationKeys(),
        CreateContractors(),
        AddRecordListIndex(),
    ]
}

struct CreateOrganisations: AsyncMigration {
    var name: String { "2026-11-22-create-organisations" }

    func prepare(on db: Database) async throws {
        try await db.schema("organisations")
            .id()
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("partner_id", .uuid, .references("organisations", "id", onDelete: .restrict))
            .field("profile_id", .string)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on db: Database) async throws { try await db.schema("organisations").delete() }
}

struct CreateUsers: AsyncMigration {
    var name: String { "2026-11-22-create-users" }

    func prepare(on db: Database) async throws {
        try await db.schema("users")
            .id()
            .field("organisation_id", .uuid, .required, .references("organisations", "id", onDelete: .restrict))
            .field("email", .string, .required)
            .field("name", .string, .required)
            .field("password_hash", .string, .required)
            .field("role", .string, .required)
            .field("is_assessor", .bool, .required, .sql(.default(false)))
            .field("created_at", .datetime)
            .field("password_changed_at", .datetime)
            .unique(on: "email")
            .create()
    }

    func revert(on db: Database) async throws { try await db.schema("users").delete() }
}

struct CreateAPITokens: AsyncMigration {
    var name: String { "2026-11-22-create-api-tokens" }

    func prepare(on db: Database) async throws {
        try await db.schema("api_tokens")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on db: Database) async throws { try await db.schema("api_tokens").delete() }
}

struct CreateSignInAttempts: AsyncMigration {
    var name: String { "2026-11-22-create-sign-in-attempts" }

    func prepare(on db: Database) async throws {
        try await db.schema("sign_in_attempts")
            .id()
            .field("email", .string, .required)
            .field("succeeded", .bool, .required)
            .field("attempted_at", .datetime, .required)
            .create()
        try await db.sql.create(index: "sign_in_attempts_email_at").on("sign_in_attempts")
            .column("email").column("attempted_at").run()
    }

    func revert(on db: Database) async throws { try await db.schema("sign_in_attempts").delete() }
}

struct CreateAuditLog: AsyncMigration {
    var name: String { "2026-11-22-create-audit-log" }

    func prepare(on db: Database) async throws {
        try await db.schema("audit_log")
            .id()
            .field("seq", .int64, .required)
            .field("at_ms", .int64, .required)
            .field("actor_id", .uuid)
            .field("action", .string, .required)
            .field("entity", .string, .required)
            .field("entity_id", .string, .required)
            .field("detail", .string, .required)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "seq")
            .create()
    }

    func revert(on db: Database) async throws { try await db.schema("audit_log").delete() }
}

/// Vapor's Fluent session records, so sessions are shared by every app instance.
struct CreateSessions: AsyncMigration {
    var name: String { "2026-11-22-create-sessions" }

    func prepare(on db: Database) async throws {
        try await db.schema("_fluent_sessions")
            .id()
            .field("key", .string, .required)
            .field("data", .json, .required)
            .unique(on: "key")
            .create()
    }

    func revert(on db: Database) async throws { try await db.schema("_fluent_sessions").delete() }
}
