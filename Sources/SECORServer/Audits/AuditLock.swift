import Fluent
import Foundation
import SECORCore
import SQLKit

extension Database {
    /// Inside a write transaction: the audit's stage as committed now, with its row locked
    /// until the transaction ends (PostgreSQL `FOR UPDATE`; on SQLite `BEGIN IMMEDIATE`
    /// already holds the only write lock). Every stage change starts from this, so the same
    /// decision made twice at once — two clicks, two instances — acts once; the other waits,
    /// then sees the new stage and gets 409.
    func lockAudit(_ id: UUID, expecting allowed: (AuditStage) -> Bool, otherwise message: (AuditStage) -> String) async throws {
        guard let stage = try await lockedAuditStage(id) else { throw AppError.notFound("audit") }
        guard allowed(stage) else { throw AppError(status: .conflict, message: message(stage)) }
    }

    /// The committed stage with the row locked (see `lockAudit`); nil when there is no such audit.
    func lockedAuditStage(_ id: UUID) async throws -> AuditStage? {
        let row = try await sql.raw("SELECT stage FROM audits WHERE id = \(bind: id)\(unsafeRaw: isSQLite ? "" : " FOR UPDATE")").first()
        guard let raw = try row?.decode(column: "stage", as: String.self) else { return nil }
        return AuditStage(rawValue: raw)
    }
}
