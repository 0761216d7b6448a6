import Fluent
@testable import SECORCore
@testable import SECORServer
import XCTest
import XCTVapor

final class FieldRecordTests: XCTestCase {
    private func flha(key: String? = nil, notes: String = "Muster point at the lease gate", site: String = "Pad 14-22") -> [String: Any] {
        var body: [String: Any] = [
            "kind": "flha", "occurredOn": CalendarDay.today.iso, "occurredTime": "07:15",
            "flha": ["site": site, "location": "Wellhead 2", "task": "Change out choke valve",
                     "hazards": [["hazard": "Trapped pressure", "control": "Bleed down"], ["hazard": "H2S", "control": "Monitors"]],
                     "ppe": ["FR coveralls"],
                     "workers": ["Jordan Tremblay", "Riley Nguyen", "Chris Belanger"].map { ["name": $0] },
                     "notes": notes] as [String: Any]]
        if let key { body["idempotencyKey"] = key }
        return body
    }

    // Acceptance: an FLHA with two hazards and three workers appears in its element's
    // audit file and in search (by a word of its notes); the workers still have to sign.
    func testAnFLHAReachesTheAuditFileAndSearch() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let supervisor = try await APIClient(app, as: "supervisor@secor.test")
            let created = try await supervisor.send(.POST, "/api/v1/employers/\(employer)/records", json: flha())
            XCTAssertEqual(created.status, .created)
            let id = try XCTUnwrap(created.json["id"].string)
            let version = (created.json["versions"] as? [[String: Any]])?.first
            XCTAssertEqual((version?["signOffs"] as? [[String: Any]])?.count, 0)
            // The names typed are the roster's people, so they can sign.
            let waiting = created.json["waitingFor"] as? [[String: Any]] ?? []
            XCTAssertEqual(waiting.compactMap { $0["name"] as? String }, ["Jordan Tremblay", "Riley Nguyen", "Chris Belanger"])
            XCTAssertTrue(waiting.allSatisfy { $0["personId"] is String })

            let found = try await supervisor.send(.GET, "/api/v1/employers/\(employer)/records?q=muster")
            XCTAssertEqual(found.json.array.compactMap { ($0 as? [String: Any])?["id"] as? String }, [id])
            let none = try await supervisor.send(.GET, "/api/v1/employers/\(employer)/records?q=helicopter")
            XCTAssertEqual(none.json.array.count, 0)
            // The same word in another employer's record stays out of this employer's search.
            let roofing = try await app.organisationId(named: "Prairie Roofing Co.")
            let owner2 = try await APIClient(app, as: "owner2@secor.test")
            let other = try await owner2.send(.POST, "/api/v1/employers/\(roofing)/records", json: flha())
            XCTAssertEqual(other.status, .created)
            let again = try await supervisor.send(.GET, "/api/v1/employers/\(employer)/records?q=muster")
            XCTAssertEqual(again.json.array.compactMap { ($0 as? [String: Any])?["id"] as? String }, [id])
            let theirs = try await owner2.send(.GET, "/api/v1/employers/\(roofing)/records?q=muster")
            XCTAssertEqual(theirs.json.array.count, 1)
            let byPerson = try await supervisor.send(.GET, "/api/v1/employers/\(employer)/records?person=Riley&kind=flha&site=14-22")
            XCTAssertEqual(byPerson.json.array.count, 1)
            let outside = try await supervisor.send(.GET, "/api/v1/employers/\(employer)/records?from=\(CalendarDay.today.adding(days: -30).iso)&to=\(CalendarDay.today.adding(days: -1).iso)")
            XCTAssertEqual(outside.json.array.count, 0)

