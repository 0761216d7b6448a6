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

    /// Runs `body` in one transaction. On SQLite it starts with `BEGIN IMMEDIATE`, taking
    /// the write lock at once: Fluent's deferred `BEGIN` lets two read-then-write
    /// transactions deadlock and fail with "database is locked".
    ///
    /// After the commit, the newest audit-log entry the transaction appended goes to the
    /// log's checkpoint file (`AuditLogSeal`), so cutting the log's tail is detected.
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (Database) async throws -> T) async throws -> T {
        let result = try await committedTransaction(body)
        try await logSeal.checkpointIfAdvanced(on: self)
        return result
    }

    private func committedTransaction<T: Sendable>(_ body: @escaping @Sendable (Database) async throws -> T) async throws -> T {
        guard isSQLite else { return try await transaction(body) }
        // One writer at a time, queued here: otherwise the second connection's BEGIN
        // IMMEDIATE spins in SQLite's busy handler while the first writes (a quarter of
        // the CPU under write load, measured with scripts/bench and perf).
        await SQLiteWriteGate.shared.enter()
        do {
            let result = try await sqliteTransaction(body)
            await SQLiteWriteGate.shared.leave()
            return result
        } catch {
            await SQLiteWriteGate.shared.leave()
            throw error
        }
    }

    private func sqliteTransaction<T: Sendable>(_ body: @escaping @Sendable (Database) async throws -> T) async throws -> T {
        try await withConnection { connection in
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

/// Queues SQLite write transactions in this process, first come first served.
actor SQLiteWriteGate {
    static let shared = SQLiteWriteGate()
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func enter() async {
        guard busy else { busy = true; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}
