import Fluent
import SQLKit

/// Rows for one table, written as multi-row INSERTs. For bulk loads only (the scale
/// generator): Fluent models read their properties by reflection on every row, which took
/// most of the time at a million rows. Values bind exactly as Fluent binds them.
struct BulkRows {
    let table: String
    let columns: [String]
    private(set) var rows: [[any SQLExpression]] = []

    init(table: String, columns: [String]) {
        self.table = table
        self.columns = columns
    }

    var count: Int { rows.count }

    mutating func add(_ values: (any Encodable & Sendable)?...) { add(values) }

    mutating func add(_ values: [(any Encodable & Sendable)?]) {
        precondition(values.count == columns.count, "\(table): \(values.count) values for \(columns.count) columns")
        rows.append(values.map { value -> any SQLExpression in value.map { SQLBind($0) } ?? SQLLiteral.null })
    }

    func insert(on db: Database) async throws {
        // Chunks stay under SQLite's 32,766 bound values per statement (PostgreSQL allows 65,535).
        let perStatement = Swift.max(1, Swift.min(1000, 30_000 / columns.count))
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            var insert = db.sql.insert(into: table).columns(columns)
            for row in rows[start..<Swift.min(start + perStatement, rows.count)] { insert = insert.values(row) }
            try await insert.run()
        }
    }
}
