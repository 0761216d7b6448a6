import Fluent
@testable import SECORServer
import XCTest
import XCTVapor

final class APISessionTests: XCTestCase {
    func testEveryDemoAccountSignsInThroughTheAPI() async throws {
        try await withApp { app in
            for email in TestAccounts.all {
                let token = try await app.token(email)
                try await app.test(.GET, "/api/v1/me", headers: ["Authorization": "Bearer \(token)"]) { res async throws in
                    XCTAssertEqual(res.status, .ok)
                    XCTAssertEqual(try res.content.get(String.self, at: "email"), email)
                }
            }
        }
    }

    func testMeCarriesOrganisationRoleAndProgram() async throws {
        try await withApp { app in
            let token = try await app.token("owner2@secor.test")
            try await app.test(.GET, "/api/v1/me", headers: ["Authorization": "Bearer \(token)"]) { res async throws in
                XCTAssertEqual(try res.content.get(String.self, at: "role"), "employerOwner")
                XCTAssertEqual(try res.content.get(Bool.self, at: "isAssessor"), true)
                XCTAssertEqual(try res.content.get(String.self, at: "organisation", "name"), "Prairie Roofing Co.")
                XCTAssertEqual(try res.content.get(String.self, at: "program", "id"), "acsa")
            }
        }
    }

    func testWrongPasswordIs401AndUnknownUserToo() async throws {
        try await withApp { app in
            for (email, password) in [("owner@secor.test", "wrong password"), ("nobody@secor.test", TestAccounts.password)] {
                try await app.test(.POST, "/api/v1/sessions", beforeRequest: { req in
                    try req.content.encode(["email": email, "password": password], as: .json)
                }) { res async throws in
                    XCTAssertEqual(res.status, .unauthorized)
                    XCTAssertEqual(try res.content.get(String.self, at: "message"), "The email or password is not right.")
                }
            }
        }
    }

    func testMalformedAndIncompleteJSONIs400WithAMessage() async throws {
        try await withApp { app in
            let bodies: [(String, String?)] = [("{\"email\":", nil), ("{\"email\":\"a@b.c\"}", "password"),
                                               ("{\"email\":1,\"password\":\"x\"}", "email"), ("[]", nil)]
            for (body, field) in bodies {
                try await app.test(.POST, "/api/v1/sessions", headers: ["Content-Type": "application/json"],
                                   body: ByteBuffer(string: body)) { res async throws in
                    XCTAssertEqual(res.status, .badRequest, body)
                    XCTAssertFalse(try res.content.get(String.self, at: "message").isEmpty)
                    XCTAssertEqual(try? res.content.get(String.self, at: "field"), field, body)
                }
            }
            // Empty, malformed or oversized values name their field, and nothing is recorded.
            let invalid: [([String: String], String)] = [
                (["email": "", "password": "x"], "email"),
                (["email": "not-an-address", "password": "x"], "email"),
                (["email": String(repeating: "a", count: 400) + "@x.y", "password": "x"], "email"),
                (["email": "owner@secor.test", "password": ""], "password"),
                (["email": "owner@secor.test", "password": String(repeating: "p", count: 1025)], "password"),
            ]
            for (body, field) in invalid {
                try await app.test(.POST, "/api/v1/sessions", beforeRequest: { req in
                    try req.content.encode(body, as: .json)
                }) { res async throws in
                    XCTAssertEqual(res.status, .badRequest)
                    XCTAssertEqual(try res.content.get(String.self, at: "field"), field)
                }
            }
            let attempts = try await SignInAttemptModel.query(on: app.db).count()
            XCTAssertEqual(attempts, 0)
        }
    }