            let readiness = try await supervisor.send(.GET, "/api/v1/employers/\(employer)/readiness")
            let element2 = (readiness.json["elements"] as? [[String: Any]])?.first { $0["number"] as? Int == 2 }
            XCTAssertEqual(element2?["count"] as? Int, 1)
        }
    }

    // Offline capture sends each record with an idempotency key: twice, or twice at once, stores one.
    func testTheSameIdempotencyKeyStoresOneRecord() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let worker = try await APIClient(app, as: "worker@secor.test")
            let first = try await worker.send(.POST, "/api/v1/employers/\(employer)/records", json: flha(key: "phone-1"))
            let second = try await worker.send(.POST, "/api/v1/employers/\(employer)/records", json: flha(key: "phone-1"))
            XCTAssertEqual(first.status, .created)
            XCTAssertEqual(second.status, .ok)
            XCTAssertEqual(first.json["id"].string, second.json["id"].string)
            nonisolated(unsafe) let again = flha(key: "phone-2")
            // Sent four times at once: one is stored, and every send is answered with it (one
            // created, the rest replayed), none with a conflict.
            let answers = try await withThrowingTaskGroup(of: (UInt, String?).self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let answer = try await worker.send(.POST, "/api/v1/employers/\(employer)/records", json: again)
                        return (answer.status.code, answer.json["id"].string)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            XCTAssertEqual(answers.map(\.0).sorted(), [200, 200, 200, 201])
            XCTAssertEqual(Set(answers.compactMap(\.1)).count, 1)
            let count = try await app.recordsMadeByTheTest()
            XCTAssertEqual(count, 2)
        }
    }

    // An amendment keeps both versions, and the audit log shows who changed what.
    func testAnAmendmentKeepsBothVersions() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let supervisor = try await APIClient(app, as: "supervisor@secor.test")
            let idResult = try await supervisor.send(.POST, "/api/v1/employers/\(employer)/records", json: flha()).json["id"].string
            let id = try XCTUnwrap(idResult)
            var amended = flha(notes: "Muster point moved to the east gate")
            let noReason = try await supervisor.send(.POST, "/api/v1/employers/\(employer)/records/\(id)/amendments", json: amended)
            XCTAssertEqual(noReason.status, .badRequest)
            XCTAssertEqual(noReason.json["field"].string, "reason")
            amended["reason"] = "Muster point changed after the wind shifted"
            let result = try await supervisor.send(.POST, "/api/v1/employers/\(employer)/records/\(id)/amendments", json: amended)
            XCTAssertEqual(result.status, .ok)
            let versions = result.json["versions"] as? [[String: Any]] ?? []
            XCTAssertEqual(versions.map { $0["version"] as? Int }, [1, 2])
            XCTAssertEqual((versions[0]["flha"] as? [String: Any])?["notes"] as? String, "Muster point at the lease gate")
            XCTAssertEqual((versions[1]["flha"] as? [String: Any])?["notes"] as? String, "Muster point moved to the east gate")
            XCTAssertNotEqual(versions[0]["contentHash"] as? String, versions[1]["contentHash"] as? String)
            // Search finds the current words only.
            do { let v = try await supervisor.send(.GET, "/api/v1/employers/\(employer)/records?q=east").json.array.count; XCTAssertEqual(v, 1) }
            do { let v = try await supervisor.send(.GET, "/api/v1/employers/\(employer)/records?q=lease").json.array.count; XCTAssertEqual(v, 0) }
            let jordan = try await UserModel.query(on: app.db).filter(\.$email == "supervisor@secor.test").first()!
            let log = try await AuditLogEntryModel.query(on: app.db).filter(\.$entityId == id).sort(\.$seq).all()
            XCTAssertEqual(log.map(\.action), ["record.create", "record.amend"])
            XCTAssertTrue(log.allSatisfy { $0.actorId == jordan.id })
            XCTAssertTrue(log[1].detail.contains("Muster point changed"))
        }
    }

    func testRecordValidationNamesTheField() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let owner = try await APIClient(app, as: "owner@secor.test")
            var noHazards = flha()
            var content = noHazards["flha"] as! [String: Any]
            content["hazards"] = [[String: Any]]()
            noHazards["flha"] = content
            var badTime = flha()
            badTime["occurredTime"] = "25:00"
            var future = flha()
            future["occurredOn"] = CalendarDay.today.adding(days: 3).iso
            let talk: [String: Any] = ["kind": "toolboxTalk", "occurredOn": CalendarDay.today.iso, "occurredTime": "07:00",
                                       "toolboxTalk": ["topic": " ", "attendees": [["name": "A"]]]]
            let missing: [String: Any] = ["kind": "flha", "occurredOn": CalendarDay.today.iso, "occurredTime": "07:00"]
            for (body, field) in [(noHazards, "content.hazards[0].hazard"), (badTime, "occurredTime"), (future, "occurredOn"),
                                  (talk, "content.topic"), (missing, "flha")] {
                let result = try await owner.send(.POST, "/api/v1/employers/\(employer)/records", json: body)
                // The kind's content missing is a rule the document cannot state (422); the rest is 400.
                XCTAssertEqual(result.status, field == "flha" || body as NSDictionary == future as NSDictionary ? .unprocessableEntity : .badRequest)
                XCTAssertEqual(result.json["field"].string, field)
            }
            let count = try await app.recordsMadeByTheTest()
            XCTAssertEqual(count, 0)
        }
    }

    func testRecordsAreInvisibleToOthersAndReadOnlyForPartnerStaff() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let idResult = try await APIClient(app, as: "worker@secor.test").send(.POST, "/api/v1/employers/\(employer)/records", json: flha()).json["id"].string
            let id = try XCTUnwrap(idResult)
            for email in ["owner2@secor.test", "auditor@secor.test", "acsa-qa@secor.test"] {
                let other = try await APIClient(app, as: email)
                do { let v = try await other.send(.GET, "/api/v1/employers/\(employer)/records/\(id)").status; XCTAssertEqual(v, .notFound, email) }
                do { let v = try await other.send(.GET, "/api/v1/employers/\(employer)/records?q=muster").status; XCTAssertEqual(v, .notFound, email) }
                do { let v = try await other.send(.POST, "/api/v1/employers/\(employer)/records", json: flha()).status; XCTAssertEqual(v, .notFound, email) }
            }
            let qa = try await APIClient(app, as: "esc-qa@secor.test")
            do { let v = try await qa.send(.GET, "/api/v1/employers/\(employer)/records/\(id)").status; XCTAssertEqual(v, .ok) }
            do { let v = try await qa.send(.POST, "/api/v1/employers/\(employer)/records", json: flha()).status; XCTAssertEqual(v, .forbidden) }
            // Another employer's record id under one's own employer is not found either.
            let prairie = try await app.organisationId(named: "Prairie Roofing Co.")
            do { let v = try await APIClient(app, as: "owner2@secor.test").send(.GET, "/api/v1/employers/\(prairie)/records/\(id)").status; XCTAssertEqual(v, .notFound) }
        }
    }

    // Rule F2 through the API: an FLHA not signed by every worker is named with its record.
    func testReadinessNamesTheOffendingRecord() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let owner = try await APIClient(app, as: "owner@secor.test")
            let idResult = try await owner.send(.POST, "/api/v1/employers/\(employer)/records", json: flha()).json["id"].string
            let id = try XCTUnwrap(idResult)
            let supervisor = try await APIClient(app, as: "supervisor@secor.test")
            let signed = try await supervisor.send(.POST, "/api/v1/employers/\(employer)/records/\(id)/signoffs", json: ["role": "worker", "method": "self"])
            XCTAssertEqual(signed.status, .created)
            let readiness = try await owner.send(.GET, "/api/v1/employers/\(employer)/readiness")
            let generic = (readiness.json["deductions"] as? [[String: Any]])?.first { $0["kind"] as? String == "genericFLHA" }
            let finding = (generic?["findings"] as? [[String: Any]])?.first
            XCTAssertEqual(finding?["recordId"] as? String, id)
            XCTAssertTrue((finding?["reason"] as? String)?.contains("2 of 3 workers did not sign") == true)
        }
    }

    // Three years of daily records would make one list page of a megabyte: the list shows
    // 50 at a time, newest first, with links that keep the search.
    func testTheRecordsListIsPaged() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let supervisor = try await APIClient(app, as: "supervisor@secor.test")
            for n in 0..<55 {
                let created = try await supervisor.send(.POST, "/api/v1/employers/\(employer)/records", json: flha(notes: "Paging check \(n)"))
                XCTAssertEqual(created.status, .created)
            }
            let browser = Browser(app)
            _ = try await browser.signIn("supervisor@secor.test")
            let first = try await browser.get("/employers/\(employer)/records?q=paging").body.string
            XCTAssertTrue(first.contains("Records 1–50, newest first"), first)
            // The Older link keeps the search and carries the cursor of the page's last record.
            let older = try XCTUnwrap(first.firstMatch(of: /href="([^"]*records\?q=paging&amp;after=[^"&]+&amp;page=2)">Older/)?.1)
            XCTAssertFalse(first.contains("Newer"))
            let second = try await browser.get(String(older).replacingOccurrences(of: "&amp;", with: "&")).body.string
            XCTAssertTrue(second.contains("Records 51–55, newest first"))
            XCTAssertTrue(second.contains("Newer"))
            XCTAssertFalse(second.contains("Older"))
            let wrong = try await browser.get("/employers/\(employer)/records?page=0")
            XCTAssertEqual(wrong.status, .badRequest)
            XCTAssertTrue(wrong.body.string.contains("Page must be a whole number"))
        }
    }
}

