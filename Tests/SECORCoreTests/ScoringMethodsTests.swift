import XCTest
@testable import SECORCore

/// Every scoring method of the protocol model at its boundaries (rule A2, Q5; the
/// protocol fields are named in each test).
final class ScoringMethodsTests: XCTestCase {
    private func q(id: String = "q", max: Int = 10, _ scoring: ScoringRule, methods: [ValidationMethod] = [.interview],
                   criteria: Int? = nil, sheet: SheetKind? = nil, perSite: Bool = false, rounding: Rounding = .halfUp,
                   naReasons: [NotApplicableReason] = [], byRole: RoleExemption? = nil, cappedBy: String? = nil) -> ProtocolQuestion {
        ProtocolQuestion(id: id, text: "?", methods: methods, maxPoints: max, scoring: scoring, notApplicableReasons: naReasons,
                         criteria: criteria, sheet: sheet, perSite: perSite, rounding: rounding, notApplicableByRole: byRole, cappedBy: cappedBy)
    }

    // Protocol field scoring.kind: threshold — exactly met passes, one below fails.
    func testThresholdExactlyMetAndOneBelow() throws {
        let seventy = q(.threshold(percent: 70))
        XCTAssertEqual(try seventy.points(for: .proportion(positive: 7, of: 10)), 10)
        XCTAssertEqual(try seventy.points(for: .proportion(positive: 69, of: 100)), 0)
        XCTAssertEqual(try seventy.points(for: .proportion(positive: 70, of: 100)), 10)
        let all = q(.threshold(percent: 100))
        XCTAssertEqual(try all.points(for: .proportion(positive: 5, of: 5)), 10)
        XCTAssertEqual(try all.points(for: .proportion(positive: 99, of: 100)), 0)
    }

    // Protocol fields scoring.kind: scaled and rounding — 73% of 10 is 7; .5 rounds half up or down as stated.
    func testScaledRoundsAsTheQuestionStates() throws {
        let halfUp = q(.scaled)
        XCTAssertEqual(try halfUp.points(for: .proportion(positive: 73, of: 100)), 7)
        XCTAssertEqual(try halfUp.points(for: .proportion(positive: 75, of: 100)), 8)   // 7.5 → 8
        XCTAssertEqual(try halfUp.points(for: .proportion(positive: 749, of: 1000)), 7) // 7.49 → 7
        let down = q(.scaled, rounding: .down)
        XCTAssertEqual(try down.points(for: .proportion(positive: 75, of: 100)), 7)     // 7.5 → 7
        XCTAssertEqual(try down.points(for: .proportion(positive: 79, of: 100)), 7)
        XCTAssertEqual(try down.points(for: .proportion(positive: 10, of: 10)), 10)
    }

    // Protocol field criteria: found/8 of the points.
    func testCriteriaCount() throws {
        let eight = q(max: 4, .scaled, methods: [.documentation], criteria: 8)
        XCTAssertEqual(eight.answerKind, .criteria)
        XCTAssertEqual(try eight.points(for: .criteria(found: 8)), 4)
        XCTAssertEqual(try eight.points(for: .criteria(found: 1)), 1)   // 0.5 → 1, half up
        XCTAssertEqual(try eight.points(for: .criteria(found: 0)), 0)
        XCTAssertThrowsError(try eight.points(for: .criteria(found: 9)))
        XCTAssertThrowsError(try eight.points(for: .criteria(found: -1)))
        XCTAssertThrowsError(try eight.points(for: .proportion(positive: 1, of: 2)))
        let banded = q(max: 3, .threshold(percent: 75), methods: [.documentation], criteria: 8)
        XCTAssertEqual(try banded.points(for: .criteria(found: 6)), 3)  // 75% exactly
        XCTAssertEqual(try banded.points(for: .criteria(found: 5)), 0)
    }

