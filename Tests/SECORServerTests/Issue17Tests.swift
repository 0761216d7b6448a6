import Fluent
@testable import SECORCore
@testable import SECORServer
import XCTest
import XCTVapor

/// The rule fixes and the routing of issue 17, through the API and pages as each side uses them.
final class Issue17Tests: XCTestCase {
    func user(_ app: Application, _ email: String) async throws -> UserModel {
        try await UserModel.query(on: app.db).filter(\.$email == email).first()!
    }

    func current(_ app: Application, _ email: String) async throws -> CurrentUser { try CurrentUser(try await user(app, email)) }

    func sendBack(_ app: Application, _ id: String, on day: CalendarDay) async throws {
        let qa = try await current(app, "esc-qa@secor.test")
        try await QAService(db: app.db).save(try await loaded(app, id), checks: QACheckItem.allCases.map { QACheckResult(item: $0, met: true, comment: "") },
                                             answers: [:], deficiencies: [QADeficiency(questionId: "1.1", text: "The policy is not dated", actionable: true)], by: qa)
        try await QAService(db: app.db).sendBack(try await loaded(app, id), message: "Date the policy", by: qa, today: day)
    }

    func notices(_ app: Application, _ email: String) async throws -> [NotificationModel] {
        try await NotificationModel.query(on: app.db).filter(\.$user.$id == (try await user(app, email)).requireID()).all()
    }

    // Rules D2, D4: a correction returned within 15 days of the feedback is signed and
    // resubmitted although D2 (21 days after the last day on site) passed long ago.
    func testACorrectionAfterD2IsAcceptedWithinD4() async throws {
        try await withApp { app in
            let (id, owner, _) = try await submittedAudit(app)
            // The audit ended 40 days ago: D2 passed 19 days ago.
            let audit = try await AuditModel.find(UUID(uuidString: id), on: app.db)!
            audit.lastDayOnSite = CalendarDay.today.adding(days: -40).iso
            audit.plannedStart = CalendarDay.today.adding(days: -45).iso
            try await audit.save(on: app.db)
            try await sendBack(app, id, on: CalendarDay.today.adding(days: -15))
            _ = try await owner.send(.PUT, "/api/v1/audits/\(id)/answers/1.1", json: [
                "answer": ["kind": "yes"], "methods": ["documentation"], "notes": "Policy now dated 3 March 2026 and signed by the owner."])
            let check = try await owner.send(.GET, "/api/v1/audits/\(id)/check")
            let rules = check.json["findings"].array.compactMap { ($0 as? [String: Any])?["rule"] as? String }
            XCTAssertFalse(rules.contains("D2"), "\(String(describing: check.json))")
            let signed = try await owner.send(.POST, "/api/v1/audits/\(id)/signatures", json: ["role": "auditor"])
            XCTAssertEqual(signed.status, .ok, "\(String(describing: signed.json))")
            let resubmitted = try await owner.send(.POST, "/api/v1/audits/\(id)/submission")
            XCTAssertEqual(resubmitted.status, .ok, "\(String(describing: resubmitted.json))")
            XCTAssertEqual(resubmitted.json["revision"] as? Int, 2)
            // The correction is back: the sweep leaves it alone.
            let swept = try await DeadlineSweep(db: app.db, programs: app.programs).run(today: CalendarDay.today.adding(days: 1))
            XCTAssertEqual(swept.invalidated, [])
        }
    }