final class DemoRecordTests: XCTestCase {
    // The demo's year of records builds the audit file and shows deductions on purpose.
    func testTheDemoYearShowsInReadiness() async throws {
        try await withApp(demoRecords: true) { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let owner = try await APIClient(app, as: "owner@secor.test")
            let readiness = try await owner.send(.GET, "/api/v1/employers/\(employer)/readiness")
            let kinds = (readiness.json["deductions"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            XCTAssertTrue(kinds.contains("genericFLHA"))
            XCTAssertTrue(kinds.contains("toolboxTalkRepeats"))
            let element2 = (readiness.json["elements"] as? [[String: Any]])?.first { $0["number"] as? Int == 2 }
            XCTAssertGreaterThan(element2?["count"] as? Int ?? 0, 50)
            let verify = try await AuditLog.verify(on: app.db)
            XCTAssertNil(verify.firstBroken)
            // Loading again adds nothing.
            let before = try await app.recordsMadeByTheTest()
            try await DemoData.load(on: app)
            let after = try await app.recordsMadeByTheTest()
            XCTAssertEqual(before, after)
        }
    }
}

/// Pre-starts open corrective actions; incidents, investigations and the policy feed the
/// F2 detectors; each deduction goes away when the record that fixes it is made.
final class MoreRecordKindTests: XCTestCase {
    private func record(_ kind: String, _ content: [String: Any], day: CalendarDay = .today, key: String? = nil) -> [String: Any] {
        var body: [String: Any] = ["kind": kind, "occurredOn": day.iso, "occurredTime": "08:00", kind: content]
        if let key { body["idempotencyKey"] = key }
        return body
    }

    private func deductions(_ client: APIClient, _ employer: UUID) async throws -> [String: [[String: Any]]] {
        let readiness = try await client.send(.GET, "/api/v1/employers/\(employer)/readiness")
        var result: [String: [[String: Any]]] = [:]
        for d in readiness.json["deductions"] as? [[String: Any]] ?? [] {
            result[d["kind"] as! String] = d["findings"] as? [[String: Any]]
        }
        return result
    }

    func testAPreStartDefectOpensACorrectiveActionUntilVerified() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let crew = try await APIClient(app, as: "supervisor@secor.test")
            let inspection = try await crew.send(.POST, "/api/v1/employers/\(employer)/records", json: record("preStartInspection", [
                "equipment": "Truck 3", "site": "Shop", "items": [["item": "Brakes", "result": "pass"], ["item": "Mirror", "result": "fail", "defect": "Cracked"]]]))
            XCTAssertEqual(inspection.status, .created)
            let inspectionId = try XCTUnwrap(inspection.json["id"].string)
            let actions = try await crew.send(.GET, "/api/v1/employers/\(employer)/records?kind=correctiveAction")
            XCTAssertEqual(actions.json.array.count, 1)
            do { let v = try await deductions(crew, employer)["preStartDefectOpen"]?.first?["recordId"] as? String; XCTAssertEqual(v, inspectionId) }

            // Verified without evidence is refused; with it, the deduction goes.
            let actionId = try XCTUnwrap((actions.json.array.first as? [String: Any])?["id"] as? String)
            let action = try await crew.send(.GET, "/api/v1/employers/\(employer)/records/\(actionId)")
            var content = ((action.json["versions"] as? [[String: Any]])?.last?["correctiveAction"] as? [String: Any]) ?? [:]
            content["status"] = "verified"
            var amend = record("correctiveAction", content)
            amend["reason"] = "Mirror replaced"
            let refused = try await crew.send(.POST, "/api/v1/employers/\(employer)/records/\(actionId)/amendments", json: amend)
            XCTAssertEqual(refused.json["field"].string, "content.verification")
            content["verification"] = "New mirror fitted and checked on the next pre-start"
            amend["correctiveAction"] = content
            let verified = try await crew.send(.POST, "/api/v1/employers/\(employer)/records/\(actionId)/amendments", json: amend)
            XCTAssertEqual(verified.status, .ok)
            do { let v = try await deductions(crew, employer)["preStartDefectOpen"]; XCTAssertNil(v) }
        }
    }

