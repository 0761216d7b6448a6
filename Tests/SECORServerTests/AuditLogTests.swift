import Fluent
import SQLKit
@testable import SECORServer
import XCTest
import XCTVapor

final class AuditLogTests: XCTestCase {
    func testDemoDataLogVerifies() async throws {
        try await withApp { app in
            let result = try await AuditLog.verify(on: app.db)
            XCTAssertNil(result.firstBroken)
            // The sample protocols' import, organisations, employers' seeds, accounts, the
            // auditor register entry, and each demo employer's first field record (E5).
            XCTAssertEqual(result.entries, 2 + DemoData.partners.count + 2 * DemoData.employers.count + DemoData.contractors.count + DemoData.accounts.count + 1 + 2)
        }
    }

    func testEveryWriteAppendsWhoWhatWhichAndWhen() async throws {
        try await withApp { app in
            let token = try await app.token("owner@secor.test")
            try await app.test(.DELETE, "/api/v1/sessions/current", headers: ["Authorization": "Bearer \(token)"]) { _ async in }
            let entries = try await AuditLogEntryModel.query(on: app.db).sort(\.$seq).all()
            let owner = try await UserModel.query(on: app.db).filter(\.$email == "owner@secor.test").first()!
            XCTAssertEqual(entries.suffix(3).map(\.action), ["user.sign-in", "token.issue", "token.revoke"])
            XCTAssertTrue(entries.suffix(3).allSatisfy { $0.actorId == owner.id })
            XCTAssertTrue(entries.suffix(3).allSatisfy { abs(Double($0.atMilliseconds) / 1000 - Date().timeIntervalSince1970) < 60 })
        }
    }

    func testAnEditedRowIsNamed() async throws {
        try await withApp { app in
            try await app.db.sql.raw("UPDATE audit_log SET detail = 'rewritten' WHERE seq = 5").run()
            let result = try await AuditLog.verify(on: app.db)
            XCTAssertEqual(result.brokenSeq, 5)
            XCTAssertTrue(result.firstBroken?.contains("entry 5") == true)
        }
    }

    func testADeletedRowIsNamed() async throws {
        try await withApp { app in
            try await app.db.sql.raw("DELETE FROM audit_log WHERE seq = 3").run()
            let result = try await AuditLog.verify(on: app.db)
            XCTAssertEqual(result.brokenSeq, 3)
            XCTAssertTrue(result.firstBroken?.contains("entry 3 is missing") == true)
        }
    }

    // Without the key, a recomputed hash is the unkeyed SHA-256 (or a guess): the entry
    // itself no longer matches its keyed hash.
    func testARecomputedHashWithoutTheKeyIsNamed() async throws {
        try await withApp { app in
            let entry = try await AuditLogEntryModel.query(on: app.db).filter(\.$seq == 4).first()!
            entry.detail = "forged"
            try await app.db.sql.raw("UPDATE audit_log SET detail = 'forged', hash = \(bind: AuditLog.unkeyedHash(of: entry)) WHERE seq = 4").run()
            let result = try await AuditLog.verify(on: app.db)
            XCTAssertEqual(result.brokenSeq, 4)
            XCTAssertTrue(result.firstBroken?.contains("was changed after it was written") == true, result.firstBroken ?? "")
        }
    }

    func testDemoDataLoadsOnceOnly() async throws {
        try await withApp { app in
            let users = try await UserModel.query(on: app.db).count()
            let organisations = try await OrganisationModel.query(on: app.db).count()
            let log = try await AuditLogEntryModel.query(on: app.db).count()
            try await DemoData.load(on: app, fieldRecords: false)
            let usersAfter = try await UserModel.query(on: app.db).count()
            let organisationsAfter = try await OrganisationModel.query(on: app.db).count()
            let logAfter = try await AuditLogEntryModel.query(on: app.db).count()
            XCTAssertEqual(users, DemoData.accounts.count)
            XCTAssertEqual([usersAfter, organisationsAfter, logAfter], [users, organisations, log])
        }
    }
}
