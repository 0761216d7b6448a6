import Foundation
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
        if !db.isSQLite {
            // The same words as SearchIndex.body, made in SQL for the rows already there.
            try await db.sql.raw("ALTER TABLE field_records ADD COLUMN search_words TEXT").run()
            try await db.sql.raw("""
                UPDATE field_records SET search_words = trim(regexp_replace(
                    ' ' || trim(regexp_replace(lower(search_text), '[^[:alnum:]]+', ' ', 'g')),
                    ' ([^ ]+)', ' e' || replace(employer_id::text, '-', '') || 'z\\1', 'g'))
                """).run()
            try await db.sql.raw("DROP INDEX IF EXISTS field_records_search").run()
            try await db.sql.raw("CREATE INDEX field_records_search ON field_records USING GIN (to_tsvector('simple', search_words))").run()
        }
        if db.isSQLite {
            try await db.sql.raw("DROP TABLE IF EXISTS field_records_fts").run()
            try await db.sql.raw("CREATE VIRTUAL TABLE field_records_fts USING fts5(record_id UNINDEXED, employer, body)").run()
            // Every record again, its words behind its employer's token, a thousand at a time.
            var after = ""
            while true {
                let rows = try await db.sql.raw("""
                    SELECT id, employer_id, search_text FROM field_records WHERE id > \(bind: after) ORDER BY id LIMIT 1000
                    """).all()
                guard let last = rows.last else { break }
                after = try last.decode(column: "id", as: String.self)
                try await SearchIndex.insert(try rows.map { (try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "employer_id", as: UUID.self),
                                                             try $0.decode(column: "search_text", as: String.self)) }, on: db)
            }
        }
    }

    func revert(on db: Database) async throws {
        if !db.isSQLite {
            try await db.sql.raw("DROP INDEX IF EXISTS field_records_search").run()
            try await db.sql.raw("ALTER TABLE field_records DROP COLUMN search_words").run()
            try await db.sql.raw("CREATE INDEX field_records_search ON field_records USING GIN (to_tsvector('simple', search_text))").run()
        }
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

/// Record lists are read newest first, a page at a time after a cursor (issue 21): this
/// index serves that order for one employer, so a page is a short index walk at any depth.
/// It begins with the columns of `field_records_employer_day`, which it replaces.
struct AddRecordListIndex: AsyncMigration {
    var name: String { "2026-12-02-add-record-list-index" }

    func prepare(on db: Database) async throws {
        try await db.sql.create(index: "field_records_list").on("field_records")
            .column("employer_id").column("occurred_on").column("occurred_time").column("id").run()
        try await db.sql.drop(index: "field_records_employer_day").run()
    }

    func revert(on db: Database) async throws {
        try await db.sql.create(index: "field_records_employer_day").on("field_records").column("employer_id").column("occurred_on").run()
        try await db.sql.drop(index: "field_records_list").run()
    }
}