    // Rule F2: near misses, root causes and the signed policy through real records.
    func testIncidentsAndThePolicyFeedTheDetectors() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let owner = try await APIClient(app, as: "owner@secor.test")
            var found = try await deductions(owner, employer)
            XCTAssertNotNil(found["noNearMiss"])
            XCTAssertNotNil(found["policyUndatedOrSignerLeft"])

            let nearMiss = try await owner.send(.POST, "/api/v1/employers/\(employer)/records", json: record("incident", [
                "isNearMiss": true, "site": "Pad 7-09", "whatHappened": "A pipe rolled off the rack and missed a worker", "harm": "none", "potentialSeverity": 4,
                "rootCauses": ["Rack had no end stops"], "findingsToldTo": ["Riley Nguyen"], "findingsToldOn": CalendarDay.today.iso]))
            XCTAssertEqual(nearMiss.status, .created)
            let incident = try await owner.send(.POST, "/api/v1/employers/\(employer)/records", json: record("incident", [
                "isNearMiss": false, "site": "Shop", "whatHappened": "Cut hand on sheet metal", "harm": "injury", "actualSeverity": 1,
                "potentialSeverity": 2, "rootCauses": [String]()]))
            let incidentId = try XCTUnwrap(incident.json["id"].string)
            let noWhen = try await owner.send(.POST, "/api/v1/employers/\(employer)/records", json: record("incident", [
                "isNearMiss": true, "site": "Shop", "whatHappened": "x", "harm": "none", "potentialSeverity": 1, "findingsToldTo": ["Crew"]]))
            XCTAssertEqual(noWhen.json["field"].string, "content.findingsToldOn")

