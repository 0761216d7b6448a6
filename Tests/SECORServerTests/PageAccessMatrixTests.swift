import Fluent
import Foundation
@testable import SECORCore
@testable import SECORServer
import Vapor
import XCTest
import XCTVapor

/// The access matrix for pages: every page route (as registered, `:parameters` and all),
/// asked by every caller about their own organisation's data and another's. Letters as in
/// `AccessMatrixTests`, plus S: sent to sign in (303 to /sign-in). Posts carry a valid
/// CSRF token and a small form; "allowed" is any answer but 401, 403, 404 and sign-in.
final class PageAccessMatrixTests: XCTestCase {
    struct Row {
        var method: HTTPMethod
        var route: String
        var own: String
        var other: String?
        var form: [String: String] = [:]
        var query: String = ""
    }

    static let rows: [Row] = [
        // Public.
        Row(method: .GET, route: "/", own: "AAAAAAAA"),
        Row(method: .GET, route: "/sign-in", own: "AAAAAAAA"),
        Row(method: .POST, route: "/sign-in", own: "AAAAAAAA", form: ["email": "worker@secor.test", "password": TestAccounts.password]),
        Row(method: .GET, route: "/apply", own: "AAAAAAAA"),
        Row(method: .POST, route: "/apply", own: "AAAAAAAA"),
        Row(method: .GET, route: "/programs", own: "AAAAAAAA"),
        Row(method: .GET, route: "/verify", own: "AAAAAAAA", query: "?q=Northern"),
        Row(method: .GET, route: "/verify/:certificateNumber", own: "AAAAAAAA", other: "AAAAAAAA"),
        Row(method: .GET, route: "/.well-known/jwks.json", own: "AAAAAAAA"),
        Row(method: .GET, route: "/calendar/:token", own: "AAAAAAAA"),
        Row(method: .GET, route: "/password-reset", own: "AAAAAAAA"),
        Row(method: .POST, route: "/password-reset", own: "AAAAAAAA", form: ["email": "nobody@nowhere.test"]),
        Row(method: .GET, route: "/password-reset/:resetToken", own: "AAAAAAAA"),
        Row(method: .POST, route: "/password-reset/:resetToken", own: "AAAAAAAA", form: ["password": "a long reset password", "confirmPassword": "a long reset password"]),
        Row(method: .GET, route: "/invitations/:invitationToken", own: "AAAAAAAA"),
        // V3: anyone may sign a contractor up; an unknown confirmation link is not found.
        Row(method: .GET, route: "/contractors/sign-up", own: "AAAAAAAA"),
        Row(method: .POST, route: "/contractors/sign-up", own: "AAAAAAAA",
            form: ["company": "Page Prime {unique}", "name": "Pat", "email": "pageprime{unique}@contractor.test", "password": "a long contractor password", "confirmPassword": "a long contractor password"]),
        Row(method: .GET, route: "/contractors/confirm/:signUpToken", own: "NNNNNNNN"),
        Row(method: .POST, route: "/contractors/confirm/:signUpToken", own: "NNNNNNNN"),
        // V3: the contractor's watch list and webhook: contractor staff only.
        Row(method: .GET, route: "/watch", own: "FFFFFFAS"),
        Row(method: .POST, route: "/watch", own: "FFFFFFAS", form: ["kind": "wcbAccount", "value": "80000{unique}"]),
        Row(method: .GET, route: "/watch.csv", own: "FFFFFFAS"),
        Row(method: .GET, route: "/watch/webhook", own: "FFFFFFAS"),
        Row(method: .POST, route: "/watch/webhook", own: "FFFFFFAS", form: ["url": "https://hooks.example.com/page"]),
        Row(method: .POST, route: "/watch/webhook/test", own: "FFFFFFAS"),
        Row(method: .POST, route: "/watch/webhook/secret", own: "FFFFFFAS"),
        Row(method: .POST, route: "/watch/webhook/remove", own: "FFFFFFAS"),
        Row(method: .POST, route: "/watch/:watchEntry/remove", own: "FFFFFFAS", other: "FFFFFFNS"),
        Row(method: .POST, route: "/invitations/:invitationToken", own: "AAAAAAAA"),
        // Accounts and invitations of the caller's organisation.
        Row(method: .GET, route: "/users", own: "AAFAFFAS"),
        Row(method: .POST, route: "/users/invitations", own: "AAFAFFAS"),
        Row(method: .POST, route: "/users/invitations/:invitationId/withdraw", own: "AAFNFFNS", other: "NNFNFFNS"),
        Row(method: .POST, route: "/users/:userId/roles", own: "AFFNFFNS", other: "NFFNFFNS"),
        Row(method: .POST, route: "/users/:userId/deactivate", own: "AFFNFFNS", other: "NFFNFFNS"),
        Row(method: .POST, route: "/users/:userId/reactivate", own: "AFFNFFNS", other: "NFFNFFNS"),
        // The own account and what is scoped by the caller.
        Row(method: .GET, route: "/home", own: "AAAAAAAS"),
        Row(method: .GET, route: "/account", own: "AAAAAAAS"),
        Row(method: .POST, route: "/account/password", own: "AAAAAAAS"),
        Row(method: .POST, route: "/account/email", own: "AAAAAAAS", form: ["email": "each"]),
        Row(method: .POST, route: "/account/calendar", own: "AAAAAAAS"),
        Row(method: .GET, route: "/notifications", own: "AAAAAAAS"),
        Row(method: .POST, route: "/notifications/read", own: "AAAAAAAS"),
        Row(method: .GET, route: "/audits", own: "AAAAAAFS"),
        Row(method: .GET, route: "/audits/find", own: "AAAAANFS", query: "?number={number}"),
        // The partner's pages.
        Row(method: .GET, route: "/partner/employers", own: "FFFAAFFS"),
        Row(method: .GET, route: "/partner/applications", own: "FFFAFFFS"),
        Row(method: .GET, route: "/partner/applications/new", own: "FFFAFFFS"),
        Row(method: .POST, route: "/partner/applications/new", own: "FFFAFFFS"),
        Row(method: .POST, route: "/partner/applications/:employerId/decision", own: "FFFAFNNS", other: "NNNNNNNS", form: ["decision": "approve"]),
        Row(method: .GET, route: "/partner/auditors", own: "FFFAFFFS"),
        Row(method: .POST, route: "/partner/auditors", own: "FFFAFFFS"),
        Row(method: .POST, route: "/partner/auditors/:auditorId", own: "FFFAFFFS", other: "FFFNFFFS"),
        Row(method: .GET, route: "/qa", own: "FFFAAFFS"),
        Row(method: .GET, route: "/partner/cycle", own: "FFFAAFFS"),
        Row(method: .GET, route: "/partner/cycle.csv", own: "FFFAAFFS"),
        Row(method: .GET, route: "/partner/dashboard", own: "FFFAAFFS"),
        Row(method: .POST, route: "/partner/certificates/:certificateId/cancel", own: "NNNAFFNS", other: "NNNNNNNS", form: ["reason": "Matrix"]),
        // One employer.
        Row(method: .GET, route: "/employers/:employerId", own: "AAAAANNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/employers/:employerId/details", own: "AFFAFNNS", other: "NNNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/people", own: "AAAAANNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/employers/:employerId/people", own: "AAFFFNNS", other: "NNNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/people/:personId", own: "AAAAANNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/employers/:employerId/people/:personId", own: "AAFFFNNS", other: "NNNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/training", own: "AAAAANNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/employers/:employerId/training", own: "AAFFFNNS", other: "NNNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/files/:fileId", own: "AAAAANNS", other: "NNNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/matrix", own: "AAAAANNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/employers/:employerId/matrix", own: "AAFFFNNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/employers/:employerId/matrix/:requirementId/delete", own: "AAFFFNNS", other: "NNNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/assessor", own: "AAAAANNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/employers/:employerId/assessor", own: "AFFAFNNS", other: "NNNNNNNS", form: ["assessor": "person:{assessor}"]),
        Row(method: .GET, route: "/employers/:employerId/records", own: "AAAAANNS", other: "NNNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/records.csv", own: "AAAAANNS", other: "NNNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/proof-pack", own: "AAAAANNS", other: "NNNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/proof-pack.pdf", own: "AAAAANNS", other: "NNNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/records/new/:kind", own: "AAAFFNNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/employers/:employerId/records/new/:kind", own: "AAAFFNNS", other: "NNNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/records/:recordId", own: "AAAAANNS", other: "NNNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/records/:recordId/amend", own: "AAAFFNNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/employers/:employerId/records/:recordId/amend", own: "AAAFFNNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/employers/:employerId/records/:recordId/signoffs", own: "AAAFFNNS", other: "NNNNNNNS", form: ["role": "worker", "method": "self"]),
        Row(method: .GET, route: "/employers/:employerId/records/:recordId/sign-here", own: "AAAFFNNS", other: "NNNNNNNS", query: "?person={person}"),
        // The phone's outbox page and its session check hold nothing of the server's: open to anyone.
        Row(method: .GET, route: "/outbox", own: "AAAAAAAA"),
        Row(method: .GET, route: "/session/state", own: "AAAAAAAA"),
        Row(method: .GET, route: "/employers/:employerId/readiness", own: "AAAAANNS", other: "NNNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/audits/new", own: "AFFFFNNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/employers/:employerId/audits/new", own: "AFFFFNNS", other: "NNNNNNNS"),
        // One audit (its auditor is the owner).
        Row(method: .GET, route: "/audits/:auditId", own: "AAAAANNS", other: "NNNNNNNS"),
        Row(method: .GET, route: "/audits/:auditId/questions/:questionId", own: "AAAAANNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/questions/:questionId", own: "AFFFFNNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/questions/:questionId/actions", own: "AFFFFNNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/questions/:questionId/tidy", own: "AFFFFNNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/actions/:itemId/delete", own: "AFFFFNNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/questions/:questionId/sheet", own: "AFFFFNNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/sheet/:rowId/delete", own: "AFFFFNNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/carry-over/:questionId", own: "AFFFFNNS", other: "NNNNNNNS"),
        Row(method: .GET, route: "/audits/:auditId/report", own: "AAAAANNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/report", own: "AFFFFNNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/attachments", own: "AFFFFNNS", other: "NNNNNNNS"),
        Row(method: .GET, route: "/audits/:auditId/check", own: "AAAAANNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/sign", own: "AFFFFNNS", other: "NNNNNNNS", form: ["role": "auditor"]),
        Row(method: .POST, route: "/audits/:auditId/extensions", own: "AFFFFNNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/extensions/:extensionId/decision", own: "FFFAFNNS", other: "NNNNNNNS", form: ["decision": "approve"]),
        Row(method: .POST, route: "/audits/:auditId/fee", own: "FFFAFNNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/binder", own: "FFFAFNNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/employer-actions", own: "AFFFFNNS", other: "NNNNNNNS"),
        Row(method: .GET, route: "/audits/:auditId/qa", own: "AAAAANNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/qa", own: "FFFAANNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/qa/decision", own: "FFFAANNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/qa/assignment", own: "FFFAANNS", other: "NNNNNNNS"),
        Row(method: .GET, route: "/audits/:auditId/revisions/:n", own: "NNNNNNNS", other: "NNNNNNNS"),
        // Before submission there is no revision to compare (404 for everyone); QATests
        // open it as the people allowed once there is.
        Row(method: .GET, route: "/audits/:auditId/revisions", own: "NNNNNNNS", other: "NNNNNNNS"),
        Row(method: .GET, route: "/audits/:auditId/print/:document", own: "AAAAANNS", other: "NNNNNNNS"),
        Row(method: .GET, route: "/reports/:number", own: "AAAAANNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/change", own: "AFFAFNNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/decision", own: "FFFAFNNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/submit", own: "AFFFFNNS", other: "NNNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/cancel", own: "AFFAFNNS", other: "NNNNNNNS"),
        // Last: it ends the caller's session.
        Row(method: .POST, route: "/sign-out", own: "AAAAAAAA"),
    ]

