import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

extension Application {
    /// Chooses the database once, at start.
    func useDatabase(_ choice: AppConfig.DatabaseChoice) throws {
        switch choice {
        case .sqlite(let path):
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            databases.use(CountingConfiguration(base: DatabaseConfigurationFactory.sqlite(.file(path), sqlLogLevel: .debug).make(), counter: statements), as: .sqlite)
        case .postgres(let url):
            var config = try SQLPostgresConfiguration(url: url)
            config.searchPath = nil
            databases.use(CountingConfiguration(base: DatabaseConfigurationFactory.postgres(configuration: config, sqlLogLevel: .debug).make(), counter: statements), as: .psql)
        }
        // Every notification also goes by email, through the outbox.
        databases.middleware.use(NotificationEmailMiddleware(linkBase: { [weak self] in self?.linkBase ?? "" }))
        // Every audit-log entry is sealed with the key kept outside the database.
        databases.middleware.use(try AuditLogSeal.load(dataDirectory: secorConfig.dataDirectory, environmentKey: secorConfig.logKey))
    }

    /// SQLite: WAL (kept in the file), foreign keys (sqlite-kit turns them on for every
    /// connection) and `synchronous=FULL` — sqlite-nio is built without a different
    /// default, so every new connection starts at FULL; it is set here too so the
    /// choice is visible, and a test reads it back.
    func prepareDatabase() async throws {
        guard let sql = db as? SQLDatabase, sql.dialect.name == "sqlite" else { return }
        try await sql.raw("PRAGMA journal_mode = WAL").run()
        try await sql.raw("PRAGMA synchronous = FULL").run()
    }
}

extension Database {
    var isSQLite: Bool { (self as? SQLDatabase)?.dialect.name == "sqlite" }

    var sql: SQLDatabase { self as! SQLDatabase }

    /// Runs `body` in one transaction, answering only once it is durable.
    ///
    /// On SQLite the write goes through `SQLiteGroupCommit`: every write waiting joins one
    /// transaction, each in its own savepoint, with one commit (one fsync) for them all.
    /// On PostgreSQL it is an ordinary transaction.
    ///
    /// After the commit, the newest audit-log entry appended goes to the log's checkpoint
    /// file (`AuditLogSeal`), so cutting the log's tail is detected: once per batch.
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (Database) async throws -> T) async throws -> T {
        if isSQLite { return try await SQLiteGroupCommit.shared.write(on: self, body) }
        let result = try await transaction(body)
        try await logSeal.checkpointIfAdvanced(on: self)
        return result
    }
}
