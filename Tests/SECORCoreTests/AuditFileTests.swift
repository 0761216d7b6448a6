import XCTest
@testable import SECORCore

final class AuditFileTests: XCTestCase {
    let today = CalendarDay(2026, 11, 22)
    var esc: AuditProtocol { try! AuditProtocol.bundledSamples().first { $0.value.partner == "esc" }!.value }

    // Rule F1/A7: a record lands in every element whose questions name its evidence kind.
    func testRecordsMapToElementsThroughEvidenceKinds() {
        let entries = [FileEntry(kinds: [.toolboxTalk], day: CalendarDay(2026, 11, 2)),
                       FileEntry(kinds: [.flha], day: CalendarDay(2026, 10, 30))]
        let coverage = AuditFile.coverage(entries, protocol: esc, windowMonths: 12, today: today)
        XCTAssertEqual(coverage.map(\.count), [1, 1, 1, 0, 1, 0]) // talk: 1 and 5; FLHA: 2 and 3 (3.4 observes its controls)
        XCTAssertEqual(coverage[1].months.last?.count, 0)
        XCTAssertEqual(coverage[1].months.dropLast().last?.count, 1)
        XCTAssertTrue(coverage[1].proves.contains("FLHA: question 2.2, 3.4") == false) // element 2 only lists its own
        XCTAssertTrue(coverage[1].proves.contains("FLHA: question 2.2"), "\(coverage[1].proves)")
    }

    // Rule A7: the window's first day counts, the day before does not; gaps in words.
    func testWindowBoundaryAndGaps() {
        let first = AuditFile.windowStart(months: 12, today: today) // 23 Nov 2025
        XCTAssertEqual(first, CalendarDay(2025, 11, 23))
        let inside = AuditFile.coverage([FileEntry(kinds: [.flha], day: first)], protocol: esc, windowMonths: 12, today: today)
        XCTAssertEqual(inside[1].count, 1)
        XCTAssertTrue(inside[1].gaps.contains("No FLHA since 23 November 2025."), "\(inside[1].gaps)")
        let outside = AuditFile.coverage([FileEntry(kinds: [.flha], day: first.adding(days: -1))], protocol: esc, windowMonths: 12, today: today)
        XCTAssertEqual(outside[1].count, 0)
        XCTAssertTrue(outside[1].gaps.contains("No FLHA in the last 12 months."))
        // 30 days without an FLHA is no gap; 31 is.
        let day30 = AuditFile.coverage([FileEntry(kinds: [.flha], day: today.adding(days: -30))], protocol: esc, windowMonths: 12, today: today)
        XCTAssertFalse(day30[1].gaps.contains { $0.hasPrefix("No FLHA") })
        let day31 = AuditFile.coverage([FileEntry(kinds: [.flha], day: today.adding(days: -31))], protocol: esc, windowMonths: 12, today: today)
        XCTAssertTrue(day31[1].gaps.contains { $0.hasPrefix("No FLHA since") })
        // A policy signed before the window is still the policy in force: no gap.
        let policy = AuditFile.coverage([FileEntry(kinds: [.safetyPolicy], day: CalendarDay(2024, 1, 5))], protocol: esc, windowMonths: 12, today: today)
        XCTAssertFalse(policy[0].gaps.contains { $0.contains("safety policy") }, "\(policy[0].gaps)")
    }
}

final class ScorePredictionTests: XCTestCase {
    let today = CalendarDay(2026, 11, 22)
    var esc: AuditProtocol { try! AuditProtocol.bundledSamples().first { $0.value.partner == "esc" }!.value }

    func weekly(_ kinds: [EvidenceKind]) -> [FileEntry] {
        stride(from: 0, to: 360, by: 7).map { FileEntry(kinds: kinds, day: today.adding(days: -$0)) }
    }

    // Rule F1/F2: records shown earn full marks; a deduction halves a range question and
    // zeroes a yes/no one; a missing kind earns nothing; interviews are not predicted.
    func testPredictionFollowsStandings() {
        let entries = weekly([.flha]) + weekly([.toolboxTalk])
        let deductions = [Deduction(kind: .toolboxTalkRepeats, findings: [DeductionFinding(recordId: "t1", reason: "same topic")])]
        let standings = ScorePrediction.standings(entries, deductions: deductions, matrixRows: 0, windowMonths: 12, today: today)
        XCTAssertEqual(standings[.flha], .shown("52 FLHAs, latest 22 November 2026."))
        guard case .weak = standings[.toolboxTalk] else { return XCTFail("\(String(describing: standings[.toolboxTalk]))") }
        guard case .missing = standings[.trainingMatrix] else { return XCTFail() }
        let p = ScorePrediction.predict(esc, standings: standings)
        let e2 = p[1]
        XCTAssertEqual(e2.questions.first { $0.questionId == "2.2" }?.points, 10)  // FLHAs shown
        XCTAssertEqual(e2.questions.first { $0.questionId == "2.3" }?.points, 0)   // no hazard register
        XCTAssertEqual(e2.unpredictable, ["2.1", "2.4"])                            // procedure (manual), interview
        XCTAssertEqual(e2.points, Points(earned: 10, possible: 20))
        let e5 = p[4]
        XCTAssertEqual(e5.questions.first { $0.questionId == "5.4" }?.points, 5)   // repeated topics: half of a range question
        XCTAssertEqual(e5.questions.first { $0.questionId == "5.1" }?.points, 0)   // no matrix
    }

    // Rule F2: no incident in the window predicts N/A where the protocol allows it, and 0
    // where it does not (6.2: no reports at all is itself a finding).
    func testNoIncidentsIsNotApplicableOnlyWhereAllowed() {
        let standings = ScorePrediction.standings([], deductions: [], matrixRows: 3, windowMonths: 12, today: today)
        let e6 = ScorePrediction.predict(esc, standings: standings)[5]
        XCTAssertEqual(e6.questions.first { $0.questionId == "6.2" }?.points, 0)
        XCTAssertNil(e6.questions.first { $0.questionId == "6.3" }!.points)
        XCTAssertEqual(e6.points, Points(earned: 0, possible: 10))
    }

    // Rule F2 boundary: a recurring kind 30 days old is shown, 31 days old is weak.
    func testRecurringGapBoundary() {
        let at30 = ScorePrediction.standings([FileEntry(kinds: [.preStartInspection], day: today.adding(days: -30))],
                                             deductions: [], matrixRows: 0, windowMonths: 12, today: today)
        guard case .shown = at30[.preStartInspection] else { return XCTFail() }
        let at31 = ScorePrediction.standings([FileEntry(kinds: [.preStartInspection], day: today.adding(days: -31))],
                                             deductions: [], matrixRows: 0, windowMonths: 12, today: today)
        XCTAssertEqual(at31[.preStartInspection], .weak("No equipment pre-start inspection since 22 October 2026."))
    }
}

final class EvidenceKindTitleTests: XCTestCase {
    func testPlurals() {
        XCTAssertEqual(EvidenceKind.hazardRegister.pluralTitle, "hazard register entries")
        XCTAssertEqual(EvidenceKind.flha.pluralTitle, "FLHAs")
        XCTAssertEqual(EvidenceKind.safetyPolicy.pluralTitle, "signed safety policies")
    }
}
