import Fluent
@testable import SECORServer
import XCTest
import XCTVapor

/// Employer A's people, training and files are invisible to employer B and to auditors
/// it has not designated: every path of the API and the pages.
final class EmployerAccessTests: XCTestCase {
    private func paths(_ employer: UUID, person: UUID, file: UUID) -> [String] {
        ["/api/v1/employers/\(employer)", "/api/v1/employers/\(employer)/details", "/api/v1/employers/\(employer)/eligibility",
         "/api/v1/employers/\(employer)/people", "/api/v1/employers/\(employer)/people/\(person)",
         "/api/v1/employers/\(employer)/training", "/api/v1/employers/\(employer)/files/\(file)",
         "/api/v1/employers/\(employer)/matrix", "/api/v1/employers/\(employer)/assessor"]
    }

    private func pages(_ employer: UUID, person: UUID, file: UUID) -> [String] {
        ["/employers/\(employer)", "/employers/\(employer)/people", "/employers/\(employer)/people/\(person)",
         "/employers/\(employer)/training", "/employers/\(employer)/files/\(file)", "/employers/\(employer)/matrix",
         "/employers/\(employer)/assessor"]
    }

    /// Northern Rig (ESC) with a certificate file of its own.
    private func employerA(_ app: Application) async throws -> (employer: UUID, person: UUID, file: UUID) {
        let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
        let owner = try await APIClient(app, as: "owner@secor.test")
        let upload = try await owner.send(.POST, "/api/v1/employers/\(employer)/files?filename=h2s.pdf", bytes: Array("%PDF-1.4 test".utf8))
        let person = try await PersonModel.query(on: app.db).filter(\.$employer.$id == employer).first()!
        return (employer, try person.requireID(), try XCTUnwrap(UUID(uuidString: upload.json["id"].string ?? "")))
    }

    func testAnotherEmployerAndAnUndesignatedAuditorGet404() async throws {
        try await withApp { app in
            let a = try await employerA(app)
            for email in ["owner2@secor.test", "auditor@secor.test", "acsa-admin@secor.test"] {
                // The demo auditor is not Northern Rig's designated assessor (its owner is).
                let client = try await APIClient(app, as: email)
                for path in paths(a.employer, person: a.person, file: a.file) {
                    let result = try await client.send(.GET, path)
                    XCTAssertEqual(result.status, .notFound, "\(email) \(path)")
                }
                let write = try await client.send(.POST, "/api/v1/employers/\(a.employer)/people",
                                                  json: ["name": "Intruder", "category": "worker", "startDate": "2025-01-01"])
                XCTAssertEqual(write.status, .notFound, email)
                let browser = Browser(app)
                _ = try await browser.signIn(email)
                for path in pages(a.employer, person: a.person, file: a.file) {
                    let page = try await browser.get(path)
                    XCTAssertEqual(page.status, .notFound, "\(email) \(path)")
                    XCTAssertFalse(page.body.string.contains("Riley Nguyen"), "\(email) \(path)")
                }
            }
            let names = try await PersonModel.query(on: app.db).filter(\.$name == "Intruder").count()
            XCTAssertEqual(names, 0)
        }
    }

    func testTheDesignatedAuditorSeesButCannotWrite() async throws {
        try await withApp { app in
            let a = try await employerA(app)
            let owner = try await APIClient(app, as: "owner@secor.test")
            let auditorId = try await AuditorModel.query(on: app.db).first()!.requireID()
            try await owner.send(.PUT, "/api/v1/employers/\(a.employer)/assessor", json: ["auditorId": auditorId.uuidString])
            let auditor = try await APIClient(app, as: "auditor@secor.test")
            for path in paths(a.employer, person: a.person, file: a.file) {
                let result = try await auditor.send(.GET, path)
                XCTAssertEqual(result.status, .ok, path)
            }
            let write = try await auditor.send(.POST, "/api/v1/employers/\(a.employer)/people",
                                               json: ["name": "X", "category": "worker", "startDate": "2025-01-01"])
            XCTAssertEqual(write.status, .forbidden)
            let list = try await auditor.send(.GET, "/api/v1/employers")
            XCTAssertEqual(list.json.array.count, 1)
        }
    }

