import Fluent
@testable import SECORServer
import XCTest
import XCTVapor

final class EnrollmentTests: XCTestCase {
    // Rule E4: apply online, the partner admin approves, the employer is told.
    func testApplyThenApproveAndTheEmployerIsTold() async throws {
        try await withApp { app in
            let anonymous = try await APIClient(app, as: nil)
            let created = try await anonymous.send(.POST, "/api/v1/applications", json: applicationBody(program: "acsa", industryCode: "42100"))
            XCTAssertEqual(created.status, .created)
            XCTAssertEqual(created.json["enrollment"].string, "pending")
            let id = try XCTUnwrap(created.json["id"].string)

            // The applicant can sign in at once.
            let applicant = try await APIClient(app, as: "applicant@test.test", password: applicantPassword)
            do { let v = try await applicant.send(.GET, "/api/v1/me").json["role"].string; XCTAssertEqual(v, "employerOwner") }

            // The ACSA admin sees it in the queue and was notified; ESC's admin cannot decide it.
            let admin = try await APIClient(app, as: "acsa-admin@secor.test")
            let queue = try await admin.send(.GET, "/api/v1/applications")
            XCTAssertTrue(queue.json.array.contains { ($0 as? [String: Any])?["id"] as? String == id })
            do { let v = try await admin.send(.GET, "/api/v1/notifications").json.array.count; XCTAssertEqual(v, 1) }
            let esc = try await APIClient(app, as: "esc-admin@secor.test")
            do { let v = try await esc.send(.POST, "/api/v1/applications/\(id)/decision", json: ["decision": "approve"]).status; XCTAssertEqual(v, .notFound) }
            let qa = try await APIClient(app, as: "acsa-qa@secor.test")
            do { let v = try await qa.send(.POST, "/api/v1/applications/\(id)/decision", json: ["decision": "approve"]).status; XCTAssertEqual(v, .forbidden) }

            do { let v = try await admin.send(.POST, "/api/v1/applications/\(id)/decision", json: ["decision": "approve"]).status; XCTAssertEqual(v, .noContent) }
            let again = try await admin.send(.POST, "/api/v1/applications/\(id)/decision", json: ["decision": "decline", "reason": "changed my mind"])
            XCTAssertEqual(again.status, .conflict)
            let told = try await applicant.send(.GET, "/api/v1/notifications").json.array
            XCTAssertEqual((told.first as? [String: Any])?["title"] as? String, "Application approved")
            do { let v = try await applicant.send(.GET, "/api/v1/employers/\(id)").json["enrollment"].string; XCTAssertEqual(v, "approved") }
        }
    }

    func testDeclineNeedsAReasonAndTellsTheEmployer() async throws {
        try await withApp { app in
            let applied = try await APIClient(app, as: nil).send(.POST, "/api/v1/applications", json: applicationBody())
            let id = try XCTUnwrap(applied.json["id"].string)
            let admin = try await APIClient(app, as: "esc-admin@secor.test")
            let noReason = try await admin.send(.POST, "/api/v1/applications/\(id)/decision", json: ["decision": "decline"])
            XCTAssertEqual(noReason.status, .badRequest)
            XCTAssertEqual(noReason.json["field"].string, "reason")
            let declined = try await admin.send(.POST, "/api/v1/applications/\(id)/decision",
                                                json: ["decision": "decline", "reason": "WCB account 1234567 is not active"])
            XCTAssertEqual(declined.status, .noContent)
            let applicant = try await APIClient(app, as: "applicant@test.test", password: applicantPassword)
            let note = (try await applicant.send(.GET, "/api/v1/notifications").json.array.first as? [String: Any])?["body"] as? String
            XCTAssertTrue(note?.contains("WCB account 1234567 is not active") == true)
        }
    }

