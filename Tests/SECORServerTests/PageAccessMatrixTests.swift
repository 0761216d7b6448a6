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
        Row(method: .GET, route: "/", own: "AAAAAAA"),
        Row(method: .GET, route: "/sign-in", own: "AAAAAAA"),
        Row(method: .POST, route: "/sign-in", own: "AAAAAAA", form: ["email": "worker@secor.test", "password": TestAccounts.password]),
        Row(method: .GET, route: "/apply", own: "AAAAAAA"),
        Row(method: .POST, route: "/apply", own: "AAAAAAA"),
        Row(method: .GET, route: "/programs", own: "AAAAAAA"),
        Row(method: .GET, route: "/verify", own: "AAAAAAA", query: "?q=Northern"),
        Row(method: .GET, route: "/verify/:certificateNumber", own: "AAAAAAA", other: "AAAAAAA"),
        Row(method: .GET, route: "/.well-known/jwks.json", own: "AAAAAAA"),
        Row(method: .GET, route: "/calendar/:token", own: "AAAAAAA"),
        Row(method: .GET, route: "/password-reset", own: "AAAAAAA"),
        Row(method: .POST, route: "/password-reset", own: "AAAAAAA", form: ["email": "nobody@nowhere.test"]),
        Row(method: .GET, route: "/password-reset/:resetToken", own: "AAAAAAA"),
        Row(method: .POST, route: "/password-reset/:resetToken", own: "AAAAAAA", form: ["password": "a long reset password", "confirmPassword": "a long reset password"]),
        Row(method: .GET, route: "/invitations/:invitationToken", own: "AAAAAAA"),
        Row(method: .POST, route: "/invitations/:invitationToken", own: "AAAAAAA"),
        // Accounts and invitations of the caller's organisation.
        Row(method: .GET, route: "/users", own: "AAFAFFS"),
        Row(method: .POST, route: "/users/invitations", own: "AAFAFFS"),
        Row(method: .POST, route: "/users/invitations/:invitationId/withdraw", own: "AAFNFFS", other: "NNFNFFS"),
        Row(method: .POST, route: "/users/:userId/roles", own: "AFFNFFS", other: "NFFNFFS"),
        Row(method: .POST, route: "/users/:userId/deactivate", own: "AFFNFFS", other: "NFFNFFS"),
        Row(method: .POST, route: "/users/:userId/reactivate", own: "AFFNFFS", other: "NFFNFFS"),
        // The own account and what is scoped by the caller.
        Row(method: .GET, route: "/home", own: "AAAAAAS"),
        Row(method: .GET, route: "/account", own: "AAAAAAS"),
        Row(method: .POST, route: "/account/password", own: "AAAAAAS"),
        Row(method: .POST, route: "/account/email", own: "AAAAAAS", form: ["email": "each"]),
        Row(method: .POST, route: "/account/calendar", own: "AAAAAAS"),
        Row(method: .GET, route: "/notifications", own: "AAAAAAS"),
        Row(method: .POST, route: "/notifications/read", own: "AAAAAAS"),
        Row(method: .GET, route: "/audits", own: "AAAAAAS"),
        Row(method: .GET, route: "/audits/find", own: "AAAAANS", query: "?number={number}"),
        // The partner's pages.
        Row(method: .GET, route: "/partner/employers", own: "FFFAAFS"),
        Row(method: .GET, route: "/partner/applications", own: "FFFAFFS"),
        Row(method: .GET, route: "/partner/applications/new", own: "FFFAFFS"),
        Row(method: .POST, route: "/partner/applications/new", own: "FFFAFFS"),
        Row(method: .POST, route: "/partner/applications/:employerId/decision", own: "FFFAFNS", other: "NNNNNNS", form: ["decision": "approve"]),
        Row(method: .GET, route: "/partner/auditors", own: "FFFAFFS"),
        Row(method: .POST, route: "/partner/auditors", own: "FFFAFFS"),
        Row(method: .POST, route: "/partner/auditors/:auditorId", own: "FFFAFFS", other: "FFFNFFS"),
        Row(method: .GET, route: "/qa", own: "FFFAAFS"),
        Row(method: .GET, route: "/partner/cycle", own: "FFFAAFS"),
        Row(method: .GET, route: "/partner/cycle.csv", own: "FFFAAFS"),
        Row(method: .GET, route: "/partner/dashboard", own: "FFFAAFS"),
        Row(method: .POST, route: "/partner/certificates/:certificateId/cancel", own: "NNNAFFS", other: "NNNNNNS", form: ["reason": "Matrix"]),
        // One employer.
        Row(method: .GET, route: "/employers/:employerId", own: "AAAAANS", other: "NNNNNNS"),
        Row(method: .POST, route: "/employers/:employerId/details", own: "AFFAFNS", other: "NNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/people", own: "AAAAANS", other: "NNNNNNS"),
        Row(method: .POST, route: "/employers/:employerId/people", own: "AAFFFNS", other: "NNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/people/:personId", own: "AAAAANS", other: "NNNNNNS"),
        Row(method: .POST, route: "/employers/:employerId/people/:personId", own: "AAFFFNS", other: "NNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/training", own: "AAAAANS", other: "NNNNNNS"),
        Row(method: .POST, route: "/employers/:employerId/training", own: "AAFFFNS", other: "NNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/files/:fileId", own: "AAAAANS", other: "NNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/matrix", own: "AAAAANS", other: "NNNNNNS"),
        Row(method: .POST, route: "/employers/:employerId/matrix", own: "AAFFFNS", other: "NNNNNNS"),
        Row(method: .POST, route: "/employers/:employerId/matrix/:requirementId/delete", own: "AAFFFNS", other: "NNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/assessor", own: "AAAAANS", other: "NNNNNNS"),
        Row(method: .POST, route: "/employers/:employerId/assessor", own: "AFFAFNS", other: "NNNNNNS", form: ["assessor": "person:{assessor}"]),
        Row(method: .GET, route: "/employers/:employerId/records", own: "AAAAANS", other: "NNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/records.csv", own: "AAAAANS", other: "NNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/proof-pack", own: "AAAAANS", other: "NNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/proof-pack.pdf", own: "AAAAANS", other: "NNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/records/new/:kind", own: "AAAFFNS", other: "NNNNNNS"),
        Row(method: .POST, route: "/employers/:employerId/records/new/:kind", own: "AAAFFNS", other: "NNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/records/:recordId", own: "AAAAANS", other: "NNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/records/:recordId/amend", own: "AAAFFNS", other: "NNNNNNS"),
        Row(method: .POST, route: "/employers/:employerId/records/:recordId/amend", own: "AAAFFNS", other: "NNNNNNS"),
        Row(method: .POST, route: "/employers/:employerId/records/:recordId/signoffs", own: "AAAFFNS", other: "NNNNNNS", form: ["role": "worker", "method": "self"]),
        Row(method: .GET, route: "/employers/:employerId/records/:recordId/sign-here", own: "AAAFFNS", other: "NNNNNNS", query: "?person={person}"),
        // The phone's outbox page and its session check hold nothing of the server's: open to anyone.
        Row(method: .GET, route: "/outbox", own: "AAAAAAA"),
        Row(method: .GET, route: "/session/state", own: "AAAAAAA"),
        Row(method: .GET, route: "/employers/:employerId/readiness", own: "AAAAANS", other: "NNNNNNS"),
        Row(method: .GET, route: "/employers/:employerId/audits/new", own: "AFFFFNS", other: "NNNNNNS"),
        Row(method: .POST, route: "/employers/:employerId/audits/new", own: "AFFFFNS", other: "NNNNNNS"),
        // One audit (its auditor is the owner).
        Row(method: .GET, route: "/audits/:auditId", own: "AAAAANS", other: "NNNNNNS"),
        Row(method: .GET, route: "/audits/:auditId/questions/:questionId", own: "AAAAANS", other: "NNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/questions/:questionId", own: "AFFFFNS", other: "NNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/questions/:questionId/actions", own: "AFFFFNS", other: "NNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/questions/:questionId/tidy", own: "AFFFFNS", other: "NNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/actions/:itemId/delete", own: "AFFFFNS", other: "NNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/questions/:questionId/sheet", own: "AFFFFNS", other: "NNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/sheet/:rowId/delete", own: "AFFFFNS", other: "NNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/carry-over/:questionId", own: "AFFFFNS", other: "NNNNNNS"),
        Row(method: .GET, route: "/audits/:auditId/report", own: "AAAAANS", other: "NNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/report", own: "AFFFFNS", other: "NNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/attachments", own: "AFFFFNS", other: "NNNNNNS"),
        Row(method: .GET, route: "/audits/:auditId/check", own: "AAAAANS", other: "NNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/sign", own: "AFFFFNS", other: "NNNNNNS", form: ["role": "auditor"]),
        Row(method: .POST, route: "/audits/:auditId/extensions", own: "AFFFFNS", other: "NNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/extensions/:extensionId/decision", own: "FFFAFNS", other: "NNNNNNS", form: ["decision": "approve"]),
        Row(method: .POST, route: "/audits/:auditId/fee", own: "FFFAFNS", other: "NNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/binder", own: "FFFAFNS", other: "NNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/employer-actions", own: "AFFFFNS", other: "NNNNNNS"),
        Row(method: .GET, route: "/audits/:auditId/qa", own: "AAAAANS", other: "NNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/qa", own: "FFFAANS", other: "NNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/qa/decision", own: "FFFAANS", other: "NNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/qa/assignment", own: "FFFAANS", other: "NNNNNNS"),
        Row(method: .GET, route: "/audits/:auditId/revisions/:n", own: "NNNNNNS", other: "NNNNNNS"),
        // Before submission there is no revision to compare (404 for everyone); QATests
        // open it as the people allowed once there is.
        Row(method: .GET, route: "/audits/:auditId/revisions", own: "NNNNNNS", other: "NNNNNNS"),
        Row(method: .GET, route: "/audits/:auditId/print/:document", own: "AAAAANS", other: "NNNNNNS"),
        Row(method: .GET, route: "/reports/:number", own: "AAAAANS", other: "NNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/change", own: "AFFAFNS", other: "NNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/decision", own: "FFFAFNS", other: "NNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/submit", own: "AFFFFNS", other: "NNNNNNS"),
        Row(method: .POST, route: "/audits/:auditId/cancel", own: "AFFAFNS", other: "NNNNNNS"),
        // Last: it ends the caller's session.
        Row(method: .POST, route: "/sign-out", own: "AAAAAAA"),
    ]

    /// Which value of the world fills each route parameter.
    static let parameters = ["employerId": "employer", "personId": "person", "fileId": "file", "recordId": "record", "kind": "flha",
                             "requirementId": "newRequirement", "auditId": "audit", "questionId": "question", "itemId": "newActionItem", "certificateNumber": "certificateNumber", "rowId": "newSheetRow",
                             "extensionId": "extension", "auditorId": "auditorEntry", "number": "number", "document": "report",
                             "certificateId": "certificate", "token": "calendarToken", "n": "revisionNumber",
                             "invitationToken": "invitationToken", "resetToken": "resetToken", "invitationId": "invitation", "userId": "spareUser"]

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
