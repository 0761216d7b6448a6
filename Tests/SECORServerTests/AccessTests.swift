import Fluent
@testable import SECORServer
import XCTest
import XCTVapor

/// Nobody sees what is not theirs: each denial proven.
final class AccessTests: XCTestCase {
    func testEmployerUserGets404ForAnotherEmployerThroughTheAPI() async throws {
        try await withApp { app in
            let own = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let other = try await app.organisationId(named: "Prairie Roofing Co.")
            let sameProgram = try await app.organisationId(named: "Foothills Hot Shot Ltd.")
            for email in ["owner@secor.test", "supervisor@secor.test", "worker@secor.test"] {
                let auth: HTTPHeaders = ["Authorization": "Bearer \(try await app.token(email))"]
                try await app.test(.GET, "/api/v1/employers/\(own)", headers: auth) { res async in XCTAssertEqual(res.status, .ok) }
                for id in [other, sameProgram] {
                    try await app.test(.GET, "/api/v1/employers/\(id)", headers: auth) { res async throws in
                        XCTAssertEqual(res.status, .notFound, email)
                        XCTAssertEqual(try res.content.get(String.self, at: "message"), "No employer with that id.")
                    }
                }
                try await app.test(.GET, "/api/v1/employers", headers: auth) { res async throws in
                    XCTAssertEqual(try res.content.decode([[String: AnyDecodable]].self).compactMap { $0["name"]?.string },
                                   ["Northern Rig Services Ltd."])
                }
            }
        }
    }

    func testPartnerStaffSeeOnlyTheirPartnersEmployers() async throws {
        try await withApp { app in
            let esc = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let acsa = try await app.organisationId(named: "Prairie Roofing Co.")
            let auth: HTTPHeaders = ["Authorization": "Bearer \(try await app.token("esc-qa@secor.test"))"]
            try await app.test(.GET, "/api/v1/employers/\(esc)", headers: auth) { res async in XCTAssertEqual(res.status, .ok) }
            try await app.test(.GET, "/api/v1/employers/\(acsa)", headers: auth) { res async in XCTAssertEqual(res.status, .notFound) }
            try await app.test(.GET, "/api/v1/employers", headers: auth) { res async throws in
                XCTAssertEqual(try res.content.decode([[String: AnyDecodable]].self).compactMap { $0["name"]?.string },
                               ["Foothills Hot Shot Ltd.", "Northern Rig Services Ltd."])
            }
        }
    }

    func testExternalAuditorSeesNoEmployerWithoutAnAudit() async throws {
        try await withApp { app in
            let esc = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let auth: HTTPHeaders = ["Authorization": "Bearer \(try await app.token("auditor@secor.test"))"]
            try await app.test(.GET, "/api/v1/employers/\(esc)", headers: auth) { res async in XCTAssertEqual(res.status, .notFound) }
        }
    }

    func testBadIdIs400AndUnknownIdIs404() async throws {
        try await withApp { app in
            let auth: HTTPHeaders = ["Authorization": "Bearer \(try await app.token("esc-admin@secor.test"))"]
            try await app.test(.GET, "/api/v1/employers/not-a-uuid", headers: auth) { res async throws in
                XCTAssertEqual(res.status, .badRequest)
                XCTAssertEqual(try res.content.get(String.self, at: "field"), "employerId")
            }
            try await app.test(.GET, "/api/v1/employers/\(UUID())", headers: auth) { res async in XCTAssertEqual(res.status, .notFound) }
            try await app.test(.GET, "/api/v1/employers/\(UUID())") { res async in XCTAssertEqual(res.status, .unauthorized) }
        }
    }

    func testEmployerUserGets404ForAnotherEmployersPage() async throws {
        try await withApp { app in
            let other = try await app.organisationId(named: "Prairie Roofing Co.")
            let own = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let browser = Browser(app)
            _ = try await browser.signIn("owner@secor.test")
            let mine = try await browser.get("/employers/\(own)")
            XCTAssertEqual(mine.status, .ok)
            XCTAssertTrue(mine.body.string.contains("Northern Rig Services Ltd."))
            let theirs = try await browser.get("/employers/\(other)")
            XCTAssertEqual(theirs.status, .notFound)
            XCTAssertFalse(theirs.body.string.contains("Prairie Roofing"))
        }
    }