            let sam = try await PersonModel.query(on: app.db).filter(\.$name == "Sam Okafor").first()!
            let policy = try await owner.send(.POST, "/api/v1/employers/\(employer)/records", json: record("safetyPolicy", [
                "version": "5", "signerPersonId": sam.id!.uuidString, "text": "We put the safety of our people first."]))
            XCTAssertEqual(policy.status, .created)
            // Not signed yet: written is not signed.
            found = try await deductions(owner, employer)
            XCTAssertNotNil(found["policyUndatedOrSignerLeft"])
            let policyId = try XCTUnwrap(policy.json["id"].string)
            let signed = try await owner.send(.POST, "/api/v1/employers/\(employer)/records/\(policyId)/signoffs", json: ["role": "signer", "method": "self"])
            XCTAssertEqual(signed.status, .created)
            found = try await deductions(owner, employer)
            XCTAssertNil(found["noNearMiss"])
            XCTAssertNil(found["policyUndatedOrSignerLeft"])
            XCTAssertEqual(found["investigationNoRootCause"]?.first?["recordId"] as? String, incidentId)

            // The signer leaves: the policy now loses points.
            sam.endDate = CalendarDay.today.adding(days: -1).iso
            try await sam.save(on: app.db)
            found = try await deductions(owner, employer)
            XCTAssertTrue((found["policyUndatedOrSignerLeft"]?.first?["reason"] as? String)?.contains("Sam Okafor, who left") == true)
        }
    }
}

