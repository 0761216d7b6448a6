import Fluent
@testable import SECORCore
@testable import SECORServer
import XCTest
import XCTVapor

/// The roster, training, certificates and matrix through the API, as an employer would.
final class EmployerRecordsTests: XCTestCase {
    /// An approved ESC employer with its owner signed in.
    private func approvedEmployer(_ app: Application) async throws -> (id: String, owner: APIClient) {
        let created = try await APIClient(app, as: nil).send(.POST, "/api/v1/applications", json: applicationBody())
        let id = try XCTUnwrap(created.json["id"].string)
        let admin = try await APIClient(app, as: "esc-admin@secor.test")
        try await admin.send(.POST, "/api/v1/applications/\(id)/decision", json: ["decision": "approve"])
        return (id, try await APIClient(app, as: "applicant@test.test", password: applicantPassword))
    }

    private func person(_ name: String, _ category: String = "worker", start: String) -> [String: Any] {
        ["name": name, "category": category, "fullTime": true, "jobRole": "Operator", "startDate": start]
    }

    // Rules E1, T1, T2, E5: eight people and their training make the employer eligible;
    // the 11th person makes it ineligible, naming the day and the reason.
    func testEightPeopleAndTrainingThenElevenPeople() async throws {
        try await withApp { app in
            let (id, owner) = try await approvedEmployer(app)
            let started = CalendarDay.today.adding(years: -2).iso
            let ownerPerson = try await owner.send(.POST, "/api/v1/employers/\(id)/people", json: person("Ada Applicant", "owner", start: started))
            XCTAssertEqual(ownerPerson.status, .created)
            for i in 2...8 { try await owner.send(.POST, "/api/v1/employers/\(id)/people", json: person("Worker \(i)", start: started)) }
            var eligibility = try await owner.send(.GET, "/api/v1/employers/\(id)/eligibility")
            XCTAssertEqual(eligibility.json["eligible"] as? Bool, false)
            XCTAssertEqual(Set(eligibility.json["reasons"].array.compactMap { ($0 as? [String: Any])?["rule"] as? String }), ["T1", "T2", "E5"])

            // E5 counts field records only: the course certificate below is not one.
            var talk = AccessMatrixTests.flha
            talk["occurredOn"] = CalendarDay.today.adding(days: -200).iso
            talk["flha"] = ["site": "Yard", "location": "Shop", "task": "Load the truck", "hazards": [["hazard": "Pinch points", "control": "Gloves, spotter"]],
                            "ppe": ["gloves"], "workers": [["name": "Worker 2"]], "notes": ""] as [String: Any]
            let record = try await owner.send(.POST, "/api/v1/employers/\(id)/records", json: talk)
            XCTAssertEqual(record.status, .created, "\(String(describing: record.json))")
            let spd = try await owner.send(.POST, "/api/v1/employers/\(id)/completions", json: [
                "personId": ownerPerson.json["id"].string!, "courseId": "spd", "completedOn": CalendarDay.today.adding(days: -200).iso,
                "provider": "Energy Safety Canada", "certificateNumber": "SPD-1"])
            XCTAssertEqual(spd.status, .created)
            eligibility = try await owner.send(.GET, "/api/v1/employers/\(id)/eligibility")
            XCTAssertEqual(eligibility.json["eligible"] as? Bool, true, "\(String(describing: eligibility.json))")

            // 9 and 10: still eligible, with a warning at the limit.
            for i in 9...10 { try await owner.send(.POST, "/api/v1/employers/\(id)/people", json: person("Worker \(i)", start: started)) }
            eligibility = try await owner.send(.GET, "/api/v1/employers/\(id)/eligibility")
            XCTAssertEqual(eligibility.json["eligible"] as? Bool, true)
            XCTAssertNotNil(eligibility.json["warning"].string)
            // The 11th is allowed (it is a fact) but ends eligibility today.
            let eleventh = try await owner.send(.POST, "/api/v1/employers/\(id)/people", json: person("Worker 11", "temporary", start: CalendarDay.today.iso))
            XCTAssertEqual(eleventh.status, .created)
            eligibility = try await owner.send(.GET, "/api/v1/employers/\(id)/eligibility")
            XCTAssertEqual(eligibility.json["eligible"] as? Bool, false)
            let reason = eligibility.json["reasons"].array.first as? [String: Any]
            XCTAssertEqual(reason?["rule"] as? String, "E1")
            XCTAssertTrue((reason?["message"] as? String)?.contains("11 people were on the WCB account on \(CalendarDay.today.readable)") == true)
            // Partner staff see who is over.
            let over = try await APIClient(app, as: "esc-qa@secor.test").send(.GET, "/api/v1/employers?status=headcount")
            XCTAssertEqual(over.json.array.compactMap { ($0 as? [String: Any])?["id"] as? String }, [id])
        }
    }

