import XCTest
@testable import SECORCore

final class RegistrationTests: XCTestCase {
    let today = CalendarDay(2026, 11, 22)

    func facts() -> RegistrationFacts {
        RegistrationFacts(type: .certification, proposedType: .certification, plannedStart: today.adding(days: 7), today: today,
                          worksites: ["Pad 14-22"], wcbAccounts: ["8812345"], employerAccounts: ["8812345"],
                          eligibility: EligibilityReport(issues: [], headcount: HeadcountReport(limit: 10, from: today, through: today, daily: [6], peak: 6, daysOver: [])),
                          qualification: QualificationResult(qualified: true, reasons: ["T3 ok"]), openAudits: [])
    }

    func testACompleteRegistrationHasNoRefusal() {
        XCTAssertEqual(AuditRegistration.refusals(facts()), [])
    }

    // Rule R1: a start today is fine, yesterday is refused.
    func testStartDateBoundary() {
        var f = facts()
        f.plannedStart = today
        XCTAssertEqual(AuditRegistration.refusals(f), [])
        f.plannedStart = today.adding(days: -1)
        XCTAssertEqual(AuditRegistration.refusals(f).count, 1)
        XCTAssertTrue(AuditRegistration.refusals(f)[0].hasPrefix("R1:"))
    }

    // Rules R4, R5, T8, C1 and the one-open-audit rule: every reason at once.
    func testEveryReasonIsGiven() {
        var f = facts()
        f.type = .maintenance
        f.worksites = [" "]
        f.wcbAccounts = ["999"]
        f.eligibility.issues = [EligibilityIssue(rule: "E1", kind: .headcount, message: "11 people on 3 March 2026")]
        f.qualification = QualificationResult(qualified: false, reasons: ["T3: not on the register."])
        f.openAudits = ["123456789"]
        let reasons = AuditRegistration.refusals(f)
        XCTAssertEqual(reasons.map { String($0.prefix(3)) }, ["C1:", "R4:", "R4:", "E1:", "T3:", "Ano"])
        XCTAssertTrue(reasons[3].contains("as of 29 November 2026"), reasons[3])
        f.qualification = nil
        XCTAssertTrue(AuditRegistration.refusals(f).contains("R5: the employer has no designated assessor or auditor."))
    }

    // Rule R6: nine digits, never a leading zero.
    func testAuditNumbersHaveNineDigits() {
        for _ in 0..<1000 {
            let n = AuditNumber.random(digits: 9)
            XCTAssertTrue(AuditNumber.isValid(n, digits: 9), n)
        }
        XCTAssertFalse(AuditNumber.isValid("012345678", digits: 9))
        XCTAssertFalse(AuditNumber.isValid("12345678", digits: 9))
        XCTAssertFalse(AuditNumber.isValid("1234567890", digits: 9))
        XCTAssertFalse(AuditNumber.isValid("12345678x", digits: 9))
    }
}

final class PreSubmissionTests: XCTestCase {
    let today = CalendarDay(2026, 11, 22)
    var esc: AuditProtocol { try! AuditProtocol.bundledSamples().first { $0.value.partner == "esc" }!.value }
    let goodNotes = "Reviewed twelve months of records; every one signed and dated by the crew."

    func complete() -> SubmissionFacts {
        var work: [String: QuestionWork] = [:]
        for q in esc.questions {
            let answer = q.plainAnswer(fullMarks: true)
            work[q.id] = QuestionWork(answer: answer, methods: q.methods, notes: goodNotes, documentDays: [today.adding(days: -30)])
        }
        var report = ReportFacts()
        report.employerName = "Northern Rig"; report.employerAddress = "4410 50 Ave"; report.contactName = "Sam"
        report.contactPhone = "780"; report.contactFax = "780-555-0100"; report.contactEmail = "a@b.c"; report.assessorName = "Dana"; report.assessorPhone = "403"
        report.assessorEmail = "d@e.f"; report.wcbAccounts = ["8812345"]; report.industryCodes = ["06103"]
        report.dataGatheringStart = today.adding(days: -10); report.dataGatheringEnd = today.adding(days: -5)
        report.employerProfile = "Well servicing"; report.employeesByRole = ["owner": 1, "worker": 3]
        return SubmissionFacts(auditProtocol: esc, work: work, report: report, strengths: ["FLHAs"], recommendations: ["Near misses"],
                               legislationListRequired: false, legislationListAttached: false, minimumNoteCharacters: 40,
                               windowFrom: today.adding(months: -12), windowTo: today.adding(days: -5), incidentReportsInWindow: 1,
                               preStartsInWindow: 4, workersOnRoster: 3,
                               trainingAtSubmission: TrainingStatus(asOf: today, findings: []),
                               qualificationAtSubmission: QualificationResult(qualified: true, reasons: []),
                               submissionDeadline: Deadline(rule: "D2", title: "Report submitted", due: today), today: today)
    }