    /// Which value of the world fills each route parameter.
    static let parameters = ["employerId": "employer", "personId": "person", "fileId": "file", "recordId": "record", "kind": "flha",
                             "requirementId": "newRequirement", "auditId": "audit", "questionId": "question", "itemId": "newActionItem", "certificateNumber": "certificateNumber", "rowId": "newSheetRow",
                             "extensionId": "extension", "auditorId": "auditorEntry", "number": "number", "document": "report",
                             "certificateId": "certificate", "token": "calendarToken", "n": "revisionNumber",
                             "invitationToken": "invitationToken", "resetToken": "resetToken", "invitationId": "invitation", "userId": "spareUser",
                             "watchEntry": "watchEntry", "signUpToken": "signUpToken"]

    func testTheTableCoversEveryPageRoute() async throws {
        try await withApp(demo: false) { app in
            let routes = Set(app.routes.all.map { "\($0.method.rawValue) /" + $0.path.map(\.description).joined(separator: "/") }
                .filter { !$0.contains(" /api/") && !$0.hasSuffix(" /health") && !$0.hasSuffix(" /openapi.yaml") && !$0.hasSuffix(" /**") })
            let table = Set(Self.rows.map { "\($0.method.rawValue) \($0.route)" })
            XCTAssertEqual(routes.subtracting(table).sorted(), [], "page routes with no row in the access matrix")
            XCTAssertEqual(table.subtracting(routes).sorted(), [], "rows for routes the app does not have")
            for route in routes { for case let p in route.split(separator: "/") where p.hasPrefix(":") {
                XCTAssertNotNil(Self.parameters[String(p.dropFirst())], "no value for \(p) in \(route)")
            } }
        }
    }

