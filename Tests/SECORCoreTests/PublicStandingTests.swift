import XCTest
@testable import SECORCore

/// Rule V1 (with C1-C3): the state a certificate shows the public, at each boundary.
final class PublicStandingTests: XCTestCase {
    let cycle = CertificateCycle(validityYears: 3, cycleYears: 3)
    let end = Fixtures.day("2025-05-20")
    var expiry: CalendarDay { cycle.expiry(certificationEndDate: end) }   // 2028-05-20; maintenance due by 31 May 2026 and 2027

    func state(_ today: String, maintenance: [String] = [], cancelled: String? = nil, term: Int? = nil, grace: Int = 30) -> PublicStanding {
        CertificateStanding.of(certificationEnd: end, expiry: term.map { cycle.expiry(certificationEndDate: end, termYears: $0) } ?? expiry,
                               cancelledOn: cancelled.map(Fixtures.day), termYears: term, maintenancePassed: maintenance.map(Fixtures.day),
                               cycle: cycle, graceDays: grace, today: Fixtures.day(today))
    }

    func testTheMaintenanceMonthAndAfter() {
        XCTAssertEqual(state("2026-04-30").state, .active)
        XCTAssertEqual(state("2026-05-01").state, .maintenanceDue)          // the anniversary month begins
        XCTAssertEqual(state("2026-05-31").state, .maintenanceDue)          // its last day
        XCTAssertEqual(state("2026-05-31").maintenanceDueBy, Fixtures.day("2026-05-31"))
        XCTAssertEqual(state("2026-06-01").state, .maintenanceOverdue)      // the day after
        XCTAssertEqual(state("2026-06-30").state, .maintenanceOverdue)      // the 30th day of grace
        XCTAssertEqual(state("2026-07-01").state, .lapsed)
        XCTAssertEqual(state("2026-06-01", grace: 0).state, .lapsed)        // no grace: lapsed the day after
        XCTAssertEqual(state("2026-06-01", maintenance: ["2026-05-10"]).state, .active)
        XCTAssertEqual(state("2026-06-01", maintenance: ["2026-05-10"]).yearsPassed, [1, 2])
        XCTAssertEqual(state("2027-05-01", maintenance: ["2026-05-10"]).state, .maintenanceDue)   // year 3
        XCTAssertEqual(state("2027-06-01", maintenance: ["2026-05-10", "2027-05-30"]).yearsPassed, [1, 2, 3])
    }

    func testExpiryAndCancellation() {
        let both = ["2026-05-10", "2027-05-10"]
        XCTAssertEqual(state("2028-05-19", maintenance: both).state, .active)   // the day before expiry
        XCTAssertEqual(state("2028-05-20", maintenance: both).state, .active)   // the day of expiry still stands
        XCTAssertEqual(state("2028-05-21", maintenance: both).state, .expired)
        XCTAssertEqual(state("2026-03-01", cancelled: "2026-03-01").state, .cancelled)
        XCTAssertEqual(state("2026-03-01", cancelled: "2026-03-01").cancelledOn, Fixtures.day("2026-03-01"))
        XCTAssertEqual(state("2026-02-28", cancelled: "2026-03-01").state, .active)   // not yet
        // A one-year certificate has no maintenance months: active to its expiry.
        XCTAssertEqual(state("2026-05-20", term: 1).state, .active)
        XCTAssertEqual(state("2026-05-21", term: 1).state, .expired)
    }
}
