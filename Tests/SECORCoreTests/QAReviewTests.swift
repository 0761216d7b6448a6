import XCTest
@testable import SECORCore

final class QAReviewTests: XCTestCase {
    let timelines = Timelines(onSiteDays: 15, submissionDays: 21, correctionDays: 15, qaProcessDays: 90)
    let marks = PassMarks(certification: .init(overallPercent: 80, elementPercent: 50), maintenance: .init(overallPercent: 60, elementPercent: nil))
    let feedback = CalendarDay(2026, 3, 2)

    // Rule D4: the correction is due on day 15 after the feedback; day 16 is late.
    func testCorrectionDueOnDay15() {
        XCTAssertEqual(CorrectionClock.state(firstFeedbackOn: feedback, lastFeedbackOn: feedback, today: feedback.adding(days: 15), timelines: timelines), .onTime)
        XCTAssertEqual(CorrectionClock.state(firstFeedbackOn: feedback, lastFeedbackOn: feedback, today: feedback.adding(days: 16), timelines: timelines),
                       .correctionLate(due: feedback.adding(days: 15)))
        // Returned in time: no D4 clock runs.
        XCTAssertEqual(CorrectionClock.state(firstFeedbackOn: feedback, lastFeedbackOn: nil, today: feedback.adding(days: 40), timelines: timelines), .onTime)
    }

    // Rule D5: the whole process ends on day 90 after the first feedback; day 91 is invalid.
    func testProcessEndsOnDay90() {
        XCTAssertEqual(CorrectionClock.state(firstFeedbackOn: feedback, lastFeedbackOn: nil, today: feedback.adding(days: 90), timelines: timelines), .onTime)
        XCTAssertEqual(CorrectionClock.state(firstFeedbackOn: feedback, lastFeedbackOn: nil, today: feedback.adding(days: 91), timelines: timelines),
                       .processExpired(due: feedback.adding(days: 90)))
    }

    func tenQuestions() -> AuditProtocol {
        AuditProtocol(id: "t", partner: "esc", version: "1", title: "T", elements: [
            ProtocolElement(number: 1, title: "One", questions: (1...5).map { ProtocolQuestion(id: "1.\($0)", text: "q", methods: [.documentation], maxPoints: 10, scoring: .range) }),
            ProtocolElement(number: 2, title: "Two", questions: (1...5).map { ProtocolQuestion(id: "2.\($0)", text: "q", methods: [.documentation], maxPoints: 10, scoring: .range) }),
        ])
    }

    func allChecksMet() -> [QACheckResult] { QACheckItem.allCases.map { QACheckResult(item: $0, met: true, comment: "") } }

    // Rules Q5 and Q6: the reviewer's scores override the auditor's, at the thresholds.
    func testReviewerScoresDecideCertificationAt80Percent() throws {
        let p = tenQuestions()
        let auditor = Dictionary(uniqueKeysWithValues: p.questions.map { ($0.id, Answer.points(10)) })   // 100%
        // The reviewer takes 20 points off: 80 of 100 passes certification.
        let at80 = try QAReview.result(p, auditor: auditor, reviewer: ["1.1": .points(0), "2.1": .points(0)], checks: allChecksMet(),
                                       deficiencies: [], type: .certification, marks: marks)
        XCTAssertEqual(at80.score.overall, Points(earned: 80, possible: 100))
        XCTAssertTrue(at80.decision.passed)
        XCTAssertEqual(at80.proposed, .pass)
        XCTAssertEqual(at80.differences, ["1.1", "2.1"])
        // One more point off: 79 of 100 fails certification, still passes maintenance at 60.
        let at79 = try QAReview.result(p, auditor: auditor, reviewer: ["1.1": .points(0), "2.1": .points(0), "2.2": .points(9)], checks: allChecksMet(),
                                       deficiencies: [], type: .certification, marks: marks)
        XCTAssertFalse(at79.decision.passed)
        XCTAssertEqual(at79.proposed, .corrections)
        let maintenance = try QAReview.result(p, auditor: auditor, reviewer: ["1.1": .points(0), "2.1": .points(0), "2.2": .points(9)], checks: allChecksMet(),
                                              deficiencies: [], type: .maintenance, marks: marks)
        XCTAssertTrue(maintenance.decision.passed)
    }

    func testMaintenanceAt60And59Percent() throws {
        let p = tenQuestions()
        let auditor = Dictionary(uniqueKeysWithValues: p.questions.map { ($0.id, Answer.points(6)) })   // 60%
        let at60 = try QAReview.result(p, auditor: auditor, reviewer: [:], checks: allChecksMet(), deficiencies: [], type: .maintenance, marks: marks)
        XCTAssertTrue(at60.decision.passed)
        let at59 = try QAReview.result(p, auditor: auditor, reviewer: ["1.1": .points(5)], checks: allChecksMet(), deficiencies: [], type: .maintenance, marks: marks)
        XCTAssertFalse(at59.decision.passed)
        XCTAssertEqual(at59.differences, ["1.1"])
    }

    // Rules Q8, Q9: an actionable deficiency or an unmet check holds the pass; an
    // informational one and a weak action plan do not.
    func testWhatBlocksAPass() throws {
        let p = tenQuestions()
        let auditor = Dictionary(uniqueKeysWithValues: p.questions.map { ($0.id, Answer.points(10)) })
        var checks = allChecksMet()
        checks[checks.firstIndex { $0.item == .actionPlanGuides }!].met = false
        let informational = try QAReview.result(p, auditor: auditor, reviewer: [:], checks: checks,
                                                deficiencies: [QADeficiency(questionId: "1.1", text: "Old policy on the wall", actionable: false)],
                                                type: .certification, marks: marks)
        XCTAssertEqual(informational.proposed, .pass)
        let actionable = try QAReview.result(p, auditor: auditor, reviewer: [:], checks: checks,
                                             deficiencies: [QADeficiency(questionId: "1.1", text: "No signature on the policy", actionable: true)],
                                             type: .certification, marks: marks)
        XCTAssertEqual(actionable.proposed, .corrections)
        XCTAssertEqual(actionable.blocking, ["Actionable deficiency on 1.1: No signature on the policy"])
        let unreviewed = try QAReview.result(p, auditor: auditor, reviewer: [:], checks: [], deficiencies: [], type: .certification, marks: marks)
        XCTAssertEqual(unreviewed.blocking.count, QACheckItem.allCases.count - 1)
    }

    // Rules C2, C6: a certificate is expiring from 90 days before its expiry, lapsed the
    // day after; leap day expiry lands on 28 February.
    func testCertificateStatus() {
        let expiry = CertificateCycle(validityYears: 3, cycleYears: 3).expiry(certificationEndDate: CalendarDay(2024, 2, 29))
        XCTAssertEqual(expiry, CalendarDay(2027, 2, 28))
        XCTAssertEqual(CertificateStatus.of(expiry: expiry, cancelled: false, today: expiry.adding(days: -91)), .active)
        XCTAssertEqual(CertificateStatus.of(expiry: expiry, cancelled: false, today: expiry.adding(days: -90)), .expiring)
        XCTAssertEqual(CertificateStatus.of(expiry: expiry, cancelled: false, today: expiry), .expiring)
        XCTAssertEqual(CertificateStatus.of(expiry: expiry, cancelled: false, today: expiry.adding(days: 1)), .lapsed)
        XCTAssertEqual(CertificateStatus.of(expiry: expiry, cancelled: true, today: expiry), .cancelled)
        XCTAssertEqual(CertificateStatus.of(expiry: nil, cancelled: false, today: expiry), .none)
    }
}