    func testEveryPageAnswersEveryRoleAsTheTableSays() async throws {
        try await withApp { app in
            let world = try await World.build(app)
            // One signed-in browser per caller (a fresh one for signing out).
            var browsers: [String: Browser] = [:]
            for case let email? in AccessMatrixTests.callers {
                browsers[email] = Browser(app)
                _ = try await browsers[email]!.signIn(email)
            }
            var mismatches: [String] = []
            var unique = 0
            for row in Self.rows {
                for (side, letters) in [("own", row.own), ("other", row.other)] {
                    guard let letters else { continue }
                    let expected = Array(letters)
                    let values = side == "own" ? world.own : world.other
                    let order = AccessMatrixTests.callers.indices.sorted { (expected[$0] == "A" ? 1 : 0) < (expected[$1] == "A" ? 1 : 0) }
                    for index in order {
                        let email = AccessMatrixTests.callers[index]
                        unique += 1
                        let fill = try await world.filler(values, unique: unique, app: app)
                        var path = ""
                        for part in row.route.split(separator: "/", omittingEmptySubsequences: false) {
                            if part.hasPrefix(":"), let key = Self.parameters[String(part.dropFirst())] {
                                path += try await fill("{\(key)}").replacingOccurrences(of: "{flha}", with: "flha").replacingOccurrences(of: "{report}", with: "report")
                            } else { path += part }
                            path += "/"
                        }
                        path = String(path.dropLast()) + (try await fill(row.query))
                        if path.isEmpty { path = "/" }
                        var browser = email.flatMap { browsers[$0] } ?? Browser(app)
                        if row.route == "/sign-out" || row.route == "/sign-in" {
                            browser = Browser(app)
                            if let email { _ = try await browser.signIn(email) }
                        }
                        let res: XCTHTTPResponse
                        var form: [String: String] = [:]
                        for (key, value) in row.form { form[key] = try await fill(value) }
                        if row.method == .GET { res = try await browser.get(path) } else { res = try await browser.post(path, form: form) }
                        let letter = expected[index]
                        let toSignIn = res.status == .seeOther && (res.headers.first(name: .location) ?? "").hasPrefix("/sign-in")
                        let ok: Bool
                        switch letter {
                        case "S": ok = toSignIn
                        case "A": ok = !toSignIn || ["/sign-out", "/", "/password-reset/:resetToken"].contains(row.route) ? AccessMatrixTests.matches("A", res.status) : false
                        default: ok = AccessMatrixTests.matches(letter, res.status)
                        }
                        if !ok {
                            mismatches.append("\(row.method) \(row.route) [\(side)] as \(email ?? "signed out"): expected \(letter), got \(res.status.code) \(res.headers.first(name: .location) ?? "")")
                        }
                    }
                }
            }
            XCTAssertEqual(mismatches, [], "\n" + mismatches.joined(separator: "\n"))
        }
    }
}
