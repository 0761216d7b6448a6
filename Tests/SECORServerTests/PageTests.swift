import Fluent
@testable import SECORServer
import XCTest
import XCTVapor

final class PageTests: XCTestCase {
    func testEveryDemoAccountSignsInOnThePageAndSeesItsHome() async throws {
        let expected: [String: [String]] = [
            "esc-admin@secor.test": ["Erin Cho", "Employers in your program", "Northern Rig Services Ltd.", "Foothills Hot Shot Ltd."],
            "esc-qa@secor.test": ["Quinn Abara", "QA reviewer", "Northern Rig Services Ltd."],
            "acsa-admin@secor.test": ["Avery Singh", "Prairie Roofing Co.", "Bow Valley Concrete Finishing"],
            "acsa-qa@secor.test": ["Morgan Lee", "Prairie Roofing Co."],
            "auditor@secor.test": ["Dana Whitford", "External auditor certified by", "No employer has designated you"],
            "owner@secor.test": ["Sam Okafor", "Owner and assessor", "Northern Rig Services Ltd.", "ESC SECOR program"],
            "supervisor@secor.test": ["Jordan Tremblay", "Supervisor"],
            "worker@secor.test": ["Riley Nguyen", "Worker"],
            "owner2@secor.test": ["Casey Moreau", "Prairie Roofing Co.", "ACSA SECOR program"],
            // V3: a contractor's home is its watch list.
            "contractor@secor.test": ["Jesse Lindqvist", "Summit Pipelines Ltd.", "Watch list", "Northern Rig (rig crews)", "No listed certificate"],
        ]
        try await withApp { app in
            for email in TestAccounts.all {
                let browser = Browser(app)
                let signIn = try await browser.signIn(email)
                XCTAssertEqual(signIn.status, .seeOther, email)
                XCTAssertEqual(signIn.headers.first(name: .location), "/home")
                var home = try await browser.get("/home")
                if email == "contractor@secor.test" {
                    XCTAssertEqual(home.headers.first(name: .location), "/watch")
                    home = try await browser.get("/watch")
                }
                XCTAssertEqual(home.status, .ok)
                for text in expected[email] ?? [] {
                    XCTAssertTrue(home.body.string.contains(text), "\(email) home lacks '\(text)'")
                }
                // Partner data stays with partner staff.
                if !email.contains("admin") && !email.contains("qa") {
                    XCTAssertFalse(home.body.string.contains("Employers in your program"), email)
                }
            }
        }
    }

    func testWrongPasswordOnThePageIs401WithTheMessage() async throws {
        try await withApp { app in
            let res = try await Browser(app).signIn("owner@secor.test", password: "nope")
            XCTAssertEqual(res.status, .unauthorized)
            XCTAssertTrue(res.body.string.contains("The email or password is not right."))
            XCTAssertTrue(res.body.string.contains("value=\"owner@secor.test\""))
        }
    }

    func testEmptyEmailIs400NamingTheField() async throws {
        try await withApp { app in
            let res = try await Browser(app).signIn("", password: "x")
            XCTAssertEqual(res.status, .badRequest)
            XCTAssertTrue(res.body.string.contains("Enter your email address."))
            XCTAssertTrue(res.body.string.contains("id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required value=\"\" aria-invalid=\"true\""))
        }
    }

    func testRepeatedFailuresOnThePageAre429() async throws {
        try await withApp { app in
            let browser = Browser(app)
            for _ in 0..<AccountService.lockAfterFailures { _ = try await browser.signIn("owner@secor.test", password: "nope") }
            let res = try await browser.signIn("owner@secor.test")
            XCTAssertEqual(res.status, .tooManyRequests)
            XCTAssertTrue(res.body.string.contains("Too many failed sign-ins"))
        }
    }

    func testFormsWithoutTheCSRFTokenAreRefused() async throws {
        try await withApp { app in
            let browser = Browser(app)
            let res = try await browser.post("/sign-in", form: ["email": "owner@secor.test", "password": TestAccounts.password], csrf: false)
            XCTAssertEqual(res.status, .forbidden)
            let forged = try await browser.post("/sign-in", form: ["email": "owner@secor.test", "password": TestAccounts.password, "_csrf": "forged"], csrf: false)
            XCTAssertEqual(forged.status, .forbidden)
            // Signed in, sign-out without the token does nothing.
            _ = try await browser.signIn("owner@secor.test")
            do { let r = try await browser.post("/sign-out", form: [:], csrf: false); XCTAssertEqual(r.status, .forbidden) }
            do { let r = try await browser.get("/home"); XCTAssertEqual(r.status, .ok) }
        }
    }