    func testPersonValidationNamesTheField() async throws {
        try await withApp { app in
            let (id, owner) = try await approvedEmployer(app)
            let cases: [([String: Any], String)] = [
                (["category": "worker", "startDate": "2025-01-01"], "name"),
                (["name": "A", "category": "boss", "startDate": "2025-01-01"], "category"),
                (["name": "A", "category": "worker", "startDate": "2025-13-01"], "startDate"),
                (["name": "A", "category": "worker", "startDate": "2025-05-01", "endDate": "2025-04-30"], "endDate"),
            ]
            for (body, field) in cases {
                let result = try await owner.send(.POST, "/api/v1/employers/\(id)/people", json: body)
                XCTAssertEqual(result.status, .badRequest)
                XCTAssertEqual(result.json["field"].string, field)
            }
        }
    }

    // Uploads: too big, not what the name says, empty: each a clear 4xx; nothing half-written stays.
    func testCertificateUploadsAreChecked() async throws {
        try await withApp { app in
            let (id, owner) = try await approvedEmployer(app)
            let pdf = Array("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".utf8)
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0]
            let empty = try await owner.send(.POST, "/api/v1/employers/\(id)/files?filename=cert.pdf", bytes: [])
            XCTAssertEqual(empty.status, .badRequest)
            XCTAssertTrue(empty.json["message"].string?.contains("empty") == true)
            let disguised = try await owner.send(.POST, "/api/v1/employers/\(id)/files?filename=cert.pdf", bytes: png)
            XCTAssertEqual(disguised.status, .unsupportedMediaType)
            XCTAssertTrue(disguised.json["message"].string?.contains("named .pdf but its content is a PNG image") == true)
            let text = try await owner.send(.POST, "/api/v1/employers/\(id)/files?filename=notes.pdf", bytes: Array("hello".utf8))
            XCTAssertEqual(text.status, .unsupportedMediaType)
            let huge = try await owner.send(.POST, "/api/v1/employers/\(id)/files?filename=big.pdf", bytes: pdf + [UInt8](repeating: 0x20, count: FileStore.maxBytes))
            XCTAssertEqual(huge.status, .payloadTooLarge)
            let ok = try await owner.send(.POST, "/api/v1/employers/\(id)/files?filename=first-aid.pdf", bytes: pdf)
            XCTAssertEqual(ok.status, .created)
            XCTAssertEqual(ok.json["contentType"].string, "application/pdf")
            // Only the one good file is on disk, under its hash, with no temporary leftovers.
            let root = (app.secorConfig.dataDirectory as NSString).appendingPathComponent("files")
            let stored = FileManager.default.enumerator(atPath: root)?.allObjects.compactMap { $0 as? String }.filter { !$0.hasSuffix("/") && $0.count > 3 } ?? []
            XCTAssertEqual(stored, ["\(ok.json["sha256"].string!.prefix(2))/\(ok.json["sha256"].string!)"])
            let files = try await StoredFileModel.query(on: app.db).count()
            XCTAssertEqual(files, 1)
        }
    }

    // Rule F2: the matrix names certifications; per worker: held, expiring, missing.
    func testMatrixRefusesAsRequiredAndShowsEachWorker() async throws {
        try await withApp { app in
            let owner = try await APIClient(app, as: "owner@secor.test")
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let vague = try await owner.send(.POST, "/api/v1/employers/\(employer)/matrix", json: ["jobRole": "Operator", "courseId": "as required"])
            XCTAssertEqual(vague.status, .unprocessableEntity)  // Rule F2: a well-formed request the rule refuses
            XCTAssertEqual(vague.json["field"].string, "courseId")
            let duplicate = try await owner.send(.POST, "/api/v1/employers/\(employer)/matrix", json: ["jobRole": "operator", "courseId": "h2s-alive"])
            XCTAssertEqual(duplicate.status, .conflict)
            let added = try await owner.send(.POST, "/api/v1/employers/\(employer)/matrix", json: ["jobRole": "Swamper", "courseId": "whmis"])
            XCTAssertEqual(added.status, .created)
            let matrix = try await owner.send(.GET, "/api/v1/employers/\(employer)/matrix")
            let riley = matrix.json["workers"].array.compactMap { $0 as? [String: Any] }.first { $0["name"] as? String == "Riley Nguyen" }
            let states = (riley?["certifications"] as? [[String: Any]])?.map { "\($0["courseId"]!)=\($0["state"]!)" }
            XCTAssertEqual(states, ["h2s-alive=expiring", "standard-first-aid=missing"])
        }
    }

    // Rules T3, T4, T8: the assessor check says why, as of a day.
    func testAssessorQualificationAsOfADay() async throws {
        try await withApp { app in
            let owner = try await APIClient(app, as: "owner@secor.test")
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let today = try await owner.send(.GET, "/api/v1/employers/\(employer)/assessor")
            XCTAssertEqual(today.json["name"].string, "Sam Okafor")
            XCTAssertEqual(today.json["qualified"] as? Bool, true)
            let before = try await owner.send(.GET, "/api/v1/employers/\(employer)/assessor?asOf=\(CalendarDay.today.adding(days: -1000).iso)")
            XCTAssertEqual(before.json["qualified"] as? Bool, false)
            XCTAssertFalse((before.json["reasons"] as? [String] ?? []).isEmpty)
            // Designate the registered external auditor; suspend them; the check says so.
            let admin = try await APIClient(app, as: "esc-admin@secor.test")
            let register = try await admin.send(.GET, "/api/v1/auditors")
            let auditorId = try XCTUnwrap((register.json.array.first as? [String: Any])?["id"] as? String)
            let designated = try await owner.send(.PUT, "/api/v1/employers/\(employer)/assessor", json: ["auditorId": auditorId])
            XCTAssertEqual(designated.json["kind"].string, "externalAuditor")
            XCTAssertEqual(designated.json["qualified"] as? Bool, true)
            try await admin.send(.PUT, "/api/v1/auditors/\(auditorId)", json: ["certificationNumber": "ESC-EA-1042", "standing": "suspended",
                                                                               "validUntil": CalendarDay.today.adding(years: 1).iso])
            let suspended = try await owner.send(.GET, "/api/v1/employers/\(employer)/assessor")
            XCTAssertEqual(suspended.json["qualified"] as? Bool, false)
            XCTAssertEqual(suspended.json["reasons"] as? [String], ["T3: Dana Whitford's certification ESC-EA-1042 is suspended."])
        }
    }

    // Rule T3: the register, kept by the partner's admins only.
    func testAuditorRegister() async throws {
        try await withApp { app in
            let admin = try await APIClient(app, as: "acsa-admin@secor.test")
            let body: [String: Any] = ["name": "Nia Field", "email": "nia@audit.test",
                                       "certificationNumber": "ACSA-7", "standing": "goodStanding", "validUntil": "2028-01-31",
                                       "courses": ["phsm": "2020-05-01"]]
            let created = try await admin.send(.POST, "/api/v1/auditors", json: body)
            XCTAssertEqual(created.status, .created)
            do { let v = try await admin.send(.POST, "/api/v1/auditors", json: body).status; XCTAssertEqual(v, .conflict) }
            // The auditor chooses the password from the invitation; nobody else knows it.
            let link = try XCTUnwrap(created.json["invitationLink"].string)
            let accepted = try await APIClient(app, as: nil).send(.POST, "/api/v1/invitations/\(link.split(separator: "/").last!)/acceptance",
                                                                  json: ["password": "a long auditor password"])
            XCTAssertEqual(accepted.status, .created)
            _ = try await APIClient(app, as: "nia@audit.test", password: "a long auditor password")
            do { let v = try await APIClient(app, as: "acsa-qa@secor.test").send(.GET, "/api/v1/auditors").status; XCTAssertEqual(v, .forbidden) }
            let id = try XCTUnwrap(created.json["id"].string)
            let esc = try await APIClient(app, as: "esc-admin@secor.test")
            do { let v = try await esc.send(.PUT, "/api/v1/auditors/\(id)", json: ["certificationNumber": "X", "standing": "lapsed", "validUntil": "2020-01-01"]).status; XCTAssertEqual(v, .notFound) }
            var bad = body
            bad["standing"] = "excellent"
            bad["certificationNumber"] = "ACSA-8"
            let refused = try await admin.send(.POST, "/api/v1/auditors", json: bad)
            XCTAssertEqual(refused.status, .badRequest)
        }
    }
}
