import Fluent

/// Scope and sampling at registration, sampling sheets, carry-over and the certificate's
/// term. New columns are optional so audits registered before read as "not given".
struct AddAuditInstrument: AsyncMigration {
    var name: String { "2026-12-02-audit-instrument" }

    func prepare(on db: Database) async throws {
        try await db.schema("audits").field("employee_breakdown", .string).update()
        try await db.schema("audits").field("visited_sites", .string).update()
        try await db.schema("audits").field("planned_interviews", .int).update()
        try await db.schema("audit_answers").field("carried_from", .string).update()
        try await db.schema("certificates").field("term_years", .int).update()
        try await db.schema("audit_sheet_rows")
            .id()
            .field("audit_id", .uuid, .required, .references("audits", "id"))
            .field("question_id", .string, .required)
            .field("site", .string, .required)
            .field("role", .string, .required)
            .field("on_day", .string, .required)
            .field("positive", .bool, .required)
            .field("subject", .string, .required)
            .field("note", .string, .required)
            .field("recorded_by", .uuid, .required)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on db: Database) async throws {
        try await db.schema("audit_sheet_rows").delete()
        try await db.schema("certificates").deleteField("term_years").update()
        try await db.schema("audit_answers").deleteField("carried_from").update()
        for field in ["planned_interviews", "visited_sites", "employee_breakdown"] {
            try await db.schema("audits").deleteField(.string(field)).update()
        }
    }
}
