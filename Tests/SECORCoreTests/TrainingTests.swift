import XCTest
@testable import SECORCore

final class TrainingTests: XCTestCase {
    let d = Fixtures.day
    let owner = Fixtures.person("owner", .owner)
    let worker = Fixtures.person("worker", .worker)
    let partTimer = Fixtures.person("pt", .partTime, fullTime: false)

    private func c(_ person: String, _ course: String, _ on: String, expires: String? = nil) -> CourseCompletion {
        CourseCompletion(personId: person, courseId: course, completedOn: d(on), expiresOn: expires.map(d))
    }

    private func esc(_ completions: [CourseCompletion], on day: String, people: [Person]? = nil) -> TrainingStatus {
        TrainingRules.status(people: people ?? [owner, worker], completions: completions, profile: Fixtures.esc, on: d(day))
    }

    // Rule T1: a senior person holds Safety Program Development; a worker does not count.
    func testSafetyProgramDevelopmentHeldBySeniorPerson() {
        XCTAssertTrue(esc([c("owner", "spd", "2025-01-10")], on: "2026-01-01").isMet)
        let byWorker = esc([c("worker", "spd", "2025-01-10")], on: "2026-01-01")
        XCTAssertFalse(byWorker.isMet)
        XCTAssertEqual(byWorker.unmet.map(\.rule), ["T1", "T2"])
        // A worker familiar with the whole operation counts (T1/T4).
        let familiar = Fixtures.person("worker", .worker, familiar: true)
        XCTAssertTrue(esc([c("worker", "spd", "2025-01-10")], on: "2026-01-01", people: [owner, familiar]).isMet)
    }

    // Rule T2: a refresher every 3 years (1095 days): day 1095 still current, day 1096 not.
    func testRefresherEveryThreeYears() {
        let completions = [c("owner", "spd", "2020-03-01"), c("owner", "refresher-canadian-model", "2023-03-01")]
        XCTAssertEqual(d("2023-03-01").days(until: d("2026-02-28")), 1095)
        XCTAssertTrue(esc(completions, on: "2026-02-28").isMet)
        let lapsed = esc(completions, on: "2026-03-01")
        XCTAssertEqual(lapsed.unmet.map(\.rule), ["T2"])
        XCTAssertTrue(lapsed.unmet[0].detail.contains("between 2 March 2023 and 1 March 2026"), lapsed.unmet[0].detail)
    }

    // Rule T2 across a leap day: a refresher on 29 Feb 2024 counts for 1095 days,
    // through 28 Feb 2027; on 1 Mar 2027 (day 1096) it has lapsed.
    func testRefresherOnALeapDay() {
        let completions = [c("owner", "spd", "2015-01-01"), c("owner", "refresher-hs-committees", "2024-02-29")]
        XCTAssertTrue(esc(completions, on: "2027-02-28").isMet)
        XCTAssertFalse(esc(completions, on: "2027-03-01").isMet)
        // A period with no leap day: 1 Mar 2021 counts through 28 Feb 2024 (day 1094)... and 29 Feb 2024 (day 1095).
        let plain = [c("owner", "spd", "2015-01-01"), c("owner", "refresher-hs-committees", "2021-03-01")]
        XCTAssertTrue(esc(plain, on: "2024-02-29").isMet)
        XCTAssertFalse(esc(plain, on: "2024-03-01").isMet)
    }

    // Rule T8: training is judged as of a date: a course completed after it does not count.
    func testJudgedAsOfTheDate() {
        let completions = [c("owner", "spd", "2026-06-10")]
        XCTAssertFalse(esc(completions, on: "2026-06-09").isMet)
        XCTAssertTrue(esc(completions, on: "2026-06-10").isMet)
        // Someone who left no longer holds it for the employer.
        let leftOwner = Fixtures.person("owner", .owner, end: "2026-07-01")
        XCTAssertFalse(esc(completions, on: "2026-07-02", people: [leftOwner, worker]).isMet)
    }

    private func acsa(_ completions: [CourseCompletion], on day: String, people: [Person]? = nil) -> TrainingStatus {
        TrainingRules.status(people: people ?? [owner, worker, partTimer], completions: completions, profile: Fixtures.acsa, on: d(day))
    }

    // Rule T5: full-time employees hold PHSM, first aid and one industry course between them.
    func testACSARequirementsSharedAmongFullTimeEmployees() {
        let shared = [c("owner", "phsm", "2025-01-01"), c("worker", "sfa", "2025-02-01"), c("worker", "ests", "2025-03-01")]
        XCTAssertTrue(acsa(shared, on: "2026-01-01").isMet)
        // Held only by a part-timer: does not count.
        let byPartTimer = [c("owner", "phsm", "2025-01-01"), c("pt", "sfa", "2025-02-01"), c("worker", "ests", "2025-03-01")]
        XCTAssertEqual(acsa(byPartTimer, on: "2026-01-01").unmet.map(\.requirement), ["Standard First Aid"])
        // No industry course of the "one of" group.
        let noIndustry = [c("owner", "phsm", "2025-01-01"), c("worker", "sfa", "2025-02-01")]
        XCTAssertEqual(acsa(noIndustry, on: "2026-01-01").unmet.map(\.rule), ["T5"])
    }

