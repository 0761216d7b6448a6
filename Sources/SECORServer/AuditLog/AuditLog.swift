import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor

/// Appends to and verifies the hash-chained audit log.
enum AuditLog {
    static let genesisHash = String(repeating: "0", count: 64)

    /// Appends an entry; call inside the write's own transaction (`writeTransaction`)
    /// so the entry and the change commit together or not at all.
    static func append(on db: Database, actor: UUID?, action: String, entity: String, entityId: String,
                       detail: String = "", at date: Date = Date()) async throws {
        if !db.isSQLite {
            // PostgreSQL: serialise appenders for the rest of this transaction (SQLite's
            // BEGIN IMMEDIATE already holds the only write lock).
            try await db.sql.raw("SELECT pg_advisory_xact_lock(7220531)").run()
        }
        let last = try await AuditLogEntryModel.query(on: db).sort(\.$seq, .descending).first()
        let entry = AuditLogEntryModel()
        entry.seq = (last?.seq ?? 0) + 1
        entry.atMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        entry.actorId = actor
        entry.action = action
        entry.entity = entity
        entry.entityId = entityId
        entry.detail = detail
        entry.previousHash = last?.hash ?? genesisHash
        entry.hash = hash(of: entry)
        try await entry.create(on: db)
    }

    static func hash(of entry: AuditLogEntryModel) -> String {
        let fields = [String(entry.seq), String(entry.atMilliseconds), entry.actorId?.uuidString ?? "-",
                      entry.action, entry.entity, entry.entityId, entry.detail, entry.previousHash]
        // Length-prefixed so no two different entries share an input.
        let input = fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
        return SHA256.hash(data: Data(input.utf8)).hex
    }

    struct Verification: Sendable {
        var entries: Int
        /// The first entry that breaks the chain, in words; nil when the chain holds.
        var firstBroken: String?
        var brokenSeq: Int?
    }

    /// Walks the whole chain in order, in pages, and names the first broken entry.
    static func verify(on db: Database) async throws -> Verification {
        var previous = genesisHash
        var expectedSeq = 1
        var count = 0
        let page = 1000
        while true {
            let entries = try await AuditLogEntryModel.query(on: db)
                .filter(\.$seq >= expectedSeq).sort(\.$seq).limit(page).all()
            for entry in entries {
                count += 1
                if entry.seq != expectedSeq {
                    return .init(entries: count, firstBroken: "entry \(expectedSeq) is missing (next found is \(entry.seq))", brokenSeq: expectedSeq)
                }
                if entry.previousHash != previous {
                    return .init(entries: count, firstBroken: "entry \(entry.seq) (\(entry.action) \(entry.entity) \(entry.entityId)) does not follow entry \(entry.seq - 1): its previous hash differs", brokenSeq: entry.seq)
                }
                if hash(of: entry) != entry.hash {
                    return .init(entries: count, firstBroken: "entry \(entry.seq) (\(entry.action) \(entry.entity) \(entry.entityId)) was changed after it was written: its content no longer matches its hash", brokenSeq: entry.seq)
                }
                previous = entry.hash
                expectedSeq += 1
            }
            if entries.count < page { break }
        }
        return .init(entries: count, firstBroken: nil, brokenSeq: nil)
    }
}
