import XCTest
@testable import SECORCore

final class TimelineTests: XCTestCase {
    let esc = AuditTimeline(Fixtures.esc.timelines)
    let d = Fixtures.day

    // Rule D1: the last day on site within 15 days of the start: day 15 is in time, 16 is late.
    func testLastDayOnSiteDayFifteenAndSixteen() {
        let deadline = esc.lastDayOnSite(start: d("2026-03-01"))
        XCTAssertEqual(deadline.due, d("2026-03-16"))
        XCTAssertTrue(deadline.isMet(by: d("2026-03-16")))   // day 15
        XCTAssertFalse(deadline.isMet(by: d("2026-03-17")))  // day 16
        XCTAssertEqual(deadline.status(on: d("2026-03-17")), "1 day late")
    }

    // Rule D1 across the spring daylight-saving change (8 March 2026): still 15 calendar days.
    func testDaylightSavingDoesNotMoveADeadline() {
        XCTAssertEqual(esc.lastDayOnSite(start: d("2026-03-01")).due.days(until: d("2026-03-16")), 0)
        XCTAssertEqual(esc.lastDayOnSite(start: d("2026-10-25")).due, d("2026-11-09"))
    }

    // Rule D2: submission within 21 days of the last day on site: day 21 / 22.
    func testSubmissionDayTwentyOneAndTwentyTwo() {
        let deadline = esc.submission(lastDayOnSite: d("2024-02-20"))
        XCTAssertEqual(deadline.due, d("2024-03-12"))  // across 29 Feb 2024
        XCTAssertTrue(deadline.isMet(by: d("2024-03-12")))
        XCTAssertFalse(deadline.isMet(by: d("2024-03-13")))
        XCTAssertEqual(deadline.daysLeft(on: d("2024-03-01")), 11)
    }

    // Rule D3: an extension counts only when approved, and approved before the deadline.
    func testExtensionsNeedPriorApproval() {
        let last = d("2026-05-01")  // D2 due 22 May
        let approved = DeadlineExtension(days: 10, reason: "Flood", requestedOn: d("2026-05-10"), approvedOn: d("2026-05-12"))
        let pending = DeadlineExtension(days: 5, reason: "Ill", requestedOn: d("2026-05-10"), approvedOn: nil)
        let late = DeadlineExtension(days: 7, reason: "Late ask", requestedOn: d("2026-05-20"), approvedOn: d("2026-05-23"))
        XCTAssertEqual(esc.submission(lastDayOnSite: last, extensions: [approved, pending, late]).due, d("2026-06-01"))
        XCTAssertEqual(esc.submission(lastDayOnSite: last, extensions: [pending]).due, d("2026-05-22"))
        let onDeadline = DeadlineExtension(days: 3, reason: "x", requestedOn: d("2026-05-20"), approvedOn: d("2026-05-22"))
        XCTAssertEqual(esc.submission(lastDayOnSite: last, extensions: [onDeadline]).due, d("2026-05-25"))
    }

    // Rule D4: each correction within 15 days of its feedback.
    func testCorrectionDayFifteenAndSixteen() {
        let deadline = esc.correction(feedbackOn: d("2026-12-20"))
        XCTAssertEqual(deadline.due, d("2027-01-04"))
        XCTAssertTrue(deadline.isMet(by: d("2027-01-04")))
        XCTAssertFalse(deadline.isMet(by: d("2027-01-05")))
    }

    // Rule D5: the QA process within 90 days of the first feedback: day 90 / 91.
    func testQAProcessDayNinetyAndNinetyOne() {
        let deadline = esc.qaProcess(firstFeedbackOn: d("2023-12-15"))
        XCTAssertEqual(deadline.due, d("2024-03-14"))  // 2024 is a leap year
        XCTAssertTrue(deadline.isMet(by: d("2024-03-14")))
        XCTAssertFalse(deadline.isMet(by: d("2024-03-15")))
        XCTAssertEqual(esc.qaProcess(firstFeedbackOn: d("2022-12-15")).due, d("2023-03-15"))
    }

    func testDeadlineStatusWords() {
        let deadline = Deadline(rule: "D2", title: "x", due: d("2026-01-10"))
        XCTAssertEqual(deadline.status(on: d("2026-01-10")), "due today")
        XCTAssertEqual(deadline.status(on: d("2026-01-09")), "1 day left")
        XCTAssertEqual(deadline.status(on: d("2026-01-01")), "9 days left")
        XCTAssertEqual(deadline.status(on: d("2026-01-13")), "3 days late")
    }
}