    /// Five failures lock the address: the sixth try is 429 even with the right password.
    func testRepeatedFailuresAre429WithRetryAfter() async throws {
        try await withApp { app in
            for _ in 0..<AccountService.lockAfterFailures {
                try await app.test(.POST, "/api/v1/sessions", beforeRequest: { req in
                    try req.content.encode(["email": "worker@secor.test", "password": "guess"], as: .json)
                }) { res async in XCTAssertEqual(res.status, .unauthorized) }
            }
            try await app.test(.POST, "/api/v1/sessions", beforeRequest: { req in
                try req.content.encode(["email": "worker@secor.test", "password": TestAccounts.password], as: .json)
            }) { res async throws in
                XCTAssertEqual(res.status, .tooManyRequests)
                let retry = Int(res.headers.first(name: "Retry-After") ?? "") ?? 0
                XCTAssertGreaterThan(retry, 0)
                XCTAssertLessThanOrEqual(retry, 15 * 60)
                XCTAssertTrue(try res.content.get(String.self, at: "message").contains("Too many failed sign-ins"))
            }
            // Another account is not affected.
            _ = try await app.token("owner@secor.test")
        }
    }

    func testTheLockEndsAfterItsWindow() async throws {
        try await withApp { app in
            let then = Date().addingTimeInterval(-AccountService.lockWindow - 1)
            for _ in 0..<AccountService.lockAfterFailures {
                try await SignInAttemptModel(email: "worker@secor.test", client: "local", succeeded: false, at: then).create(on: app.db)
            }
            _ = try await app.token("worker@secor.test")
        }
    }

    func testSignOutRevokesTheToken() async throws {
        try await withApp { app in
            let token = try await app.token("supervisor@secor.test")
            let auth: HTTPHeaders = ["Authorization": "Bearer \(token)"]
            try await app.test(.DELETE, "/api/v1/sessions/current", headers: auth) { res async in
                XCTAssertEqual(res.status, .noContent)
            }
            try await app.test(.GET, "/api/v1/me", headers: auth) { res async in XCTAssertEqual(res.status, .unauthorized) }
        }
    }

    func testExpiredRevokedMissingAndForgedTokensAre401() async throws {
        try await withApp { app in
            let expired = try await app.token("worker@secor.test")
            try await APITokenModel.query(on: app.db).filter(\.$tokenHash == AccountService.hash(token: expired))
                .set(\.$expiresAt, to: Date().addingTimeInterval(-1)).update()
            let revoked = try await app.token("worker@secor.test")
            try await APITokenModel.query(on: app.db).filter(\.$tokenHash == AccountService.hash(token: revoked))
                .set(\.$revokedAt, to: Date()).update()
            for headers: HTTPHeaders in [["Authorization": "Bearer \(expired)"], ["Authorization": "Bearer \(revoked)"],
                                         ["Authorization": "Bearer secor_forged"], [:]] {
                try await app.test(.GET, "/api/v1/me", headers: headers) { res async throws in
                    XCTAssertEqual(res.status, .unauthorized)
                    XCTAssertFalse(try res.content.get(String.self, at: "message").isEmpty)
                }
            }
        }
    }

    /// Only the token's hash is stored.
    func testTokensAreStoredHashed() async throws {
        try await withApp { app in
            let token = try await app.token("worker@secor.test")
            let stored = try await APITokenModel.query(on: app.db).all().map(\.tokenHash)
            XCTAssertFalse(stored.contains(token))
            XCTAssertTrue(stored.contains(AccountService.hash(token: token)))
        }
    }

    func testProgramsArePublishedAndTheDocumentIsServed() async throws {
        try await withApp { app in
            try await app.test(.GET, "/api/v1/programs") { res async throws in
                XCTAssertEqual(res.status, .ok)
                let ids = try res.content.decode([[String: AnyDecodable]].self).compactMap { $0["id"]?.string }
                XCTAssertEqual(ids, ["acsa", "esc"])
            }
            try await app.test(.GET, "/openapi.yaml") { res async in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.hasPrefix("openapi: \"3.1.0\""))
            }
        }
    }

    func testUnknownAPIPathIsJSON404() async throws {
        try await withApp(demo: false) { app in
            try await app.test(.GET, "/api/v1/nothing-here") { res async throws in
                XCTAssertEqual(res.status, .notFound)
                XCTAssertFalse(try res.content.get(String.self, at: "message").isEmpty)
            }
        }
    }
}

/// Decodes any JSON value, enough to read a field out of a list.
struct AnyDecodable: Decodable {
    var string: String?
    init(from decoder: Decoder) throws {
        string = try? decoder.singleValueContainer().decode(String.self)
    }
}
