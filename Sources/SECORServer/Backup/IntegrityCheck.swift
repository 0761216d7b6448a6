import Fluent
import Crypto
import Foundation
import SECORCore
import SQLKit

/// `secor check`, after a crash or a restore: the database's own integrity check, the
/// audit log's hash chain, every stored file present with the hash it is stored by, every
/// record version with the hash of its content, and every sign-off with its seal.
enum IntegrityCheck {
    struct Report: Sendable {
        var problems: [String]
        /// What could not be checked, and why.
        var notes: [String]
        var auditLogEntries: Int
        var files: Int
        var records: Int
    }

    static func run(db: Database, filesRoot: String) async throws -> Report {
        var problems: [String] = [], notes: [String] = []
        if db.isSQLite {
            let rows = try await db.sql.raw("PRAGMA integrity_check").all()
            let results = try rows.map { try $0.decode(column: "integrity_check", as: String.self) }
            if results != ["ok"] { problems += results.map { "SQLite integrity: \($0)" } }
            let broken = try await db.sql.raw("PRAGMA foreign_key_check").all()
            if !broken.isEmpty { problems.append("SQLite: \(broken.count) rows break a foreign key") }
        } else {
            // amcheck (shipped with PostgreSQL) verifies every B-tree index against its table;
            // creating it needs a superuser, so without it the check says so and goes on.
            do {
                try await db.sql.raw("CREATE EXTENSION IF NOT EXISTS amcheck").run()
            } catch {
                notes.append("amcheck is not available to this database user; indexes were not checked")
            }
            let indexes = try await db.sql.raw("""
                SELECT c.oid::int8 AS oid, c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam
                WHERE n.nspname = current_schema() AND a.amname = 'btree'
                """).all()
            for index in indexes where notes.isEmpty {
                let oid = try index.decode(column: "oid", as: Int64.self)
                do {
                    try await db.sql.raw("SELECT bt_index_check(\(literal: oid)::oid, true)").run()
                } catch {
                    problems.append("PostgreSQL index \(try index.decode(column: "name", as: String.self)) is corrupt: \(String(reflecting: error))")
                }
            }
        }
        let log = try await AuditLog.verify(on: db)
        if let broken = log.firstBroken { problems.append("Audit log: \(broken)") }
        var fileCount = 0
        for file in try await StoredFileModel.query(on: db).all() {
            fileCount += 1
            let path = "\(filesRoot)/\(file.sha256.prefix(2))/\(file.sha256)"
            guard let data = FileManager.default.contents(atPath: path) else {
                problems.append("File \(file.originalName) (\(file.sha256)) is missing from \(filesRoot)")
                continue
            }
            if SHA256.hash(data: data).hex != file.sha256 { problems.append("File \(file.originalName) no longer matches its SHA-256") }
        }
        problems += try await signedEvidence(db)
        let records = try await FieldRecordModel.query(on: db).count()
        return Report(problems: problems, notes: notes, auditLogEntries: log.entries, files: fileCount, records: records)
    }

    /// A version's hash recomputed from its day, content and files; a sign-off bound to the
    /// hash of the version it names, its seal recomputed from its own row.
    static func signedEvidence(_ db: Database) async throws -> [String] {
        var problems: [String] = []
        let files = Dictionary(try await StoredFileModel.query(on: db).all().map { ($0.id!, $0.sha256) }, uniquingKeysWith: { a, _ in a })
        var versionHashes: [String: String] = [:]
        for version in try await FieldRecordVersionModel.query(on: db).all() {
            let hash = FieldRecordService.contentHash(when: .init(day: (try? CalendarDay(iso: version.occurredOn)) ?? CalendarDay(1, 1, 1), time: version.occurredTime),
                                                      json: version.content, fileHashes: version.attachmentIds.map { files[$0] ?? "" })
            if hash != version.contentHash { problems.append("Record \(version.$record.id) version \(version.version) no longer matches its content hash") }
            versionHashes["\(version.$record.id)/\(version.version)"] = version.contentHash
        }
        for signOff in try await SignOffModel.query(on: db).all() {
            let signer = "\(signOff.signerName)'s sign-off on record \(signOff.$record.id) version \(signOff.version)"
            if versionHashes["\(signOff.$record.id)/\(signOff.version)"] != signOff.contentHash { problems.append("\(signer) binds another content than its version") }
            if let seal = signOff.seal, seal != SignOffService.seal(signOff, signatureSHA256: signOff.signatureFileId.map { files[$0] ?? "" }) {
                problems.append("\(signer) no longer matches its seal")
            }
        }
        return problems
    }
}