final class CertificateCycleTests: XCTestCase {
    let cycle = CertificateCycle(profile: Fixtures.esc)
    let d = Fixtures.day

    // Rule C2: 3 years after the end date; an audit ending 29 Feb 2024 gives 28 Feb 2027.
    func testExpiryThreeYearsAfterTheEndDateAndOnLeapDay() {
        XCTAssertEqual(cycle.expiry(certificationEndDate: d("2023-06-15")), d("2026-06-15"))
        XCTAssertEqual(cycle.expiry(certificationEndDate: d("2024-02-29")), d("2027-02-28"))
        XCTAssertEqual(cycle.expiry(certificationEndDate: d("2025-02-28")), d("2028-02-28"))
    }

    // Rule C3: expiry 31 May 2022 → maintenance by the end of May 2020 and May 2021.
    func testMaintenanceDueByTheEndOfTheAnniversaryMonth() {
        XCTAssertEqual(cycle.maintenanceDue(expiry: d("2022-05-31")), [d("2020-05-31"), d("2021-05-31")])
        XCTAssertEqual(cycle.maintenanceDue(expiry: d("2027-02-28")), [d("2025-02-28"), d("2026-02-28")])
        XCTAssertEqual(cycle.maintenanceDue(expiry: d("2028-02-03")), [d("2026-02-28"), d("2027-02-28")])
        XCTAssertEqual(cycle.maintenanceDue(expiry: d("2030-02-03")), [d("2028-02-29"), d("2029-02-28")])
    }

    // Rule C1: certification, then two maintenance years, then a new certification.
    func testNextAuditFollowsTheCycle() {
        XCTAssertEqual(cycle.nextAudit(history: [], today: d("2026-01-01")).type, .certification)
        var history = [CompletedAudit(type: .certification, endDate: d("2019-05-31"), passed: true)]
        var next = cycle.nextAudit(history: history, today: d("2019-06-01"))
        XCTAssertEqual(next.type, .maintenance)
        XCTAssertEqual(next.dueBy, d("2020-05-31"))
        XCTAssertEqual(next.cycleYear, 2)
        history.append(.init(type: .maintenance, endDate: d("2020-05-10"), passed: true))
        next = cycle.nextAudit(history: history, today: d("2020-06-01"))
        XCTAssertEqual(next.dueBy, d("2021-05-31"))
        XCTAssertEqual(next.cycleYear, 3)
        history.append(.init(type: .maintenance, endDate: d("2021-04-02"), passed: false))
        XCTAssertEqual(cycle.nextAudit(history: history, today: d("2021-05-01")).cycleYear, 3) // a fail does not count
        history.append(.init(type: .maintenance, endDate: d("2021-05-20"), passed: true))
        next = cycle.nextAudit(history: history, today: d("2021-06-01"))
        XCTAssertEqual(next.type, .certification)
        XCTAssertEqual(next.dueBy, d("2022-05-31"))
        // After the expiry, the certificate is gone and certification is due now.
        next = cycle.nextAudit(history: history, today: d("2022-06-01"))
        XCTAssertEqual(next.type, .certification)
        XCTAssertNil(next.dueBy)
        XCTAssertEqual(cycle.nextAudit(history: history, today: d("2022-05-31")).dueBy, d("2022-05-31"))
    }

    // Rule C6: warnings at 90, 60 and 30 days.
    func testReminderThresholds() {
        let due = d("2026-12-31")
        XCTAssertNil(Reminder.threshold(for: due, today: due.adding(days: -91)))
        XCTAssertEqual(Reminder.threshold(for: due, today: due.adding(days: -90)), 90)
        XCTAssertEqual(Reminder.threshold(for: due, today: due.adding(days: -61)), 90)
        XCTAssertEqual(Reminder.threshold(for: due, today: due.adding(days: -60)), 60)
        XCTAssertEqual(Reminder.threshold(for: due, today: due.adding(days: -30)), 30)
        XCTAssertEqual(Reminder.threshold(for: due, today: due), 30)
        XCTAssertNil(Reminder.threshold(for: due, today: due.adding(days: 1)))
    }
}
