import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor

/// Appends to and verifies the hash-chained audit log. Each entry's hash is keyed
/// (`AuditLogSeal`): recomputing the chain after an edit needs the key, which is not in
/// the database.
enum AuditLog {
    static let genesisHash = String(repeating: "0", count: 64)

    /// The log's newest entry as the writers of one SQLite batch left it (group commit):
    /// the batch holds the only write lock, so after its first append the head is known
    /// without reading it again. Turns are taken one at a time, so no lock is needed.
    final class BatchHead: @unchecked Sendable {
        var entry: (seq: Int, hash: String)?
    }

    /// Set by `SQLiteGroupCommit` for the work of each writer in a batch.
    @TaskLocal static var batchHead: BatchHead?

    /// Appends an entry; call inside the write's own transaction (`writeTransaction`)
    /// so the entry and the change commit together or not at all.
    static func append(on db: Database, actor: UUID?, action: String, entity: String, entityId: String,
                       detail: String = "", at date: Date = Date()) async throws {
        if !db.isSQLite {
            // PostgreSQL: serialise appenders for the rest of this transaction (SQLite's
            // BEGIN IMMEDIATE already holds the only write lock).
            try await db.sql.raw("SELECT pg_advisory_xact_lock(7220531)").run()
        }
        let head = batchHead
        var last = head?.entry
        if last == nil, let newest = try await AuditLogEntryModel.query(on: db).sort(\.$seq, .descending).first() {
            last = (newest.seq, newest.hash)
        }
        let entry = AuditLogEntryModel()
        entry.seq = (last?.seq ?? 0) + 1
        entry.atMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        entry.actorId = actor
        entry.action = action
        entry.entity = entity
        entry.entityId = entityId
        entry.detail = detail
        entry.previousHash = last?.hash ?? genesisHash
        entry.hash = ""  // the seal (the database's model middleware) writes the keyed hash
        try await entry.create(on: db)
        head?.entry = (entry.seq, entry.hash)
    }

    static func hashInput(of entry: AuditLogEntryModel) -> String {
        let fields = [String(entry.seq), String(entry.atMilliseconds), entry.actorId?.uuidString ?? "-",
                      entry.action, entry.entity, entry.entityId, entry.detail, entry.previousHash]
        // Length-prefixed so no two different entries share an input.
        return fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
    }

    /// The unkeyed SHA-256 of logs written before December 2026; `KeyAuditLog` re-seals
    /// them once with the key.
    static func unkeyedHash(of entry: AuditLogEntryModel) -> String {
        SHA256.hash(data: Data(hashInput(of: entry).utf8)).hex
    }

    struct Verification: Sendable {
        var entries: Int
        /// The first entry that breaks the chain, in words; nil when the chain holds.
        var firstBroken: String?
        var brokenSeq: Int?
    }

    /// Walks the whole chain in order, in pages, and names the first broken entry; then
    /// holds it against the checkpoint file, so a cut tail is named too.
    static func verify(on db: Database) async throws -> Verification {
        let seal = try db.logSeal
        var chain = try await walk(on: db) { seal.mac(hashInput(of: $0)) }
        guard chain.firstBroken == nil else { return chain }
        let (points, malformed) = seal.checkpoints()
        if malformed > 0 {
            chain.firstBroken = "the checkpoint file \(seal.checkpointPath) has \(malformed) unreadable line(s)"
            return chain
        }
        if let newest = points.max(by: { $0.seq < $1.seq }), newest.seq > chain.entries {
            chain.firstBroken = "the log ends at entry \(chain.entries) but the checkpoint of \(seal.checkpointPath) saw entry \(newest.seq): entries \(chain.entries + 1) to \(newest.seq) were deleted"
            chain.brokenSeq = chain.entries + 1
            return chain
        }
        let wanted = Dictionary(points.map { ($0.seq, $0.hash) }, uniquingKeysWith: { a, b in a == b ? a : "conflict" })
        if !wanted.isEmpty {
            var found: [Int: String] = [:]
            for seqs in Array(wanted.keys).chunked(1000) {
                for entry in try await AuditLogEntryModel.query(on: db).filter(\.$seq ~~ seqs).all() { found[entry.seq] = entry.hash }
            }
            if let seq = wanted.keys.sorted().first(where: { found[$0] != wanted[$0] }) {
                chain.firstBroken = "entry \(seq) is not the entry the checkpoint saw: the log was rewritten from there on"
                chain.brokenSeq = seq
            }
        }
        return chain
    }

    /// Walks the chain under one hash function.
    static func walk(on db: Database, hash: (AuditLogEntryModel) -> String) async throws -> Verification {
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
                if hash(entry) != entry.hash {
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

/// Re-seals a log written before the key existed: if its unkeyed chain holds, every
/// entry's hash is recomputed in order under the key (a broken chain is left as it is,
/// for `secor verify-log` to name).
struct KeyAuditLog: AsyncMigration {
    var name: String { "2026-12-02-key-audit-log" }

    func prepare(on db: Database) async throws {
        let seal = try db.logSeal
        guard try await AuditLog.walk(on: db, hash: AuditLog.unkeyedHash).firstBroken == nil else { return }
        var previous = AuditLog.genesisHash
        var seq = 1
        while true {
            let entries = try await AuditLogEntryModel.query(on: db).filter(\.$seq >= seq).sort(\.$seq).limit(1000).all()
            for entry in entries {
                entry.previousHash = previous
                entry.hash = seal.mac(AuditLog.hashInput(of: entry))
                try await AuditLogEntryModel.query(on: db).filter(\.$id == entry.requireID())
                    .set(\.$previousHash, to: entry.previousHash).set(\.$hash, to: entry.hash).update()
                previous = entry.hash
                seq = entry.seq + 1
            }
            if entries.count < 1000 { break }
        }
        if seq > 1 { try seal.checkpoint(.init(seq: seq - 1, hash: previous)) }
    }

    func revert(on db: Database) async throws {}
}

extension Array {
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
