import XCTest
@testable import SECORCore

final class EligibilityTests: XCTestCase {
    let d = Fixtures.day
    let today = Fixtures.day("2026-11-22")
    let account = [WCBAccount(number: "1234567", industryCode: "42100", active: true)]

    private func people(_ n: Int, start: String = "2020-01-01") -> [Person] {
        (1...n).map { Fixtures.person("p\($0)", $0 == 1 ? .owner : .worker, start: start) }
    }

    private func check(_ people: [Person], _ profile: ProgramProfile = Fixtures.esc, facts: (inout EmployerFacts) -> Void = { _ in }) -> EligibilityReport {
        var f = EmployerFacts(people: people, wcbAccounts: account, firstRecordDate: d("2025-01-01"))
        facts(&f)
        return Eligibility.check(f, profile: profile, today: today)
    }

    // Rule E1: 10 people are eligible, 11 are not.
    func testTenEligibleElevenNot() {
        XCTAssertTrue(check(people(10)).isEligible)
        let report = check(people(11))
        XCTAssertFalse(report.isEligible)
        XCTAssertEqual(report.issues.map(\.rule), ["E1"])
        XCTAssertEqual(report.headcount.peak, 11)
    }

    // Rule E1: 11 on a single day of the last 12 months makes the employer ineligible,
    // and the message names that day.
    func testElevenForOneDayInTheWindowIsIneligible() {
        var crew = people(10)
        crew.append(Fixtures.person("temp", .temporary, start: "2026-02-03", end: "2026-02-03"))
        let report = check(crew)
        XCTAssertFalse(report.isEligible)
        XCTAssertEqual(report.headcount.daysOver, [d("2026-02-03")])
        XCTAssertTrue(report.issues[0].message.contains("11 people were on the WCB account on 3 February 2026"), report.issues[0].message)
    }

    // Rule E1: the window is the trailing 12 months: a day just outside it does not count.
    func testWindowBoundary() {
        var crew = people(10)
        crew.append(Fixtures.person("old", start: "2025-11-22", end: "2025-11-22"))
        XCTAssertTrue(check(crew).isEligible)          // 12 months + 1 day ago
        crew.append(Fixtures.person("edge", start: "2025-11-23", end: "2025-11-23"))
        XCTAssertFalse(check(crew).isEligible)         // first day of the window
        XCTAssertEqual(check(crew).headcount.from, d("2025-11-23"))
    }

    // Rule E1: every category counts: owners, clerical, part-time, family, volunteers.
    func testEveryCategoryCounts() {
        let categories: [PersonCategory] = [.owner, .manager, .supervisor, .worker, .clerical, .partTime, .temporary, .familyMember, .volunteer, .contractor, .worker]
        let crew = categories.enumerated().map { Fixtures.person("c\($0.offset)", $0.element, fullTime: false) }
        XCTAssertEqual(check(crew).headcount.peak, 11)
        XCTAssertFalse(check(crew).isEligible)
    }

    // Rule E1: someone who left and someone who joined on the same day are never counted together.
    func testLeaversAndJoinersDoNotOverlap() {
        var crew = people(9)
        crew.append(Fixtures.person("leaver", start: "2020-01-01", end: "2026-05-31"))
        crew.append(Fixtures.person("joiner", start: "2026-06-01"))
        let report = check(crew)
        XCTAssertEqual(report.headcount.peak, 10)
        XCTAssertTrue(report.isEligible)
        XCTAssertEqual(report.headcount.count(on: d("2026-05-31")), 10)
    }

    // Rule E2: an active WCB account.
    func testWCBAccountMustBeActive() {
        XCTAssertEqual(check(people(3)) { $0.wcbAccounts = [] }.issues.map(\.rule), ["E2"])
        XCTAssertEqual(check(people(3)) { $0.wcbAccounts[0].active = false }.issues.first?.message, "No WCB account is active.")
    }

    // Rule E3 (ACSA): membership by industry code, or a paid associate membership.
    func testACSAMembership() {
        XCTAssertTrue(check(people(3), Fixtures.acsa).isEligible)
        let other = [WCBAccount(number: "9", industryCode: "99999", active: true)]
        let none = check(people(3), Fixtures.acsa) { $0.wcbAccounts = other }
        XCTAssertEqual(none.issues.map(\.rule), ["E3"])
        XCTAssertTrue(check(people(3), Fixtures.acsa) { $0.wcbAccounts = other; $0.associateMembershipPaidUntil = self.today }.isEligible)
        let lapsed = check(people(3), Fixtures.acsa) { $0.wcbAccounts = other; $0.associateMembershipPaidUntil = self.today.adding(days: -1) }
        XCTAssertTrue(lapsed.issues[0].message.contains("has lapsed"))
        // ESC asks for no membership.
        XCTAssertTrue(check(people(3)) { $0.wcbAccounts = other }.isEligible)
    }

    // Rule E5: three months of records before the evaluation is completed.
    func testThreeMonthsOfRecords() {
        XCTAssertTrue(check(people(3), Fixtures.acsa) { $0.firstRecordDate = self.d("2026-08-22") }.isEligible)
        let short = check(people(3), Fixtures.acsa) { $0.firstRecordDate = self.d("2026-08-23") }
        XCTAssertEqual(short.issues.map(\.rule), ["E5"])
        XCTAssertTrue(short.issues[0].message.contains("reached on 23 November 2026"))
        XCTAssertEqual(check(people(3), Fixtures.acsa) { $0.firstRecordDate = nil }.issues.map(\.rule), ["E5"])
    }

    // Rule E1: the count named goes with its day: 11 on the first day over, 12 on the peak's day.
    func testTheCountNamedIsTheCountOfThatDay() {
        var crew = people(10)
        crew.append(Fixtures.person("temp1", .temporary, start: "2026-01-05", end: "2026-01-20"))
        crew.append(Fixtures.person("temp2", .temporary, start: "2026-01-12", end: "2026-01-14"))
        let message = check(crew).issues[0].message
        XCTAssertTrue(message.hasPrefix("11 people were on the WCB account on 5 January 2026, 12 on 12 January 2026"), message)
        // One day over at 11: no peak is added.
        XCTAssertFalse(check(people(11)).issues[0].message.contains(", 11 on"))
    }

    func testAllReasonsTogether() {
        let report = check(people(11), Fixtures.acsa) { $0.wcbAccounts = []; $0.firstRecordDate = nil }
        XCTAssertEqual(report.issues.map(\.rule), ["E1", "E2", "E3", "E5"])
    }
}
