import Fluent
import Vapor

/// `secor backup DIR`: a consistent copy of the database and the stored files, safe
/// while the server runs.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "folder", help: "A new, empty folder for the backup")
        var folder: String
    }
    var help: String { "Backs up the database and the stored files into a new folder." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let manifest = try await Backup.create(app: context.application, into: signature.folder)
        context.console.print("Backed up \(manifest.database): \(manifest.records) field records, \(manifest.files) files, \(manifest.auditLogEntries) audit-log entries → \(signature.folder)")
    }
}

/// `secor restore DIR`: puts a backup back (server stopped), then checks what it restored.
struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "folder", help: "A folder written by `secor backup`")
        var folder: String
    }
    var help: String { "Restores a backup made by `secor backup` (stop the server first), then checks it." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let manifest = try await Backup.restore(config: app.secorConfig, from: signature.folder)
        // The log now is the backup's, sealed with the backup's key (put back beside it).
        try app.db.logSeal.reloadKey(dataDirectory: app.secorConfig.dataDirectory, environmentKey: app.secorConfig.logKey)
        let report = try await IntegrityCheck.run(db: app.db, filesRoot: Backup.filesRoot(app.secorConfig))
        guard report.problems.isEmpty else { throw CommandFailure("Restored, but the check failed:\n" + report.problems.joined(separator: "\n")) }
        guard report.records == manifest.records, report.auditLogEntries == manifest.auditLogEntries else {
            throw CommandFailure("Restored \(report.records) records and \(report.auditLogEntries) log entries; the backup holds \(manifest.records) and \(manifest.auditLogEntries).")
        }
        context.console.print("Restored the backup of \(manifest.createdAt): \(report.records) field records, \(report.files) files, \(report.auditLogEntries) audit-log entries; integrity check passed.")
    }
}

/// `secor check`: the integrity check alone (exits 1 naming each problem).
struct CheckCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Checks the database's integrity, the audit-log chain and every stored file." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let report = try await IntegrityCheck.run(db: app.db, filesRoot: Backup.filesRoot(app.secorConfig))
        guard report.problems.isEmpty else { throw CommandFailure(report.problems.joined(separator: "\n")) }
        for note in report.notes { context.console.warning(note) }
        context.console.print("Integrity check passed (\(app.secorConfig.database.name)): \(report.records) field records, \(report.files) files, \(report.auditLogEntries) audit-log entries.")
    }
}
