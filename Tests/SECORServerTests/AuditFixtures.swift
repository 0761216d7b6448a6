import Fluent
@testable import SECORServer
import SECORCore
import XCTVapor

/// Audits in a known state, for the audit and QA tests.
extension XCTestCase {
    /// The demo's ESC QA reviewer.
    func reviewer(_ app: Application) async throws -> CurrentUser {
        try CurrentUser(try await UserModel.query(on: app.db).filter(\.$email == "esc-qa@secor.test").first()!)
    }

    func loaded(_ app: Application, _ id: String) async throws -> LoadedAudit {
        try await AuditService(db: app.db).load(UUID(uuidString: id)!, programs: app.programs)
    }

    /// Every QA check met.
    func allMet() -> [QACheckResult] { QACheckItem.allCases.map { QACheckResult(item: $0, met: true, comment: "") } }

    func registration(start: CalendarDay? = nil, worksites: [String] = ["Pad 14-22-047-09W5"], accounts: [String] = ["8812345"],
                      type: String = "certification") -> [String: Any] {
        ["type": type, "plannedStart": (start ?? CalendarDay.today).iso, "worksites": worksites, "wcbAccounts": accounts]
    }

    /// Registers as Northern Rig's owner (its own assessor) and approves as the ESC admin.
    func approvedAudit(_ app: Application) async throws -> (id: String, owner: APIClient, admin: APIClient) {
        let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
        let owner = try await APIClient(app, as: "owner@secor.test")
        let admin = try await APIClient(app, as: "esc-admin@secor.test")
        let registered = try await owner.send(.POST, "/api/v1/employers/\(employer)/audits", json: registration())
        XCTAssertEqual(registered.status, .created, "\(String(describing: registered.json))")
        let id = registered.json["id"].string!
        let approved = try await admin.send(.POST, "/api/v1/audits/\(id)/decision", json: ["decision": "approve"])
        XCTAssertEqual(approved.status, .ok)
        return (id, owner, admin)
    }

    /// Answers every question with full marks and completes the report (S1, A4, D1).
    func complete(_ id: String, _ app: Application, as auditor: APIClient) async throws {
        let protocolValue = try await ProtocolService(db: app.db).current(partner: "esc").value
        let audit = try await auditor.send(.GET, "/api/v1/audits/\(id)")
        let sampling = audit.json["sampling"] as? [String: Any]
        let site = (sampling?["visitedSites"] as? [String])?.first ?? "Pad 14-22-047-09W5"
        let interviews = max(sampling?["requiredInterviews"] as? Int ?? 1, 1)
        let start = (audit.json["plannedStart"] as? String) ?? CalendarDay.today.iso
        for q in protocolValue.questions {
            var body: [String: Any] = ["methods": q.methods.map(\.rawValue),
                                       "notes": "Reviewed twelve months of records with the owner; each signed and dated."]
            if q.sheet != nil {
                // A sheet question scores from its rows: the sample's interviews, all positive.
                for n in 1...interviews {
                    let row = try await auditor.send(.POST, "/api/v1/audits/\(id)/questions/\(q.id)/sheet", json: [
                        "site": site, "role": "worker", "on": start, "positive": true, "subject": "Interviewee \(n)",
                        "note": "Confidential: answered without prompting."])
                    XCTAssertEqual(row.status, .created, "\(q.id): \(String(describing: row.json))")
                }
            } else {
                body["answer"] = Self.answerJSON(q.plainAnswer(fullMarks: true, sites: [site]))
            }
            let saved = try await auditor.send(.PUT, "/api/v1/audits/\(id)/answers/\(q.id)", json: body)
            XCTAssertEqual(saved.status, .ok, "\(q.id): \(String(describing: saved.json))")
        }
        let report = try await auditor.send(.GET, "/api/v1/audits/\(id)")
        var facts = report.json["report"] as! [String: Any]
        facts["assessorPhone"] = "780-555-0142"
        facts["employerProfile"] = "Well servicing around Drayton Valley."
        facts["dataGatheringEnd"] = CalendarDay.today.iso
        let saved = try await auditor.send(.PUT, "/api/v1/audits/\(id)/report", json: [
            "facts": facts, "strengths": ["Site-specific FLHAs"], "recommendations": ["Report near misses"], "lastDayOnSite": CalendarDay.today.iso])
        XCTAssertEqual(saved.status, .ok, "\(String(describing: saved.json))")
    }

    /// Completes, signs and submits an approved audit as its auditor (the owner, its own assessor).
    func submittedAudit(_ app: Application) async throws -> (id: String, owner: APIClient, admin: APIClient) {
        let audit = try await approvedAudit(app)
        try await complete(audit.id, app, as: audit.owner)
        _ = try await audit.owner.send(.POST, "/api/v1/audits/\(audit.id)/signatures", json: ["role": "auditor"])
        let submitted = try await audit.owner.send(.POST, "/api/v1/audits/\(audit.id)/submission")
        XCTAssertEqual(submitted.status, .ok, "\(String(describing: submitted.json))")
        return audit
    }

    /// An answer as the API's `AnswerValue`.
    static func answerJSON(_ answer: Answer) -> [String: Any] {
        let p = AnswerParsing.parts(answer)
        var json: [String: Any] = ["kind": p.kind]
        if let v = p.points { json["points"] = v }
        if let v = p.positive { json["positive"] = v }
        if let v = p.total { json["total"] = v }
        if let v = p.found { json["found"] = v }
        if let v = p.reason { json["reason"] = v }
        if !p.sites.isEmpty {
            json["sites"] = p.sites.map { site -> [String: Any] in
                var one = answerJSON(AnswerParsing.siteAnswer(site) ?? .no)
                one["site"] = site.site
                return one
            }
        }
        return json
    }
}
