import Fluent
import SQLKit
@testable import SECORServer
import XCTest
import XCTVapor

final class HealthAndDatabaseTests: XCTestCase {
    func testHealthNamesTheDatabase() async throws {
        try await withApp(demo: false) { app in
            try await app.test(.GET, "/health") { res async throws in
                XCTAssertEqual(res.status, .ok)
                XCTAssertEqual(try res.content.get(String.self, at: "status"), "ok")
                XCTAssertEqual(try res.content.get(String.self, at: "database"), app.secorConfig.database.name)
            }
        }
    }

    func testConfigurationChoosesTheDatabaseOnce() {
        XCTAssertEqual(AppConfig.fromEnvironment([:]).database, .sqlite(path: "./data/secor.sqlite"))
        XCTAssertEqual(AppConfig.fromEnvironment(["SECOR_DATA_DIR": "/tmp/x"]).database, .sqlite(path: "/tmp/x/secor.sqlite"))
        XCTAssertEqual(AppConfig.fromEnvironment(["DATABASE_URL": "postgres://u@h/db"]).database, .postgres(url: "postgres://u@h/db"))
        XCTAssertEqual(AppConfig.fromEnvironment(["DATABASE_URL": "mysql://u@h/db"]).database.name, "sqlite")
    }

    /// Compliance records must survive a crash: WAL, foreign keys, synchronous=FULL.
    func testSQLiteRunsWithWALForeignKeysAndFullSync() async throws {
        try await withApp(demo: false) { app in
            guard app.db.isSQLite else { return }  // the PostgreSQL run checks nothing here
            let sql = app.db.sql
            let mode = try await sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
            XCTAssertEqual(mode, "wal")
            for _ in 0..<4 {  // every pooled connection, not only the first
                let sync = try await sql.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self)
                XCTAssertEqual(sync, 2) // FULL
                let fk = try await sql.raw("PRAGMA foreign_keys").first()?.decode(column: "foreign_keys", as: Int.self)
                XCTAssertEqual(fk, 1)
            }
        }
    }

    /// Concurrent read-then-write transactions all succeed (BEGIN IMMEDIATE on SQLite,
    /// an advisory lock on PostgreSQL) and the audit log stays one unbroken chain.
    func testConcurrentWritersNeverCollide() async throws {
        try await withApp(demo: false) { app in
            let before = try await AuditLog.verify(on: app.db).entries  // the migrations' sample protocol imports
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        try await app.db.writeTransaction { db in
                            try await AuditLog.append(on: db, actor: nil, action: "test.write", entity: "test", entityId: "\(i)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            let result = try await AuditLog.verify(on: app.db)
            XCTAssertEqual(result.entries, before + 40)
            XCTAssertNil(result.firstBroken)
        }
    }

    /// A failure inside the transaction leaves nothing behind.
    func testWriteTransactionRollsBack() async throws {
        struct Boom: Error {}
        try await withApp(demo: false) { app in
            let before = try await AuditLogEntryModel.query(on: app.db).count()
            do {
                try await app.db.writeTransaction { db in
                    try await AuditLog.append(on: db, actor: nil, action: "x", entity: "x", entityId: "1")
                    throw Boom()
                }
                XCTFail("expected the error")
            } catch is Boom {}
            let count = try await AuditLogEntryModel.query(on: app.db).count()
            XCTAssertEqual(count, before)
        }
    }
}
