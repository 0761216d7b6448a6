import Fluent
import Foundation

/// One line of the append-only audit log; `hash` covers the line and the previous
/// line's hash, so rewriting any entry breaks every hash after it.
final class AuditLogEntryModel: Model, @unchecked Sendable {
    static let schema = "audit_log"

    // managed
    @ID(key: .id) var id: UUID?
    /// 1, 2, 3, ... without gaps; unique, so two writers can never both append entry n.
    @Field(key: "seq") var seq: Int
    /// Milliseconds since 1970, an integer so the hash input is the same on every database.
    @Field(key: "at_ms") var atMilliseconds: Int64

    // data
    @OptionalField(key: "actor_id") var actorId: UUID?
    @Field(key: "action") var action: String
    @Field(key: "entity") var entity: String
    @Field(key: "entity_id") var entityId: String
    @Field(key: "detail") var detail: String
    @Field(key: "prev_hash") var previousHash: String
    @Field(key: "hash") var hash: String

    init() {}
}
