import Fluent
@testable import SECORServer
import SECORCore
import XCTVapor

/// The auditor's instrument: scope and sampling at registration, sampling sheets and their
/// confidentiality, the customer copy and the binder, carry-over, the CSV exports.
final class Issue19Tests: XCTestCase {
    // Profile sampling: registration proposes the sample from the roster; the auditor may go above it; bad input names its field.
    func testRegistrationCarriesTheBreakdownAndTheSample() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let owner = try await APIClient(app, as: "owner@secor.test")
            var body = registration(worksites: ["Yard", "Pad 7", "Pad 9", "Camp", "Shop"])
            body["employeesByRole"] = ["owner": 1, "supervisor": 1, "worker": 3, "contractor": 2]
            body["visitedSites"] = ["Nowhere"]                // a site the registration does not name
            let wrong = try await owner.send(.POST, "/api/v1/employers/\(employer)/audits", json: body)
            XCTAssertEqual(wrong.status, .unprocessableEntity)
            XCTAssertEqual(wrong.json["field"] as? String, "visitedSites")
            body["visitedSites"] = nil
            body["plannedInterviews"] = 1001
            let tooMany = try await owner.send(.POST, "/api/v1/employers/\(employer)/audits", json: body)
            XCTAssertEqual(tooMany.status, .badRequest)
            body["plannedInterviews"] = nil
            body["employeesByRole"] = ["worker": 11]                 // E1: over 10 on the account
            let overLimit = try await owner.send(.POST, "/api/v1/employers/\(employer)/audits", json: body)
            XCTAssertEqual(overLimit.status, .unprocessableEntity)
            XCTAssertEqual(overLimit.json["field"] as? String, "employeesByRole")
            body["employeesByRole"] = ["contractor": 4]              // nobody on the account
            let nobody = try await owner.send(.POST, "/api/v1/employers/\(employer)/audits", json: body)
            XCTAssertEqual(nobody.json["field"] as? String, "employeesByRole")
            body["employeesByRole"] = ["owner": 1, "supervisor": 1, "worker": 3, "contractor": 2]
            body["worksites"] = ["Yard", "yard"]
            let twice = try await owner.send(.POST, "/api/v1/employers/\(employer)/audits", json: body)
            XCTAssertEqual(twice.json["field"] as? String, "worksites")
            body["worksites"] = ["Yard", "Pad 7", "Pad 9", "Camp", "Shop"]
            body["visitedSites"] = nil
            let made = try await owner.send(.POST, "/api/v1/employers/\(employer)/audits", json: body)
            XCTAssertEqual(made.status, .created, "\(String(describing: made.json))")
            let sampling = try XCTUnwrap(made.json["sampling"] as? [String: Any])
            XCTAssertEqual(sampling["requiredInterviews"] as? Int, 4)   // 5 employees → 4 (contractors are not interviewed)
            XCTAssertEqual(sampling["plannedInterviews"] as? Int, 4)    // the proposal taken
            XCTAssertEqual(sampling["requiredVisits"] as? Int, 3)       // 5 sites → 3
            XCTAssertEqual(sampling["visitedSites"] as? [String], ["Yard", "Pad 7", "Pad 9"])
            // S1 facts follow the breakdown.
            XCTAssertEqual((made.json["report"] as? [String: Any])?["employeesByRole"] as? [String: Int],
                           ["owner": 1, "supervisor": 1, "worker": 3, "contractor": 2])
        }
    }

    // The page form: empty sample boxes take the proposal; a bad count names its box.
    func testTheRegistrationPageProposesTheSample() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let browser = Browser(app)
            _ = try await browser.signIn("owner@secor.test")
            let form = try await browser.get("/employers/\(employer)/audits/new")
            XCTAssertTrue(form.body.string.contains("name=\"employees_worker\""))
            XCTAssertTrue(form.body.string.contains("the sampling rule proposes at least"), form.body.string)
            let wcb = try await WCBAccountModel.query(on: app.db).filter(\.$employer.$id == employer).first()!.number
            var fields = ["type": "certification", "plannedStart": CalendarDay.today.iso, "worksites": "Yard\nPad 7",
                          "wcbAccounts[]": wcb, "employees_owner": "1", "employees_worker": "-2"]
            let bad = try await browser.post("/employers/\(employer)/audits/new", form: fields)
            XCTAssertEqual(bad.status, .badRequest)
            XCTAssertTrue(bad.body.string.contains("Workers is 0 to 1000"), bad.body.string)
            fields["employees_worker"] = "4"
            let made = try await browser.post("/employers/\(employer)/audits/new", form: fields)
            XCTAssertEqual(made.status, .seeOther, made.body.string)
            let audit = try await AuditModel.query(on: app.db).filter(\.$employer.$id == employer).sort(\.$createdAt, .descending).first()!
            XCTAssertEqual(audit.plannedInterviews, 4)
            XCTAssertEqual(audit.visitedSites, "[\"Yard\",\"Pad 7\"]")
        }
    }

    // Rule A2 with sampling sheets: rows give the score; the confidential who and notes reach the auditor and partner staff only.
    func testSheetRowsScoreAndStayConfidential() async throws {
        try await withApp { app in
            let (id, owner, _) = try await approvedAudit(app)
            let start = try await loaded(app, id).plannedStart.iso
            for (n, positive) in [true, true, false].enumerated() {
                let row = try await owner.send(.POST, "/api/v1/audits/\(id)/questions/1.5/sheet", json: [
                    "site": "Pad 14-22-047-09W5", "role": "worker", "on": start, "positive": positive,
                    "subject": "Interviewee Zed\(n)", "note": "Hesitated over the policy \(n)"])
                XCTAssertEqual(row.status, .created, "\(String(describing: row.json))")
            }
            let audit = try await owner.send(.GET, "/api/v1/audits/\(id)")
            let answer = (audit.json["answers"] as? [[String: Any]])?.first { $0["questionId"] as? String == "1.5" }
            XCTAssertEqual(answer?["points"] as? Int, 1)   // 2 of 3 = 66.7%: under 70 → the 40% band, 1 point
            // A direct answer to a sheet question does not override the sheet.
            _ = try await owner.send(.PUT, "/api/v1/audits/\(id)/answers/1.5", json: ["answer": ["kind": "proportion", "positive": 3, "total": 3],
                                                                                      "methods": ["interview"], "notes": "Interviewed on site."])
            let again = try await owner.send(.GET, "/api/v1/audits/\(id)")
            XCTAssertEqual((again.json["answers"] as? [[String: Any]])?.first { $0["questionId"] as? String == "1.5" }?["points"] as? Int, 1)
            // Bad rows name their field.
            let bad = try await owner.send(.POST, "/api/v1/audits/\(id)/questions/1.5/sheet", json: [
                "site": "Somewhere else", "role": "worker", "on": start, "positive": true])
            XCTAssertEqual(bad.json["field"] as? String, "site")
            let future = try await owner.send(.POST, "/api/v1/audits/\(id)/questions/1.5/sheet", json: [
                "site": "Pad 14-22-047-09W5", "role": "worker", "on": CalendarDay.today.adding(days: 3).iso, "positive": true])
            XCTAssertEqual(future.json["field"] as? String, "on")
            let notSheet = try await owner.send(.POST, "/api/v1/audits/\(id)/questions/1.1/sheet", json: [
                "site": "Pad 14-22-047-09W5", "role": "worker", "on": start, "positive": true])
            XCTAssertEqual(notSheet.status, .unprocessableEntity)
            XCTAssertEqual(bad.status, .unprocessableEntity)
            // The supervisor follows the audit but not the sheet.
            let supervisor = try await APIClient(app, as: "supervisor@secor.test")
            let refused = try await supervisor.send(.GET, "/api/v1/audits/\(id)/questions/1.5/sheet")
            XCTAssertEqual(refused.status, .forbidden)
            let qa = try await APIClient(app, as: "esc-qa@secor.test")
            let seen = try await qa.send(.GET, "/api/v1/audits/\(id)/questions/1.5/sheet")
            XCTAssertEqual(seen.json.array.count, 3)
            // The report: the auditor's copy holds the sheet; the customer copy and the supervisor's view do not.
            let auditor = Browser(app)
            _ = try await auditor.signIn("owner@secor.test")
            let full = try await auditor.get("/audits/\(id)/print/report").body.string
            XCTAssertTrue(full.contains("Interviewee Zed0") && full.contains("Hesitated over the policy 1"), full)
            let copy = try await auditor.get("/audits/\(id)/print/customer-copy").body.string
            XCTAssertFalse(copy.contains("Interviewee Zed") || copy.contains("Hesitated over the policy"), copy)
            XCTAssertTrue(copy.contains("Customer copy"), copy)
            let employerSide = Browser(app)
            _ = try await employerSide.signIn("supervisor@secor.test")
            let theirs = try await employerSide.get("/audits/\(id)/print/report").body.string
            XCTAssertFalse(theirs.contains("Interviewee Zed") || theirs.contains("Hesitated over the policy"))
            let page = try await employerSide.get("/audits/\(id)/questions/1.5").body.string
            XCTAssertFalse(page.contains("Interviewee Zed") || page.contains("Hesitated"), page)
            // Nor the rows' site, role and day, which can say who was interviewed: the counts only.
            XCTAssertFalse(page.contains("class=\"sheet-rows"), page)
            XCTAssertTrue(page.contains("3 interview(s) recorded, 2 positive."), page)
            // Removing a row recomputes the score.
            let rows = try await AuditSheetRowModel.query(on: app.db).filter(\.$positive == false).all()
            let removed = try await owner.send(.DELETE, "/api/v1/audits/\(id)/sheet/\(rows[0].id!.uuidString)")
            XCTAssertEqual(removed.status, .noContent)
            let after = try await owner.send(.GET, "/api/v1/audits/\(id)")
            XCTAssertEqual((after.json["answers"] as? [[String: Any]])?.first { $0["questionId"] as? String == "1.5" }?["points"] as? Int, 3)
            // A frozen revision read through the API keeps them from the employer's people too.
            try await complete(id, app, as: owner)
            _ = try await owner.send(.POST, "/api/v1/audits/\(id)/signatures", json: ["role": "auditor"])
            let submitted = try await owner.send(.POST, "/api/v1/audits/\(id)/submission")
            XCTAssertEqual(submitted.status, .ok, "\(String(describing: submitted.json))")
            let frozenForSupervisor = try await supervisor.send(.GET, "/api/v1/audits/\(id)/revisions/1")
            XCTAssertEqual(frozenForSupervisor.status, .ok)
            XCTAssertFalse("\(String(describing: frozenForSupervisor.json))".contains("Interviewee"), "\(String(describing: frozenForSupervisor.json))")
            let frozenForQA = try await qa.send(.GET, "/api/v1/audits/\(id)/revisions/1")
            XCTAssertTrue("\(String(describing: frozenForQA.json))".contains("Interviewee Zed0"))
        }
    }

    // Rule A2 and profile sampling: the check flags interviews below the sample.
    func testThePreSubmissionCheckFlagsASampleBelowTheRule() async throws {
        try await withApp { app in
            let (id, owner, _) = try await approvedAudit(app)
            try await complete(id, app, as: owner)
            let required = try await loaded(app, id).requiredSample!.interviews
            let clean = try await owner.send(.GET, "/api/v1/audits/\(id)/check")
            XCTAssertFalse("\(String(describing: clean.json))".contains("sample calls for"), "\(String(describing: clean.json))")
            // One interview fewer on question 1.5 than the sample.
            let row = try await AuditSheetRowModel.query(on: app.db).filter(\.$questionId == "1.5").first()!
            _ = try await owner.send(.DELETE, "/api/v1/audits/\(id)/sheet/\(row.id!.uuidString)")
            let short = try await owner.send(.GET, "/api/v1/audits/\(id)/check")
            XCTAssertTrue("\(String(describing: short.json))".contains("Question 1.5 records \(required - 1) interview(s); the sample calls for at least \(required)"),
                          "\(String(describing: short.json))")
        }
    }

    // Profile carryOver: a maintenance audit carries over up to a third of the full-marks documentation questions, and passes QA.
    func testAMaintenanceAuditCarriesOverAndPassesQA() async throws {
        try await withApp { app in
            try await backdateFirstRecordForCycle(app)
            let (certification, _, admin) = try await submittedAudit(app)
            let qa = try await reviewer(app)
            try await QAService(db: app.db).save(try await loaded(app, certification), checks: allMet(), answers: [:], deficiencies: [], by: qa)
            try await QAService(db: app.db).pass(try await loaded(app, certification), by: qa)
            // Year 2: the maintenance audit.
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let owner = try await APIClient(app, as: "owner@secor.test")
            let registered = try await owner.send(.POST, "/api/v1/employers/\(employer)/audits", json: registration(type: "maintenance"))
            XCTAssertEqual(registered.status, .created, "\(String(describing: registered.json))")
            let id = registered.json["id"].string!
            _ = try await admin.send(.POST, "/api/v1/audits/\(id)/decision", json: ["decision": "approve"])
            let proposal = try await owner.send(.GET, "/api/v1/audits/\(id)/carry-over")
            let limit = try XCTUnwrap(proposal.json["limit"] as? Int)
            let candidates = (proposal.json["candidates"] as? [[String: Any]] ?? []).compactMap { $0["questionId"] as? String }
            XCTAssertEqual(limit, 9)                                // 28 questions / 3
            XCTAssertGreaterThan(candidates.count, limit)
            XCTAssertFalse(candidates.contains("1.3"))              // documentation and interview: not documentation only
            XCTAssertFalse(candidates.contains("1.5"))              // a sampling sheet
            try await complete(id, app, as: owner)
            for question in candidates.prefix(limit) {
                let carried = try await owner.send(.POST, "/api/v1/audits/\(id)/carry-over/\(question)")
                XCTAssertEqual(carried.status, .ok, "\(question): \(String(describing: carried.json))")
            }
            let over = try await owner.send(.POST, "/api/v1/audits/\(id)/carry-over/\(candidates[limit])")
            XCTAssertEqual(over.status, .unprocessableEntity)       // past the third
            let twice = try await owner.send(.POST, "/api/v1/audits/\(id)/carry-over/\(candidates[0])")
            XCTAssertEqual(twice.status, .conflict)
            let notQualifying = try await owner.send(.POST, "/api/v1/audits/\(id)/carry-over/1.3")
            XCTAssertEqual(notQualifying.status, .unprocessableEntity)
            let audit = try await owner.send(.GET, "/api/v1/audits/\(id)")
            let carriedFrom = (audit.json["answers"] as? [[String: Any]] ?? []).compactMap { $0["carriedFrom"] as? String }
            XCTAssertEqual(carriedFrom.count, limit)
            _ = try await owner.send(.POST, "/api/v1/audits/\(id)/signatures", json: ["role": "auditor"])
            let submitted = try await owner.send(.POST, "/api/v1/audits/\(id)/submission")
            XCTAssertEqual(submitted.status, .ok, "\(String(describing: submitted.json))")
            try await QAService(db: app.db).save(try await loaded(app, id), checks: allMet(), answers: [:], deficiencies: [], by: qa)
            try await QAService(db: app.db).pass(try await loaded(app, id), by: qa)
            let passed = try await loaded(app, id)
            XCTAssertEqual(passed.stage, .passed)
            // The report says which answers were carried over.
            let browser = Browser(app)
            _ = try await browser.signIn("esc-qa@secor.test")
            let report = try await browser.get("/audits/\(id)/print/report").body.string
            XCTAssertEqual(report.components(separatedBy: "<p class=\"muted\">Carried over from certification audit").count - 1, limit)
        }
    }

    /// Twelve months of records and more, so a certification gives the full three-year cycle.
    private func backdateFirstRecordForCycle(_ app: Application) async throws {
        try await backdateFirstRecord(app, employer: "Northern Rig Services Ltd.", toDaysAgo: 400)
    }

    // The binder: the report, the action plan and every cited record in question order, with contents.
    func testTheBinderHoldsEveryCitedRecord() async throws {
        try await withApp(demoRecords: true) { app in
            let (id, owner, _) = try await approvedAudit(app)
            let audit = try await loaded(app, id)
            let flha = try await AuditWorkService(db: app.db).proposals(audit, question: audit.auditProtocol.question("2.2")!)
            XCTAssertFalse(flha.isEmpty)
            let cited = flha.prefix(2).map { $0.id!.uuidString }
            let saved = try await owner.send(.PUT, "/api/v1/audits/\(id)/answers/2.2", json: [
                "answer": ["kind": "points", "points": 8], "methods": ["documentation"], "notes": "Sampled FLHAs", "documents": cited])
            XCTAssertEqual(saved.status, .ok, "\(String(describing: saved.json))")
            let browser = Browser(app)
            _ = try await browser.signIn("owner@secor.test")
            let binder = try await browser.get("/audits/\(id)/print/binder").body.string
            XCTAssertTrue(binder.contains("<h2>Contents</h2>"), binder)
            XCTAssertTrue(binder.contains("id=\"exhibit-1\"") && binder.contains("id=\"exhibit-2\"") && !binder.contains("id=\"exhibit-3\""))
            XCTAssertTrue(binder.contains("Cited by question 2.2"))
            XCTAssertTrue(binder.contains("(E1, E2)"), binder)
        }
    }

    // The exports: one row per record with its people and sign-offs; the cycle list; formulas never run.
    func testCSVExports() async throws {
        try await withApp(demoRecords: true) { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let text = try await Self.text(app, "/api/v1/employers/\(employer)/records/export", as: "owner@secor.test")
            let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            XCTAssertEqual(lines.first, "Kind,Day,Time,Site,People,Sign-offs,Version,Record id")
            let count = try await FieldRecordModel.query(on: app.db).filter(\.$employer.$id == employer).count()
            XCTAssertEqual(lines.count, count + 1)
            XCTAssertTrue(text.contains("Field-level hazard assessment") || text.contains("FLHA"), String(text.prefix(400)))
            let cycle = try await Self.text(app, "/api/v1/partner/cycle/export", as: "esc-admin@secor.test")
            XCTAssertTrue(cycle.hasPrefix("Employer,Certificate,State,Issued,Expires,Next audit,Due by,Cycle year,Warnings\r\n"), cycle)
            XCTAssertEqual(CSVText.cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"")
            XCTAssertEqual(CSVText.cell("Pad 7, north"), "\"Pad 7, north\"")
            XCTAssertEqual(CSVText.cell("-5"), "'-5")
        }
    }

    /// A text answer of the API (CSV), as a client with a token reads it.
    private static func text(_ app: Application, _ path: String, as email: String) async throws -> String {
        let token = try await app.token(email)
        var body = ""
        try await app.test(.GET, path, beforeRequest: { req async in req.headers.bearerAuthorization = .init(token: token) }) { res async in
            XCTAssertEqual(res.status, .ok, res.body.string)
            XCTAssertEqual(res.headers.contentType?.subType, "csv")
            body = res.body.string
        }
        return body
    }
}
