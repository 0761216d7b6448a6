import Fluent
import Foundation
@testable import SECORCore
@testable import SECORServer
import Vapor
import XCTest
import XCTVapor

/// The access matrix: every API operation, asked by every role, about the caller's own
/// organisation's data and about another's. One table says the expected answer; the test
/// fails on any cell that differs, and on any operation of `openapi.yaml` the table lacks.
///
/// "Own" data is Northern Rig Services (ESC) and its audit, audited by its owner (its own
/// assessor). "Other" data is Prairie Roofing (ACSA) and its audit. The callers are
/// Northern Rig's people, ESC's staff, and an ESC external auditor with no part in either.
final class AccessMatrixTests: XCTestCase {
    /// The callers, in the order of each expectation string.
    static let callers: [String?] = ["owner@secor.test", "supervisor@secor.test", "worker@secor.test",
                                     "esc-admin@secor.test", "esc-qa@secor.test", "auditor@secor.test", "contractor@secor.test", nil]

    /// One operation: `own` and `other` hold one letter per caller (owner, supervisor, worker,
    /// partner admin, QA reviewer, unrelated external auditor, prime contractor, signed out): A allowed (any answer
    /// but 401, 403 and 404), F 403, N 404, U 401. `other` is nil where the operation names no
    /// organisation's data. Placeholders in braces are filled per side (see `World`).
    struct Row {
        var operation: String
        var method: HTTPMethod
        var path: String
        var body: [String: Any]?
        var own: String
        var other: String?
        var bytes: [UInt8]? = nil
    }

    nonisolated(unsafe) static let flha: [String: Any] = [
        "kind": "flha", "occurredOn": CalendarDay.today.iso, "occurredTime": "07:15",
        "flha": ["site": "Pad 14-22", "location": "Wellhead 2", "task": "Change out choke valve",
                 "hazards": [["hazard": "Trapped pressure", "control": "Bleed down"]], "ppe": ["FR coveralls"],
                 "workers": [["name": "Worker 1"]], "notes": ""] as [String: Any]]
    nonisolated(unsafe) static let person: [String: Any] = ["name": "New Hand", "category": "worker", "fullTime": true, "familiarWithOperation": false,
                                        "jobRole": "Operator", "startDate": CalendarDay.today.iso]
    nonisolated(unsafe) static let auditor: [String: Any] = ["name": "Pat Auditor", "email": "pat{unique}@auditors.test",
                                         "certificationNumber": "EA-{unique}", "standing": "goodStanding",
                                         "validUntil": CalendarDay.today.adding(years: 1).iso, "courses": [String: String]()]

