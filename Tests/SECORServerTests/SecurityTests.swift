import Foundation
@testable import SECORServer
import Vapor
import XCTest
import XCTVapor

/// Security basics: headers on every answer, the session cookie's flags, body limits,
/// and error bodies that never show a stack trace, SQL or a Swift type.
final class SecurityTests: XCTestCase {
    func testEveryKindOfAnswerCarriesTheSecurityHeaders() async throws {
        try await withApp { app in
            let browser = Browser(app)
            var answers = [("sign-in page", try await browser.get("/sign-in")), ("static file", try await browser.get("/app.css")),
                           ("page 404", try await browser.get("/nowhere"))]
            try await app.test(.GET, "/api/v1/me") { res async in answers.append(("API 401", res)) }
            try await app.test(.GET, "/health") { res async in answers.append(("health", res)) }
            for (what, res) in answers {
                let policy = res.headers.first(name: "Content-Security-Policy") ?? ""
                XCTAssertTrue(policy.contains("frame-ancestors 'none'"), what)
                XCTAssertTrue(policy.contains("script-src 'self'"), what)
                XCTAssertFalse(policy.contains("unsafe-inline"), what)
                XCTAssertEqual(res.headers.first(name: "X-Frame-Options"), "DENY", what)
                XCTAssertEqual(res.headers.first(name: "X-Content-Type-Options"), "nosniff", what)
                XCTAssertEqual(res.headers.first(name: "Referrer-Policy"), "same-origin", what)
                XCTAssertEqual(res.headers.first(name: "Strict-Transport-Security"), "max-age=31536000", what)
            }
        }
    }

    func testNoPageHasInlineScriptOrStyleAttributes() async throws {
        // The content policy refuses inline script and style; a page that used them would break.
        try await withApp(demoRecords: true) { app in
            let own = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let browser = Browser(app)
            _ = try await browser.signIn("owner@secor.test")
            for path in ["/home", "/employers/\(own)", "/employers/\(own)/records", "/employers/\(own)/records/new/flha",
                         "/employers/\(own)/readiness", "/employers/\(own)/people", "/audits", "/account"] {
                let html = try await browser.get(path).body.string
                XCTAssertFalse(html.contains("<script>"), path)
                XCTAssertFalse(html.contains(" style=\""), path)
                XCTAssertFalse(html.contains(" onclick="), path)
                XCTAssertFalse(html.contains("javascript:"), path)
            }
        }
    }

    func testTheSessionCookieIsSecureHttpOnlyAndSameSite() async throws {
        try await withApp { app in
            let browser = Browser(app)
            let csrf = try await browser.csrfToken()
            try await app.test(.POST, "/sign-in", beforeRequest: { req in
                req.headers.replaceOrAdd(name: .cookie, value: browser.cookie ?? "")
                try req.content.encode(["email": "owner@secor.test", "password": TestAccounts.password, "_csrf": csrf], as: .urlEncodedForm)
            }, afterResponse: { res async in
                let header = res.headers[.setCookie].first { $0.hasPrefix("secor_session=") } ?? ""
                XCTAssertTrue(header.contains("Secure"), header)
                XCTAssertTrue(header.contains("HttpOnly"), header)
                XCTAssertTrue(header.contains("SameSite=Lax"), header)
            })
        }
    }

    func testAnOversizedJSONBodyIsRefusedWith413() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let token = try await app.token("supervisor@secor.test")
            let big = "{\"kind\":\"flha\",\"notes\":\"" + String(repeating: "x", count: 2 * 1024 * 1024) + "\"}"
            // Declared length over the limit, and the same body with no length (read up to the limit).
            for declared in [true, false] {
                try await app.test(.POST, "/api/v1/employers/\(employer)/records", beforeRequest: { req in
                    req.headers.bearerAuthorization = .init(token: token)
                    req.headers.contentType = .json
                    req.body = ByteBuffer(string: big)
                    if declared { req.headers.replaceOrAdd(name: .contentLength, value: "\(big.utf8.count)") } else { req.headers.remove(name: .contentLength) }
                }, afterResponse: { res async throws in
                    XCTAssertEqual(res.status, .payloadTooLarge, "declared: \(declared)")
                    XCTAssertEqual(try res.content.get(String.self, at: "field"), "body")
                })
            }
        }
    }

    func testErrorBodiesShowNoStackTraceSQLOrSwiftTypes() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let token = try await app.token("owner@secor.test")
            let hostile = ["' OR 1=1 --", "\"; DROP TABLE users; --", "%00", String(repeating: "é", count: 300), "\u{0}", "NOT (a"]
            var requests: [(HTTPMethod, String, String?)] = [
                (.POST, "/api/v1/employers/\(employer)/records", "{"),
                (.POST, "/api/v1/employers/\(employer)/records", "[]"),
                (.POST, "/api/v1/employers/\(employer)/records", "{\"kind\": 7}"),
                (.POST, "/api/v1/employers/\(employer)/records", "{\"kind\":\"flha\",\"occurredOn\":\"2026-02-30\",\"occurredTime\":\"25:00\"}"),
                (.POST, "/api/v1/employers/\(employer)/people", "{\"name\": null}"),
                (.GET, "/api/v1/employers/\(employer)/records/not-an-id", nil),
                (.GET, "/api/v1/employers/\(employer)/records?from=yesterday", nil),
                (.GET, "/api/v1/audits/by-number/12", nil),
                (.PUT, "/api/v1/audits/\(UUID())/answers/E1-Q1", "{\"answer\":{\"kind\":\"points\",\"points\":-1}}"),
            ]
            for text in hostile {
                let q = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                requests.append((.GET, "/api/v1/employers/\(employer)/records?q=\(q)", nil))
                requests.append((.GET, "/api/v1/employers/\(employer)/records?site=\(q)&person=\(q)", nil))
            }
            for (method, path, body) in requests {
                try await app.test(method, path, beforeRequest: { req in
                    req.headers.bearerAuthorization = .init(token: token)
                    if let body { req.headers.contentType = .json; req.body = ByteBuffer(string: body) }
                }, afterResponse: { res async in
                    XCTAssertLessThan(res.status.code, 500, "\(method) \(path): \(res.body.string)")
                    let text = res.body.string.lowercased()
                    for leak in ["sqlite", "postgres", "psql", "select ", "insert ", ".swift", "swift.", "decodingerror", "optional(", "fatal", "stack"] {
                        XCTAssertFalse(text.contains(leak), "\(method) \(path) shows '\(leak)': \(res.body.string)")
                    }
                })
            }
        }
    }

    // Found by the fuzzer: a query parameter outside its list was answered as malformed JSON.
    func testABadQueryParameterIsNamedAsAParameter() async throws {
        try await withApp { app in
            let client = try await APIClient(app, as: "esc-admin@secor.test")
            let answer = try await client.send(.GET, "/api/v1/employers?status=AAA")
            XCTAssertEqual(answer.status, .badRequest)
            let message = answer.json["message"].string ?? ""
            XCTAssertTrue(message.hasPrefix("A parameter of the request is not valid"), message)
            XCTAssertTrue(message.contains("AAA"), message)
            XCTAssertFalse(message.contains("JSON"), message)
        }
    }
}
