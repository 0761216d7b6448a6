import Fluent

struct CreateEmployers: AsyncMigration {
    var name: String { "2026-11-22-create-employers" }

    func prepare(on db: Database) async throws {
        try await db.schema("employers")
            .field("id", .uuid, .identifier(auto: false), .references("organisations", "id", onDelete: .cascade))
            .field("status", .string, .required)
            .field("channel", .string, .required)
            .field("decline_reason", .string)
            .field("decided_at", .datetime)
            .field("decided_by", .uuid)
            .field("legal_name", .string, .required)
            .field("trade_name", .string, .required)
            .field("address", .string, .required)
            .field("contact_name", .string, .required)
            .field("phone", .string, .required)
            .field("fax", .string, .required)
            .field("email", .string, .required)
            .field("associate_paid_until", .string)
            .field("assessor_person_id", .uuid)
            .field("assessor_auditor_id", .uuid)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on db: Database) async throws { try await db.schema("employers").delete() }
}

struct CreateWCBAccounts: AsyncMigration {
    var name: String { "2026-11-22-create-wcb-accounts" }

    func prepare(on db: Database) async throws {
        try await db.schema("wcb_accounts")
            .id()
            .field("employer_id", .uuid, .required, .references("employers", "id", onDelete: .cascade))
            .field("number", .string, .required)
            .field("industry_code", .string, .required)
            .field("active", .bool, .required)
            .unique(on: "employer_id", "number")
            .create()
    }

    func revert(on db: Database) async throws { try await db.schema("wcb_accounts").delete() }
}

struct CreatePeople: AsyncMigration {
    var name: String { "2026-11-22-create-people" }

    func prepare(on db: Database) async throws {
        try await db.schema("people")
            .id()
            .field("employer_id", .uuid, .required, .references("employers", "id", onDelete: .restrict))
            .field("user_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("name", .string, .required)
            .field("category", .string, .required)
            .field("full_time", .bool, .required)
            .field("familiar_with_operation", .bool, .required)
            .field("job_role", .string, .required)
            .field("start_date", .string, .required)
            .field("end_date", .string)
            .field("created_at", .datetime)
            .create()
        try await db.sql.create(index: "people_employer").on("people").column("employer_id").run()
    }

    func revert(on db: Database) async throws { try await db.schema("people").delete() }
}

struct CreateStoredFiles: AsyncMigration {
    var name: String { "2026-11-22-create-stored-files" }

    func prepare(on db: Database) async throws {
        try await db.schema("stored_files")
            .id()
            .field("employer_id", .uuid, .required, .references("employers", "id", onDelete: .restrict))
            .field("uploaded_by", .uuid, .required)
            .field("sha256", .string, .required)
            .field("size", .int64, .required)
            .field("content_type", .string, .required)
            .field("original_name", .string, .required)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on db: Database) async throws { try await db.schema("stored_files").delete() }
}

struct CreateCourseCompletions: AsyncMigration {
    var name: String { "2026-11-22-create-course-completions" }

    func prepare(on db: Database) async throws {
        try await db.schema("course_completions")
            .id()
            .field("employer_id", .uuid, .required, .references("employers", "id", onDelete: .restrict))
            .field("person_id", .uuid, .required, .references("people", "id", onDelete: .restrict))
            .field("file_id", .uuid, .references("stored_files", "id", onDelete: .restrict))
            .field("course_id", .string, .required)
            .field("completed_on", .string, .required)
            .field("expires_on", .string)
            .field("provider", .string, .required)
            .field("certificate_number", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await db.sql.create(index: "course_completions_employer").on("course_completions").column("employer_id").run()
    }

    func revert(on db: Database) async throws { try await db.schema("course_completions").delete() }
}

struct CreateMatrixRequirements: AsyncMigration {
    var name: String { "2026-11-22-create-matrix-requirements" }

    func prepare(on db: Database) async throws {
        try await db.schema("matrix_requirements")
            .id()
            .field("employer_id", .uuid, .required, .references("employers", "id", onDelete: .cascade))
            .field("job_role", .string, .required)
            .field("course_id", .string, .required)
            .unique(on: "employer_id", "job_role", "course_id")
            .create()
    }

    func revert(on db: Database) async throws { try await db.schema("matrix_requirements").delete() }
}

struct CreateAuditors: AsyncMigration {
    var name: String { "2026-11-22-create-auditors" }

    func prepare(on db: Database) async throws {
        try await db.schema("auditors")
            .id()
            .field("partner_id", .uuid, .required, .references("organisations", "id", onDelete: .restrict))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("certification_number", .string, .required)
            .field("standing", .string, .required)
            .field("valid_until", .string, .required)
            .field("courses", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "partner_id", "certification_number")
            .unique(on: "partner_id", "user_id")
            .create()
    }

    func revert(on db: Database) async throws { try await db.schema("auditors").delete() }
}

struct CreateNotifications: AsyncMigration {
    var name: String { "2026-11-22-create-notifications" }

    func prepare(on db: Database) async throws {
        try await db.schema("notifications")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("link", .string, .required)
            .field("read_at", .datetime)
            .field("created_at", .datetime)
            .create()
        try await db.sql.create(index: "notifications_user").on("notifications").column("user_id").run()
    }

    func revert(on db: Database) async throws { try await db.schema("notifications").delete() }
}