    nonisolated(unsafe) static let rows: [Row] = [
        // Public, the own account, lists scoped by the caller.
        Row(operation: "getHealth", method: .GET, path: "/health", own: "AAAAAAAA"),
        // V1, V2: public facts for anyone, signed in or not, about any certificate.
        Row(operation: "searchPublicCertificates", method: .GET, path: "/api/v1/public/certificates?q=MATRIX", own: "AAAAAAAA"),
        Row(operation: "getPublicCertificate", method: .GET, path: "/api/v1/public/certificates/{certificateNumber}", own: "AAAAAAAA", other: "AAAAAAAA"),
        Row(operation: "createSession", method: .POST, path: "/api/v1/sessions",
            body: ["email": "worker@secor.test", "password": TestAccounts.password], own: "AAAAAAAA"),
        Row(operation: "getMe", method: .GET, path: "/api/v1/me", own: "AAAAAAAU"),
        Row(operation: "setEmailPreference", method: .PUT, path: "/api/v1/me/email", body: ["emailDigest": false], own: "AAAAAAAU"),
        Row(operation: "listPrograms", method: .GET, path: "/api/v1/programs", own: "AAAAAAAA"),
        Row(operation: "listEmployers", method: .GET, path: "/api/v1/employers", own: "AAAAAAAU"),
        Row(operation: "listNotifications", method: .GET, path: "/api/v1/notifications", own: "AAAAAAAU"),
        Row(operation: "listAudits", method: .GET, path: "/api/v1/audits", own: "AAAAAAFU"),
        Row(operation: "createApplication", method: .POST, path: "/api/v1/applications",
            body: applicationBody(name: "Matrix Drilling {unique}", email: "apply{unique}@test.test"), own: "AAAAAAAA"),
        // The partner's work.
        Row(operation: "listApplications", method: .GET, path: "/api/v1/applications", own: "FFFAFFFU"),
        Row(operation: "listAuditors", method: .GET, path: "/api/v1/auditors", own: "FFFAFFFU"),
        Row(operation: "createAuditor", method: .POST, path: "/api/v1/auditors", body: auditor, own: "FFFAFFFU"),
        Row(operation: "updateAuditor", method: .PUT, path: "/api/v1/auditors/{auditorEntry}", body: auditor, own: "FFFAFFFU", other: "FFFNFFFU"),
        Row(operation: "qaQueue", method: .GET, path: "/api/v1/qa/queue", own: "FFFAAFFU"),
        Row(operation: "listCycle", method: .GET, path: "/api/v1/partner/cycle", own: "FFFAAFFU"),
        Row(operation: "exportCycle", method: .GET, path: "/api/v1/partner/cycle/export", own: "FFFAAFFU"),
        Row(operation: "getDashboard", method: .GET, path: "/api/v1/partner/dashboard", own: "FFFAAFFU"),
        Row(operation: "decideApplication", method: .POST, path: "/api/v1/applications/{employer}/decision",
            body: ["decision": "approve"], own: "FFFAFNNU", other: "NNNNNNNU"),
        // One employer's data.
        Row(operation: "getEmployer", method: .GET, path: "/api/v1/employers/{employer}", own: "AAAAANNU", other: "NNNNNNNU"),
        Row(operation: "getEmployerDetails", method: .GET, path: "/api/v1/employers/{employer}/details", own: "AAAAANNU", other: "NNNNNNNU"),
        Row(operation: "updateEmployerDetails", method: .PUT, path: "/api/v1/employers/{employer}/details",
            body: ["programId": "esc", "legalName": "{legalName}", "tradeName": "", "address": "1 Main St, Leduc AB", "contactName": "Sam", "phone": "780-555-0100",
                   "fax": "", "email": "office@example.test", "wcbAccounts": [["number": "{wcb}", "industryCode": "{industry}", "active": true]]],
            own: "AFFAFNNU", other: "NNNNNNNU"),
        Row(operation: "getEligibility", method: .GET, path: "/api/v1/employers/{employer}/eligibility", own: "AAAAANNU", other: "NNNNNNNU"),
        Row(operation: "listPeople", method: .GET, path: "/api/v1/employers/{employer}/people", own: "AAAAANNU", other: "NNNNNNNU"),
        Row(operation: "createPerson", method: .POST, path: "/api/v1/employers/{employer}/people", body: person, own: "AAFFFNNU", other: "NNNNNNNU"),
        Row(operation: "getPerson", method: .GET, path: "/api/v1/employers/{employer}/people/{person}", own: "AAAAANNU", other: "NNNNNNNU"),
        Row(operation: "updatePerson", method: .PUT, path: "/api/v1/employers/{employer}/people/{person}", body: person, own: "AAFFFNNU", other: "NNNNNNNU"),
        Row(operation: "getTraining", method: .GET, path: "/api/v1/employers/{employer}/training", own: "AAAAANNU", other: "NNNNNNNU"),
        Row(operation: "createCompletion", method: .POST, path: "/api/v1/employers/{employer}/completions",
            body: ["personId": "{person}", "courseId": "{course}", "completedOn": CalendarDay.today.iso, "provider": "Red Cross", "certificateNumber": "C-1"],
            own: "AAFFFNNU", other: "NNNNNNNU"),
        Row(operation: "uploadFile", method: .POST, path: "/api/v1/employers/{employer}/files?filename=cert.pdf", body: nil,
            own: "AAFFFNNU", other: "NNNNNNNU", bytes: Array("%PDF-1.4\n% matrix\n".utf8)),
        Row(operation: "downloadFile", method: .GET, path: "/api/v1/employers/{employer}/files/{file}", own: "AAAAANNU", other: "NNNNNNNU"),
        Row(operation: "getMatrix", method: .GET, path: "/api/v1/employers/{employer}/matrix", own: "AAAAANNU", other: "NNNNNNNU"),
        Row(operation: "addMatrixRequirement", method: .POST, path: "/api/v1/employers/{employer}/matrix",
            body: ["jobRole": "Swamper", "courseId": "{course}"], own: "AAFFFNNU", other: "NNNNNNNU"),
        Row(operation: "removeMatrixRequirement", method: .DELETE, path: "/api/v1/employers/{employer}/matrix/{newRequirement}",
            own: "AAFFFNNU", other: "NNNNNNNU"),
        Row(operation: "getAssessor", method: .GET, path: "/api/v1/employers/{employer}/assessor", own: "AAAAANNU", other: "NNNNNNNU"),
        Row(operation: "designateAssessor", method: .PUT, path: "/api/v1/employers/{employer}/assessor",
            body: ["personId": "{assessor}"], own: "AFFAFNNU", other: "NNNNNNNU"),
        Row(operation: "listRecords", method: .GET, path: "/api/v1/employers/{employer}/records?q=valve", own: "AAAAANNU", other: "NNNNNNNU"),
        Row(operation: "createRecord", method: .POST, path: "/api/v1/employers/{employer}/records", body: flha, own: "AAAFFNNU", other: "NNNNNNNU"),
        Row(operation: "getProofPack", method: .GET, path: "/api/v1/employers/{employer}/proof-pack", own: "AAAAANNU", other: "NNNNNNNU"),
        Row(operation: "exportRecords", method: .GET, path: "/api/v1/employers/{employer}/records/export", own: "AAAAANNU", other: "NNNNNNNU"),
        Row(operation: "getRecord", method: .GET, path: "/api/v1/employers/{employer}/records/{record}", own: "AAAAANNU", other: "NNNNNNNU"),
        Row(operation: "amendRecord", method: .POST, path: "/api/v1/employers/{employer}/records/{record}/amendments",
            body: flha.merging(["reason": "Typo"]) { $1 }, own: "AAAFFNNU", other: "NNNNNNNU"),
        // Signing needs a person on the roster named on the record: the crew reaches the rule (400), partner staff do not.
        Row(operation: "signRecord", method: .POST, path: "/api/v1/employers/{employer}/records/{record}/signoffs",
            body: ["role": "worker", "method": "self"], own: "AAAFFNNU", other: "NNNNNNNU"),
        Row(operation: "getReadiness", method: .GET, path: "/api/v1/employers/{employer}/readiness", own: "AAAAANNU", other: "NNNNNNNU"),
        Row(operation: "getCycle", method: .GET, path: "/api/v1/employers/{employer}/cycle", own: "AAAAANNU", other: "NNNNNNNU"),
        Row(operation: "registerAudit", method: .POST, path: "/api/v1/employers/{employer}/audits",
            body: ["type": "certification", "plannedStart": CalendarDay.today.iso, "worksites": ["Pad 1"], "wcbAccounts": ["{wcb}"]],
            own: "AFFFFNNU", other: "NNNNNNNU"),
        // One audit (its auditor is the owner, its employer's own assessor).
        Row(operation: "getAudit", method: .GET, path: "/api/v1/audits/{audit}", own: "AAAAANNU", other: "NNNNNNNU"),
        Row(operation: "findAuditByNumber", method: .GET, path: "/api/v1/audits/by-number/{number}", own: "AAAAANNU", other: "NNNNNNNU"),
        Row(operation: "saveAnswer", method: .PUT, path: "/api/v1/audits/{audit}/answers/{question}",
            body: ["answer": ["kind": "yes"], "methods": ["documentation"], "notes": "Checked the binder with the owner on site."],
            own: "AFFFFNNU", other: "NNNNNNNU"),
        Row(operation: "proposeEvidence", method: .GET, path: "/api/v1/audits/{audit}/questions/{question}/evidence", own: "AAAAANNU", other: "NNNNNNNU"),
        Row(operation: "addActionItem", method: .POST, path: "/api/v1/audits/{audit}/action-items",
            body: ["questionId": "{question}", "action": "Train the crew", "owner": "Owner", "targetOn": CalendarDay.today.adding(days: 30).iso],
            own: "AFFFFNNU", other: "NNNNNNNU"),
        Row(operation: "removeActionItem", method: .DELETE, path: "/api/v1/audits/{audit}/action-items/{newActionItem}", own: "AFFFFNNU", other: "NNNNNNNU"),
        // Sampling sheets: the who and the notes are confidential, so the employer's other people are refused even reading.
        Row(operation: "listSheetRows", method: .GET, path: "/api/v1/audits/{audit}/questions/1.5/sheet", own: "AFFAANNU", other: "NNNNNNNU"),
        Row(operation: "addSheetRow", method: .POST, path: "/api/v1/audits/{audit}/questions/1.5/sheet",
            body: ["site": "Pad 1", "role": "worker", "on": CalendarDay.today.iso, "positive": true, "subject": "Matrix", "note": ""],
            own: "AFFFFNNU", other: "NNNNNNNU"),
        Row(operation: "deleteSheetRow", method: .DELETE, path: "/api/v1/audits/{audit}/sheet/{newSheetRow}", own: "AFFFFNNU", other: "NNNNNNNU"),
        Row(operation: "getCarryOver", method: .GET, path: "/api/v1/audits/{audit}/carry-over", own: "AAAAANNU", other: "NNNNNNNU"),
        Row(operation: "carryOverAnswer", method: .POST, path: "/api/v1/audits/{audit}/carry-over/{question}", own: "AFFFFNNU", other: "NNNNNNNU"),
        Row(operation: "saveAuditReport", method: .PUT, path: "/api/v1/audits/{audit}/report",
            body: ["facts": [String: Any](), "strengths": ["Good"], "recommendations": ["More"]], own: "AFFFFNNU", other: "NNNNNNNU"),
        Row(operation: "attachToAudit", method: .PUT, path: "/api/v1/audits/{audit}/attachments/safetyManual", body: ["fileId": "{file}"],
            own: "AFFFFNNU", other: "NNNNNNNU"),
        Row(operation: "checkAudit", method: .GET, path: "/api/v1/audits/{audit}/check", own: "AAAAANNU", other: "NNNNNNNU"),
        Row(operation: "signAudit", method: .POST, path: "/api/v1/audits/{audit}/signatures", body: ["role": "auditor"], own: "AFFFFNNU", other: "NNNNNNNU"),
        Row(operation: "requestExtension", method: .POST, path: "/api/v1/audits/{audit}/extensions",
            body: ["deadline": "D1", "days": 5, "reason": "Crew away at a turnaround"], own: "AFFFFNNU", other: "NNNNNNNU"),
        Row(operation: "decideExtension", method: .POST, path: "/api/v1/audits/{audit}/extensions/{extension}/decision",
            body: ["decision": "approve"], own: "FFFAFNNU", other: "NNNNNNNU"),
        Row(operation: "setAuditFee", method: .PUT, path: "/api/v1/audits/{audit}/fee", body: ["cents": 25000], own: "FFFAFNNU", other: "NNNNNNNU"),
        Row(operation: "recordBinder", method: .POST, path: "/api/v1/audits/{audit}/binder", body: ["receivedOn": CalendarDay.today.iso],
            own: "FFFAFNNU", other: "NNNNNNNU"),
        Row(operation: "getQAReview", method: .GET, path: "/api/v1/audits/{audit}/qa", own: "AAAAANNU", other: "NNNNNNNU"),
        Row(operation: "assignQAReviewer", method: .POST, path: "/api/v1/audits/{audit}/qa/assignment", body: ["reviewerId": UUID().uuidString],
            own: "FFFAANNU", other: "NNNNNNNU"),
        Row(operation: "listAuditRevisions", method: .GET, path: "/api/v1/audits/{audit}/revisions", own: "AAAAANNU", other: "NNNNNNNU"),
        // Before submission there is no revision 1 (404 for everyone); QATests read it once there is.
        Row(operation: "getAuditRevision", method: .GET, path: "/api/v1/audits/{audit}/revisions/1", own: "NNNNNNNU", other: "NNNNNNNU"),
        Row(operation: "saveQAReview", method: .PUT, path: "/api/v1/audits/{audit}/qa", body: ["checks": [], "scores": [], "deficiencies": []],
            own: "FFFAANNU", other: "NNNNNNNU"),
        Row(operation: "decideQA", method: .POST, path: "/api/v1/audits/{audit}/qa/decision", body: ["decision": "sendBack", "message": "Fix it"],
            own: "FFFAANNU", other: "NNNNNNNU"),
        Row(operation: "getReportPDF", method: .GET, path: "/api/v1/reports/{number}", own: "AAAAANNU", other: "NNNNNNNU"),
        Row(operation: "changeAudit", method: .POST, path: "/api/v1/audits/{audit}/changes",
            body: ["worksites": ["Pad 2"], "why": "The crew moved pads"], own: "AFFAFNNU", other: "NNNNNNNU"),
        Row(operation: "decideAudit", method: .POST, path: "/api/v1/audits/{audit}/decision", body: ["decision": "approve"],
            own: "FFFAFNNU", other: "NNNNNNNU"),
        Row(operation: "submitAudit", method: .POST, path: "/api/v1/audits/{audit}/submission", own: "AFFFFNNU", other: "NNNNNNNU"),
        Row(operation: "cancelAudit", method: .POST, path: "/api/v1/audits/{audit}/cancellation", body: ["why": "Owner sold the company"],
            own: "AFFAFNNU", other: "NNNNNNNU"),
        // Accounts and invitations (issue 15).
        Row(operation: "listInvitations", method: .GET, path: "/api/v1/invitations", own: "AAFAFFAU"),
        // A partner admin may invite staff, not a worker: 403 here (AccountLifecycleTests invites staff).
        Row(operation: "createInvitation", method: .POST, path: "/api/v1/invitations", body: ["role": "worker", "personId": "{freePerson}"],
            own: "AAFFFFFU"),
        Row(operation: "withdrawInvitation", method: .DELETE, path: "/api/v1/invitations/{invitation}", own: "AAFNFFNU", other: "NNFNFFNU"),
        Row(operation: "acceptInvitation", method: .POST, path: "/api/v1/invitations/{invitationToken}/acceptance",
            body: ["password": "a long accepted password", "email": "accepted{unique}@crew.test"], own: "AAAAAAAA"),
        Row(operation: "listUsers", method: .GET, path: "/api/v1/users", own: "AAFAFFAU"),
        Row(operation: "setUserRoles", method: .PUT, path: "/api/v1/users/{spareUser}/roles", body: ["roles": ["worker"]],
            own: "AFFNFFNU", other: "NFFNFFNU"),
        Row(operation: "deactivateUser", method: .POST, path: "/api/v1/users/{spareUser}/deactivation", own: "AFFNFFNU", other: "NFFNFFNU"),
        Row(operation: "reactivateUser", method: .DELETE, path: "/api/v1/users/{spareUser}/deactivation", own: "AFFNFFNU", other: "NFFNFFNU"),
        Row(operation: "requestPasswordReset", method: .POST, path: "/api/v1/password-resets", body: ["email": "nobody@nowhere.test"], own: "AAAAAAAA"),
        Row(operation: "resetPassword", method: .POST, path: "/api/v1/password-resets/{resetToken}",
            body: ["password": "a long reset password {unique}"], own: "AAAAAAAA"),
        // V3: contractors' sign-up (public) and their own watch list and webhook (contractor staff only).
        Row(operation: "signUpContractor", method: .POST, path: "/api/v1/public/contractors",
            body: ["company": "Matrix Prime {unique}", "name": "Pat Prime", "email": "prime{unique}@contractor.test", "password": "a long contractor password"],
            own: "AAAAAAAA"),
        Row(operation: "confirmContractor", method: .POST, path: "/api/v1/public/contractors/confirmation", body: ["token": "unknownToken"], own: "NNNNNNNN"),
        Row(operation: "listWatch", method: .GET, path: "/api/v1/watch", own: "FFFFFFAU"),
        Row(operation: "addWatch", method: .POST, path: "/api/v1/watch", body: ["kind": "wcbAccount", "value": "90000{unique}"], own: "FFFFFFAU"),
        Row(operation: "exportWatch", method: .GET, path: "/api/v1/watch/export", own: "FFFFFFAU"),
        Row(operation: "setWebhook", method: .PUT, path: "/api/v1/watch/webhook", body: ["url": "https://hooks.example.com/secor"], own: "FFFFFFAU"),
        Row(operation: "getWebhook", method: .GET, path: "/api/v1/watch/webhook", own: "FFFFFFAU"),
        Row(operation: "rotateWebhookSecret", method: .POST, path: "/api/v1/watch/webhook/secret", own: "FFFFFFAU"),
        Row(operation: "listWebhookDeliveries", method: .GET, path: "/api/v1/watch/webhook/deliveries", own: "FFFFFFAU"),
        Row(operation: "removeWebhook", method: .DELETE, path: "/api/v1/watch/webhook", own: "FFFFFFAU"),
        // Another contractor's entry is not found: a watch list is its contractor's alone.
        Row(operation: "removeWatch", method: .DELETE, path: "/api/v1/watch/entries/{watchEntry}", own: "FFFFFFAU", other: "FFFFFFNU"),
        // Last: it ends the caller's session (each caller signs in afresh for it).
        Row(operation: "deleteCurrentSession", method: .DELETE, path: "/api/v1/sessions/current", own: "AAAAAAAU"),
    ]