    func testSignOutEndsTheSession() async throws {
        try await withApp { app in
            let browser = Browser(app)
            _ = try await browser.signIn("supervisor@secor.test")
            let stolen = browser.cookie
            let out = try await browser.post("/sign-out", form: [:])
            XCTAssertEqual(out.status, .seeOther)
            browser.cookie = stolen  // the old cookie no longer works
            do { let r = try await browser.get("/home"); XCTAssertEqual(r.status, .seeOther) }
        }
    }

    func testSignInIssuesAFreshSessionId() async throws {
        try await withApp { app in
            let browser = Browser(app)
            _ = try await browser.get("/sign-in")
            let before = browser.cookie
            XCTAssertNotNil(before)
            _ = try await browser.signIn("worker@secor.test")
            XCTAssertNotEqual(browser.cookie, before)
            browser.cookie = before
            do { let r = try await browser.get("/home"); XCTAssertEqual(r.status, .seeOther) }
        }
    }

    func testASessionEndsAfterTwelveHours() async throws {
        try await withApp { app in
            let browser = Browser(app)
            _ = try await browser.signIn("worker@secor.test")
            do { let r = try await browser.get("/home"); XCTAssertEqual(r.status, .ok) }
            // Age the stored session past its lifetime.
            for record in try await SessionRecord.query(on: app.db).all() where record.data["userId"] != nil {
                record.data["signedInAt"] = String(Date().timeIntervalSince1970 - SessionUserMiddleware.sessionLifetime - 1)
                try await record.save(on: app.db)
            }
            do { let r = try await browser.get("/home"); XCTAssertEqual(r.status, .seeOther) }
        }
    }

    func testSignInOnlyRedirectsToLocalPaths() {
        XCTAssertEqual(SignInPages.safeNext("/account"), "/account")
        XCTAssertEqual(SignInPages.safeNext("https://evil.test"), "/home")
        XCTAssertEqual(SignInPages.safeNext("//evil.test"), "/home")
        XCTAssertEqual(SignInPages.safeNext(nil), "/home")
    }

    func testChangePasswordValidatesEachField() async throws {
        try await withApp { app in
            let browser = Browser(app)
            _ = try await browser.signIn("owner@secor.test")
            let token = try await app.token("owner@secor.test")
            let cases: [([String: String], String)] = [
                (["currentPassword": "wrong", "newPassword": "a new long password", "confirmPassword": "a new long password"], "The current password is not right."),
                (["currentPassword": TestAccounts.password, "newPassword": "short", "confirmPassword": "short"], "at least 12 characters"),
                (["currentPassword": TestAccounts.password, "newPassword": "a new long password", "confirmPassword": "another one"], "are not the same"),
            ]
            for (form, message) in cases {
                let res = try await browser.post("/account/password", form: form)
                XCTAssertEqual(res.status, .badRequest)
                XCTAssertTrue(res.body.string.contains(message), message)
            }
            let ok = try await browser.post("/account/password", form: ["currentPassword": TestAccounts.password,
                                                                          "newPassword": "a new long password", "confirmPassword": "a new long password"])
            XCTAssertEqual(ok.status, .seeOther)
            // Old tokens end with the old password; the new password signs in.
            try await app.test(.GET, "/api/v1/me", headers: ["Authorization": "Bearer \(token)"]) { res async in
                XCTAssertEqual(res.status, .unauthorized)
            }
            _ = try await app.token("owner@secor.test", password: "a new long password")
        }
    }

    func testUnknownPageIsAFriendly404() async throws {
        try await withApp(demo: false) { app in
            let res = try await Browser(app).get("/no-such-page")
            XCTAssertEqual(res.status, .notFound)
            XCTAssertTrue(res.body.string.contains("<h1>Not Found</h1>"))
        }
    }
}

final class ProgramPageTests: XCTestCase {
    /// The published programs show each partner's own numbers, from its profile.
    func testProgramsPageShowsEachProfile() async throws {
        try await withApp(demo: false) { app in
            let page = try await Browser(app).get("/programs")
            XCTAssertEqual(page.status, .ok)
            let html = page.body.string
            XCTAssertTrue(html.contains("Energy Safety Canada (ESC)"))
            XCTAssertTrue(html.contains("Alberta Construction Safety Association (ACSA)"))
            XCTAssertTrue(html.contains("Within 21 days of the last day on site") || html.contains("Submitted within 21 days"))
            XCTAssertTrue(html.contains("Submitted within 45 days"))  // ACSA's own D2
            XCTAssertTrue(html.contains("80% overall, 50% in every element"))
        }
    }
}
