import Fluent
@testable import SECORServer
import SECORCore
import XCTVapor

final class QATests: XCTestCase {
    /// Sends the audit back with one actionable deficiency, `daysAgo` days ago.
    func sendBack(_ app: Application, _ id: String, daysAgo: Int) async throws {
        let qa = try await reviewer(app)
        try await QAService(db: app.db).save(try await loaded(app, id), checks: allMet(), answers: [:],
                                             deficiencies: [QADeficiency(questionId: "1.1", text: "The policy is not dated", actionable: true)], by: qa)
        try await QAService(db: app.db).sendBack(try await loaded(app, id), message: "Date the policy", by: qa, today: CalendarDay.today.adding(days: -daysAgo))
    }

    /// The auditor answers the deficiency of `sendBack`, signs again and resubmits.
    func correctAndResubmit(_ id: String, as owner: APIClient) async throws {
        _ = try await owner.send(.PUT, "/api/v1/audits/\(id)/answers/1.1", json: [
            "answer": ["kind": "yes"], "methods": ["documentation"], "notes": "Policy now dated 3 March 2026 and signed by the owner."])
        _ = try await owner.send(.POST, "/api/v1/audits/\(id)/signatures", json: ["role": "auditor"])
        _ = try await owner.send(.POST, "/api/v1/audits/\(id)/submission")
    }

    // Rules Q7, Q10, C2, S4: sent back with one actionable deficiency, corrected in
    // revision 2, passed; the certificate expires 3 years after the last day on site.
    func testSendBackCorrectPassIssuesTheCertificate() async throws {
        try await withApp { app in
            let (id, owner, _) = try await submittedAudit(app)
            try await sendBack(app, id, daysAgo: 0)
            do { let l = try await loaded(app, id); XCTAssertEqual(l.stage, .corrections) }
            // The reviewer cannot pass while the deficiency stands.
            do {
                _ = try await QAService(db: app.db).pass(try await loaded(app, id), by: try await reviewer(app))
                XCTFail("passed with an actionable deficiency")
            } catch let error as AppError { XCTAssertEqual(error.status, .conflict) }
            // The auditor corrects, signs again and resubmits: revision 2.
            let fixed = try await owner.send(.PUT, "/api/v1/audits/\(id)/answers/1.1", json: [
                "answer": ["kind": "yes"], "methods": ["documentation"], "notes": "Policy now dated 3 March 2026 and signed by the owner."])
            XCTAssertEqual(fixed.status, .ok)
            _ = try await owner.send(.POST, "/api/v1/audits/\(id)/signatures", json: ["role": "auditor"])
            let resubmitted = try await owner.send(.POST, "/api/v1/audits/\(id)/submission")
            XCTAssertEqual(resubmitted.json["revision"] as? Int, 2)
            do {
                let review = try await QAReviewModel.query(on: app.db).first()!
                XCTAssertNil(review.openFeedbackOn)         // D4 stopped
                XCTAssertNotNil(review.firstFeedbackOn)     // D5 runs on
            }
            // The reviewer clears the deficiency and passes it.
            let qa = try await reviewer(app)
            try await QAService(db: app.db).save(try await loaded(app, id), checks: allMet(), answers: [:], deficiencies: [], by: qa)
            try await QAService(db: app.db).pass(try await loaded(app, id), by: qa)
            // Profile shortCertificate (ESC): the test employer's records go back 7 months, under
            // the 12 a full term needs, so the certificate runs one year.
            let certificate = try await CertificateModel.query(on: app.db).first()
            XCTAssertEqual(certificate?.expiresOn, CalendarDay.today.adding(years: 1).iso)
            XCTAssertEqual(certificate?.termYears, 1)
            do { let l = try await loaded(app, id); XCTAssertEqual(l.stage, .passed) }
            let revisions = try await AuditRevisionModel.query(on: app.db).count()
            XCTAssertEqual(revisions, 2)  // every revision kept
            // The comparison page shows revision 1 against 2.
            let browser = Browser(app)
            _ = try await browser.signIn("esc-qa@secor.test")
            let compare = try await browser.get("/audits/\(id)/revisions?from=1&to=2")
            XCTAssertEqual(compare.status, .ok)
            XCTAssertTrue(compare.body.string.contains("1 question(s) changed"), compare.body.string)
        }
    }

