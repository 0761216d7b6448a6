import Fluent
@testable import SECORServer
import XCTVapor

final class EmailOutboxTests: XCTestCase {
    // Every notification waits in the outbox; a failing sendmail keeps it and tries again
    // later; once the command works it is sent, once.
    func testAFailingSendmailKeepsTheMessageAndRetries() async throws {
        try await withApp { app in
            let owner = try await UserModel.query(on: app.db).filter(\.$email == "owner@secor.test").first()!
            try await NotificationModel(userId: owner.requireID(), title: "Test message", body: "Hello", link: "/home", event: .qaPassed).create(on: app.db)
            let queued = try await EmailOutboxModel.query(on: app.db).filter(\.$recipient == "owner@secor.test").filter(\.$subject == "SECOR: Test message").all()
            XCTAssertEqual(queued.count, 1)

            let now = Date()
            let failing = OutboxSender(db: app.db, command: "echo 'mail server down' >&2; exit 75")
            do {
                let pending = try await unsent(app)  // the demo's notifications and this one
                let r = try await failing.run(now: now)
                XCTAssertEqual(r.failed, pending)
            }
            var row = try await EmailOutboxModel.find(queued[0].id, on: app.db)!
            XCTAssertNil(row.sentAt)
            XCTAssertEqual(row.attempts, 1)
            XCTAssertTrue(row.lastError?.contains("mail server down") ?? false, row.lastError ?? "")
            XCTAssertGreaterThan(row.nextAttemptAt, now)
            // Not due yet: nothing is tried.
            do { let r = try await failing.run(now: now.addingTimeInterval(10)); XCTAssertEqual(r, .init(sent: 0, failed: 0)) }

            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("secor-mail-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let spool = folder.appendingPathComponent("spool").path
            let working = OutboxSender(db: app.db, command: "cat >> '\(spool)'")
            _ = try await working.run(now: now.addingTimeInterval(120))
            row = try await EmailOutboxModel.find(queued[0].id, on: app.db)!
            XCTAssertNotNil(row.sentAt)
            let mail = try String(contentsOfFile: spool, encoding: .utf8)
            XCTAssertTrue(mail.contains("To: owner@secor.test") && mail.contains("Subject: SECOR: Test message"))
            // Sent once: another run sends nothing more.
            do { let r = try await working.run(now: now.addingTimeInterval(600)); XCTAssertEqual(r.sent, 0) }
        }
    }

    func unsent(_ app: Application) async throws -> Int {
        try await EmailOutboxModel.query(on: app.db).filter(\.$sentAt == nil).count()
    }
}
