import Fluent
@testable import SECORServer
import SECORCore
import XCTVapor

/// Audits in a known state, for the audit and QA tests.
extension XCTestCase {
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
        for q in protocolValue.questions {
            let answer = Self.json(q.plainAnswer(fullMarks: true, sites: [worksite]))
            let saved = try await auditor.send(.PUT, "/api/v1/audits/\(id)/answers/\(q.id)", json: [
                "answer": answer, "methods": q.methods.map(\.rawValue),
                "notes": "Reviewed twelve months of records with the owner; each signed and dated."])
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
}