final class InspectionAndRegisterTests: XCTestCase {
    func testAWorkplaceDeficiencyOpensACorrectiveActionAndTheRegisterRatesRisk() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let crew = try await APIClient(app, as: "supervisor@secor.test")
            let inspection = try await crew.send(.POST, "/api/v1/employers/\(employer)/records", json: [
                "kind": "workplaceInspection", "occurredOn": CalendarDay.today.iso, "occurredTime": "10:00",
                "workplaceInspection": ["area": "Shop", "items": [["item": "Exits clear", "result": "fail", "defect": "Pallets at the back door"],
                                                                   ["item": "Housekeeping", "result": "pass"]]]])
            XCTAssertEqual(inspection.status, .created)
            let actions = try await crew.send(.GET, "/api/v1/employers/\(employer)/records?kind=correctiveAction&q=pallets")
            XCTAssertEqual(actions.json.array.count, 1)

            let entry = try await crew.send(.POST, "/api/v1/employers/\(employer)/records", json: [
                "kind": "hazardRegister", "occurredOn": CalendarDay.today.iso, "occurredTime": "10:05",
                "hazardRegister": ["hazard": "H2S in the tank farm", "taskOrArea": "Tank gauging", "likelihood": 3, "severity": 5,
                                   "controls": ["Personal monitors", "Gauge from upwind"]]])
            XCTAssertEqual(entry.status, .created)
            let content = (entry.json["versions"] as? [[String: Any]])?.first?["hazardRegister"] as? [String: Any]
            XCTAssertEqual(content?["riskRating"] as? String, "high")
            let bad = try await crew.send(.POST, "/api/v1/employers/\(employer)/records", json: [
                "kind": "hazardRegister", "occurredOn": CalendarDay.today.iso, "occurredTime": "10:05",
                "hazardRegister": ["hazard": "Noise", "taskOrArea": "Shop", "likelihood": 3, "severity": 2, "controls": [String]()]])
            XCTAssertEqual(bad.json["field"].string, "content.controls")
        }
    }

    // Every kind's phone form renders, and an empty one is refused with every problem; the
    // safety policy is the owner's or a senior manager's to write, not a worker's.
    func testEveryFormRendersAndRefusesEmptyInput() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let browser = Browser(app)
            _ = try await browser.signIn("worker@secor.test")
            for kind in FieldRecordKind.allCases {
                let page = try await browser.get("/employers/\(employer)/records/new/\(kind.rawValue)")
                if kind == .safetyPolicy {
                    XCTAssertEqual(page.status, .forbidden)
                    let post = try await browser.post("/employers/\(employer)/records/new/\(kind.rawValue)", form: ["occurredOn": CalendarDay.today.iso, "occurredTime": "09:00"])
                    XCTAssertEqual(post.status, .forbidden)
                    continue
                }
                XCTAssertEqual(page.status, .ok, kind.rawValue)
                XCTAssertTrue(page.body.string.contains("data-offline"), kind.rawValue)
                let empty = try await browser.post("/employers/\(employer)/records/new/\(kind.rawValue)",
                                                   form: ["occurredOn": CalendarDay.today.iso, "occurredTime": "09:00"])
                XCTAssertEqual(empty.status, .badRequest, kind.rawValue)
                XCTAssertTrue(empty.body.string.contains("class=\"error\""), kind.rawValue)
            }
            let count = try await app.recordsMadeByTheTest()
            XCTAssertEqual(count, 0)
            do { let r = try await browser.get("/employers/\(employer)/records/new/nonsense"); XCTAssertEqual(r.status, .notFound) }
        }
    }
}

