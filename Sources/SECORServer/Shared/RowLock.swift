import Fluent
import Foundation
import SQLKit

extension Database {
    /// Inside a write transaction: locks one row until the transaction ends (PostgreSQL
    /// `FOR UPDATE`; on SQLite `BEGIN IMMEDIATE` already holds the only write lock), so what
    /// is read next is the committed state and a state change made twice at once acts once.
    func lockRow(_ table: String, _ id: UUID) async throws {
        guard !isSQLite else { return }
        try await sql.raw("SELECT id FROM \(ident: table) WHERE id = \(bind: id) FOR UPDATE").run()
    }
}
