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
        let logged = try await LoggedHashes.load(db)
        problems += try await signedEvidence(db, logged: logged)
        problems += try await auditRevisions(db, logged: logged)
        let records = try await FieldRecordModel.query(on: db).count()
        return Report(problems: problems, notes: notes, auditLogEntries: log.entries, files: fileCount, records: records)
    }

    /// A version's hash recomputed from its day, content and files; a sign-off bound to the
    /// hash of the version it names, its seal recomputed from its own row.
    /// Each version's hash is also held to the one the keyed audit log wrote when the
    /// version was made or signed: an edit that recomputed the stored hashes (and seal)
    /// still differs from the log, which cannot be rewritten without the key.
    static func signedEvidence(_ db: Database, logged: LoggedHashes? = nil) async throws -> [String] {
        var problems: [String] = []
        let logged = if let logged { logged } else { try await LoggedHashes.load(db) }
        let files = Dictionary(try await StoredFileModel.query(on: db).all().map { ($0.id!, $0.sha256) }, uniquingKeysWith: { a, _ in a })
        var versionHashes: [String: String] = [:]
        for version in try await FieldRecordVersionModel.query(on: db).all() {
            let hash = FieldRecordService.contentHash(when: .init(day: (try? CalendarDay(iso: version.occurredOn)) ?? CalendarDay(1, 1, 1), time: version.occurredTime),
                                                      json: version.content, fileHashes: version.attachmentIds.map { files[$0] ?? "" })
            if hash != version.contentHash { problems.append("Record \(version.$record.id) version \(version.version) no longer matches its content hash") }
            let key = "\(version.$record.id.uuidString)/\(version.version)"
            if let inLog = logged.records[key], !inLog.contains(version.contentHash) {
                problems.append("Record \(version.$record.id) version \(version.version) (\(version.occurredOn)) is not the version the audit log recorded: it was edited after it was written")
            }
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

    /// S4: a frozen revision's hash recomputed from its content and held to the log's
    /// submission entry; a submitted report's signatures bind the revision submitted.
    static func auditRevisions(_ db: Database, logged: LoggedHashes) async throws -> [String] {
        var problems: [String] = []
        let revisions = try await AuditRevisionModel.query(on: db).sort(\.$revision).all()
        var latest: [UUID: AuditRevisionModel] = [:]
        for revision in revisions {
            let name = "Audit \(revision.$audit.id) revision \(revision.revision)"
            if SHA256.hash(data: Data(revision.content.utf8)).hex != revision.contentHash {
                problems.append("\(name) no longer matches its hash: its content was edited")
            } else if let inLog = logged.revisions["\(revision.$audit.id.uuidString)/\(revision.revision)"], !inLog.contains(revision.contentHash) {
                problems.append("\(name) is not the revision the audit log recorded at its submission: it was edited")
            }
            latest[revision.$audit.id] = revision
        }
        let audits = Dictionary(try await AuditModel.query(on: db).all().map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        for signOff in try await AuditSignoffModel.query(on: db).all() {
            let name = "\(signOff.name)'s \(signOff.role) signature on audit \(signOff.$audit.id)"
            if let inLog = logged.auditSignatures["\(signOff.$audit.id.uuidString)/\(signOff.role)"], !inLog.contains(signOff.contentHash) {
                problems.append("\(name) binds a content the audit log never saw signed")
            }
            // Submitted and not reopened: the signatures are those of the frozen report.
            if let audit = audits[signOff.$audit.id], let stage = AuditStage(rawValue: audit.stage), !stage.isEditable,
               let revision = latest[signOff.$audit.id], revision.submittedVia == "online", revision.contentHash != signOff.contentHash {
                problems.append("\(name) does not bind revision \(revision.revision) it was submitted with")
            }
        }
        return problems
    }
}

/// The hashes the audit log holds for record versions, audit revisions and audit
/// signatures, read from its entries' details ("version 2 <hash>", "revision 1 online
/// <hash>", "auditor signed <hash>").
struct LoggedHashes {
    var records: [String: Set<String>] = [:]
    var revisions: [String: Set<String>] = [:]
    var auditSignatures: [String: Set<String>] = [:]

    static func load(_ db: Database) async throws -> LoggedHashes {
        var logged = LoggedHashes()
        let entries = try await AuditLogEntryModel.query(on: db)
            .filter(\.$action ~~ ["record.create", "record.amend", "record.sign", "audit.submit", "audit.sign"]).all()
        for entry in entries {
            let words = entry.detail.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ":" }).map(String.init)
            guard let hash = words.last(where: { $0.count == 64 && $0.allSatisfy(\.isHexDigit) }) else { continue }
            switch entry.action {
            case "audit.submit":
                if let i = words.firstIndex(of: "revision"), i + 1 < words.count { logged.revisions["\(entry.entityId)/\(words[i + 1])", default: []].insert(hash) }
            case "audit.sign":
                if let role = words.first { logged.auditSignatures["\(entry.entityId)/\(role)", default: []].insert(hash) }
            default:
                if let i = words.lastIndex(of: "version"), i + 1 < words.count, Int(words[i + 1]) != nil {
                    logged.records["\(entry.entityId)/\(words[i + 1])", default: []].insert(hash)
                }
            }
        }
        return logged
    }
}
