import Fluent
import SQLKit

/// What a partner with thousands of employers needs, found with scripts/bench: indexes for
/// lookups that scanned whole tables, and a SQLite search index scoped by employer (a word
/// used to match across every employer's records before the employer was filtered).
struct AddScaleIndexes: AsyncMigration {
    var name: String { "2026-11-22-add-scale-indexes" }

    func prepare(on db: Database) async throws {
        let indexes: [(String, String, [String])] = [
            ("record_signoffs_record", "record_signoffs", ["record_id", "version"]),
            ("users_organisation", "users", ["organisation_id"]),
            ("organisations_partner", "organisations", ["partner_id"]),
            ("audits_partner_stage", "audits", ["partner_id", "stage"]),
        ]
        for (name, table, columns) in indexes {
            var index = db.sql.create(index: name).on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
        if db.isSQLite {
            try await db.sql.raw("DROP TABLE IF EXISTS field_records_fts").run()
            try await db.sql.raw("CREATE VIRTUAL TABLE field_records_fts USING fts5(record_id UNINDEXED, employer, body)").run()
            try await db.sql.raw("""
                INSERT INTO field_records_fts (record_id, employer, body)
                SELECT id, 'e' || lower(replace(employer_id, '-', '')), search_text FROM field_records
                """).run()
        }
    }

    func revert(on db: Database) async throws {
        for name in ["record_signoffs_record", "users_organisation", "organisations_partner", "audits_partner_stage"] {
            try await db.sql.drop(index: name).run()
        }
        if db.isSQLite {
            try await db.sql.raw("DROP TABLE IF EXISTS field_records_fts").run()
            try await db.sql.raw("CREATE VIRTUAL TABLE field_records_fts USING fts5(record_id UNINDEXED, body)").run()
            try await db.sql.raw("INSERT INTO field_records_fts (record_id, body) SELECT id, search_text FROM field_records").run()
        }
    }
}