    func rules(_ f: SubmissionFacts) -> [String] { PreSubmission.findings(f).map(\.rule) }

    func testACompleteReportHasNoFinding() {
        XCTAssertEqual(PreSubmission.findings(complete()), [])
    }

    // Rule S1 (Q3): each missing field is named; fax is never required.
    func testMissingReportData() {
        var f = complete()
        f.report.contactPhone = " "
        f.report.industryCodes = []
        XCTAssertEqual(PreSubmission.findings(f).map(\.place), [.reportDetails("contactPhone"), .reportDetails("industryCodes")])
    }

    // Rule A3: 40 characters verify full marks, 39 do not; required notes must exist.
    func testNotesBoundary() {
        var f = complete()
        f.work["1.1"]!.notes = String(repeating: "x", count: 40)
        XCTAssertEqual(rules(f), [])
        f.work["1.1"]!.notes = String(repeating: "x", count: 39)
        XCTAssertEqual(PreSubmission.findings(f).map(\.place), [.question("1.1")])
        f.work["1.1"]!.answer = .no
        f.work["1.1"]!.notes = ""
        f.work["1.1"]!.recommendation = "Sign the policy."
        f.work["1.1"]!.actionItems = 1
        XCTAssertEqual(rules(f), ["A3"])
    }

    // Rules A5 and A6: below full marks needs a recommendation; a "no" needs an action item.
    func testRecommendationAndActionItems() {
        var f = complete()
        f.work["2.2"]!.answer = .points(9)
        XCTAssertEqual(rules(f), ["A5"])
        f.work["2.2"]!.recommendation = "Name the site on every FLHA."
        XCTAssertEqual(rules(f), [])
        f.work["1.1"]!.answer = .no
        f.work["1.1"]!.recommendation = "Sign it."
        XCTAssertEqual(PreSubmission.findings(f).map(\.place), [.actionPlan("1.1")])
        f.work["1.1"]!.actionItems = 1
        XCTAssertEqual(rules(f), [])
    }

    // Rules A2 and A4: unanswered questions, no method recorded, an empty summary.
    func testUnansweredMethodsAndSummary() {
        var f = complete()
        f.work["1.2"] = nil
        f.work["1.3"]!.methods = [.observation]
        f.strengths = []
        XCTAssertEqual(rules(f), ["A4", "A2", "A2"])
    }

    // Rule A7: evidence on the window's first day counts, the day before does not.
    func testEvidenceWindowBoundary() {
        var f = complete()
        f.work["2.2"]!.documentDays = [f.windowFrom]
        XCTAssertEqual(rules(f), [])
        f.work["2.2"]!.documentDays = [f.windowFrom.adding(days: -1), f.windowTo.adding(days: 1)]
        XCTAssertEqual(rules(f), ["A7"])
    }

    // Rule A8: N/A "no incidents" while incident reports exist; and against another answer.
    func testContradictions() {
        var f = complete()
        f.work["6.3"]!.answer = .notApplicable(.noIncidents)
        XCTAssertEqual(rules(f), ["A8", "A8"]) // against the records, and against 6.4 scoring investigations
        f.incidentReportsInWindow = 0
        f.work["6.4"]!.answer = .notApplicable(.noIncidents)
        XCTAssertEqual(rules(f), [])
        f.work["4.2"]!.answer = .notApplicable(.noEquipment)
        XCTAssertEqual(rules(f), ["A8"])
    }

    // Rule D1: the last day on site is recorded, and on day 15 after the start, not 16.
    func testLastDayOnSite() {
        var f = complete()
        let start = today.adding(days: -20)
        f.onSiteDeadline = AuditTimeline(Timelines(onSiteDays: 15, submissionDays: 21, correctionDays: 15, qaProcessDays: 90)).lastDayOnSite(start: start)
        XCTAssertEqual(PreSubmission.findings(f).map(\.place), [.reportDetails("lastDayOnSite")])
        f.lastDayOnSite = start.adding(days: 15)
        XCTAssertEqual(rules(f), [])
        f.lastDayOnSite = start.adding(days: 16)
        XCTAssertEqual(rules(f), ["D1"])
    }

