import XCTest
@testable import SECORCore

/// The rule fixes of issue 17, each at its boundary.
final class Issue17RuleTests: XCTestCase {
    let today = Fixtures.day("2026-12-01")

    // Rule R1: approval before the start; once the planned start has passed, only with a
    // new start date, today or later (the change is recorded, R3).
    func testApprovalNeedsANewStartOnceThePlannedStartHasPassed() {
        XCTAssertEqual(AuditRegistration.approvalStart(planned: today, newStart: nil, today: today), .success(today))
        guard case .failure(let refusal) = AuditRegistration.approvalStart(planned: today.adding(days: -1), newStart: nil, today: today) else {
            return XCTFail("a passed start is approved")
        }
        XCTAssertEqual(refusal.field, "plannedStart")
        XCTAssertTrue(refusal.message.hasPrefix("R1"))
        XCTAssertEqual(AuditRegistration.approvalStart(planned: today.adding(days: -1), newStart: today, today: today), .success(today))
        guard case .failure = AuditRegistration.approvalStart(planned: today.adding(days: -9), newStart: today.adding(days: -1), today: today) else {
            return XCTFail("a new start in the past is accepted")
        }
    }

    // Rule R7: fees are whole cents within bounds; two decimals at most; no wrapping.
    func testReviewFeesAreIntegerCents() throws {
        XCTAssertEqual(try ReviewFee.cents(fromDollars: "350"), 35_000)
        XCTAssertEqual(try ReviewFee.cents(fromDollars: " $1,250.5 "), 125_050)
        XCTAssertEqual(try ReviewFee.cents(fromDollars: "0.01"), 1)
        XCTAssertNil(try ReviewFee.cents(fromDollars: "  "))
        XCTAssertEqual(try ReviewFee.cents(fromDollars: "100000.00"), ReviewFee.maximumCents)
        for bad in ["100000.01", "99999999999999999999", "1e9", "12.345", "-5", "12.", ".5", "1.2.3", "abc", "١٢"] {
            XCTAssertThrowsError(try ReviewFee.cents(fromDollars: bad), bad)
        }
        XCTAssertNoThrow(try ReviewFee.check(paidOn: today, today: today))
        XCTAssertThrowsError(try ReviewFee.check(paidOn: today.adding(days: 1), today: today))
        XCTAssertEqual(ReviewFee.text(125_050), "$1,250.50")
        XCTAssertEqual(ReviewFee.text(5), "$0.05")
    }

    // Rule F1: a record tells of work the employer did: not before anyone was on the
    // roster (the first start day is accepted, the day before refused), not after tomorrow.
    func testRecordDaysFallInsideTheEmployersLife() {
        let first = Fixtures.day("2024-03-01")
        XCTAssertNil(RecordDay.problem(first, rosterStarts: [Fixtures.day("2025-01-01"), first], today: today))
        XCTAssertNotNil(RecordDay.problem(first.adding(days: -1), rosterStarts: [first], today: today))
        XCTAssertNotNil(RecordDay.problem(Fixtures.day("1900-01-01"), rosterStarts: [first], today: today))
        XCTAssertNil(RecordDay.problem(today.adding(days: 1), rosterStarts: [first], today: today))
        XCTAssertNotNil(RecordDay.problem(today.adding(days: 2), rosterStarts: [first], today: today))
        // Nobody on the roster yet: at most three years back.
        XCTAssertNil(RecordDay.problem(today.adding(months: -36), rosterStarts: [], today: today))
        XCTAssertNotNil(RecordDay.problem(today.adding(months: -36).adding(days: -1), rosterStarts: [], today: today))
    }

    // Rules T1-T6 and F2: "met" is said only when the program's requirements and the matrix both hold.
    func testTrainingSummaryReadsTheMatrixToo() {
        let met = TrainingStatus(asOf: today, findings: [TrainingFinding(rule: "T1", requirement: "Course", met: true, detail: "")])
        let cell = { (state: HoldingState) in MatrixRow(personId: "p", personName: "Pat", jobRole: "Operator",
                                                       cells: [MatrixCell(courseId: "h2s", courseName: "H2S Alive", state: state)]) }
        XCTAssertTrue(TrainingSummary(status: met, matrix: [cell(.held(until: nil))]).allMet)
        let missing = TrainingSummary(status: met, matrix: [cell(.missing)])
        XCTAssertFalse(missing.allMet)
        XCTAssertEqual(missing.headline, "1 ticket missing from the training matrix.")
        let expiring = TrainingSummary(status: met, matrix: [cell(.expiring(on: today, daysLeft: 0))])
        XCTAssertTrue(expiring.allMet)
        XCTAssertTrue(expiring.headline.contains("1 ticket expiring soon"))
        let unmet = TrainingStatus(asOf: today, findings: [TrainingFinding(rule: "T1", requirement: "Course", met: false, detail: "")])
        XCTAssertEqual(TrainingSummary(status: unmet, matrix: []).headline, "1 program requirement not met.")
    }

    // Q11: one word for a report that fails QA.
    func testAFailedReviewIsInvalid() {
        XCTAssertNil(AuditStage(rawValue: "failed"))
        XCTAssertEqual(AuditStage.invalid.label, "Invalid")
        XCTAssertFalse(AuditStage.invalid.isOpen)
    }

    // The notice table: workers are named only as a person or an assignee, never for audit administration.
    func testEveryEventHasAnAudienceAndWorkersGetNoAuditNotices() {
        for event in NoticeEvent.allCases { XCTAssertFalse(NoticeTable.audiences(event).isEmpty, event.rawValue) }
        XCTAssertEqual(NoticeTable.audiences(.incidentReported), [.employerOwners, .supervisors])
        XCTAssertEqual(NoticeTable.audiences(.auditSubmitted), [.qaReviewers, .employerOwners])
    }
}