    func testTheTableCoversEveryOperationOfTheAPIDocument() throws {
        let document = try String(contentsOfFile: try Resources.locate().openAPI, encoding: .utf8)
        let operations = Set(document.split(separator: "\n").compactMap { line -> String? in
            let text = line.trimmingCharacters(in: .whitespaces)
            return text.hasPrefix("operationId:") ? text.dropFirst("operationId:".count).trimmingCharacters(in: .whitespaces) : nil
        })
        let table = Set(Self.rows.map(\.operation))
        XCTAssertEqual(operations.subtracting(table), [], "operations with no row in the access matrix")
        XCTAssertEqual(table.subtracting(operations), [], "rows for operations the API does not have")
        XCTAssertEqual(Self.rows.count, table.count, "an operation has two rows")
    }

    func testEveryOperationAnswersEveryRoleAsTheTableSays() async throws {
        try await withApp { app in
            let world = try await World.build(app)
            var tokens: [String: String] = [:]
            for case let email? in Self.callers { tokens[email] = try await app.token(email) }
            var mismatches: [String] = []
            var unique = 0
            for row in Self.rows {
                for (side, letters) in [("own", row.own), ("other", row.other)] {
                    guard let letters else { continue }
                    let expected = Array(letters)
                    XCTAssertEqual(expected.count, Self.callers.count, "\(row.operation) [\(side)]")
                    let values = side == "own" ? world.own : world.other
                    // Denials first: an allowed call may change what a later caller finds.
                    let order = Self.callers.indices.sorted { (expected[$0] == "A" ? 1 : 0) < (expected[$1] == "A" ? 1 : 0) }
                    for index in order {
                        let email = Self.callers[index]
                        unique += 1
                        var token = email.flatMap { tokens[$0] }
                        if row.operation == "deleteCurrentSession", let email { token = try await app.token(email) }
                        let fill = try await world.filler(values, unique: unique, app: app)
                        let path = try await fill(row.path)
                        var body: Any? = nil
                        if let template = row.body { body = try await Self.fillJSON(template, fill) }
                        let status = try await Self.send(app, row.method, path, body: body, bytes: row.bytes, token: token)
                        let letter = expected[index]
                        if !Self.matches(letter, status) {
                            mismatches.append("\(row.operation) [\(side)] as \(email ?? "signed out"): expected \(letter), got \(status.code)")
                        }
                    }
                }
            }
            XCTAssertEqual(mismatches, [], "\n" + mismatches.joined(separator: "\n"))
        }
    }

