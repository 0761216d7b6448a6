import Fluent
import Foundation
@testable import SECORCore
@testable import SECORServer
import Vapor
import XCTest
import XCTVapor

/// `secor backup` and `secor restore`, on whichever database the tests run against: what
/// was backed up comes back, what came after is gone, and the integrity check passes.
final class BackupTests: XCTestCase {
    func testABackupRestoresTheDatabaseAndTheFiles() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("secor-backup-test-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var config = AppConfig.fromEnvironment(["SECOR_DATA_DIR": folder + "/data"])
        if let url = ProcessInfo.processInfo.environment["SECOR_TEST_DATABASE_URL"], !url.isEmpty { config.database = .postgres(url: url) }
        config.demoPassword = TestAccounts.password
        config.bcryptCost = 4
        config.logRequests = false
        // On PostgreSQL a missing pg_dump fails the test with Backup's own message: a backup
        // that cannot be proven is not skipped.

        var kept = "", later = ""
        let backup = folder + "/backup"
        try await Self.withRunningApp(config, fresh: true) { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let owner = try await APIClient(app, as: "owner@secor.test")
            let file = try await owner.send(.POST, "/api/v1/employers/\(employer)/files?filename=manual.pdf", bytes: Array("%PDF-1.4\n% kept\n".utf8))
            XCTAssertEqual(file.status, .created)
            let first = try await owner.send(.POST, "/api/v1/employers/\(employer)/records", json: AccessMatrixTests.flha)
            kept = try XCTUnwrap(first.json["id"].string)
            let manifest = try await Backup.create(app: app, into: backup)
            XCTAssertEqual(manifest.records, 3)  // and each demo employer's first record (E5)
            XCTAssertEqual(manifest.files, 1)
            // A backup never writes into a folder that holds something.
            do { _ = try await Backup.create(app: app, into: backup); XCTFail("backed up into a full folder") } catch is CommandFailure {}
            let second = try await owner.send(.POST, "/api/v1/employers/\(employer)/records", json: AccessMatrixTests.flha)
            later = try XCTUnwrap(second.json["id"].string)
        }
        // Lose the files too, as a disk would.
        try FileManager.default.removeItem(atPath: Backup.filesRoot(config))
        let manifest = try await Backup.restore(config: config, from: backup)
        XCTAssertEqual(manifest.database, config.database.name)
        try await Self.withRunningApp(config, fresh: false) { app in
            let report = try await IntegrityCheck.run(db: app.db, filesRoot: Backup.filesRoot(config))
            XCTAssertEqual(report.problems, [])
            XCTAssertEqual(report.files, 1)
            XCTAssertEqual(report.auditLogEntries, manifest.auditLogEntries)
            let keptRecord = try await FieldRecordModel.find(UUID(uuidString: kept), on: app.db)
            let laterRecord = try await FieldRecordModel.find(UUID(uuidString: later), on: app.db)
            XCTAssertNotNil(keptRecord)
            XCTAssertNil(laterRecord)
            // Signing in still works: the accounts came back with the data.
            _ = try await APIClient(app, as: "owner@secor.test")
        }
        // A backup of the other kind of database is refused, naming both.
        var other = config
        other.database = config.database.name == "sqlite" ? .postgres(url: "postgres://nobody@127.0.0.1:1/none") : .sqlite(path: folder + "/x.sqlite")
        do { _ = try await Backup.restore(config: other, from: backup); XCTFail("restored across databases") } catch let error as CommandFailure {
            XCTAssertTrue(error.description.contains("configured database"), error.description)
        }
    }

    func testTheIntegrityCheckNamesAMissingFile() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let owner = try await APIClient(app, as: "owner@secor.test")
            let file = try await owner.send(.POST, "/api/v1/employers/\(employer)/files?filename=gone.pdf", bytes: Array("%PDF-1.4\n% gone\n".utf8))
            let sha = try XCTUnwrap(file.json["sha256"].string)
            let root = Backup.filesRoot(app.secorConfig)
            do { let r = try await IntegrityCheck.run(db: app.db, filesRoot: root); XCTAssertEqual(r.problems, []) }
            try FileManager.default.removeItem(atPath: "\(root)/\(sha.prefix(2))/\(sha)")
            let report = try await IntegrityCheck.run(db: app.db, filesRoot: root)
            XCTAssertEqual(report.problems.count, 1)
            XCTAssertTrue(report.problems[0].contains("gone.pdf"), report.problems[0])
        }
    }

    /// An app on `config`'s database, kept between calls (unlike `withApp`).
    static func withRunningApp(_ config: AppConfig, fresh: Bool, _ body: (Application) async throws -> Void) async throws {
        let app = try await Application.make(.testing)
        do {
            try await configure(app, config: config)
            if fresh, case .postgres = config.database {
                try await app.db.sql.raw("DROP SCHEMA IF EXISTS public CASCADE").run()
                try await app.db.sql.raw("CREATE SCHEMA public").run()
            }
            try await app.migrateAndPrepare()
            if fresh { try await DemoData.load(on: app, fieldRecords: false) }
            try await body(app)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