    // Every field is checked, and the error names it.
    func testApplicationValidationNamesTheField() async throws {
        try await withApp { app in
            let client = try await APIClient(app, as: nil)
            let cases: [(String, Any, String)] = [
                ("legalName", "", "legalName"), ("programId", "nope", "programId"), ("email", "not-an-email", "email"),
                ("email", "owner@secor.test", "email"), ("phone", "12", "phone"), ("password", "short", "password"),
                ("wcbAccounts", [["number": "12ab", "industryCode": "06103", "active": true]], "wcbAccounts[0].number"),
                ("wcbAccounts", [["number": "1234567", "industryCode": "61", "active": true]], "wcbAccounts[0].industryCode"),
                ("wcbAccounts", [], "wcbAccounts[0].number"),
                ("associatePaidUntil", "2026-02-30", "associatePaidUntil"),
            ]
            for (key, value, field) in cases {
                var body = applicationBody()
                body[key] = value
                let result = try await client.send(.POST, "/api/v1/applications", json: body)
                // A program the catalogue does not hold is a rule of its data (422); the rest breaks the document (400).
                XCTAssertEqual(result.status, key == "programId" ? .unprocessableEntity : .badRequest, "\(key)=\(value)")
                XCTAssertEqual(result.json["field"].string, field, "\(key)=\(value)")
            }
            // A WCB account already enrolled by another employer is refused.
            var taken = applicationBody()
            taken["wcbAccounts"] = [["number": "8812345", "industryCode": "06103", "active": true]]
            let claimed = try await client.send(.POST, "/api/v1/applications", json: taken)
            XCTAssertEqual(claimed.status, .conflict)
            XCTAssertEqual(claimed.json["field"].string, "wcbAccounts[0].number")
            // Nothing was created by the refused applications.
            let count = try await EmployerModel.query(on: app.db).count()
            XCTAssertEqual(count, DemoData.employers.count)
        }
    }

    // Rule E4: staff take an application by phone; only the partner's admins may.
    func testPhoneApplicationsNeedThePartnersAdmin() async throws {
        try await withApp { app in
            var body = applicationBody()
            body["channel"] = "phone"
            // Staff never choose the owner's password.
            do { let v = try await APIClient(app, as: "esc-admin@secor.test").send(.POST, "/api/v1/applications", json: body); XCTAssertEqual(v.status, .unprocessableEntity); XCTAssertEqual(v.json["field"].string, "password") }
            body.removeValue(forKey: "password")
            do { let v = try await APIClient(app, as: nil).send(.POST, "/api/v1/applications", json: body).status; XCTAssertEqual(v, .unauthorized) }
            do { let v = try await APIClient(app, as: "acsa-admin@secor.test").send(.POST, "/api/v1/applications", json: body).status; XCTAssertEqual(v, .notFound) }
            do { let v = try await APIClient(app, as: "owner@secor.test").send(.POST, "/api/v1/applications", json: body).status; XCTAssertEqual(v, .forbidden) }
            let created = try await APIClient(app, as: "esc-admin@secor.test").send(.POST, "/api/v1/applications", json: body)
            XCTAssertEqual(created.status, .created)
            // Staff never set the owner's password: the owner chooses it from an emailed invitation.
            let owner = try await UserModel.query(on: app.db).filter(\.$email == "applicant@test.test").first()!
            XCTAssertTrue(owner.passwordHash.hasPrefix("!"))
            let signIn = try await APIClient(app, as: nil).send(.POST, "/api/v1/sessions", json: ["email": "applicant@test.test", "password": applicantPassword])
            XCTAssertEqual(signIn.status, .unauthorized)
            let found = try await EmailOutboxModel.query(on: app.db).filter(\.$recipient == "applicant@test.test").first()
            let mail = try XCTUnwrap(found)
            let link = try XCTUnwrap(mail.body.split(separator: "\n").first { $0.contains("/invitations/") })
            let accepted = try await APIClient(app, as: nil).send(.POST, "/api/v1/invitations/\(link.split(separator: "/").last!)/acceptance",
                                                                  json: ["password": "the owner's own long password"])
            XCTAssertEqual(accepted.status, .created)
            XCTAssertEqual(accepted.json["user"]["role"].string, "employerOwner")
        }
    }

    // Found by review: simultaneous approvals and a decline all took effect; one must.
    func testSimultaneousDecisionsActOnce() async throws {
        try await withApp { app in
            let created = try await APIClient(app, as: nil).send(.POST, "/api/v1/applications", json: applicationBody())
            let id = try XCTUnwrap(created.json["id"].string)
            let admin = try await APIClient(app, as: "esc-admin@secor.test")
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        let body: [String: Any] = index % 3 == 0 ? ["decision": "decline", "reason": "Not an Alberta employer"] : ["decision": "approve"]
                        return try await admin.send(.POST, "/api/v1/applications/\(id)/decision", json: body).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            XCTAssertEqual(statuses.filter { $0 == .noContent }.count, 1, "\(statuses)")
            XCTAssertEqual(statuses.filter { $0 == .conflict }.count, 11, "\(statuses)")
            let told = try await NotificationModel.query(on: app.db).filter(\.$title ~~ ["Application approved", "Application declined"]).count()
            XCTAssertEqual(told, 1)
        }
    }
}