    static func matches(_ letter: Character, _ status: HTTPStatus) -> Bool {
        switch letter {
        case "A": return ![401, 403, 404].contains(status.code) && status.code < 500
        case "F": return status == .forbidden
        case "N": return status == .notFound
        case "U": return status == .unauthorized
        default: return false
        }
    }

    static func send(_ app: Application, _ method: HTTPMethod, _ path: String, body: Any?, bytes: [UInt8]?, token: String?) async throws -> HTTPStatus {
        var status = HTTPStatus.internalServerError
        try await app.test(method, path, beforeRequest: { req in
            if let token { req.headers.bearerAuthorization = .init(token: token) }
            if let body {
                req.headers.contentType = .json
                req.body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: body))
            }
            if let bytes {
                req.headers.contentType = .binary
                req.body = ByteBuffer(bytes: bytes)
            }
        }, afterResponse: { res async in status = res.status })
        return status
    }

    static func fillJSON(_ value: Any, _ fill: (String) async throws -> String) async throws -> Any {
        switch value {
        case let text as String: return try await fill(text)
        case let array as [Any]:
            var out: [Any] = []
            for item in array { out.append(try await fillJSON(item, fill)) }
            return out
        case let object as [String: Any]:
            var out: [String: Any] = [:]
            for (key, item) in object { out[key] = try await fillJSON(item, fill) }
            return out
        default: return value
        }
    }
}