    // Rule T5: first aid expires after its validity (3 years): the last valid day and the day after.
    func testFirstAidExpires() {
        let base = [c("owner", "phsm", "2024-01-01"), c("worker", "csts", "2024-01-01"), c("worker", "sfa", "2023-05-10")]
        XCTAssertTrue(acsa(base, on: "2026-05-09").isMet)
        let expired = acsa(base, on: "2026-05-10")
        XCTAssertEqual(expired.unmet.map(\.requirement), ["Standard First Aid"])
        XCTAssertTrue(expired.unmet[0].detail.contains("expired on 9 May 2026"), expired.unmet[0].detail)
        // A certificate's own expiry date overrides the course's validity.
        let explicit = [c("owner", "phsm", "2024-01-01"), c("worker", "csts", "2024-01-01"), c("worker", "sfa", "2025-01-01", expires: "2026-01-01")]
        XCTAssertFalse(acsa(explicit, on: "2026-01-02").isMet)
    }

    // Rule T6: any accredited course by a full-time employee within 3 years: day 1095 / 1096.
    func testContinuingEducationAnyAccreditedCourse() {
        let old = [c("owner", "phsm", "2022-01-01"), c("worker", "sfa", "2024-01-01"), c("worker", "csts", "2022-01-01")]
        XCTAssertEqual(d("2022-01-01").days(until: d("2024-12-31")), 1095)
        XCTAssertTrue(acsa(old, on: "2024-12-31").isMet)                            // day 1095
        XCTAssertEqual(acsa(old, on: "2025-01-01").unmet.map(\.rule), ["T6"])      // day 1096
        // First aid is not accredited, so it does not renew T6.
        XCTAssertEqual(acsa(old + [c("owner", "sfa", "2024-06-01")], on: "2025-06-01").unmet.map(\.rule), ["T6"])
        XCTAssertTrue(acsa(old + [c("owner", "acsa-accredited", "2024-06-01")], on: "2025-06-01").isMet)
    }
}

final class AuditorQualificationTests: XCTestCase {
    let d = Fixtures.day
    let owner = Fixtures.person("owner", .owner)
    let worker = Fixtures.person("worker", .worker)

    private func escTraining(_ completions: [CourseCompletion], on day: String) -> TrainingStatus {
        TrainingRules.status(people: [owner, worker], completions: completions, profile: Fixtures.esc, on: d(day))
    }

    // Rule T3: an external auditor certified by ESC, in good standing, valid on the day.
    func testExternalAuditorMustBeCertifiedInGoodStanding() {
        let training = escTraining([CourseCompletion(personId: "owner", courseId: "spd", completedOn: d("2025-01-01"))], on: "2026-06-01")
        func check(_ cert: AuditorCertification?, on day: String = "2026-06-01") -> QualificationResult {
            AuditorQualification.check(.externalAuditor(name: "Ann Auditor", certification: cert, completions: []),
                                       profile: Fixtures.esc, employerTraining: training, on: d(day))
        }
        let good = AuditorCertification(number: "EA-1", partner: "esc", standing: .goodStanding, validUntil: d("2026-06-01"))
        XCTAssertTrue(check(good).qualified)
        XCTAssertFalse(check(good, on: "2026-06-02").qualified)  // valid-until boundary
        var suspended = good
        suspended.standing = .suspended
        XCTAssertEqual(check(suspended).reasons, ["T3: Ann Auditor's certification EA-1 is suspended."])
        XCTAssertFalse(check(nil).qualified)
        var otherPartner = good
        otherPartner.partner = "acsa"
        XCTAssertFalse(check(otherPartner).qualified)
    }

    // Rule T4: an internal ESC assessor is a senior person meeting the training rules.
    func testInternalAssessorMustBeSeniorAndTrained() {
        let spd = [CourseCompletion(personId: "owner", courseId: "spd", completedOn: d("2025-01-01"))]
        let training = escTraining(spd, on: "2026-06-01")
        XCTAssertTrue(AuditorQualification.check(.internalAssessor(owner, completions: spd), profile: Fixtures.esc,
                                                 employerTraining: training, on: d("2026-06-01")).qualified)
        let result = AuditorQualification.check(.internalAssessor(worker, completions: []), profile: Fixtures.esc,
                                                employerTraining: training, on: d("2026-06-01"))
        XCTAssertFalse(result.qualified)
        XCTAssertTrue(result.reasons[0].hasPrefix("T4:"))
    }

    // Rule T7: an ACSA assessor holds PHSM; with an external one, the employer's
    // full-time staff still hold the required training.
    func testACSAAssessorHoldsPHSM() {
        let people = [owner, worker]
        let held = [CourseCompletion(personId: "owner", courseId: "phsm", completedOn: d("2025-01-01")),
                    CourseCompletion(personId: "worker", courseId: "sfa", completedOn: d("2025-01-01")),
                    CourseCompletion(personId: "worker", courseId: "csts", completedOn: d("2025-01-01"))]
        let training = TrainingRules.status(people: people, completions: held, profile: Fixtures.acsa, on: d("2026-01-01"))
        let phsm = [CourseCompletion(personId: "ext", courseId: "phsm", completedOn: d("2020-01-01"))]
        XCTAssertTrue(AuditorQualification.check(.externalAuditor(name: "Ext", certification: nil, completions: phsm),
                                                 profile: Fixtures.acsa, employerTraining: training, on: d("2026-01-01")).qualified)
        XCTAssertFalse(AuditorQualification.check(.externalAuditor(name: "Ext", certification: nil, completions: []),
                                                  profile: Fixtures.acsa, employerTraining: training, on: d("2026-01-01")).qualified)
        let untrained = TrainingRules.status(people: people, completions: [], profile: Fixtures.acsa, on: d("2026-01-01"))
        let result = AuditorQualification.check(.externalAuditor(name: "Ext", certification: nil, completions: phsm),
                                                profile: Fixtures.acsa, employerTraining: untrained, on: d("2026-01-01"))
        XCTAssertFalse(result.qualified)
        XCTAssertTrue(result.reasons.allSatisfy { $0.hasPrefix("T5") || $0.hasPrefix("T6") })
    }
}