    func testWorkersAndPartnerStaffCannotEditRecords() async throws {
        try await withApp { app in
            let a = try await employerA(app)
            for email in ["worker@secor.test", "esc-qa@secor.test", "esc-admin@secor.test"] {
                let client = try await APIClient(app, as: email)
                do { let v = try await client.send(.GET, "/api/v1/employers/\(a.employer)/people").status; XCTAssertEqual(v, .ok, email) }
                let write = try await client.send(.POST, "/api/v1/employers/\(a.employer)/matrix", json: ["jobRole": "Operator", "courseId": "whmis"])
                XCTAssertEqual(write.status, .forbidden, email)
            }
            // The supervisor records; only the owner (or the partner's admin) changes settings.
            let supervisor = try await APIClient(app, as: "supervisor@secor.test")
            do { let v = try await supervisor.send(.POST, "/api/v1/employers/\(a.employer)/matrix", json: ["jobRole": "Operator", "courseId": "whmis"]).status; XCTAssertEqual(v, .created) }
            do { let v = try await supervisor.send(.PUT, "/api/v1/employers/\(a.employer)/assessor", json: [:]).status; XCTAssertEqual(v, .forbidden) }
        }
    }

    // The worker's page forms are refused as well, not only hidden.
    func testPageWritesAreRefusedForWorkers() async throws {
        try await withApp { app in
            let a = try await employerA(app)
            let browser = Browser(app)
            _ = try await browser.signIn("worker@secor.test")
            let page = try await browser.get("/employers/\(a.employer)/people")
            XCTAssertEqual(page.status, .ok)
            XCTAssertFalse(page.body.string.contains("Add a person"))
            let post = try await browser.post("/employers/\(a.employer)/people", form: ["name": "X", "category": "worker", "startDate": "2025-01-01"])
            XCTAssertEqual(post.status, .forbidden)
        }
    }
}

final class TrainingPageTests: XCTestCase {
    struct Upload: Content {
        var _csrf: String
        var personId: String
        var courseId: String
        var completedOn: String
        var provider: String
        var certificateFile: File
    }

    /// The training form: an empty or disguised certificate is refused with a message on the page.
    func testCertificateProblemsAreShownOnThePage() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let person = try await PersonModel.query(on: app.db).filter(\.$name == "Riley Nguyen").first()!.requireID()
            let browser = Browser(app)
            _ = try await browser.signIn("owner@secor.test")
            let csrf = try await browser.csrfToken()
            let cases: [(String, [UInt8], HTTPStatus, String)] = [
                ("empty.pdf", [], .badRequest, "is empty"),
                ("photo.jpg", Array("%PDF-1.4".utf8), .unsupportedMediaType, "named .jpg but its content is a PDF"),
                ("notes.pdf", Array("just text".utf8), .unsupportedMediaType, "is not a PDF, PNG or JPEG"),
            ]
            for (name, bytes, status, message) in cases {
                var result: XCTHTTPResponse?
                try await app.test(.POST, "/employers/\(employer)/training", beforeRequest: { req in
                    req.headers.replaceOrAdd(name: .cookie, value: browser.cookie ?? "")
                    try req.content.encode(Upload(_csrf: csrf, personId: person.uuidString, courseId: "whmis", completedOn: "2026-01-05",
                                                  provider: "Safety Co", certificateFile: File(data: ByteBuffer(bytes: bytes), filename: name)),
                                           as: .formData)
                }, afterResponse: { res async in result = res })
                XCTAssertEqual(result?.status, status, name)
                XCTAssertTrue(result?.body.string.contains(message) == true, name)
                XCTAssertTrue(result?.body.string.contains("value=\"Safety Co\"") == true, "the form keeps what was typed")
            }
            let count = try await CompletionModel.query(on: app.db).filter(\.$courseId == "whmis").count()
            XCTAssertEqual(count, 0)
        }
    }
}