    // Protocol field perSite: averaged over the sites visited; an N/A site leaves the average.
    func testSiteAveragingWithNotApplicableAtOneSite() throws {
        let perSite = q(max: 3, .proportion([.init(atLeastPercent: 100, points: 3), .init(atLeastPercent: 50, points: 1)]),
                        perSite: true, naReasons: [.noEquipment])
        let answer = Answer.sites([SiteAnswer(site: "Yard", answer: .proportion(positive: 2, of: 2)),
                                   SiteAnswer(site: "Pad 7", answer: .notApplicable(.noEquipment)),
                                   SiteAnswer(site: "Camp", answer: .proportion(positive: 2, of: 4))])
        XCTAssertEqual(try perSite.points(for: answer), 2)              // (3 + 1) / 2
        let odd = Answer.sites([SiteAnswer(site: "A", answer: .proportion(positive: 1, of: 1)),
                                SiteAnswer(site: "B", answer: .proportion(positive: 1, of: 2))])
        XCTAssertEqual(try perSite.points(for: odd), 2)                 // (3 + 1) / 2 = 2
        let half = Answer.sites([SiteAnswer(site: "A", answer: .proportion(positive: 1, of: 1)),
                                 SiteAnswer(site: "B", answer: .proportion(positive: 0, of: 2))])
        XCTAssertEqual(try perSite.points(for: half), 2)                // 1.5 → 2 half up
        var down = perSite
        down.rounding = .down
        XCTAssertEqual(try down.points(for: half), 1)                   // 1.5 → 1
        XCTAssertNil(try perSite.points(for: .sites([SiteAnswer(site: "A", answer: .notApplicable(.noEquipment))])))
        XCTAssertThrowsError(try perSite.points(for: .proportion(positive: 1, of: 1)))
        XCTAssertThrowsError(try perSite.points(for: .sites([])))
        XCTAssertThrowsError(try perSite.points(for: .sites([SiteAnswer(site: "A", answer: .proportion(positive: 1, of: 1)),
                                                            SiteAnswer(site: "A", answer: .proportion(positive: 1, of: 1))])))
        XCTAssertThrowsError(try q(.scaled).points(for: answer))        // not a per-site question
    }

    // Protocol field notApplicableByRole: N/A only while nobody holds the role.
    func testNotApplicableByRole() throws {
        let workers = q(max: 3, .scaled, byRole: RoleExemption(roles: [.worker], reason: "No workers, so the owner is the manager"))
        XCTAssertNil(try workers.points(for: .notApplicable(.noneInRole), breakdown: EmployeeBreakdown(["owner": 1])))
        XCTAssertThrowsError(try workers.points(for: .notApplicable(.noneInRole), breakdown: EmployeeBreakdown(["owner": 1, "worker": 1]))) {
            XCTAssertEqual($0 as? AnswerError, .roleNotEmpty(question: "q", roles: [.worker]))
        }
        XCTAssertThrowsError(try q(.scaled).points(for: .notApplicable(.noneInRole)))  // the question declares no role
    }

