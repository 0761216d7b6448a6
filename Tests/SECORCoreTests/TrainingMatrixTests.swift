import XCTest
@testable import SECORCore

final class TrainingMatrixTests: XCTestCase {
    let d = Fixtures.day

    // Rule F2: the matrix names a course or ticket, never "as required".
    func testRequirementsMustNameACertification() {
        XCTAssertNoThrow(try TrainingMatrix.validateRequirement(jobRole: "Operator", courseId: "h2s-alive", profile: Fixtures.esc))
        XCTAssertNoThrow(try TrainingMatrix.validateRequirement(jobRole: "Operator", courseId: "spd", profile: Fixtures.esc))
        for vague in ["as required", "As Required", "TBD", "n/a"] {
            XCTAssertThrowsError(try TrainingMatrix.validateRequirement(jobRole: "Operator", courseId: vague, profile: Fixtures.esc)) {
                XCTAssertEqual(($0 as? MatrixError)?.field, "courseId")
                XCTAssertTrue(($0 as? MatrixError)?.message.contains("F2") == true)
            }
        }
        XCTAssertThrowsError(try TrainingMatrix.validateRequirement(jobRole: "Operator", courseId: "csts", profile: Fixtures.esc))
        XCTAssertThrowsError(try TrainingMatrix.validateRequirement(jobRole: " ", courseId: "whmis", profile: Fixtures.esc)) {
            XCTAssertEqual(($0 as? MatrixError)?.field, "jobRole")
        }
    }

    // Rule C6 applied to tickets: held, expiring within 90 days, expired, missing.
    func testHoldingStatesAtTheirBoundaries() {
        let course = Fixtures.esc.course("h2s-alive")  // valid 3 years
        let done = [CourseCompletion(personId: "a", courseId: "h2s-alive", completedOn: d("2023-06-01"))]
        // last valid day: 2026-05-31
        XCTAssertEqual(TrainingMatrix.state(of: done, course: course, on: d("2026-03-01")), .held(until: d("2026-05-31")))   // 91 days
        XCTAssertEqual(TrainingMatrix.state(of: done, course: course, on: d("2026-03-02")), .expiring(on: d("2026-05-31"), daysLeft: 90))
        XCTAssertEqual(TrainingMatrix.state(of: done, course: course, on: d("2026-05-31")), .expiring(on: d("2026-05-31"), daysLeft: 0))
        XCTAssertEqual(TrainingMatrix.state(of: done, course: course, on: d("2026-06-01")), .expired(on: d("2026-05-31")))
        XCTAssertEqual(TrainingMatrix.state(of: [], course: course, on: d("2026-06-01")), .missing)
        XCTAssertEqual(TrainingMatrix.state(of: [CourseCompletion(personId: "a", courseId: "whmis", completedOn: d("2020-01-01"))],
                                            course: Fixtures.esc.course("whmis"), on: d("2026-06-01")), .held(until: nil))
    }

    func testMatrixRowsPerWorkerByJobRole() {
        let people = [Fixtures.person("a", .worker), Fixtures.person("b", .supervisor), Fixtures.person("gone", .worker, end: "2025-01-01")]
        let rows = TrainingMatrix.evaluate(
            people: people, jobRoles: ["a": "Operator", "b": "supervisor", "gone": "Operator"],
            requirements: [.init(jobRole: "Operator", courseId: "h2s-alive"), .init(jobRole: "Supervisor", courseId: "standard-first-aid"),
                           .init(jobRole: "Supervisor", courseId: "h2s-alive")],
            completions: [CourseCompletion(personId: "a", courseId: "h2s-alive", completedOn: d("2026-01-01"))],
            profile: Fixtures.esc, on: d("2026-06-01"))
        XCTAssertEqual(rows.map(\.personId), ["a", "b"])  // someone who left is not in the matrix
        XCTAssertEqual(rows[0].cells.map(\.state.key), ["held"])
        XCTAssertEqual(rows[1].cells.map(\.state.key), ["missing", "missing"])  // job roles match without case
    }
}

final class EligibilityWithTrainingTests: XCTestCase {
    // Rules E1 + T5: the eligibility status lists training gaps beside the other reasons.
    func testTrainingGapsBecomeEligibilityReasons() {
        let people = [Fixtures.person("o", .owner)]
        let facts = EmployerFacts(people: people, wcbAccounts: [WCBAccount(number: "1", industryCode: "42100", active: true)],
                                  firstRecordDate: Fixtures.day("2025-01-01"))
        let training = TrainingRules.status(people: people, completions: [], profile: Fixtures.acsa, on: Fixtures.day("2026-01-01"))
        let report = Eligibility.check(facts, profile: Fixtures.acsa, today: Fixtures.day("2026-01-01")).including(training: training)
        XCTAssertEqual(report.issues.map(\.kind), [.training, .training, .training, .training])
        XCTAssertEqual(report.issues.map(\.rule), ["T5", "T5", "T5", "T6"])
    }

    // Rule E1: a warning at the limit, before it is passed.
    func testWarningAtTheLimit() {
        let ten = (1...10).map { Fixtures.person("p\($0)") }
        let account = [WCBAccount(number: "1", industryCode: "1", active: true)]
        let today = Fixtures.day("2026-01-01")
        let atLimit = Eligibility.check(EmployerFacts(people: ten, wcbAccounts: account, firstRecordDate: today.adding(days: -200)),
                                        profile: Fixtures.esc, today: today)
        XCTAssertNotNil(atLimit.headcountWarning)
        let nine = Eligibility.check(EmployerFacts(people: Array(ten.prefix(9)), wcbAccounts: account, firstRecordDate: today.adding(days: -200)),
                                     profile: Fixtures.esc, today: today)
        XCTAssertNil(nine.headcountWarning)
    }
}