final class RecordAttachmentTests: XCTestCase {
    // Photos and files on a record: stored by hash, bound into the version's content hash,
    // kept by an amendment that brings none, and only this employer's files.
    func testPhotosAreBoundToTheVersion() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let crew = try await APIClient(app, as: "supervisor@secor.test")
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]
            let photo = try await crew.send(.POST, "/api/v1/employers/\(employer)/files?filename=wellhead.png", bytes: png)
            let photoId = try XCTUnwrap(photo.json["id"].string)
            var body: [String: Any] = ["kind": "toolboxTalk", "occurredOn": CalendarDay.today.iso, "occurredTime": "06:45",
                                       "toolboxTalk": ["topic": "Hot work", "attendees": [["name": "Jordan Tremblay"]]],
                                       "fileIds": [photoId]]
            let created = try await crew.send(.POST, "/api/v1/employers/\(employer)/records", json: body)
            XCTAssertEqual(created.status, .created)
            let first = (created.json["versions"] as? [[String: Any]])?.first
            XCTAssertEqual((first?["attachments"] as? [[String: Any]])?.first?["sha256"] as? String, photo.json["sha256"].string)
            let id = try XCTUnwrap(created.json["id"].string)

            body["fileIds"] = nil
            body["reason"] = "Added the notes"
            body["toolboxTalk"] = ["topic": "Hot work", "notes": "Fire watch for 30 minutes after", "attendees": [["name": "Jordan Tremblay"]]]
            let amended = try await crew.send(.POST, "/api/v1/employers/\(employer)/records/\(id)/amendments", json: body)
            let second = (amended.json["versions"] as? [[String: Any]])?.last
            XCTAssertEqual((second?["attachments"] as? [[String: Any]])?.count, 1)

            // Another employer's file cannot be attached.
            let other = try await APIClient(app, as: "owner2@secor.test")
            let prairie = try await app.organisationId(named: "Prairie Roofing Co.")
            body["fileIds"] = [photoId]
            body["reason"] = nil
            let refused = try await other.send(.POST, "/api/v1/employers/\(prairie)/records", json: body)
            XCTAssertEqual(refused.status, .badRequest)
            XCTAssertEqual(refused.json["field"].string, "fileIds")
        }
    }
}

final class RecordsHistoryTests: XCTestCase {
    // Rule E5 with field records: the earliest record starts the three months.
    func testAFieldRecordStartsTheRecordsHistory() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Foothills Hot Shot Ltd.")
            let admin = try await APIClient(app, as: "esc-admin@secor.test")
            var reasons = try await admin.send(.GET, "/api/v1/employers/\(employer)/eligibility").json["reasons"].array
            XCTAssertTrue(reasons.contains { ($0 as? [String: Any])?["rule"] as? String == "E5" })
            // Foothills has no user who records; write one record as its owner would, through the service.
            let ref = try await EmployerRef.load(employer, on: app.db, programs: app.programs)
            let owner = UserModel(id: UUID(), organisationId: employer, email: "lee@foothills.test", name: "Lee Harper", passwordHash: "x", role: .employerOwner)
            try await owner.create(on: app.db)
            let talk = ToolboxTalkContent(site: "Yard", topic: "Winter driving", attendees: [.init(name: "Lee Harper")], notes: "")
            _ = try await FieldRecordService(db: app.db).create(ref, RecordContent(talk), when: FieldRecordService.When(day: CalendarDay.today.adding(months: -3), time: "07:00"),
                                                                idempotencyKey: nil, by: try CurrentUser(owner))
            reasons = try await admin.send(.GET, "/api/v1/employers/\(employer)/eligibility").json["reasons"].array
            XCTAssertFalse(reasons.contains { ($0 as? [String: Any])?["rule"] as? String == "E5" })
        }
    }
}