    // Rules Q7, Q10, C6: the partner dashboard counts only its own partner's audits: the
    // stages, the days from first submission to the decision, the deficiencies by question
    // and the certificates lapsing within 90 days (day 90 in, day 91 out).
    func testTheDashboardFigures() async throws {
        try await withApp { app in
            let (id, owner, _) = try await submittedAudit(app)
            try await sendBack(app, id, daysAgo: 0)
            try await correctAndResubmit(id, as: owner)
            // The first submission was twelve days ago, at noon in Alberta.
            var alberta = Calendar(identifier: .gregorian)
            alberta.timeZone = CalendarDay.albertaTimeZone
            let twelveDaysAgo = CalendarDay.today.adding(days: -12)
            let first = try await AuditRevisionModel.query(on: app.db).filter(\.$revision == 1).first()!
            first.submittedAt = alberta.date(from: DateComponents(year: twelveDaysAgo.year, month: twelveDaysAgo.month, day: twelveDaysAgo.day, hour: 12))
            try await first.save(on: app.db)
            let qa = try await reviewer(app)
            try await QAService(db: app.db).save(try await loaded(app, id), checks: allMet(), answers: [:], deficiencies: [], by: qa)
            try await QAService(db: app.db).pass(try await loaded(app, id), by: qa)

            let esc = try await app.organisationId(named: "Energy Safety Canada")
            let dashboard = PartnerDashboard(db: app.db, programs: app.programs)
            let figures = try await dashboard.compute(partnerId: esc)
            XCTAssertEqual(figures.stages.first { $0.stage == .passed }?.count, 1)
            XCTAssertEqual(figures.stages.map(\.count).reduce(0, +), 1)
            XCTAssertEqual(figures.turnaroundDays, [12])
            XCTAssertEqual(figures.decided, 1)
            XCTAssertEqual(figures.passed, 1)
            XCTAssertEqual(figures.deficiencies.map(\.count), [1])
            XCTAssertTrue(figures.deficiencies.first?.label.contains("1.1") ?? false, "\(figures.deficiencies)")
            XCTAssertEqual(figures.lapsing.count, 0)  // three years to go
            let expiry = try CalendarDay(iso: try await CertificateModel.query(on: app.db).first()!.expiresOn)
            do {
                let lapsing = try await dashboard.compute(partnerId: esc, today: expiry.adding(days: -90)).lapsing
                XCTAssertEqual(lapsing.map(\.employerName), ["Northern Rig Services Ltd."])
                XCTAssertEqual(lapsing.first?.expiry, expiry)
            }
            do { let l = try await dashboard.compute(partnerId: esc, today: expiry.adding(days: -91)).lapsing; XCTAssertTrue(l.isEmpty) }
            do { let l = try await dashboard.compute(partnerId: esc, today: expiry).lapsing; XCTAssertEqual(l.count, 1) }
            do { let l = try await dashboard.compute(partnerId: esc, today: expiry.adding(days: 1)).lapsing; XCTAssertTrue(l.isEmpty) }
            // Another partner sees none of it.
            let acsa = try await dashboard.compute(partnerId: try await app.organisationId(named: "Alberta Construction Safety Association"),
                                                   today: expiry.adding(days: -30))
            XCTAssertEqual(acsa.stages.map(\.count).reduce(0, +), 0)
            XCTAssertTrue(acsa.turnaroundDays.isEmpty && acsa.deficiencies.isEmpty && acsa.lapsing.isEmpty)
            XCTAssertEqual(acsa.decided, 0)
            // The page and the API show the same figures.
            let api = try await APIClient(app, as: "esc-admin@secor.test")
            let body = try await api.send(.GET, "/api/v1/partner/dashboard")
            XCTAssertEqual(body.json["turnaroundDays"] as? [Int], [12])
            XCTAssertEqual(body.json["passed"] as? Int, 1)
            let browser = Browser(app)
            _ = try await browser.signIn("esc-admin@secor.test")
            let page = try await browser.get("/partner/dashboard")
            XCTAssertTrue(page.body.string.contains("median 12 days over 1 decided review(s)"), page.body.string)
        }
    }