    func testWorkerCannotReachPartnerPages() async throws {
        try await withApp { app in
            let browser = Browser(app)
            _ = try await browser.signIn("worker@secor.test")
            let page = try await browser.get("/partner/employers")
            XCTAssertEqual(page.status, .forbidden)
            XCTAssertFalse(page.body.string.contains("Foothills"))
            // Nor does the partner navigation appear for a worker.
            do { let r = try await browser.get("/home"); XCTAssertFalse(r.body.string.contains("/partner/employers")) }
        }
    }

    func testSignedOutVisitorsAreSentToSignIn() async throws {
        try await withApp { app in
            for path in ["/home", "/account", "/partner/employers", "/employers/\(UUID())"] {
                let res = try await Browser(app).get(path)
                XCTAssertEqual(res.status, .seeOther, path)
                XCTAssertTrue(res.headers.first(name: .location)?.hasPrefix("/sign-in?next=") == true, path)
            }
        }
    }

    /// The policy table itself: deny by default.
    func testPolicyDecisions() throws {
        func user(_ role: Role, org: UUID, id: UUID = UUID()) throws -> CurrentUser {
            let model = UserModel(id: id, organisationId: org, email: "x@y.z", name: "X", passwordHash: "", role: role)
            return try CurrentUser(model)
        }
        let partner = UUID(), employer = UUID(), otherPartner = UUID(), auditorUser = UUID()
        let scope = Policy.EmployerScope(employerId: employer, partnerId: partner, designatedAuditorUserId: auditorUser)
        let view = Policy.Action.employer(scope, .view)
        XCTAssertEqual(Policy.decide(try user(.worker, org: employer), view), .allow)
        XCTAssertEqual(Policy.decide(try user(.worker, org: UUID()), view), .notFound)
        XCTAssertEqual(Policy.decide(try user(.qaReviewer, org: partner), view), .allow)
        XCTAssertEqual(Policy.decide(try user(.partnerAdmin, org: otherPartner), view), .notFound)
        XCTAssertEqual(Policy.decide(try user(.externalAuditor, org: partner), view), .notFound)
        XCTAssertEqual(Policy.decide(try user(.externalAuditor, org: partner, id: auditorUser), view), .allow)
        XCTAssertEqual(Policy.decide(nil, view), .notFound)
        // Records: the owner and supervisors; settings: the owner and the partner's admins.
        let records = Policy.Action.employer(scope, .editRecords), settings = Policy.Action.employer(scope, .editSettings)
        XCTAssertEqual(Policy.decide(try user(.employerOwner, org: employer), records), .allow)
        XCTAssertEqual(Policy.decide(try user(.supervisor, org: employer), records), .allow)
        XCTAssertEqual(Policy.decide(try user(.worker, org: employer), records), .forbidden)
        XCTAssertEqual(Policy.decide(try user(.partnerAdmin, org: partner), records), .forbidden)
        XCTAssertEqual(Policy.decide(try user(.externalAuditor, org: partner, id: auditorUser), records), .forbidden)
        XCTAssertEqual(Policy.decide(try user(.employerOwner, org: employer), settings), .allow)
        XCTAssertEqual(Policy.decide(try user(.supervisor, org: employer), settings), .forbidden)
        XCTAssertEqual(Policy.decide(try user(.partnerAdmin, org: partner), settings), .allow)
        XCTAssertEqual(Policy.decide(try user(.qaReviewer, org: partner), settings), .forbidden)
        for role in Role.allCases {
            XCTAssertEqual(Policy.decide(try user(role, org: partner), .partnerArea), role.isPartnerStaff ? .allow : .forbidden)
            XCTAssertEqual(Policy.decide(try user(role, org: partner), .partnerAdmin(partnerId: partner)), role == .partnerAdmin ? .allow : .forbidden)
        }
        XCTAssertEqual(Policy.decide(try user(.partnerAdmin, org: otherPartner), .partnerAdmin(partnerId: partner)), .notFound)
        XCTAssertEqual(Policy.decide(nil, .partnerArea), .forbidden)
        XCTAssertEqual(Policy.decide(nil, .ownAccount), .forbidden)
    }
}