    // Protocol field cappedBy: cascade scoring, a related question cannot score above the one it depends on.
    func testCascadeCaps() throws {
        let p = AuditProtocol(id: "c", partner: "esc", version: "1", title: "C", elements: [
            ProtocolElement(number: 1, title: "One", questions: [
                q(id: "1.1", max: 10, .range, methods: [.documentation]),
                q(id: "1.2", max: 3, .range, methods: [.documentation], naReasons: [.firstYear], cappedBy: "1.1"),
                q(id: "1.3", max: 4, .range, methods: [.documentation], cappedBy: "1.2"),
            ])])
        var score = try ScoreCalculator.score(p, answers: ["1.1": .points(5), "1.2": .points(3), "1.3": .points(4)])
        XCTAssertEqual(score.question("1.2")?.earned, 1)                // 3·5/10 = 1.5 → 1 (never above)
        XCTAssertEqual(score.question("1.2")?.uncapped, 3)
        XCTAssertEqual(score.question("1.3")?.earned, 1)                // 4·1/3 = 1.33 → 1: the chain carries
        XCTAssertNotNil(score.question("1.3")?.capExplanation)
        XCTAssertEqual(score.overall, Points(earned: 7, possible: 17))
        score = try ScoreCalculator.score(p, answers: ["1.1": .points(10), "1.2": .points(2), "1.3": .points(3)])
        XCTAssertNil(score.question("1.2")?.cappedBy)                   // 2/3 under 10/10
        XCTAssertEqual(score.question("1.3")?.earned, 2)                // 4·2/3 = 2.67 → 2
        score = try ScoreCalculator.score(p, answers: ["1.1": .points(5), "1.2": .notApplicable(.firstYear), "1.3": .points(4)])
        XCTAssertEqual(score.question("1.3")?.earned, 4)                // an N/A question caps nothing
        score = try ScoreCalculator.score(p, answers: ["1.1": .points(6), "1.2": .points(3)])
        XCTAssertEqual(score.question("1.2")?.earned, 1)                // 3·6/10 = 1.8 → 1
        XCTAssertEqual(score.unanswered, ["1.3"])
    }

    // Protocol fields sheet, perSite: the sampling sheet's rows give the share.
    func testSamplingSheetGivesTheAnswer() throws {
        let single = q(max: 3, .scaled, sheet: .interview)
        XCTAssertEqual(single.answerKind, .sheet)
        let rows = [SheetRow(site: "Yard", role: .worker, positive: true), SheetRow(site: "Pad", role: .worker, positive: false),
                    SheetRow(site: "Yard", role: .supervisor, positive: true)]
        XCTAssertEqual(SamplingSheet.answer(single, rows: rows), .proportion(positive: 2, of: 3))
        XCTAssertEqual(try single.points(for: SamplingSheet.answer(single, rows: rows)!), 2)
        XCTAssertNil(SamplingSheet.answer(single, rows: []))
        let perSite = q(max: 3, .scaled, sheet: .observation, perSite: true)
        XCTAssertEqual(SamplingSheet.answer(perSite, rows: rows), .sites([
            SiteAnswer(site: "Yard", answer: .proportion(positive: 2, of: 2)), SiteAnswer(site: "Pad", answer: .proportion(positive: 0, of: 1))]))
        XCTAssertEqual(try perSite.points(for: SamplingSheet.answer(perSite, rows: rows)!), 2)  // (3 + 0) / 2 = 1.5 → 2
    }

    // The protocol loader checks the new fields, naming each.
    func testLoaderNamesEveryBadMethodField() {
        let yaml = """
        id: t
        partner: esc
        version: "1"
        title: T
        elements:
          - number: 1
            title: One
            questions:
              - {id: "1.1", text: A, methods: [documentation], maxPoints: 3, scoring: {kind: yesNo}, criteria: 4}
              - {id: "1.2", text: B, methods: [documentation], maxPoints: 3, scoring: {kind: scaled}, sheet: interview}
              - {id: "1.3", text: C, methods: [interview], maxPoints: 3, scoring: {kind: threshold, percent: 0}}
              - {id: "1.4", text: D, methods: [interview], maxPoints: 3, scoring: {kind: scaled}, cappedBy: "1.9"}
              - {id: "1.5", text: E, methods: [interview], maxPoints: 3, scoring: {kind: scaled}, notApplicableByRole: {roles: [], reason: ""}}
        """
        XCTAssertThrowsError(try AuditProtocol.load(yaml: yaml, file: "t.yaml")) { error in
            let fields = (error as! DataFileErrors).errors.map(\.field)
            XCTAssertEqual(fields, ["elements[0].questions[0].criteria", "elements[0].questions[1].sheet",
                                    "elements[0].questions[2].scoring.percent", "elements[0].questions[3].cappedBy",
                                    "elements[0].questions[4].notApplicableByRole.roles", "elements[0].questions[4].notApplicableByRole.reason"])
        }
    }

