import Fluent
import SQLKit
@testable import SECORServer
import Vapor
import XCTest
import XCTVapor

/// Builds the app against a fresh database — SQLite in a temp folder, or PostgreSQL when
/// `SECOR_TEST_DATABASE_URL` is set — migrates, loads the demo data, runs `body`, and
/// always shuts the app down.
func withApp(demo: Bool = true, demoRecords: Bool = false, rateLimitMultiplier: Int = 1000, _ body: (Application) async throws -> Void) async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("secor-test-\(UUID().uuidString)").path
    var config = AppConfig.fromEnvironment(["SECOR_DATA_DIR": folder])
    if let url = ProcessInfo.processInfo.environment["SECOR_TEST_DATABASE_URL"], !url.isEmpty {
        config.database = .postgres(url: url)
    }
    config.demoPassword = TestAccounts.password
    config.bcryptCost = 4
    config.logRequests = false
    // The matrices sign in hundreds of times from one address; RateLimitTests use 1.
    config.rateLimitMultiplier = rateLimitMultiplier
    // V3: the webhook tests send to a receiver on this machine.
    config.allowLocalWebhooks = true
    let app = try await Application.make(.testing)
    do {
        try await configure(app, config: config)
        if case .postgres = config.database {
            // One shared test database: start every test from an empty schema.
            try await app.db.sql.raw("DROP SCHEMA IF EXISTS public CASCADE").run()
            try await app.db.sql.raw("CREATE SCHEMA public").run()
        }
        try await app.migrateAndPrepare()
        // The demo's year of field records only where a test reads them: they slow every test.
        if demo { try await DemoData.load(on: app, fieldRecords: demoRecords) }
        try await body(app)
    } catch {
        try? await app.asyncShutdown()
        try? FileManager.default.removeItem(atPath: folder)
        throw error
    }
    try await app.asyncShutdown()
    try? FileManager.default.removeItem(atPath: folder)
}

enum TestAccounts {
    static let password = "correct horse battery staple"
    static let all = DemoData.accounts.map(\.email)
}

extension Application {
    /// Signs in through the API and returns the bearer token.
    func token(_ email: String, password: String = TestAccounts.password) async throws -> String {
        var token = ""
        try await test(.POST, "/api/v1/sessions", beforeRequest: { req in
            try req.content.encode(["email": email, "password": password], as: .json)
        }, afterResponse: { res async throws in
            XCTAssertEqual(res.status, .created, "sign-in as \(email): \(res.body.string)")
            token = try res.content.get(String.self, at: "token")
        })
        return token
    }

    func organisationId(named name: String) async throws -> UUID {
        try await OrganisationModel.query(on: db).filter(\.$name == name).first()!.requireID()
    }
}

/// A browser's cookie jar, enough for the session cookie.
final class Browser {
    let app: Application
    var cookie: String?

    init(_ app: Application) { self.app = app }

    @discardableResult
    func get(_ path: String) async throws -> XCTHTTPResponse {
        try await send(.GET, path)
    }

    @discardableResult
    func post(_ path: String, form: [String: String], csrf: Bool = true, accept: String? = nil) async throws -> XCTHTTPResponse {
        var fields = form
        if csrf { fields["_csrf"] = try await csrfToken() }
        return try await send(.POST, path) { req in
            try req.content.encode(fields, as: .urlEncodedForm)
            if let accept { req.headers.replaceOrAdd(name: .accept, value: accept) }
        }
    }

    /// Reads the CSRF token from the sign-in page's form, as a browser would have it.
    func csrfToken() async throws -> String {
        let page = try await get("/sign-in").body.string
        let html = page.contains("name=\"_csrf\"") ? page : try await get("/account").body.string
        guard let range = html.range(of: "name=\"_csrf\" value=\"") else { XCTFail("no CSRF field"); return "" }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    func signIn(_ email: String, password: String = TestAccounts.password) async throws -> XCTHTTPResponse {
        try await post("/sign-in", form: ["email": email, "password": password])
    }

    private func send(_ method: HTTPMethod, _ path: String,
                      _ prepare: @escaping (inout XCTHTTPRequest) throws -> Void = { _ in }) async throws -> XCTHTTPResponse {
        var result: XCTHTTPResponse?
        try await app.test(method, path, beforeRequest: { req in
            if let cookie = self.cookie { req.headers.replaceOrAdd(name: .cookie, value: cookie) }
            try prepare(&req)
        }, afterResponse: { res async in
            if let set = res.headers.setCookie?["secor_session"] {
                self.cookie = set.expires.map { $0 < Date() } == true ? nil : "secor_session=\(set.string)"
            }
            result = res
        })
        return result!
    }
}

extension Application {
    /// Field records and versions a test made: without the demo's one first record per
    /// employer (`DemoRecords.loadFirstRecords`, kept so E5 holds).
    func recordsMadeByTheTest() async throws -> Int {
        try await FieldRecordModel.query(on: db).count() - (try await FieldRecordModel.query(on: db).filter(\.$idempotencyKey == "demo-first-record").count())
    }

    func versionsMadeByTheTest() async throws -> Int {
        let seeded = try await FieldRecordModel.query(on: db).filter(\.$idempotencyKey == "demo-first-record").all().compactMap(\.id)
        return try await FieldRecordVersionModel.query(on: db).count() - (try await FieldRecordVersionModel.query(on: db).filter(\.$record.$id ~~ seeded).count())
    }
}
