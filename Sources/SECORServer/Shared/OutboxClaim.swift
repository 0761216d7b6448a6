import Fluent
import Foundation
import SQLKit

/// Claims one row of an outbox (email, webhooks) with one conditional update, so two app
/// instances never send it at once: the row is taken only while not done and not claimed
/// by someone else (or their claim ran out). True when this caller got it.
enum OutboxClaim {
    static func take(_ table: String, _ id: UUID, doneColumn: String, now: Date, hold: TimeInterval, on db: Database) async throws -> Bool {
        let token = UUID()
        try await db.sql.update(table)
            .set("claim", to: SQLBind(token))
            .set("claimed_until", to: SQLBind(now.addingTimeInterval(hold)))
            .where("id", .equal, SQLBind(id))
            .where(SQLIdentifier(doneColumn), .is, SQLLiteral.null)
            .where { $0.where("claimed_until", .is, SQLLiteral.null).orWhere("claimed_until", .lessThan, SQLBind(now)) }
            .run()
        return try await db.sql.select().column("id").from(table).where("id", .equal, SQLBind(id))
            .where("claim", .equal, SQLBind(token)).first() != nil
    }
}