    func testDiffShowsTheNewFields() {
        var a = Fixtures.sampleProtocol
        var b = a
        b.elements[1].questions[2].sheet = .observation
        b.elements[1].questions[2].perSite = true
        b.elements[1].questions[1].cappedBy = "2.1"
        b.elements[1].questions[0].scoring = .threshold(percent: 70)
        a.elements[0].questions[1].criteria = nil
        let lines = a.changes(to: b).map(\.line)
        XCTAssertTrue(lines.contains("Changed question 2.3: sampling sheet none → observation; now scored per site visited"), "\(lines)")
        XCTAssertTrue(lines.contains("Changed question 2.2: capped by none → 2.1"), "\(lines)")
        XCTAssertTrue(lines.contains("Changed question 2.1: scoring points in a range → all points at ≥70%, else none"), "\(lines)")
    }
}

/// Registration's sample and the maintenance carry-over, from profile data.
final class SamplingRuleTests: XCTestCase {
    // The sampling table of the ESC profile: a partner's COR table's 5 → 4, 50 → 19, 500 → 60; 2 sites → all, 5 → 3, 9-30 → a third.
    func testTheProfileTableAtItsRows() throws {
        let rule = try XCTUnwrap(Fixtures.esc.sampling)
        XCTAssertEqual(rule.interviews(employees: 0), 0)
        XCTAssertEqual(rule.interviews(employees: 3), 3)
        XCTAssertEqual(rule.interviews(employees: 4), 4)
        XCTAssertEqual(rule.interviews(employees: 5), 4)
        XCTAssertEqual(rule.interviews(employees: 6), 6)
        XCTAssertEqual(rule.interviews(employees: 50), 19)
        XCTAssertEqual(rule.interviews(employees: 500), 60)
        XCTAssertEqual(rule.interviews(employees: 900), 60)          // past the last row: its rule
        XCTAssertEqual(rule.visits(sites: 1), 1)
        XCTAssertEqual(rule.visits(sites: 2), 2)
        XCTAssertEqual(rule.visits(sites: 5), 3)
        XCTAssertEqual(rule.visits(sites: 8), 3)
        XCTAssertEqual(rule.visits(sites: 9), 3)
        XCTAssertEqual(rule.visits(sites: 10), 4)                    // a third, rounded up
        XCTAssertEqual(rule.visits(sites: 30), 10)
        XCTAssertEqual(rule.visits(sites: 31), 11)
        let plan = SamplePlan.proposed(rule, breakdown: EmployeeBreakdown(["owner": 1, "worker": 4, "contractor": 3]), sites: 5)
        XCTAssertEqual(plan, SamplePlan(interviews: 4, visits: 3))   // contractors are not interviewed
        XCTAssertEqual(SamplePlan.proposed(nil, breakdown: EmployeeBreakdown(["worker": 2]), sites: 3), SamplePlan(interviews: 2, visits: 3))
    }

    func testProfileLoaderNamesABadTable() throws {
        let folder = try XCTUnwrap(Bundle.module.url(forResource: "Profiles", withExtension: nil))
        let yaml = try String(contentsOf: folder.appendingPathComponent("esc.yaml"), encoding: .utf8)
        let bad = yaml.replacingOccurrences(of: "{upTo: 5, count: 4}", with: "{upTo: 2, count: 4, all: true}")
        XCTAssertThrowsError(try ProgramProfile.load(yaml: bad, file: "esc.yaml")) { error in
            let fields = (error as? DataFileErrors)?.errors.map(\.field) ?? []
            XCTAssertEqual(fields, ["sampling.interviews[1].upTo", "sampling.interviews[1]"])
        }
    }

