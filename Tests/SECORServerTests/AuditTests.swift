import Fluent
@testable import SECORServer
import SECORCore
import XCTVapor

final class AuditTests: XCTestCase {
    let today = CalendarDay.today

    // Rules R1, R4, R5: a registration is refused with every reason, and nothing is stored.
    func testRegistrationIsRefusedWithEveryReason() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let owner = try await APIClient(app, as: "owner@secor.test")
            let refused = try await owner.send(.POST, "/api/v1/employers/\(employer)/audits",
                                               json: registration(start: today.adding(days: -1), worksites: [" "], accounts: ["9999999"], type: "maintenance"))
            XCTAssertEqual(refused.status, .unprocessableEntity)
            let message = refused.json["message"].string ?? ""
            for rule in ["R1:", "C1:", "R4: name at least one worksite", "R4: WCB account 9999999"] {
                XCTAssertTrue(message.contains(rule), "\(rule) missing from: \(message)")
            }
            do { let n = try await AuditModel.query(on: app.db).count(); XCTAssertEqual(n, 0) }
            // Another open audit of the employer refuses a second registration.
            let first = try await owner.send(.POST, "/api/v1/employers/\(employer)/audits", json: registration())
            XCTAssertEqual(first.status, .created)
            let second = try await owner.send(.POST, "/api/v1/employers/\(employer)/audits", json: registration())
            XCTAssertEqual(second.status, .unprocessableEntity)
            XCTAssertTrue((second.json["message"].string ?? "").contains("Another audit of this employer is still open"))
        }
    }

    // Rule A1: importing a new protocol version never changes an audit under way.
    func testAnAuditKeepsItsProtocolVersion() async throws {
        try await withApp { app in
            let (id, owner, _) = try await approvedAudit(app)
            let sample = try AuditProtocol.bundledSamples().first { $0.value.partner == "esc" }!.yaml
            let newer = sample.replacingOccurrences(of: "version: \"2026.1\"", with: "version: \"2027.1\"")
                .replacingOccurrences(of: "id: \"1.5\"", with: "id: \"1.9\"")
            _ = try await ProtocolService(db: app.db).importProtocol(yaml: newer, file: "esc-2027.yaml", actor: nil)
            let audit = try await owner.send(.GET, "/api/v1/audits/\(id)")
            XCTAssertEqual((audit.json["protocol"] as? [String: Any])?["version"] as? String, "2026.1")
            do { let s = try await owner.send(.PUT, "/api/v1/audits/\(id)/answers/1.5", json: ["answer": ["kind": "proportion", "positive": 2, "total": 3]]).status; XCTAssertEqual(s, .ok) }
            do { let s = try await owner.send(.PUT, "/api/v1/audits/\(id)/answers/1.9", json: ["answer": ["kind": "yes"]]).status; XCTAssertEqual(s, .notFound) }
            // A new registration would take the new version.
            do { let current = try await ProtocolService(db: app.db).current(partner: "esc").value.version; XCTAssertEqual(current, "2027.1") }
        }
    }

    // Rules R5 and T8: training is judged as of the planned start; an auditor not
    // designated by the employer may not register.
    func testQualificationAsOfTheStartAndWhoMayRegister() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            // Sam's SPD dates from 900 days ago: far enough ahead, the T2 refresher lapses.
            let owner = try await APIClient(app, as: "owner@secor.test")
            let late = try await owner.send(.POST, "/api/v1/employers/\(employer)/audits", json: registration(start: today.adding(days: 1000)))
            XCTAssertEqual(late.status, .unprocessableEntity)
            XCTAssertTrue((late.json["message"].string ?? "").contains("as of"), "\(String(describing: late.json))")
            let auditor = try await APIClient(app, as: "auditor@secor.test")
            do { let s = try await auditor.send(.POST, "/api/v1/employers/\(employer)/audits", json: registration()).status; XCTAssertEqual(s, .notFound) }
            let worker = try await APIClient(app, as: "worker@secor.test")
            do { let s = try await worker.send(.POST, "/api/v1/employers/\(employer)/audits", json: registration()).status; XCTAssertEqual(s, .forbidden) }
        }
    }

    // Rule R6: fifty registrations approved at the same instant get fifty distinct numbers.
    func testFiftyApprovalsAtOnceGetDistinctNumbers() async throws {
        try await withApp { app in
            let (id, _, _) = try await approvedAudit(app)
            let template = try await AuditModel.find(UUID(uuidString: id)!, on: app.db)!
            var ids: [UUID] = []
            for _ in 0..<50 {
                let copy = AuditModel()
                copy.$employer.id = template.$employer.id
                copy.partnerId = template.partnerId
                copy.$protocolVersion.id = template.$protocolVersion.id
                copy.registeredBy = template.registeredBy
                copy.auditorUserId = template.auditorUserId
                copy.auditorName = template.auditorName
                copy.auditorKind = template.auditorKind
                copy.auditType = template.auditType
                copy.plannedStart = template.plannedStart
                copy.worksites = template.worksites
                copy.wcbAccounts = template.wcbAccounts
                copy.stage = AuditStage.registered.rawValue
                copy.reportFacts = "{}"
                copy.strengths = "[]"
                copy.recommendations = "[]"
                copy.revision = 0
                try await copy.create(on: app.db)
                ids.append(try copy.requireID())
            }
            let admin = try CurrentUser(try await UserModel.query(on: app.db).filter(\.$email == "esc-admin@secor.test").first()!)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for auditId in ids {
                    group.addTask {
                        let service = AuditService(db: app.db)
                        try await service.decide(try await service.load(auditId, programs: app.programs), .init(approve: true), by: admin)
                    }
                }
                try await group.waitForAll()
            }
            let numbers = try await AuditModel.query(on: app.db).filter(\.$id ~~ ids).all().compactMap(\.number)
            XCTAssertEqual(numbers.count, 50)
            XCTAssertEqual(Set(numbers).count, 50)
            XCTAssertTrue(numbers.allSatisfy { AuditNumber.isValid($0, digits: 9) })
        }
    }

    // Rules S1, S4: a change after signing voids the signature; a submitted revision is
    // frozen for the API and the pages.
    func testSignSubmitFreeze() async throws {
        try await withApp { app in
            let (id, owner, admin) = try await approvedAudit(app)
            try await complete(id, app, as: owner)
            do {
                let check = try await owner.send(.GET, "/api/v1/audits/\(id)/check")
                XCTAssertEqual((check.json["findings"] as? [Any])?.count, 0, "\(String(describing: check.json))")
                XCTAssertEqual(check.json["requiredSignatures"] as? [String], ["auditor"]) // the employer is its own assessor
            }
            do { let s = try await owner.send(.POST, "/api/v1/audits/\(id)/submission").status; XCTAssertEqual(s, .unprocessableEntity) } // unsigned
            do { let s = try await owner.send(.POST, "/api/v1/audits/\(id)/signatures", json: ["role": "auditor"]).status; XCTAssertEqual(s, .ok) }
            // A change after signing voids the signature.
            let changed = try await owner.send(.PUT, "/api/v1/audits/\(id)/answers/1.1", json: [
                "answer": ["kind": "yes"], "methods": ["documentation"], "notes": "Policy signed 2025 by the owner, posted in the shop and the trucks."])
            XCTAssertEqual((changed.json["signatures"] as? [Any])?.count, 0)
            do {
                let check = try await owner.send(.GET, "/api/v1/audits/\(id)/check")
                XCTAssertEqual(check.json["holds"] as? [String], ["The auditor has not signed this version of the report."])
            }
            do { let s = try await owner.send(.POST, "/api/v1/audits/\(id)/signatures", json: ["role": "auditor"]).status; XCTAssertEqual(s, .ok) }
            let submitted = try await owner.send(.POST, "/api/v1/audits/\(id)/submission")
            XCTAssertEqual(submitted.status, .ok, "\(String(describing: submitted.json))")
            XCTAssertEqual(submitted.json["stage"].string, "submitted")
            XCTAssertEqual(submitted.json["revision"] as? Int, 1)
            do {
                let n = try await AuditRevisionModel.query(on: app.db).filter(\.$revision == 1).count()
                XCTAssertEqual(n, 1)
            }
            // Frozen: the API and the page refuse edits.
            let edit = try await owner.send(.PUT, "/api/v1/audits/\(id)/answers/1.1", json: ["answer": ["kind": "no"]])
            XCTAssertEqual(edit.status, .conflict)
            XCTAssertTrue((edit.json["message"].string ?? "").contains("frozen"))
            let browser = Browser(app)
            _ = try await browser.signIn("owner@secor.test")
            let page = try await browser.post("/audits/\(id)/questions/1.1", form: ["answer": "no", "notes": "x"])
            XCTAssertEqual(page.status, .conflict)
            XCTAssertTrue(page.body.string.contains("frozen"))
            // The number finds it; the partner sees it submitted.
            let number = submitted.json["number"].string!
            do { let found = try await admin.send(.GET, "/api/v1/audits/by-number/\(number)"); XCTAssertEqual(found.json["id"].string, id) }
        }
    }

    // Deny by default: other partners, other employers, and roles that may not act.
    func testAccessToAnAudit() async throws {
        try await withApp { app in
            let (id, _, _) = try await approvedAudit(app)
            for (email, expected) in [("acsa-admin@secor.test", HTTPStatus.notFound), ("owner2@secor.test", .notFound), ("auditor@secor.test", .notFound)] {
                let client = try await APIClient(app, as: email)
                let s = try await client.send(.GET, "/api/v1/audits/\(id)").status
                XCTAssertEqual(s, expected, email)
            }
            let qa = try await APIClient(app, as: "esc-qa@secor.test")
            do { let s = try await qa.send(.GET, "/api/v1/audits/\(id)").status; XCTAssertEqual(s, .ok) }
            do { let s = try await qa.send(.PUT, "/api/v1/audits/\(id)/fee", json: ["cents": 100]).status; XCTAssertEqual(s, .forbidden) }
            let supervisor = try await APIClient(app, as: "supervisor@secor.test")
            do { let s = try await supervisor.send(.GET, "/api/v1/audits/\(id)").status; XCTAssertEqual(s, .ok) }
            do { let s = try await supervisor.send(.PUT, "/api/v1/audits/\(id)/answers/1.1", json: ["answer": ["kind": "yes"]]).status; XCTAssertEqual(s, .forbidden) }
            do { let s = try await supervisor.send(.POST, "/api/v1/audits/\(id)/decision", json: ["decision": "approve"]).status; XCTAssertEqual(s, .forbidden) }
            let other = try await APIClient(app, as: "owner2@secor.test")
            let list = try await other.send(.GET, "/api/v1/audits")
            XCTAssertEqual(list.json.array.count, 0)
        }
    }

    // Rules R7 and D3: an unpaid fee holds the audit; an approved extension moves D1.
    func testFeeHoldAndExtension() async throws {
        try await withApp { app in
            let (id, owner, admin) = try await approvedAudit(app)
            do { let s = try await admin.send(.PUT, "/api/v1/audits/\(id)/fee", json: ["cents": 35000]).status; XCTAssertEqual(s, .ok) }
            try await complete(id, app, as: owner)
            _ = try await owner.send(.POST, "/api/v1/audits/\(id)/signatures", json: ["role": "auditor"])
            let held = try await owner.send(.POST, "/api/v1/audits/\(id)/submission")
            XCTAssertEqual(held.status, .unprocessableEntity)
            XCTAssertTrue((held.json["message"].string ?? "").contains("R7"))
            do { let s = try await admin.send(.PUT, "/api/v1/audits/\(id)/fee", json: ["cents": 35000, "paidOn": today.iso]).status; XCTAssertEqual(s, .ok) }
            // D3: ask for 5 more days on site; approved, D1 moves by 5.
            let asked = try await owner.send(.POST, "/api/v1/audits/\(id)/extensions", json: ["deadline": "D1", "days": 5, "reason": "Rig move delayed the site visit"])
            let extensionId = ((asked.json["extensions"] as? [[String: Any]])?.first?["id"] as? String)!
            let decided = try await admin.send(.POST, "/api/v1/audits/\(id)/extensions/\(extensionId)/decision", json: ["decision": "approve"])
            let d1 = (decided.json["deadlines"] as? [[String: Any]])?.first { $0["rule"] as? String == "D1" }
            XCTAssertEqual(d1?["due"] as? String, today.adding(days: 20).iso)
            // R3: a change is recorded with who and why.
            let changed = try await owner.send(.POST, "/api/v1/audits/\(id)/changes", json: ["worksites": ["Pad 7-09-048-10W5"], "why": "The crew moved pads"])
            XCTAssertEqual((changed.json["changes"] as? [[String: Any]])?.first?["why"] as? String, "The crew moved pads")
        }
    }

    // C6: a private iCalendar link carries the user's deadlines; renewing it revokes the old one.
    func testCalendarFeed() async throws {
        try await withApp { app in
            let (id, _, _) = try await approvedAudit(app)
            let browser = Browser(app)
            _ = try await browser.signIn("owner@secor.test")
            _ = try await browser.post("/account/calendar", form: [:])
            let account = try await browser.get("/account")
            let link = try XCTUnwrap(account.body.string.range(of: #"/calendar/[0-9a-f]{48}\.ics"#, options: .regularExpression).map { String(account.body.string[$0]) })
            var ics = ""
            try await app.test(.GET, link) { res async in
                XCTAssertEqual(res.status, .ok)
                XCTAssertEqual(res.headers.contentType?.subType, "calendar")
                ics = res.body.string
            }
            let number = try await AuditModel.find(UUID(uuidString: id)!, on: app.db)!.number!
            XCTAssertTrue(ics.hasPrefix("BEGIN:VCALENDAR\r\n"))
            XCTAssertTrue(ics.contains("SUMMARY:D1 last day on site · Audit \(number)"), ics)
            XCTAssertTrue(ics.contains("DTSTART;VALUE=DATE:\(CalendarDay.today.adding(days: 15).iso.replacingOccurrences(of: "-", with: ""))"))
            _ = try await browser.post("/account/calendar", form: [:])
            try await app.test(.GET, link) { res async in XCTAssertEqual(res.status, .notFound) }
        }
    }

    // The report details are checked in the service, the same for the API and the page.
    func testReportDetailsAreValidatedForTheAPIAndThePage() async throws {
        try await withApp { app in
            let (id, owner, _) = try await approvedAudit(app)
            let bad = try await owner.send(.PUT, "/api/v1/audits/\(id)/report", json: [
                "facts": ["contactEmail": "nope", "employeesByRole": ["owner": 1]], "strengths": [], "recommendations": []])
            XCTAssertEqual(bad.status, .badRequest)
            XCTAssertEqual(bad.json["field"].string, "contactEmail")
            let role = try await owner.send(.PUT, "/api/v1/audits/\(id)/report", json: [
                "facts": ["employeesByRole": ["boss": 1]], "strengths": [], "recommendations": []])
            XCTAssertEqual(role.json["field"].string, "employeesByRole")
            let long = try await owner.send(.PUT, "/api/v1/audits/\(id)/report", json: [
                "facts": ["contactPhone": String(repeating: "5", count: 41)], "strengths": [], "recommendations": []])
            XCTAssertEqual(long.json["field"].string, "facts.contactPhone")  // the API's gate names the JSON path
            let browser = Browser(app)
            _ = try await browser.signIn("owner@secor.test")
            let page = try await browser.post("/audits/\(id)/report", form: ["contactEmail": "nope"])
            XCTAssertEqual(page.status, .badRequest)
            XCTAssertTrue(page.body.string.contains("is not an email address"))
        }
    }
}