/// The data both sides of the matrix ask about.
struct World {
    var own: [String: String]
    var other: [String: String]

    static func build(_ app: Application) async throws -> World {
        let own = try await side(app, employer: "Northern Rig Services Ltd.", owner: "owner@secor.test", admin: "esc-admin@secor.test",
                                 recorder: "supervisor@secor.test", course: "h2s-alive")
        let other = try await side(app, employer: "Prairie Roofing Co.", owner: "owner2@secor.test", admin: "acsa-admin@secor.test",
                                   recorder: "owner2@secor.test", course: "sfa")
        return World(own: own, other: other)
    }

    private static func side(_ app: Application, employer name: String, owner: String, admin: String, recorder: String,
                             course: String) async throws -> [String: String] {
        let employer = try await app.organisationId(named: name)
        let model = try await EmployerModel.find(employer, on: app.db)!
        let wcb = try await WCBAccountModel.query(on: app.db).filter(\.$employer.$id == employer).first()!
        let person = try await PersonModel.query(on: app.db).filter(\.$employer.$id == employer).sort(\.$name).first()!
        let ownerClient = try await APIClient(app, as: owner)
        let adminClient = try await APIClient(app, as: admin)
        let record = try await APIClient(app, as: recorder).send(.POST, "/api/v1/employers/\(employer)/records", json: AccessMatrixTests.flha)
        let file = try await ownerClient.send(.POST, "/api/v1/employers/\(employer)/files?filename=manual.pdf", bytes: Array("%PDF-1.4\n% manual\n".utf8))
        let registered = try await ownerClient.send(.POST, "/api/v1/employers/\(employer)/audits", json: [
            "type": "certification", "plannedStart": CalendarDay.today.iso, "worksites": ["Main site"], "wcbAccounts": [wcb.number]])
        let audit = try XCTUnwrap(registered.json["id"].string, "registration at \(name): \(String(describing: registered.json))")
        let approved = try await adminClient.send(.POST, "/api/v1/audits/\(audit)/decision", json: ["decision": "approve"])
        XCTAssertEqual(approved.status, .ok)
        let number = try await AuditModel.find(UUID(uuidString: audit)!, on: app.db)!.number ?? ""
        let extensionRequest = try await ownerClient.send(.POST, "/api/v1/audits/\(audit)/extensions",
                                                          json: ["deadline": "D1", "days": 5, "reason": "Crew away at a turnaround"])
        let extensionId = (extensionRequest.json["extensions"].array.first as? [String: Any])?["id"] as? String
        _ = model
        let partner = try await OrganisationModel.find(employer, on: app.db)!.$partner.id!
        let profile = try await OrganisationModel.find(partner, on: app.db)!.profileId!
        let question = try await ProtocolService(db: app.db).current(partner: profile).value.questions[0].id
        let auditorEntry = try await adminClient.send(.POST, "/api/v1/auditors", json: [
            "name": "Register Entry", "email": "entry-\(profile)@auditors.test",
            "certificationNumber": "EA-\(profile)", "standing": "goodStanding", "validUntil": CalendarDay.today.adding(years: 1).iso,
            "courses": [String: String]()])
        let certificate = CertificateModel()
        certificate.$employer.id = employer
        certificate.$audit.id = UUID(uuidString: audit)!
        certificate.number = "\(profile.uppercased())-MATRIX-\(number)"
        certificate.issuedOn = CalendarDay.today.iso
        certificate.expiresOn = CalendarDay.today.adding(years: 3).iso
        try await certificate.create(on: app.db)
        let calendarToken = "matrix-\(profile)-\(UUID().uuidString)"
        let feed = CalendarFeedModel()
        feed.userId = try await UserModel.query(on: app.db).filter(\.$email == owner).first()!.requireID()
        feed.tokenHash = CalendarFeed.hash(calendarToken)
        try await feed.create(on: app.db)
        // Accounts: a roster person without an account, a pending invitation, a spare account, a reset link.
        func rosterPerson(_ name: String) async throws -> PersonModel {
            let person = PersonModel()
            person.$employer.id = employer
            person.name = name
            person.category = "worker"
            person.fullTime = true
            person.familiarWithOperation = false
            person.jobRole = "Labourer"
            person.startDate = CalendarDay.today.adding(years: -1).iso
            try await person.create(on: app.db)
            return person
        }
        let free = try await rosterPerson("Matrix Free Person")
        let invited = try await ownerClient.send(.POST, "/api/v1/invitations", json: ["role": "worker", "personId": try await rosterPerson("Matrix Invited").requireID().uuidString])
        let spare = UserModel(organisationId: employer, email: "spare-\(profile)@crew.test", name: "Spare Account", passwordHash: UserModel.unusablePasswordHash(), role: .worker)
        try await spare.create(on: app.db)
        let resetToken = "matrix-reset-\(profile)-\(UUID().uuidString)"
        let reset = PasswordResetModel()
        reset.userId = try spare.requireID()
        reset.tokenHash = AccountService.hash(token: resetToken)
        reset.expiresAt = Date().addingTimeInterval(3600)
        try await reset.create(on: app.db)
        let invitationLink = try XCTUnwrap(invited.json["link"].string, "invitation at \(name): \(String(describing: invited.json))")
        // V3: the demo contractor's own watch entry; on the other side, another contractor's.
        let demoContractor = try await app.organisationId(named: "Summit Pipelines Ltd.")
        let watchEntry: UUID
        if name == "Northern Rig Services Ltd." {
            watchEntry = try await WatchEntryModel.query(on: app.db).filter(\.$contractorId == demoContractor).sort(\.$createdAt).first()!.requireID()
        } else {
            let rival = OrganisationModel(kind: .contractor, name: "Matrix Rival Contractor")
            try await rival.create(on: app.db)
            let entry = WatchEntryModel()
            entry.contractorId = try rival.requireID()
            entry.kind = WatchKind.wcbAccount.rawValue
            entry.value = wcb.number
            entry.label = ""
            entry.standing = ""
            try await entry.create(on: app.db)
            watchEntry = try entry.requireID()
        }
        return [
            "watchEntry": watchEntry.uuidString, "signUpToken": "unknownSignUpToken",
            "freePerson": try free.requireID().uuidString, "invitation": try XCTUnwrap(invited.json["id"].string),
            "invitationToken": String(invitationLink.split(separator: "/").last!), "spareUser": try spare.requireID().uuidString,
            "resetToken": resetToken,
            "certificate": try certificate.requireID().uuidString, "certificateNumber": certificate.number, "calendarToken": calendarToken,
            "employer": employer.uuidString, "legalName": name, "wcb": wcb.number, "industry": wcb.industryCode,
            "person": try person.requireID().uuidString, "assessor": model.assessorPersonId?.uuidString ?? "",
            "record": try XCTUnwrap(record.json["id"].string, "record at \(name)"),
            "file": try XCTUnwrap(file.json["id"].string, "file at \(name)"),
            "audit": audit, "number": number, "question": question, "course": course,
            "extension": try XCTUnwrap(extensionId, "extension at \(name): \(String(describing: extensionRequest.json))"),
            "auditorEntry": try XCTUnwrap(auditorEntry.json["id"].string, "auditor at \(name): \(String(describing: auditorEntry.json))"),
            "owner": owner, "revisionNumber": "1",
        ]
    }