    // Rules T8 and D2: training as of the submission day; due today is on time, tomorrow late.
    func testTrainingAndLateness() {
        var f = complete()
        f.trainingAtSubmission = TrainingStatus(asOf: today, findings: [TrainingFinding(rule: "T2", requirement: "refresher", met: false, detail: "Refresher expired on 1 November 2026")])
        f.legislationListRequired = true
        XCTAssertEqual(rules(f), ["A9", "T8"])
        f = complete()
        f.today = today.adding(days: 1)
        XCTAssertEqual(rules(f), ["D2"])
        XCTAssertTrue(PreSubmission.findings(f)[0].message.contains("1 day(s) late"))
    }

    // Rule S1: the report carries a fax number or says "no fax"; an empty box is missing.
    func testFaxOrNoFax() {
        var f = complete()
        f.report.contactFax = ""
        XCTAssertEqual(PreSubmission.findings(f).map(\.place), [.reportDetails("contactFax")])
        f.report.noFax = true
        XCTAssertEqual(rules(f), [])
        f.report.noFax = false
        XCTAssertEqual(rules(f), ["S1"])
        f.report.contactFax = "  "
        f.report.noFax = nil
        XCTAssertEqual(rules(f), ["S1"])
    }

    // Rules D2, D4, D5: a correction returned within 15 days of the feedback is on time even
    // long after D2 (21 days after the last day on site); day 15 on time, day 16 late (D4);
    // and the process ends on day 90 after the first feedback (D5).
    func testACorrectionIsJudgedByD4AndD5NotD2() {
        let timeline = AuditTimeline(Timelines(onSiteDays: 15, submissionDays: 21, correctionDays: 15, qaProcessDays: 90))
        var f = complete()
        f.submissionDeadline = Deadline(rule: "D2", title: "Report submitted", due: today.adding(days: -40))
        XCTAssertEqual(rules(f), ["D2"])  // a first submission 40 days after D2 is late
        let feedback = today.adding(days: -15)
        f.correction = timeline.corrections(firstFeedbackOn: feedback, openFeedbackOn: feedback)
        XCTAssertEqual(rules(f), [])  // day 15 after the feedback: on time, D2 is not asked
        f.correction = timeline.corrections(firstFeedbackOn: today.adding(days: -16), openFeedbackOn: today.adding(days: -16))
        XCTAssertEqual(rules(f), ["D4"])  // day 16: late
        // A second feedback restarts D4; D5 still counts from the first.
        f.correction = timeline.corrections(firstFeedbackOn: today.adding(days: -90), openFeedbackOn: today.adding(days: -3))
        XCTAssertEqual(rules(f), [])
        f.correction = timeline.corrections(firstFeedbackOn: today.adding(days: -91), openFeedbackOn: today.adding(days: -3))
        XCTAssertEqual(rules(f), ["D5"])
    }

    // Rule D1: the audit's dates cannot lie after the submission day.
    func testDatesInTheFutureAreRefusedAtSubmission() {
        var f = complete()
        f.lastDayOnSite = today
        XCTAssertEqual(rules(f), [])
        f.lastDayOnSite = today.adding(days: 1)
        XCTAssertEqual(PreSubmission.findings(f).map(\.place), [.reportDetails("lastDayOnSite")])
        f = complete()
        f.report.dataGatheringEnd = today.adding(days: 1)
        XCTAssertEqual(PreSubmission.findings(f).map(\.place), [.reportDetails("dataGatheringEnd")])
    }

    // Rule D1: a report is passed only once its last day on site has come.
    func testQAPassesOnlyAfterTheLastDayOnSite() {
        XCTAssertNil(AuditDates.passRefusal(lastDayOnSite: today, today: today))
        XCTAssertNotNil(AuditDates.passRefusal(lastDayOnSite: today.adding(days: 1), today: today))
        XCTAssertNotNil(AuditDates.passRefusal(lastDayOnSite: nil, today: today))
    }

    // Rule D1: dates outside the days on site are flagged when the report is saved; day 15 in, day 16 out.
    func testDatesOutsideD1AreFlaggedOnSave() {
        let start = today.adding(days: -20)
        let deadline = AuditTimeline(Timelines(onSiteDays: 15, submissionDays: 21, correctionDays: 15, qaProcessDays: 90)).lastDayOnSite(start: start)
        XCTAssertEqual(AuditDates.onSiteFlags(start: start, onSiteDeadline: deadline, lastDayOnSite: start.adding(days: 15),
                                              dataGatheringStart: start, dataGatheringEnd: start.adding(days: 15)), [])
        let flags = AuditDates.onSiteFlags(start: start, onSiteDeadline: deadline, lastDayOnSite: start.adding(days: 16),
                                           dataGatheringStart: start.adding(days: -1), dataGatheringEnd: start.adding(days: 16))
        XCTAssertEqual(flags.count, 3)
        XCTAssertTrue(flags[0].contains("1 day(s) past the deadline"))
    }
}
