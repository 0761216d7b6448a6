import Fluent
import Foundation
import SQLKit
import Vapor

/// `secor backup DIR` and `secor restore DIR`. A backup is a folder: the database
/// (`secor.sqlite`, a consistent copy made by `VACUUM INTO` while the server runs, or
/// `secor.pgdump` from `pg_dump`), the stored files, and `manifest.json` saying what it
/// holds. A restore puts both back and then runs the integrity check.
enum Backup {
    struct Manifest: Codable, Sendable, Equatable {
        var createdAt: String
        var database: String
        var records: Int
        var files: Int
        var auditLogEntries: Int
        /// The newest audit-log entry before the copy began (the copy holds it and all
        /// before it): a restore proves the log it put back reaches it, and starts the
        /// checkpoint there. Absent in backups made before December 2026.
        var auditLogHead: AuditLogSeal.Checkpoint?
    }

    static let sqliteName = "secor.sqlite"
    static let postgresName = "secor.pgdump"

    static func create(app: Application, into folder: String) async throws -> Manifest {
        let fm = FileManager.default
        if fm.fileExists(atPath: folder), !(try fm.contentsOfDirectory(atPath: folder)).isEmpty {
            throw CommandFailure("\(folder) is not empty; back up into a new folder.")
        }
        try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let config = app.secorConfig
        let head = try await AuditLogEntryModel.query(on: app.db).sort(\.$seq, .descending).first()
            .map { AuditLogSeal.Checkpoint(seq: $0.seq, hash: $0.hash) }
        switch config.database {
        case .sqlite:
            let target = (folder as NSString).appendingPathComponent(sqliteName)
            try await app.db.sql.raw("VACUUM INTO \(bind: target)").run()
        case .postgres(let url):
            let target = (folder as NSString).appendingPathComponent(postgresName)
            try await tool("pg_dump", ["--format=custom", "--no-owner", "--file=\(target)", url])
        }
        // Files are written once by hash and never changed, so copying after the
        // database copy loses nothing the copy names.
        let files = filesRoot(config)
        if fm.fileExists(atPath: files) { try fm.copyItem(atPath: files, toPath: (folder as NSString).appendingPathComponent("files")) }
        let manifest = Manifest(createdAt: ISO8601DateFormatter().string(from: Date()), database: config.database.name,
                                records: try await FieldRecordModel.query(on: app.db).count(),
                                files: try await StoredFileModel.query(on: app.db).count(),
                                auditLogEntries: try await AuditLogEntryModel.query(on: app.db).count(), auditLogHead: head)
        // The log's key goes with the backup (0600) unless it comes from SECOR_LOG_KEY: a
        // restored log can only be verified with the key it was sealed with.
        let keyFile = (config.dataDirectory as NSString).appendingPathComponent(AuditLogSeal.keyFileName)
        if config.logKey == nil, fm.fileExists(atPath: keyFile) {
            let copy = (folder as NSString).appendingPathComponent(AuditLogSeal.keyFileName)
            try fm.copyItem(atPath: keyFile, toPath: copy)
            try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: copy)
        }
        try JSONText.data(manifest).write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent("manifest.json")))
        return manifest
    }

    /// Puts a backup back. Run it with the server stopped: SQLite's file is replaced.
    static func restore(config: AppConfig, from folder: String) async throws -> Manifest {
        let fm = FileManager.default
        let manifestPath = (folder as NSString).appendingPathComponent("manifest.json")
        guard let data = fm.contents(atPath: manifestPath), let manifest = try? JSONDecoder().decode(Manifest.self, from: data) else {
            throw CommandFailure("\(folder) holds no backup (no readable manifest.json).")
        }
        guard manifest.database == config.database.name else {
            throw CommandFailure("This backup is of a \(manifest.database) database; the configured database is \(config.database.name).")
        }
        switch config.database {
        case .sqlite(let path):
            let copy = (folder as NSString).appendingPathComponent(sqliteName)
            let staged = path + ".restoring"
            try? fm.removeItem(atPath: staged)
            try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try fm.copyItem(atPath: copy, toPath: staged)
            for suffix in ["-wal", "-shm"] { try? fm.removeItem(atPath: path + suffix) }
            // rename() replaces the file in one step: a crash leaves the old or the new one.
            guard rename(staged, path) == 0 else { throw CommandFailure("Could not move the restored database into \(path).") }
        case .postgres(let url):
            let dump = (folder as NSString).appendingPathComponent(postgresName)
            try await tool("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname=\(url)", dump])
        }
        let savedKey = (folder as NSString).appendingPathComponent(AuditLogSeal.keyFileName)
        let keyFile = (config.dataDirectory as NSString).appendingPathComponent(AuditLogSeal.keyFileName)
        if config.logKey == nil, fm.fileExists(atPath: savedKey), fm.contents(atPath: savedKey) != fm.contents(atPath: keyFile) {
            if fm.fileExists(atPath: keyFile) { try fm.moveItem(atPath: keyFile, toPath: keyFile + ".before-restore-\(Int(Date().timeIntervalSince1970))") }
            try fm.copyItem(atPath: savedKey, toPath: keyFile)
            try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        }
        let files = filesRoot(config)
        let saved = (folder as NSString).appendingPathComponent("files")
        try? fm.removeItem(atPath: files)
        if fm.fileExists(atPath: saved) { try fm.copyItem(atPath: saved, toPath: files) }
        // The checkpoint saw the newer log this restore replaced: it starts again at the
        // backup's head (the old file is kept beside it), which the check then requires.
        try AuditLogSeal.load(dataDirectory: config.dataDirectory, environmentKey: config.logKey).resetCheckpoint(to: manifest.auditLogHead)
        return manifest
    }

    static func filesRoot(_ config: AppConfig) -> String {
        (config.dataDirectory as NSString).appendingPathComponent("files")
    }

    private static func tool(_ name: String, _ arguments: [String]) async throws {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else {
            throw CommandFailure("\(name) is not installed (apt-get install postgresql-client).")
        }
        let result = try await Subprocess.run(path, arguments)
        guard result.status == 0 else {
            throw CommandFailure("\(name) failed: \(result.errors)")
        }
    }
}

/// A command-line failure: one line for the operator, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
