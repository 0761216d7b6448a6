import Fluent
@testable import SECORServer
import SECORCore
import XCTVapor

/// A partner with a thousand employers: every list page shows 50 at a time, with links
/// that keep the filter, and the partner's home shows the first few.
final class PagerTests: XCTestCase {
    func testLongListsArePaged() async throws {
        try await withApp { app in
            // 110 generated employers, half in each partner's program; no records (years: 0).
            _ = try await ScaleData.load(on: app, employers: 110, years: 0)
            let esc = try await app.organisationId(named: "Energy Safety Canada")
            let total = try await OrganisationModel.query(on: app.db).filter(\OrganisationModel.$kind == "employer").filter(\OrganisationModel.$partner.$id == esc).count()
            XCTAssertGreaterThan(total, 50)
            let browser = Browser(app)
            _ = try await browser.signIn("esc-admin@secor.test")

            let first = try await browser.get("/partner/employers").body.string
            XCTAssertTrue(first.contains("Employers 1–50 of \(total)"), first)
            XCTAssertTrue(first.contains("href=\"/partner/employers?page=2\">Next"))
            let second = try await browser.get("/partner/employers?page=2").body.string
            XCTAssertTrue(second.contains("Employers 51–\(total) of \(total)"))
            XCTAssertTrue(second.contains("href=\"/partner/employers\">← Previous"))
            XCTAssertFalse(second.contains("Next →"))
            let filtered = try await browser.get("/partner/employers?status=eligible").body.string
            if filtered.contains("Next →") { XCTAssertTrue(filtered.contains("?status=eligible&amp;page=2")) }
            let wrong = try await browser.get("/partner/employers?page=x")
            XCTAssertEqual(wrong.status, .badRequest)

            let cycle = try await browser.get("/partner/cycle").body.string
            XCTAssertTrue(cycle.contains("Employers 1–50 of \(total)"))
            XCTAssertTrue(cycle.contains("href=\"/partner/cycle?page=2\">Next"))

            let home = try await browser.get("/home").body.string
            XCTAssertTrue(home.contains("All \(total) employers →"))
            XCTAssertEqual(home.components(separatedBy: "<tr><td><a href=\"/employers/").count - 1, HomePages.partnerHomeEmployers)

            let audits = try await browser.get("/audits").body.string
            XCTAssertTrue(audits.contains("Audits 1–"), audits)
        }
    }
}