    // Rules R1, R3: once the planned start has passed, approval needs a new start date, recorded as a change.
    func testApprovalAfterThePlannedStartNeedsANewStart() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let owner = try await APIClient(app, as: "owner@secor.test")
            let admin = try await APIClient(app, as: "esc-admin@secor.test")
            let registered = try await owner.send(.POST, "/api/v1/employers/\(employer)/audits", json: registration())
            let id = try XCTUnwrap(registered.json["id"].string)
            let audit = try await AuditModel.find(UUID(uuidString: id), on: app.db)!
            audit.plannedStart = CalendarDay.today.adding(days: -1).iso
            try await audit.save(on: app.db)
            let refused = try await admin.send(.POST, "/api/v1/audits/\(id)/decision", json: ["decision": "approve"])
            XCTAssertEqual(refused.status, .badRequest)
            XCTAssertEqual(refused.json["field"].string, "plannedStart")
            let pastStart = try await admin.send(.POST, "/api/v1/audits/\(id)/decision", json: ["decision": "approve", "newStart": CalendarDay.today.adding(days: -1).iso])
            XCTAssertEqual(pastStart.status, .badRequest)
            let approved = try await admin.send(.POST, "/api/v1/audits/\(id)/decision", json: ["decision": "approve", "newStart": CalendarDay.today.adding(days: 2).iso])
            XCTAssertEqual(approved.status, .ok, "\(String(describing: approved.json))")
            XCTAssertEqual(approved.json["plannedStart"].string, CalendarDay.today.adding(days: 2).iso)
            let changes = approved.json["changes"].array.compactMap { ($0 as? [String: Any])?["what"] as? String }
            XCTAssertTrue(changes.contains { $0.contains("→ \(CalendarDay.today.adding(days: 2).readable)") }, "\(changes)")
        }
    }

    // Rule R2: a rejection carries typed reasons and words.
    func testARejectionCarriesTypedReasons() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let owner = try await APIClient(app, as: "owner@secor.test")
            let admin = try await APIClient(app, as: "esc-admin@secor.test")
            let registered = try await owner.send(.POST, "/api/v1/employers/\(employer)/audits", json: registration())
            let id = try XCTUnwrap(registered.json["id"].string)
            let noReason = try await admin.send(.POST, "/api/v1/audits/\(id)/decision", json: ["decision": "reject", "reason": "Wrong account"])
            XCTAssertEqual(noReason.json["field"].string, "reasons")
            let noWords = try await admin.send(.POST, "/api/v1/audits/\(id)/decision", json: ["decision": "reject", "reasons": ["informationMissing"]])
            XCTAssertEqual(noWords.json["field"].string, "reason")
            let rejected = try await admin.send(.POST, "/api/v1/audits/\(id)/decision", json: [
                "decision": "reject", "reasons": ["informationMissing", "auditorNotQualified"], "reason": "The WCB account 8812345 is not the one on the work."])
            XCTAssertEqual(rejected.status, .ok)
            XCTAssertEqual(rejected.json["stage"].string, "rejected")
            let page = try await Browser(app).signedIn("owner@secor.test").get("/audits/\(id)").body.string
            XCTAssertTrue(page.contains("Information missing or inaccurate") && page.contains("Auditor not qualified"))
            let told = try await notices(app, "owner@secor.test").filter { $0.event == NoticeEvent.registrationRejected.rawValue }
            XCTAssertEqual(told.count, 1)
            XCTAssertTrue(told[0].body.contains("Auditor not qualified"))
        }
    }

    // Q1-Q8: the reviewer's working form is partner staff's until it is sent: the employer's
    // people read only the feedback sent.
    func testTheDraftReviewIsHiddenFromTheEmployer() async throws {
        try await withApp { app in
            let (id, _, _) = try await submittedAudit(app)
            let qa = try await current(app, "esc-qa@secor.test")
            try await QAService(db: app.db).save(try await loaded(app, id), checks: [QACheckResult(item: .reportData, met: false, comment: "Draft: fax unclear")],
                                                 answers: [:], deficiencies: [QADeficiency(questionId: "1.1", text: "Draft deficiency text", actionable: true)], by: qa)
            for email in ["owner@secor.test", "supervisor@secor.test", "worker@secor.test"] {
                let review = try await APIClient(app, as: email).send(.GET, "/api/v1/audits/\(id)/qa")
                XCTAssertEqual(review.status, .ok)
                XCTAssertEqual(review.json["checks"].array.count, 0, email)
                XCTAssertEqual(review.json["deficiencies"].array.count, 0, email)
                let page = try await Browser(app).signedIn(email).get("/audits/\(id)/qa").body.string
                XCTAssertFalse(page.contains("Draft deficiency text") || page.contains("Draft: fax unclear"), email)
            }
            let staff = try await APIClient(app, as: "esc-qa@secor.test").send(.GET, "/api/v1/audits/\(id)/qa")
            XCTAssertEqual(staff.json["deficiencies"].array.count, 1)
            // Once sent, the feedback is the employer's to read.
            try await QAService(db: app.db).sendBack(try await loaded(app, id), message: "Date the policy", by: qa)
            let page = try await Browser(app).signedIn("worker@secor.test").get("/audits/\(id)").body.string
            XCTAssertTrue(page.contains("Draft deficiency text"), "the sent feedback names the deficiency")
        }
    }

    // Reviewers are assigned and reassigned with the history kept; the reviewer is told; the queue shows it.
    func testReviewerAssignment() async throws {
        try await withApp { app in
            let (id, _, _) = try await submittedAudit(app)
            let admin = try await APIClient(app, as: "esc-admin@secor.test")
            let qaUser = try await user(app, "esc-qa@secor.test")
            let told = try await notices(app, "esc-qa@secor.test").filter { $0.event == NoticeEvent.auditSubmitted.rawValue }
            XCTAssertEqual(told.count, 1, "QA reviewers are told of a submission")
            let assigned = try await admin.send(.POST, "/api/v1/audits/\(id)/qa/assignment", json: ["reviewerId": qaUser.id!.uuidString, "note": "Yours this week"])
            XCTAssertEqual(assigned.status, .ok, "\(String(describing: assigned.json))")
            let again = try await admin.send(.POST, "/api/v1/audits/\(id)/qa/assignment", json: ["reviewerId": qaUser.id!.uuidString])
            XCTAssertEqual(again.status, .badRequest)
            let owner = try await APIClient(app, as: "owner@secor.test")
            let denied = try await owner.send(.POST, "/api/v1/audits/\(id)/qa/assignment", json: ["reviewerId": qaUser.id!.uuidString])
            XCTAssertEqual(denied.status, .forbidden)
            let stranger = try await admin.send(.POST, "/api/v1/audits/\(id)/qa/assignment", json: ["reviewerId": (try await user(app, "owner@secor.test")).id!.uuidString])
            XCTAssertEqual(stranger.json["field"].string, "reviewerId")
            let assignedNotice = try await notices(app, "esc-qa@secor.test").filter { $0.event == NoticeEvent.reviewerAssigned.rawValue }
            XCTAssertEqual(assignedNotice.count, 1)
            let adminUser = try await user(app, "esc-admin@secor.test")
            _ = try await admin.send(.POST, "/api/v1/audits/\(id)/qa/assignment", json: ["reviewerId": adminUser.id!.uuidString, "note": "Taking it over"])
            let history = try await QAAssignmentModel.query(on: app.db).sort(\.$createdAt).all()
            XCTAssertEqual(history.map(\.reviewerName), [qaUser.name, adminUser.name])
            let queue = try await APIClient(app, as: "esc-qa@secor.test").send(.GET, "/api/v1/qa/queue")
            let row = try XCTUnwrap(queue.json.array.first as? [String: Any])
            XCTAssertEqual(row["reviewerName"] as? String, adminUser.name)
            XCTAssertNotNil(row["submittedOn"] as? String)
            // A resubmission is told to the assigned reviewer only.
            let page = try await Browser(app).signedIn("esc-admin@secor.test").get("/qa").body.string
            XCTAssertTrue(page.contains(adminUser.name))
        }
    }

    // S4, Q12: every revision stays readable, by the API and as a page.
    func testRevisionsStayReadable() async throws {
        try await withApp { app in
            let (id, owner, _) = try await submittedAudit(app)
            let list = try await owner.send(.GET, "/api/v1/audits/\(id)/revisions")
            XCTAssertEqual(list.json.array.count, 1)
            let one = try await owner.send(.GET, "/api/v1/audits/\(id)/revisions/1")
            XCTAssertEqual(one.status, .ok)
            let content = try XCTUnwrap(one.json["content"] as? [String: Any])
            XCTAssertNotNil(content["questions"])
            XCTAssertEqual((one.json["contentHash"] as? String)?.count, 64)
            let missing = try await owner.send(.GET, "/api/v1/audits/\(id)/revisions/2")
            XCTAssertEqual(missing.status, .notFound)
            let page = try await Browser(app).signedIn("esc-qa@secor.test").get("/audits/\(id)/revisions/1")
            XCTAssertEqual(page.status, .ok)
            XCTAssertTrue(page.body.string.contains("Revision 1"))
            let other = try await APIClient(app, as: "owner2@secor.test").send(.GET, "/api/v1/audits/\(id)/revisions/1")
            XCTAssertEqual(other.status, .notFound)
        }
    }

    // Q11: a failed review makes the audit invalid, one word everywhere; D1: a pass waits for the last day on site.
    func testAFailedReviewIsInvalidAndAPassWaitsForTheLastDay() async throws {
        try await withApp { app in
            let (id, _, _) = try await submittedAudit(app)
            let audit = try await AuditModel.find(UUID(uuidString: id), on: app.db)!
            audit.lastDayOnSite = CalendarDay.today.adding(days: 1).iso
            try await audit.save(on: app.db)
            let qa = try await current(app, "esc-qa@secor.test")
            try await QAService(db: app.db).save(try await loaded(app, id), checks: QACheckItem.allCases.map { QACheckResult(item: $0, met: true, comment: "") },
                                                 answers: [:], deficiencies: [], by: qa)
            do {
                try await QAService(db: app.db).pass(try await loaded(app, id), by: qa)
                XCTFail("passed before the last day on site")
            } catch let error as AppError { XCTAssertTrue(error.message.contains("has not come yet")) }
            try await QAService(db: app.db).fail(try await loaded(app, id), reason: "The notes do not justify the scores.", by: qa)
            let reloaded = try await APIClient(app, as: "owner@secor.test").send(.GET, "/api/v1/audits/\(id)")
            XCTAssertEqual(reloaded.json["stage"].string, "invalid")
            let told = try await notices(app, "owner@secor.test").filter { $0.event == NoticeEvent.qaFailed.rawValue }
            XCTAssertEqual(told.count, 1)
        }
    }

    // Rule R7: fees are integer cents within bounds; a paid-on date cannot be in the future.
    func testFeesAreBounded() async throws {
        try await withApp { app in
            let (id, _, admin) = try await approvedAudit(app)
            let huge = try await admin.send(.PUT, "/api/v1/audits/\(id)/fee", json: ["cents": 10_000_001])
            XCTAssertEqual(huge.status, .badRequest)
            let future = try await admin.send(.PUT, "/api/v1/audits/\(id)/fee", json: ["cents": 35000, "paidOn": CalendarDay.today.adding(days: 1).iso])
            XCTAssertEqual(future.json["field"].string, "paidOn")
            let browser = try await Browser(app).signedIn("esc-admin@secor.test")
            for bad in ["12.345", "1e9", "99999999999999999999"] {
                let response = try await browser.post("/audits/\(id)/fee", form: ["fee": bad])
                XCTAssertEqual(response.status, .badRequest, bad)
            }
            let ok = try await browser.post("/audits/\(id)/fee", form: ["fee": "$1,250.50"])
            XCTAssertEqual(ok.status, .seeOther)
            let fee = try await AuditModel.find(UUID(uuidString: id), on: app.db)?.feeCents
            XCTAssertEqual(fee, 125_050)
        }
    }

    // Rule F1: a field record dated before anyone was on the roster is refused, naming the day.
    func testRecordDaysBeforeTheEmployerExistedAreRefused() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let supervisor = try await APIClient(app, as: "supervisor@secor.test")
            for day in ["1900-01-01", "0001-01-01"] {
                var body = AccessMatrixTests.flha
                body["occurredOn"] = day
                let refused = try await supervisor.send(.POST, "/api/v1/employers/\(employer)/records", json: body)
                XCTAssertEqual(refused.status, .badRequest, day)
                XCTAssertTrue("\(String(describing: refused.json))".contains("occurredOn"), day)
            }
        }
    }

    // The notice table, row by row: who each event reaches at Northern Rig and ESC.
    func testEveryRowOfTheNoticeTableReachesItsPeople() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let partner = try await app.organisationId(named: "Energy Safety Canada")
            let auditor = try await user(app, "auditor@secor.test").requireID()
            let worker = try await user(app, "worker@secor.test").requireID()
            let qa = try await user(app, "esc-qa@secor.test").requireID()
            let contractor = try await app.organisationId(named: "Summit Pipelines Ltd.")
            let subject = NoticeSubject(employerId: employer, partnerId: partner, auditorUserId: auditor, reviewerUserId: nil,
                                        assigneeUserId: worker, namedUserId: worker, contractorId: contractor)
            let owners = ["owner@secor.test"], supervisors = ["supervisor@secor.test"], admins = ["esc-admin@secor.test"]
            let expected: [NoticeEvent: [String]] = [
                .incidentReported: owners + supervisors,
                .inspectionItemFailed: supervisors + ["worker@secor.test"],
                .correctiveActionAssigned: ["worker@secor.test"],
                .correctiveActionOverdue: owners + ["worker@secor.test"],
                .recordSignatureNeeded: ["worker@secor.test"],
                .trainingExpiring: ["worker@secor.test"] + owners,
                .applicationSubmitted: admins,
                .applicationDecided: owners,
                .invitationAccepted: ["worker@secor.test"],
                .registrationSubmitted: admins,
                .registrationApproved: ["auditor@secor.test"] + owners,
                .registrationRejected: ["auditor@secor.test"] + owners,
                .registrationChanged: admins + ["auditor@secor.test"],
                .extensionRequested: admins,
                .extensionDecided: ["auditor@secor.test"] + owners,
                .reportSignatureNeeded: owners,
                .auditSubmitted: ["esc-qa@secor.test"] + owners,
                .reviewerAssigned: ["esc-qa@secor.test"],
                .qaFeedback: ["auditor@secor.test"] + owners,
                .qaPassed: ["auditor@secor.test"] + owners + admins,
                .qaFailed: ["auditor@secor.test"] + owners,
                .auditInvalid: ["auditor@secor.test"] + owners,
                .certificateWarning: owners + ["auditor@secor.test"],
                .certificateCancelled: owners + ["auditor@secor.test"],
                // V3: the contractor whose watch list holds the certificate, and nobody at the employer.
                .watchedCertificateChanged: ["contractor@secor.test"],
            ]
            XCTAssertEqual(Set(expected.keys), Set(NoticeEvent.allCases), "every row of the table is tested")
            let emails = Dictionary(uniqueKeysWithValues: try await UserModel.query(on: app.db).all().map { ($0.id!, $0.email) })
            for event in NoticeEvent.allCases {
                let got = try await Notices.recipients(event, subject, on: app.db).compactMap { emails[$0] }
                XCTAssertEqual(got, expected[event], event.rawValue)
            }
            // With a reviewer assigned, a submission reaches that reviewer alone of the partner's staff.
            var assigned = subject
            assigned.reviewerUserId = qa
            let reached = try await Notices.recipients(.auditSubmitted, assigned, on: app.db)
            XCTAssertEqual(reached.first, qa)
        }
    }

    // Workers are never told about audit administration: a whole audit, register to pass.
    func testAWorkerGetsNoAuditNotices() async throws {
        try await withApp { app in
            let (id, owner, _) = try await submittedAudit(app)
            try await sendBack(app, id, on: .today)
            _ = try await owner.send(.PUT, "/api/v1/audits/\(id)/answers/1.1", json: [
                "answer": ["kind": "yes"], "methods": ["documentation"], "notes": "Policy now dated 3 March 2026 and signed by the owner."])
            _ = try await owner.send(.POST, "/api/v1/audits/\(id)/signatures", json: ["role": "auditor"])
            _ = try await owner.send(.POST, "/api/v1/audits/\(id)/submission")
            let told = try await notices(app, "worker@secor.test")
            XCTAssertEqual(told.map(\.title), [])
            let ownerTold = try await notices(app, "owner@secor.test").compactMap(\.event)
            XCTAssertTrue(ownerTold.contains(NoticeEvent.registrationApproved.rawValue))
        }
    }

    // An incident reaches the owner and the supervisors, not the worker who is not one of them.
    func testAnIncidentReachesTheOwnerAndSupervisors() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let worker = try await APIClient(app, as: "worker@secor.test")
            let recorded = try await worker.send(.POST, "/api/v1/employers/\(employer)/records", json: [
                "kind": "incident", "occurredOn": CalendarDay.today.iso, "occurredTime": "10:15",
                "incident": ["isNearMiss": true, "site": "Pad 14-22", "whatHappened": "A pipe rolled off the rack; nobody was near.", "harm": "none",
                             "potentialSeverity": 3, "immediateActions": "Chocked the rack", "rootCauses": [], "contributingFactors": [],
                             "correctiveActions": "", "findingsToldTo": []] as [String: Any]])
            XCTAssertEqual(recorded.status, .created, "\(String(describing: recorded.json))")
            for email in ["owner@secor.test", "supervisor@secor.test"] {
                let got = try await notices(app, email).filter { $0.event == NoticeEvent.incidentReported.rawValue }
                XCTAssertEqual(got.count, 1, email)
                XCTAssertTrue(got[0].title.hasPrefix("Near miss at Pad 14-22"), got[0].title)
            }
            let self_ = try await notices(app, "worker@secor.test").filter { $0.event == NoticeEvent.incidentReported.rawValue }
            XCTAssertEqual(self_.count, 0, "the one who reported it is not told")
        }
    }

    // The sweep reminds of overdue corrective actions and expiring tickets, once each.
    func testRemindersOfOverdueActionsAndExpiringTickets() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let supervisor = try await APIClient(app, as: "supervisor@secor.test")
            let action = try await supervisor.send(.POST, "/api/v1/employers/\(employer)/records", json: [
                "kind": "correctiveAction", "occurredOn": CalendarDay.today.adding(days: -10).iso, "occurredTime": "08:00",
                "correctiveAction": ["description": "Replace the cracked sling", "owner": "Riley Nguyen",
                                     "dueOn": CalendarDay.today.adding(days: -1).iso, "status": "identified"] as [String: Any]])
            XCTAssertEqual(action.status, .created, "\(String(describing: action.json))")
            let assigned = try await notices(app, "worker@secor.test").filter { $0.event == NoticeEvent.correctiveActionAssigned.rawValue }
            XCTAssertEqual(assigned.count, 1, "the owner of the action (Riley, the worker) is told")
            // A ticket of the worker expiring in 30 days.
            let riley = try await PersonModel.query(on: app.db).filter(\.$name == "Riley Nguyen").first()!
            let completion = CompletionModel()
            completion.$employer.id = employer
            completion.$person.id = try riley.requireID()
            completion.courseId = "h2s-alive"
            completion.completedOn = CalendarDay.today.adding(years: -3).iso
            completion.expiresOn = CalendarDay.today.adding(days: 30).iso
            completion.provider = "Energy Safety Canada"
            completion.certificateNumber = "H2S-9"
            try await completion.create(on: app.db)
            let sweep = DeadlineSweep(db: app.db, programs: app.programs)
            let first = try await sweep.run()
            XCTAssertGreaterThanOrEqual(first.reminded, 2)
            let second = try await sweep.run()
            XCTAssertEqual(second.reminded, 0, "once each")
            let overdue = try await notices(app, "owner@secor.test").filter { $0.event == NoticeEvent.correctiveActionOverdue.rawValue }
            XCTAssertEqual(overdue.count, 1)
            let workerOverdue = try await notices(app, "worker@secor.test").filter { $0.event == NoticeEvent.correctiveActionOverdue.rawValue }
            XCTAssertEqual(workerOverdue.count, 1)
            for email in ["worker@secor.test", "owner@secor.test"] {
                let expiring = try await notices(app, email).filter { $0.event == NoticeEvent.trainingExpiring.rawValue && $0.title.contains("Riley Nguyen") }
                XCTAssertEqual(expiring.count, 1, email)
            }
        }
    }

    // A person who chose the daily digest gets one email a day with every notice, not one per notice.
    func testTheDailyDigest() async throws {
        try await withApp { app in
            let owner = try await user(app, "owner@secor.test")
            owner.emailDigest = true
            try await owner.save(on: app.db)
            let before = try await EmailOutboxModel.query(on: app.db).filter(\.$recipient == owner.email).count()
            for n in 1...3 {
                try await NotificationModel(userId: owner.requireID(), title: "Notice \(n)", body: "Body \(n)", link: "/home", event: .qaPassed).create(on: app.db)
            }
            let queued = try await EmailOutboxModel.query(on: app.db).filter(\.$recipient == owner.email).count()
            XCTAssertEqual(queued, before, "no email per notice")
            let sent = try await DigestJob(db: app.db).run()
            XCTAssertEqual(sent, 1)
            let again = try await DigestJob(db: app.db).run()
            XCTAssertEqual(again, 0, "once a day")
            let digest = try await EmailOutboxModel.query(on: app.db).filter(\.$recipient == owner.email).sort(\.$createdAt, .descending).first()!
            XCTAssertTrue(digest.subject.contains("3 notices"), digest.subject)
            XCTAssertTrue(digest.body.contains("Notice 1") && digest.body.contains("Notice 3"))
        }
    }

    // The audit tool keeps every keystroke: autosave answers JSON; "Add to the action plan"
    // keeps the answer and notes typed with it; full marks with leftovers asks.
    func testTheAuditToolKeepsTypedWork() async throws {
        try await withApp { app in
            let (id, _, _) = try await approvedAudit(app)
            let browser = try await Browser(app).signedIn("owner@secor.test")
            let autosaved = try await browser.post("/audits/\(id)/questions/1.1", form: ["answer": "no", "notes": "No policy on file", "intent": "autosave",
                                                                                         "action": "Write the policy"], accept: "application/json")
            XCTAssertEqual(autosaved.status, .ok, autosaved.body.string)
            XCTAssertTrue(autosaved.body.string.contains("\"answered\":1"), autosaved.body.string)
            var items = try await AuditActionItemModel.query(on: app.db).count()
            XCTAssertEqual(items, 0, "autosave never adds an action item")
            let added = try await browser.post("/audits/\(id)/questions/1.1/actions", form: [
                "answer": "no", "notes": "No policy on file; the owner says one is being written.", "recommendation": "Write and sign a policy",
                "action": "Write and sign the policy", "owner": "Sam Okafor", "targetOn": CalendarDay.today.adding(days: 30).iso])
            XCTAssertEqual(added.status, .seeOther)
            let answer = try await AuditAnswerModel.query(on: app.db).filter(\.$questionId == "1.1").first()!
            XCTAssertEqual(answer.notes, "No policy on file; the owner says one is being written.")
            XCTAssertEqual(answer.recommendation, "Write and sign a policy")
            items = try await AuditActionItemModel.query(on: app.db).count()
            XCTAssertEqual(items, 1)
            // Raised to full marks: the page asks whether to drop the leftovers.
            let raised = try await browser.post("/audits/\(id)/questions/1.1", form: ["answer": "yes", "methods[]": "documentation",
                                                                                      "notes": "Policy dated and signed by the owner on 3 March 2026.",
                                                                                      "recommendation": "Write and sign a policy"])
            XCTAssertEqual(raised.headers.first(name: .location), "/audits/\(id)/questions/1.1?ask=fullMarks#full-marks")
            let asked = try await browser.get("/audits/\(id)/questions/1.1?ask=fullMarks").body.string
            XCTAssertTrue(asked.contains("Full marks: drop the recommendation and action items?"))
            XCTAssertTrue(asked.contains("1 of"), "the progress count")
            _ = try await browser.post("/audits/\(id)/questions/1.1/tidy", form: [:])
            items = try await AuditActionItemModel.query(on: app.db).count()
            XCTAssertEqual(items, 0)
            let tidied = try await AuditAnswerModel.query(on: app.db).filter(\.$questionId == "1.1").first()!
            XCTAssertEqual(tidied.recommendation, "")
            XCTAssertEqual(tidied.notes, "Policy dated and signed by the owner on 3 March 2026.")
        }
    }

    // Home pages are to-do lists for each role.
    func testHomePagesAreToDoLists() async throws {
        try await withApp { app in
            let (id, _, _) = try await submittedAudit(app)
            _ = id
            let expected: [String: [String]] = [
                "owner@secor.test": ["Your audits", "New incidents and near misses", "Open corrective actions", "Missing and expiring tickets",
                                     "Records waiting for signatures", "Certificate and next audit", "Audit readiness"],
                "supervisor@secor.test": ["New incidents and near misses", "Open corrective actions", "Certificate and next audit"],
                "esc-qa@secor.test": ["QA queue: 1 waiting"],
                "esc-admin@secor.test": ["Applications waiting", "Registrations waiting for approval", "Certificates lapsing", "QA queue"],
                "auditor@secor.test": ["Your audits"],
            ]
            for (email, titles) in expected {
                let page = try await Browser(app).signedIn(email).get("/home")
                XCTAssertEqual(page.status, .ok, email)
                for title in titles { XCTAssertTrue(page.body.string.contains(title), "\(email): \(title)") }
            }
            let worker = try await Browser(app).signedIn("worker@secor.test").get("/home").body.string
            XCTAssertFalse(worker.contains("Your audits") || worker.contains("QA queue"))
        }
    }
}

extension Browser {
    /// This browser, signed in as `email`.
    func signedIn(_ email: String) async throws -> Browser {
        let response = try await signIn(email)
        XCTAssertEqual(response.status, .seeOther, "sign-in as \(email)")
        return self
    }
}