    // Profile carryOver: up to a third of the questions, documentation-only, full marks in the certification audit.
    func testCarryOverLimitAndCandidates() throws {
        let rule = try XCTUnwrap(Fixtures.esc.carryOver)
        XCTAssertEqual(rule.limit(questions: 27), 9)
        XCTAssertEqual(rule.limit(questions: 28), 9)
        XCTAssertEqual(rule.limit(questions: 29), 9)
        XCTAssertEqual(rule.limit(questions: 30), 10)
        let p = Fixtures.sampleProtocol
        // 1.1 full (yes), 1.2 9 of 10, 2.1 full, 2.2 is interview, 2.3 observation.
        let previous: [String: Answer] = ["1.1": .yes, "1.2": .points(9), "2.1": .points(10), "2.2": .points(5), "2.3": .proportion(positive: 1, of: 1)]
        XCTAssertEqual(rule.candidates(p, certification: previous), ["1.1", "2.1"])
    }

    // Profile shortCertificate with E5: 3 to 11 months of records give a one-year certificate; 12 the full term.
    func testCertificateTermFromTheRecords() throws {
        let esc = Fixtures.esc
        let first = Fixtures.day("2026-01-15")
        XCTAssertEqual(CertificateTerm.years(esc, firstRecord: first, auditEnd: Fixtures.day("2027-01-14")), 1)
        XCTAssertEqual(CertificateTerm.years(esc, firstRecord: first, auditEnd: Fixtures.day("2027-01-15")), 3)
        XCTAssertEqual(CertificateTerm.years(esc, firstRecord: Fixtures.day("2024-02-29"), auditEnd: Fixtures.day("2025-02-28")), 3) // leap day + 12 months
        XCTAssertEqual(CertificateTerm.years(Fixtures.acsa, firstRecord: first, auditEnd: Fixtures.day("2026-05-01")), 3) // ACSA has no short term
        // Rule C1/C2: a one-year certificate has no maintenance years.
        let cycle = CertificateCycle(profile: esc)
        let next = cycle.nextAudit(history: [CompletedAudit(type: .certification, endDate: Fixtures.day("2027-01-14"), passed: true, termYears: 1)],
                                   today: Fixtures.day("2027-03-01"))
        XCTAssertEqual(next.type, .certification)
        XCTAssertEqual(next.dueBy, Fixtures.day("2028-01-14"))
        let full = cycle.nextAudit(history: [CompletedAudit(type: .certification, endDate: Fixtures.day("2027-01-15"), passed: true)],
                                   today: Fixtures.day("2027-03-01"))
        XCTAssertEqual(full.type, .maintenance)
    }
}

/// Both sample protocols use every scoring method, so the tool and the tests meet each.
final class SampleProtocolMethodsTests: XCTestCase {
    func testEverySampleUsesEveryMethod() throws {
        for (file, _, p) in try AuditProtocol.bundledSamples() {
            let q = p.questions
            XCTAssertTrue(q.contains { $0.scoring == .yesNo }, file)
            XCTAssertTrue(q.contains { $0.scoring == .range }, file)
            XCTAssertTrue(q.contains { if case .proportion = $0.scoring { return true } else { return false } }, file)
            XCTAssertTrue(q.contains { if case .threshold = $0.scoring { return true } else { return false } }, file)
            XCTAssertTrue(q.contains { $0.scoring == .scaled }, file)
            XCTAssertTrue(q.contains { $0.criteria != nil }, file)
            XCTAssertTrue(q.contains { $0.sheet == .interview }, file)
            XCTAssertTrue(q.contains { $0.sheet == .observation }, file)
            XCTAssertTrue(q.contains { $0.perSite }, file)
            XCTAssertTrue(q.contains { $0.rounding == .down }, file)
            XCTAssertTrue(q.contains { $0.notApplicableByRole != nil }, file)
            XCTAssertTrue(q.contains { $0.cappedBy != nil }, file)
            XCTAssertTrue(p.title.contains("SAMPLE"), file)   // never presented as a partner's official instrument
        }
    }
}
