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
            databases.use(.sqlite(.file(path), sqlLogLevel: .debug), as: .sqlite)
        case .postgres(let url):
            var config = try SQLPostgresConfiguration(url: url)
            config.searchPath = nil
            databases.use(.postgres(configuration: config, sqlLogLevel: .debug), as: .psql)
        }
        // Every notification also goes by email, through the outbox.
        databases.middleware.use(NotificationEmailMiddleware())
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

    /// Runs `body` in one transaction. On SQLite it starts with `BEGIN IMMEDIATE`, taking
    /// the write lock at once: Fluent's deferred `BEGIN` lets two read-then-write
    /// transactions deadlock and fail with "database is locked".
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (Database) async throws -> T) async throws -> T {
        guard isSQLite else { return try await transaction(body) }
        return try await withConnection { connection in
            let sql = connection as! SQLDatabase
            try await sql.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await body(connection)
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }
}