    // Rules R6, Q10: two people (or two instances) deciding the same audit at once both
    // loaded it before either decided; the decision acts once and the other gets 409 —
    // one number, one certificate, one set of notifications.
    func testTheSameDecisionTwiceAtOnceActsOnce() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let owner = try await APIClient(app, as: "owner@secor.test")
            let registered = try await owner.send(.POST, "/api/v1/employers/\(employer)/audits", json: registration())
            let id = try XCTUnwrap(registered.json["id"].string)
            let admin = try CurrentUser(try await UserModel.query(on: app.db).filter(\.$email == "esc-admin@secor.test").first()!)
            let first = try await loaded(app, id), second = try await loaded(app, id)
            try await AuditService(db: app.db).decide(first, .init(approve: true), by: admin)
            do {
                try await AuditService(db: app.db).decide(second, .init(approve: true), by: admin)
                XCTFail("approved twice")
            } catch let error as AppError { XCTAssertEqual(error.status, .conflict) }
            let approvals = try await NotificationModel.query(on: app.db).filter(\.$title == "Audit registration approved").all()
            XCTAssertEqual(Set(approvals.map(\.$user.id)).count, approvals.count, "one approval notice per person")
            let number = try await loaded(app, id).audit.number
            XCTAssertNotNil(number)
        }
    }

    func testTheSamePassTwiceAtOnceGivesOneCertificate() async throws {
        try await withApp { app in
            let submitted = try await submittedAudit(app)
            let qa = try await reviewer(app)
            try await QAService(db: app.db).save(try await loaded(app, submitted.id), checks: allMet(), answers: [:], deficiencies: [], by: qa)
            let a = try await loaded(app, submitted.id), b = try await loaded(app, submitted.id)
            try await QAService(db: app.db).pass(a, by: qa)
            do {
                try await QAService(db: app.db).pass(b, by: qa)
                XCTFail("passed twice")
            } catch let error as AppError { XCTAssertEqual(error.status, .conflict) }
            let certificates = try await CertificateModel.query(on: app.db).filter(\.$audit.$id == UUID(uuidString: submitted.id)!).count()
            XCTAssertEqual(certificates, 1)
        }
    }

    // Rule D4: feedback 15 days ago is on time; 16 days ago the job marks it invalid,
    // exactly once, and the employer is told.
    func testD4Day15And16() async throws {
        try await withApp { app in
            let (id, _, _) = try await submittedAudit(app)
            try await sendBack(app, id, daysAgo: 15)
            let sweep = DeadlineSweep(db: app.db, programs: app.programs)
            do { let r = try await sweep.run(); XCTAssertEqual(r.invalidated, []) }
            do { let r = try await sweep.run(today: CalendarDay.today.adding(days: 1)); XCTAssertEqual(r.invalidated.count, 1) }
            do { let r = try await sweep.run(today: CalendarDay.today.adding(days: 1)); XCTAssertEqual(r.invalidated, []) }
            do { let l = try await loaded(app, id); XCTAssertEqual(l.stage, .invalid) }
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let owner = try await UserModel.query(on: app.db).filter(\.$organisation.$id == employer).filter(\.$email == "owner@secor.test").first()!
            let told = try await NotificationModel.query(on: app.db).filter(\.$user.$id == owner.requireID()).filter(\.$title ~~ "is invalid").count()
            XCTAssertEqual(told, 1)
        }
    }

    // Rule D5: 90 days after the first feedback the process may still end; on day 91 the
    // job marks it invalid, even with every correction returned in time.
    func testD5Day90And91() async throws {
        try await withApp { app in
            let (id, owner, _) = try await submittedAudit(app)
            try await sendBack(app, id, daysAgo: 90)
            // A later feedback 10 days ago keeps D4 on time (D4 is not the point here).
            try await QAReviewModel.query(on: app.db).set(\.$openFeedbackOn, to: CalendarDay.today.adding(days: -10).iso).update()
            try await correctAndResubmit(id, as: owner)
            // Back with QA, sent back again today: D4 is fine, D5 decides.
            try await sendBack(app, id, daysAgo: 0)
            let review = try await QAReviewModel.query(on: app.db).first()!
            XCTAssertEqual(review.firstFeedbackOn, CalendarDay.today.adding(days: -90).iso)
            let sweep = DeadlineSweep(db: app.db, programs: app.programs)
            do { let r = try await sweep.run(); XCTAssertEqual(r.invalidated, []) }
            do { let r = try await sweep.run(today: CalendarDay.today.adding(days: 1)); XCTAssertEqual(r.invalidated.count, 1) }
        }
    }

    // Two sweeps at the same moment (two app instances) mark the audit invalid once.
    func testTwoSweepsAtOnceActOnce() async throws {
        try await withApp { app in
            let (id, _, _) = try await submittedAudit(app)
            try await sendBack(app, id, daysAgo: 20)
            let results = try await withThrowingTaskGroup(of: DeadlineSweep.Result.self) { group in
                for _ in 0..<2 { group.addTask { try await DeadlineSweep(db: app.db, programs: app.programs).run() } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            XCTAssertEqual(results.map(\.invalidated.count).reduce(0, +), 1)
            let events = try await DeadlineEventModel.query(on: app.db).filter(\.$key == "invalid:\(id.uppercased())").count()
            XCTAssertEqual(events, 1)
            let logged = try await AuditLogEntryModel.query(on: app.db).filter(\.$action == "audit.invalid").count()
            XCTAssertEqual(logged, 1)
        }
    }

    // Deny by default: only the partner's staff review; the auditor and other partners cannot.
    func testWhoMayReview() async throws {
        try await withApp { app in
            let (id, _, _) = try await submittedAudit(app)
            let browser = Browser(app)
            _ = try await browser.signIn("owner@secor.test")
            do { let r = try await browser.post("/audits/\(id)/qa", form: ["check_reportData": "met"]); XCTAssertEqual(r.status, .forbidden) }
            _ = try await browser.signIn("acsa-qa@secor.test")
            do { let r = try await browser.get("/audits/\(id)/qa"); XCTAssertEqual(r.status, .notFound) }
            _ = try await browser.signIn("esc-qa@secor.test")
            do {
                let queue = try await browser.get("/qa")
                XCTAssertTrue(queue.body.string.contains("Northern Rig"))
                let form = try await browser.get("/audits/\(id)/qa")
                XCTAssertEqual(form.status, .ok)
                let saved = try await browser.post("/audits/\(id)/qa", form: ["check_reportData": "notMet", "comment_reportData": "No fax",
                                                                             "r_1.3": "points", "rp_1.3": "7", "newDeficiency": "Undated policy",
                                                                             "newQuestion": "1.1", "newActionable": "actionable"])
                XCTAssertEqual(saved.status, .seeOther)
                let review = try await QAReviewModel.query(on: app.db).first()!
                XCTAssertTrue(review.answers.contains("1.3"))
                XCTAssertTrue(review.deficiencies.contains("Undated policy"))
            }
        }
    }

    // P1, Q13: the print pages; the PDF by number only once QA passed; nobody else's.
    func testReportsByNumber() async throws {
        try await withApp { app in
            let (id, _, _) = try await submittedAudit(app)
            let number = try await AuditModel.find(UUID(uuidString: id)!, on: app.db)!.number!
            let browser = Browser(app)
            _ = try await browser.signIn("owner@secor.test")
            do {
                let page = try await browser.get("/audits/\(id)/print/report")
                XCTAssertEqual(page.status, .ok)
                XCTAssertTrue(page.body.string.contains("DRAFT"))
                XCTAssertTrue(page.body.string.contains(number))
            }
            do { let r = try await browser.get("/reports/\(number).pdf"); XCTAssertEqual(r.status, .conflict) }
            do { let r = try await browser.get("/audits/\(id)/print/certificate"); XCTAssertEqual(r.status, .notFound) }
            do { let r = try await browser.get("/reports/12345"); XCTAssertEqual(r.status, .notFound) }  // no audit has such a number
            let api = try await APIClient(app, as: "owner@secor.test")
            do { let s = try await api.send(.GET, "/api/v1/reports/\(number)").status; XCTAssertEqual(s, .conflict) }
            _ = try await browser.signIn("owner2@secor.test")
            do { let r = try await browser.get("/reports/\(number).pdf"); XCTAssertEqual(r.status, .notFound) }
            do { let r = try await browser.get("/audits/\(id)/print/report"); XCTAssertEqual(r.status, .notFound) }
        }
    }

    // Rules C1, C3, C6: after a passed certification the next audit is the year-2
    // maintenance audit, due by the end of the anniversary month; the warning 90 days
    // ahead is sent once.
    func testTheCycleAfterACertification() async throws {
        try await withApp { app in
            let (id, _, _) = try await submittedAudit(app)
            // Twelve months of records and more: the full three-year term (C2).
            try await backdateFirstRecord(app, employer: "Northern Rig Services Ltd.", toDaysAgo: 400)
            let qa = try await reviewer(app)
            try await QAService(db: app.db).save(try await loaded(app, id), checks: allMet(), answers: [:], deficiencies: [], by: qa)
            try await QAService(db: app.db).pass(try await loaded(app, id), by: qa)
            let ref = try await loaded(app, id).ref
            // Q10: the governing bodies are written to, through the outbox.
            do {
                let letters = try await EmailOutboxModel.query(on: app.db).filter(\.$recipient == "partnerships@example.invalid").all()
                XCTAssertEqual(letters.count, 1)
                XCTAssertTrue(letters.first?.subject.contains("passed") ?? false)
            }
            // P1: the report PDF by number through the API (where WeasyPrint is installed, as in CI).
            if PDFRenderer.executable() != nil {
                let number = try await AuditModel.find(UUID(uuidString: id)!, on: app.db)!.number!
                // The owner is this audit's auditor (its own assessor) and downloads it.
                let owner = try await app.token("owner@secor.test")
                try await app.test(.GET, "/api/v1/reports/\(number)", beforeRequest: { req async in req.headers.bearerAuthorization = .init(token: owner) }) { res async in
                    XCTAssertEqual(res.status, .ok)
                    XCTAssertEqual(res.headers.contentType?.subType, "pdf")
                    XCTAssertTrue(res.body.string.hasPrefix("%PDF"))
                }
            }
            let expiry = CalendarDay.today.adding(years: 3)
            let next = try await CycleService(db: app.db).status(ref)
            XCTAssertEqual(next.type, .maintenance)
            XCTAssertEqual(next.dueBy, expiry.adding(years: -2).lastDayOfMonth)
            do { let proposed = try await AuditService(db: app.db).proposal(ref); XCTAssertEqual(proposed.type, .maintenance) }
            let sweep = DeadlineSweep(db: app.db, programs: app.programs)
            let day = next.dueBy!.adding(days: -90)
            do { let r = try await sweep.run(today: day); XCTAssertEqual(r.warned, 1) }
            do { let r = try await sweep.run(today: day); XCTAssertEqual(r.warned, 0) }
            do { let r = try await sweep.run(today: day.adding(days: 1)); XCTAssertEqual(r.warned, 0) }  // still the 90-day window
            do { let r = try await sweep.run(today: next.dueBy!.adding(days: -60)); XCTAssertEqual(r.warned, 1) }
            // The partner's cycle page lists it.
            let browser = Browser(app)
            _ = try await browser.signIn("esc-admin@secor.test")
            let page = try await browser.get("/partner/cycle")
            XCTAssertTrue(page.body.string.contains("Maintenance audit"), page.body.string)
            let dashboard = try await browser.get("/partner/dashboard")
            XCTAssertTrue(dashboard.body.string.contains("100% (1 of 1)"), dashboard.body.string)
            // C6: partner admins may cancel a certificate, with the reason; nobody else.
            let certificate = try await CertificateModel.query(on: app.db).first()!.requireID()
            let other = Browser(app)
            _ = try await other.signIn("esc-qa@secor.test")
            do { let r = try await other.post("/partner/certificates/\(certificate)/cancel", form: ["reason": "x"]); XCTAssertEqual(r.status, .forbidden) }
            _ = try await other.signIn("acsa-admin@secor.test")
            do { let r = try await other.post("/partner/certificates/\(certificate)/cancel", form: ["reason": "x"]); XCTAssertEqual(r.status, .notFound) }
            do { let r = try await browser.post("/partner/certificates/\(certificate)/cancel", form: ["reason": ""]); XCTAssertEqual(r.status, .badRequest) }
            do { let r = try await browser.post("/partner/certificates/\(certificate)/cancel", form: ["reason": "WCB account closed"]); XCTAssertEqual(r.status, .seeOther) }
            let owner = try await APIClient(app, as: "owner@secor.test")
            let cycle = try await owner.send(.GET, "/api/v1/employers/\(ref.id)/cycle")
            XCTAssertEqual(cycle.json["status"].string, "cancelled")
        }
    }

    // The QA API: the same service as the pages, with the same denials.
    func testQAThroughTheAPI() async throws {
        try await withApp { app in
            let (id, owner, _) = try await submittedAudit(app)
            let qa = try await APIClient(app, as: "esc-qa@secor.test")
            let queue = try await qa.send(.GET, "/api/v1/qa/queue")
            XCTAssertEqual((queue.json.array.first as? [String: Any])?["auditId"] as? String, id)
            let checks = QACheckItem.allCases.map { ["item": $0.rawValue, "met": true] as [String: Any] }
            let saved = try await qa.send(.PUT, "/api/v1/audits/\(id)/qa", json: [
                "checks": checks, "scores": [["questionId": "2.2", "answer": ["kind": "points", "points": 5]]],
                "deficiencies": [["questionId": "1.1", "text": "Undated policy", "actionable": true]]])
            XCTAssertEqual(saved.status, .ok, "\(String(describing: saved.json))")
            let result = saved.json["result"] as? [String: Any]
            XCTAssertEqual(result?["differences"] as? [String], ["2.2"])
            XCTAssertEqual(result?["proposed"] as? String, "corrections")
            do { let s = try await owner.send(.PUT, "/api/v1/audits/\(id)/qa", json: ["checks": [], "scores": [], "deficiencies": []]).status; XCTAssertEqual(s, .forbidden) }
            let acsa = try await APIClient(app, as: "acsa-qa@secor.test")
            do { let s = try await acsa.send(.GET, "/api/v1/audits/\(id)/qa").status; XCTAssertEqual(s, .notFound) }
            let sent = try await qa.send(.POST, "/api/v1/audits/\(id)/qa/decision", json: ["decision": "sendBack", "message": "Date the policy"])
            XCTAssertEqual(sent.json["stage"].string, "corrections")
            let seen = try await owner.send(.GET, "/api/v1/audits/\(id)/qa")
            XCTAssertEqual((seen.json["feedback"] as? [Any])?.count, 1)
            do { let s = try await qa.send(.GET, "/api/v1/partner/dashboard").status; XCTAssertEqual(s, .ok) }
            do { let s = try await owner.send(.GET, "/api/v1/partner/dashboard").status; XCTAssertEqual(s, .forbidden) }
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let cycle = try await owner.send(.GET, "/api/v1/employers/\(employer)/cycle")
            XCTAssertEqual(cycle.json["status"].string, "none")
            XCTAssertEqual((cycle.json["nextAudit"] as? [String: Any])?["type"] as? String, "certification")
        }
    }

    // Rule Q9: the employer answers each deficiency the review added in its action plan,
    // which the printed action plan carries.
    func testEmployerRevisesItsActionPlan() async throws {
        try await withApp { app in
            let (id, _, _) = try await submittedAudit(app)
            try await sendBack(app, id, daysAgo: 0)
            let added = try await QAService(db: app.db).addedDeficiencies(try await loaded(app, id))
            XCTAssertEqual(added, ["Actionable deficiency on 1.1: The policy is not dated"])
            let browser = Browser(app)
            _ = try await browser.signIn("supervisor@secor.test")
            do { let r = try await browser.post("/audits/\(id)/employer-actions", form: ["deficiency": added[0], "action": "x", "owner": "y", "targetOn": CalendarDay.today.iso]); XCTAssertEqual(r.status, .forbidden) }
            _ = try await browser.signIn("owner@secor.test")
            do { let r = try await browser.post("/audits/\(id)/employer-actions", form: ["deficiency": "made up", "action": "x", "owner": "y", "targetOn": CalendarDay.today.iso]); XCTAssertEqual(r.status, .badRequest) }
            let ok = try await browser.post("/audits/\(id)/employer-actions", form: ["deficiency": added[0], "action": "Date and re-sign the policy",
                                                                                    "owner": "Sam Okafor", "targetOn": CalendarDay.today.adding(days: 7).iso])
            XCTAssertEqual(ok.status, .seeOther)
            let plan = try await browser.get("/audits/\(id)/print/action-plan")
            XCTAssertTrue(plan.body.string.contains("Date and re-sign the policy"))
        }
    }
}

extension XCTestCase {
    /// Moves the employer's earliest field record back, so its records span `days` days.
    func backdateFirstRecord(_ app: Application, employer: String, toDaysAgo days: Int) async throws {
        let id = try await app.organisationId(named: employer)
        guard let first = try await FieldRecordModel.query(on: app.db).filter(\.$employer.$id == id).sort(\.$occurredOn).first() else {
            return XCTFail("\(employer) has no field record")
        }
        first.occurredOn = CalendarDay.today.adding(days: -days).iso
        try await first.save(on: app.db)
    }
}
