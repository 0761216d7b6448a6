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

extension Database {
    /// Inside a write transaction: one column of a row as committed now, the row locked
    /// until the transaction ends (`lockRow`). A state transition checks its "from" state
    /// here, not in what the request read before the transaction: fifty simultaneous
    /// decisions then see each other's commits, and one acts (the rest get 409).
    func lockedColumn<T: Decodable & Sendable>(_ table: String, _ id: UUID, _ column: String, as type: T.Type) async throws -> T? {
        let row = try await sql.raw("SELECT \(ident: column) AS value FROM \(ident: table) WHERE id = \(bind: id)\(unsafeRaw: isSQLite ? "" : " FOR UPDATE")").first()
        guard let row else { throw AppError.notFound(table) }
        return try row.decodeNil(column: "value") ? nil : row.decode(column: "value", as: T.self)
    }
}