    /// Fills `{name}` from the side's values; `{unique}` differs per call, and `{newRequirement}`
    /// and `{newActionItem}` are made fresh for each call (an allowed delete removes them).
    func filler(_ values: [String: String], unique: Int, app: Application) async throws -> (String) async throws -> String {
        return { text in
            var result = text
            for (key, value) in values { result = result.replacingOccurrences(of: "{\(key)}", with: value) }
            result = result.replacingOccurrences(of: "{unique}", with: "\(unique)")
            if result.contains("{newRequirement}") {
                let requirement = MatrixRequirementModel()
                requirement.$employer.id = UUID(uuidString: values["employer"]!)!
                requirement.jobRole = "Matrix role \(unique)"
                requirement.courseId = values["course"]!
                try await requirement.create(on: app.db)
                result = result.replacingOccurrences(of: "{newRequirement}", with: try requirement.requireID().uuidString)
            }
            if result.contains("{newSheetRow}") {
                let row = AuditSheetRowModel()
                row.$audit.id = UUID(uuidString: values["audit"]!)!
                row.questionId = "1.5"
                row.site = "Matrix site"
                row.role = "worker"
                row.onDay = CalendarDay.today.iso
                row.positive = true
                row.subject = ""
                row.note = ""
                row.recordedBy = UUID()
                try await row.create(on: app.db)
                result = result.replacingOccurrences(of: "{newSheetRow}", with: try row.requireID().uuidString)
            }
            if result.contains("{newActionItem}") {
                let owner = try await APIClient(app, as: values["owner"]!)
                let item = try await owner.send(.POST, "/api/v1/audits/\(values["audit"]!)/action-items", json: [
                    "questionId": values["question"]!, "action": "Train the crew \(unique)", "owner": "Owner",
                    "targetOn": CalendarDay.today.adding(days: 30).iso])
                let id = (item.json["actionItems"].array.last as? [String: Any])?["id"] as? String ?? item.json["id"].string ?? "missing"
                result = result.replacingOccurrences(of: "{newActionItem}", with: id)
            }
            return result
        }
    }
}
