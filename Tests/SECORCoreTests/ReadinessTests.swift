import XCTest
@testable import SECORCore

/// Rule F2: each of the seven deductions, with records that trigger it and near misses
/// that do not. Rule A7: only the 12-month evidence window counts.
final class ReadinessTests: XCTestCase {
    let today = Fixtures.day("2026-11-21")
    let d = Fixtures.day

    /// A file with none of the seven deductions.
    func clean() -> AuditFileEvidence {
        var file = AuditFileEvidence()
        file.people = [Fixtures.person("owner", .owner), Fixtures.person("w1", .worker)]
        file.jobRoles = ["owner": "Owner", "w1": "Operator"]
        file.matrix = [.init(jobRole: "Owner", courseId: "spd"), .init(jobRole: "Operator", courseId: "h2s-alive")]
        file.policies = [.init(id: "pol", version: "3", signedOn: d("2026-01-10"), signerPersonId: "owner", signerName: "Person owner")]
        file.flhas = [
            .init(id: "f1", day: d("2026-10-01"), site: "Pad 14-22", location: "Wellhead", task: "Replace valve",
                  hazards: [.init(hazard: "Pressure", control: "Bleed off and lock out")], workersPresent: 2, workerSignOffs: 2),
            .init(id: "f2", day: d("2026-10-02"), site: "Pad 7-09", location: "Tank farm", task: "Gauge tanks",
                  hazards: [.init(hazard: "H2S", control: "Personal monitor")], workersPresent: 1, workerSignOffs: 1),
        ]
        file.incidents = [.init(id: "nm1", day: d("2026-03-03"), isNearMiss: true)]
        file.investigations = [.init(id: "inv1", day: d("2026-03-05"), rootCauses: ["Worn hose not replaced"])]
        file.preStartDefects = [.init(inspectionId: "ps1", day: d("2026-06-01"), equipment: "Truck 3", defect: "Cracked mirror", correctiveAction: .verified)]
        file.toolboxTalks = [.init(id: "t1", day: d("2026-01-05"), topic: "Fall protection"), .init(id: "t2", day: d("2026-05-05"), topic: "Fall protection"),
                             .init(id: "t3", day: d("2026-02-05"), topic: "Driving in winter")]
        return file
    }

    private func kinds(_ file: AuditFileEvidence) -> [DeductionKind] {
        Readiness.deductions(file, windowMonths: 12, today: today).map(\.kind)
    }

    private func deduction(_ kind: DeductionKind, _ file: AuditFileEvidence) -> Deduction? {
        Readiness.deductions(file, windowMonths: 12, today: today).first { $0.kind == kind }
    }

    func testACleanFileHasNoDeductions() {
        XCTAssertEqual(kinds(clean()), [])
    }

    // Rule F2: generic FLHAs: no site detail, no hazards, missing controls or signatures, copied across sites.
    func testGenericFLHAs() {
        var file = clean()
        file.flhas.append(.init(id: "nosite", day: d("2026-10-03"), site: "", location: "", task: "Dig", hazards: [.init(hazard: "Lines", control: "Locate")], workersPresent: 1, workerSignOffs: 1))
        file.flhas.append(.init(id: "nohazard", day: d("2026-10-04"), site: "Yard", location: "Shop", task: "Weld", hazards: [], workersPresent: 1, workerSignOffs: 1))
        file.flhas.append(.init(id: "unsigned", day: d("2026-10-05"), site: "Yard", location: "Shop", task: "Grind", hazards: [.init(hazard: "Sparks", control: "Shield")], workersPresent: 3, workerSignOffs: 1))
        file.flhas.append(.init(id: "copy", day: d("2026-10-06"), site: "Pad 99-01", location: "Wellhead", task: "Replace valve",
                                hazards: [.init(hazard: "pressure", control: "Bleed off and lock-out")], workersPresent: 1, workerSignOffs: 1))
        let found = deduction(.genericFLHA, file)
        XCTAssertEqual(found?.recordIds, ["f1", "nosite", "nohazard", "unsigned", "copy"])
        XCTAssertTrue(found?.findings.first { $0.recordId == "unsigned" }?.reason.contains("2 of 3 workers did not sign") == true)
        XCTAssertTrue(found?.findings.first { $0.recordId == "copy" }?.reason.contains("same task and hazards as FLHAs at other sites") == true)
    }

    func testGenericFLHANearMisses() {
        var file = clean()
        // The same task again at the same site is not a copy; a three-letter site is detail enough.
        file.flhas.append(.init(id: "again", day: d("2026-10-07"), site: "Pad 14-22", location: "Wellhead", task: "Replace valve",
                                hazards: [.init(hazard: "Pressure", control: "Bleed off and lock out")], workersPresent: 1, workerSignOffs: 1))
        file.flhas.append(.init(id: "short", day: d("2026-10-08"), site: "Pad", location: "Bay", task: "Sweep", hazards: [.init(hazard: "Dust", control: "Mask")], workersPresent: 1, workerSignOffs: 1))
        // A generic FLHA older than the window does not count (A7).
        file.flhas.append(.init(id: "old", day: d("2025-11-21"), site: "", location: "", task: "x", hazards: [], workersPresent: 1, workerSignOffs: 0))
        XCTAssertNil(deduction(.genericFLHA, file))
    }

    // Rule F2: a matrix saying "as required", or roles with nothing named.
    func testMatrixAsRequired() {
        var file = clean()
        file.matrix.append(.init(jobRole: "Labourer", courseId: "As required"))
        XCTAssertEqual(deduction(.matrixAsRequired, file)?.findings.count, 1)
        file = clean()
        file.people.append(Fixtures.person("w2", .worker))
        file.jobRoles["w2"] = "Swamper"
        XCTAssertEqual(deduction(.matrixAsRequired, file)?.findings.map(\.reason), ["The matrix names no certification for the job role Swamper."])
        file.matrix = []
        XCTAssertTrue(deduction(.matrixAsRequired, file)?.findings.first?.reason.contains("no training matrix") == true)
        // Near miss: a role of someone who left needs no entry.
        file = clean()
        file.people.append(Fixtures.person("gone", .worker, end: "2026-01-01"))
        file.jobRoles["gone"] = "Driver"
        XCTAssertNil(deduction(.matrixAsRequired, file))
    }

    // Rule F2 + A7: no near-miss report in the 12-month window; day 1 of the window counts.
    func testNoNearMiss() {
        var file = clean()
        file.incidents = [.init(id: "inj", day: d("2026-06-01"), isNearMiss: false), .init(id: "nm-old", day: d("2025-11-21"), isNearMiss: true)]
        XCTAssertNotNil(deduction(.noNearMiss, file))
        file.incidents.append(.init(id: "nm-edge", day: d("2025-11-22"), isNearMiss: true))
        XCTAssertNil(deduction(.noNearMiss, file))
    }

    // Rule F2: the policy undated, or signed by someone who has left.
    func testPolicyUndatedOrSignerLeft() {
        var file = clean()
        file.policies = [.init(id: "p", version: "4", signedOn: nil, signerPersonId: "owner", signerName: "Person owner")]
        XCTAssertEqual(deduction(.policyUndatedOrSignerLeft, file)?.findings.map(\.reason), ["Safety policy version 4 is not dated."])
        file = clean()
        file.people[0].endDate = d("2026-11-20")
        XCTAssertTrue(deduction(.policyUndatedOrSignerLeft, file)?.findings.first?.reason.contains("who left on 20 November 2026") == true)
        // Near miss: the signer's last day is today; still with the employer.
        file.people[0].endDate = today
        XCTAssertNil(deduction(.policyUndatedOrSignerLeft, file))
        file.policies = []
        XCTAssertEqual(deduction(.policyUndatedOrSignerLeft, file)?.findings.first?.reason, "No signed safety policy is on file.")
    }

    // Rule F2: pre-start defects with no closed (verified) corrective action.
    func testPreStartDefectsWithoutFollowUp() {
        var file = clean()
        file.preStartDefects += [.init(inspectionId: "ps2", day: d("2026-07-01"), equipment: "Loader", defect: "Leaking hydraulic line", correctiveAction: nil),
                                 .init(inspectionId: "ps3", day: d("2026-07-02"), equipment: "Loader", defect: "Horn", correctiveAction: .controlled)]
        let found = deduction(.preStartDefectOpen, file)
        XCTAssertEqual(found?.recordIds, ["ps2", "ps3"])
        XCTAssertTrue(found?.findings[1].reason.contains("still controlled, not verified") == true)
    }

    // Rule F2: investigations with no root cause (blank text is none).
    func testInvestigationsWithoutRootCause() {
        var file = clean()
        file.investigations += [.init(id: "inv2", day: d("2026-04-01"), rootCauses: []), .init(id: "inv3", day: d("2026-04-02"), rootCauses: ["  ", "-"])]
        XCTAssertEqual(deduction(.investigationNoRootCause, file)?.recordIds, ["inv2", "inv3"])
    }

    // Rule F2: the same topic again within 90 days; 91 days apart is not a repeat.
    func testToolboxTalksRepeatingATopic() {
        var file = clean()
        file.toolboxTalks = [.init(id: "a", day: d("2026-01-01"), topic: "Ladder safety"), .init(id: "b", day: d("2026-04-01"), topic: "ladder  SAFETY!")]
        XCTAssertEqual(d("2026-01-01").days(until: d("2026-04-01")), 90)
        XCTAssertEqual(deduction(.toolboxTalkRepeats, file)?.recordIds, ["b"])
        file.toolboxTalks[1].day = d("2026-04-02")
        XCTAssertNil(deduction(.toolboxTalkRepeats, file))
    }
}

final class RecordContentTests: XCTestCase {
    /// The fields a content's problems name, in order.
    func fields(_ body: () throws -> Void) -> [String] {
        do { try body(); return [] } catch { return (error as? RecordContentErrors)?.problems.map(\.field) ?? ["not RecordContentErrors"] }
    }

    func testHazardRegisterRiskBands() throws {
        func rating(_ l: Int, _ s: Int) -> String { HazardRegisterContent(hazard: "h", taskOrArea: "t", likelihood: l, severity: s, controls: ["c"]).riskRating }
        XCTAssertEqual([rating(1, 4), rating(1, 5), rating(3, 3), rating(2, 5), rating(4, 4), rating(3, 5), rating(5, 5)],
                       ["low", "medium", "medium", "high", "high", "high", "critical"])
        XCTAssertEqual(fields { _ = try HazardRegisterContent(hazard: "h", taskOrArea: "t", likelihood: 0, severity: 3, controls: ["c"]).validated() }, ["likelihood"])
        XCTAssertEqual(fields { _ = try HazardRegisterContent(hazard: "h", taskOrArea: "t", likelihood: 3, severity: 3, controls: [" "]).validated() }, ["controls"])
    }

    func testAFailedItemNeedsItsDefectAndEveryItemAResult() throws {
        XCTAssertEqual(fields { _ = try PreStartContent(equipment: "Truck", site: "", items: [.init(item: "Brakes", result: .fail)]).validated() },
                       ["items[0].defect"])
        // Nothing is chosen for the inspector: an item without a result is refused, not passed.
        XCTAssertEqual(fields { _ = try PreStartContent(equipment: "Truck", site: "", items: [.init(item: "Brakes", result: nil)]).validated() },
                       ["items[0].result"])
        let inspection = try WorkplaceInspectionContent(area: "Shop", site: "Yard", items: [.init(item: "Exits clear", result: .fail, defect: "Pallets at the door"),
                                                                                       .init(item: "Guards", result: .na), .init(item: "", result: .pass)]).validated()
        XCTAssertEqual(inspection.deficiencies.map(\.defect), ["Pallets at the door"])
        XCTAssertEqual(inspection.items.count, 2)
    }

    func testEveryProblemOfAnEmptyFLHAIsNamedAtOnce() {
        // One round trip tells the crew everything that is missing.
        let empty = FLHAContent(form: RecordForm())
        XCTAssertEqual(fields { _ = try empty.validated() }, ["site", "location", "task", "hazards[0].hazard", "workers[0].name"])
        let base = FLHAContent(site: "Pad 1", location: "Wellhead", task: "Valve", hazards: [.init(hazard: "Pressure", control: "")], workers: [.init(name: "A")])
        XCTAssertEqual(fields { _ = try base.validated() }, ["hazards[0].control"])
    }

    func testListsAreBoundedAndControlCharactersRefused() {
        let many = FLHAContent(site: "Pad", location: "Bay", task: "Lift", hazards: (0..<31).map { .init(hazard: "H\($0)", control: "C") },
                               workers: (0..<51).map { .init(name: "Worker \($0)") })
        XCTAssertEqual(fields { _ = try many.validated() }, ["hazards", "workers"])
        let nul = FLHAContent(site: "Pad\u{0}1", location: "Bay", task: "Lift", hazards: [.init(hazard: "H", control: "C")], workers: [.init(name: "A")])
        XCTAssertEqual(fields { _ = try nul.validated() }, ["site"])
    }

    func testAFatalityOrSeriousInjuryIsMarkedReportable() {
        // Alberta OHS Act s. 40, at the severity boundary: 3 (lost time) need not, 4 (serious injury) must.
        func incident(_ harm: IncidentHarm, _ actual: Int, reportable: Bool) -> IncidentContent {
            IncidentContent(isNearMiss: false, site: "Shop", whatHappened: "Fell from the ladder", harm: harm, actualSeverity: actual, potentialSeverity: 5,
                            reportableToOHS: reportable, immediateActions: "", rootCauses: [], contributingFactors: [], correctiveActions: "",
                            findingsToldTo: [], findingsToldOn: nil)
        }
        XCTAssertEqual(fields { _ = try incident(.injury, 3, reportable: false).validated() }, [])
        XCTAssertEqual(fields { _ = try incident(.injury, 4, reportable: false).validated() }, ["reportableToOHS"])
        XCTAssertEqual(fields { _ = try incident(.damage, 4, reportable: false).validated() }, [])
        XCTAssertEqual(fields { _ = try incident(.damage, 5, reportable: false).validated() }, ["reportableToOHS"])
        XCTAssertEqual(fields { _ = try incident(.injury, 5, reportable: true).validated() }, [])
    }

    func testOldRecordsStillRead() throws {
        // Stored before December 2026: pass as a Bool, workers with ticks, a typed review.
        let flha = try JSONDecoder().decode(FLHAContent.self, from: Data(#"{"site":"Pad","location":"Bay","task":"Lift","hazards":[],"ppe":[],"workers":[{"name":"A","signed":true}],"supervisorReview":"OK","notes":""}"#.utf8))
        XCTAssertEqual(flha.workers, [NamedPerson(name: "A")])
        XCTAssertEqual(flha.supervisorReview, "OK")
        let item = try JSONDecoder().decode(ChecklistItem.self, from: Data(#"{"item":"Tires","pass":false,"defect":"Cut"}"#.utf8))
        XCTAssertEqual(item.result, .fail)
    }

    func testEveryKindIsDescribedOnceAndRoundTripsItsForm() throws {
        XCTAssertEqual(Set(RecordKinds.all.map(\.kind.rawValue)).count, RecordKinds.all.count)
        for descriptor in RecordKinds.all {
            XCTAssertEqual(FieldRecordKind(rawValue: descriptor.kind.rawValue), descriptor.kind)
            XCTAssertTrue(descriptor.contentType == type(of: descriptor.content(form: RecordForm()).value), descriptor.title)
            let blank = descriptor.blankForm
            XCTAssertEqual(descriptor.content(form: blank).form, blank, descriptor.title)
            let json = try descriptor.content(form: blank).json()
            XCTAssertEqual(try descriptor.decode(json).kind, descriptor.kind)
        }
        XCTAssertNil(FieldRecordKind(rawValue: "timesheet"))
    }
}

final class SignOffRuleTests: XCTestCase {
    let day = CalendarDay(2026, 3, 15)
    func person(_ id: String, _ category: PersonCategory = .worker, start: CalendarDay = CalendarDay(2020, 1, 1), end: CalendarDay? = nil) -> Person {
        Person(id: id, name: id.capitalized, category: category, startDate: start, endDate: end)
    }
    var flha: RecordContent {
        RecordContent(FLHAContent(site: "Pad", location: "Bay", task: "Lift", hazards: [.init(hazard: "H", control: "C")],
                                  workers: [.init(name: "Ann", personId: "ann"), .init(name: "Visitor")]))
    }

    func testOnlyPeopleOnTheRosterOnTheDayOfTheWorkSign() {
        // Rule A7: the signer was on the roster on the day of the work — boundaries at both ends.
        XCTAssertNil(SignOffRules.refusal(person: person("ann", start: day), role: .worker, method: .self, content: flha, day: day))
        XCTAssertNil(SignOffRules.refusal(person: person("ann", end: day), role: .worker, method: .self, content: flha, day: day))
        XCTAssertEqual(SignOffRules.refusal(person: person("ann", start: day.adding(days: 1)), role: .worker, method: .self, content: flha, day: day)?.field, "personId")
        XCTAssertEqual(SignOffRules.refusal(person: person("ann", end: day.adding(days: -1)), role: .worker, method: .attested, content: flha, day: day)?.field, "personId")
        // A leap day is a day like any other.
        let leap = CalendarDay(2028, 2, 29)
        XCTAssertNil(SignOffRules.refusal(person: person("ann", end: leap), role: .worker, method: .self, content: flha, day: leap))
    }

    func testAWorkerSignsOnlyWhatNamesThem() {
        // Rule A7: a sign-off names the person who was there.
        XCTAssertEqual(SignOffRules.refusal(person: person("bob"), role: .worker, method: .self, content: flha, day: day)?.field, "personId")
        XCTAssertEqual(SignOffRules.refusal(person: person("ann"), role: .worker, method: .ticked, content: flha, day: day)?.field, "method")
    }

    func testAReviewIsByASupervisorManagerOrOwner() {
        XCTAssertNil(SignOffRules.refusal(person: person("sue", .supervisor), role: .reviewer, method: .self, content: flha, day: day))
        XCTAssertNil(SignOffRules.refusal(person: person("own", .owner), role: .reviewer, method: .self, content: flha, day: day))
        XCTAssertEqual(SignOffRules.refusal(person: person("ann"), role: .reviewer, method: .self, content: flha, day: day)?.field, "personId")
    }

    func testThePolicyIsSignedByItsSignerOnTheirOwnAccount() {
        let policy = RecordContent(SafetyPolicyContent(version: "1", signerPersonId: "own", signerName: "Own", text: "We work safely."))
        XCTAssertNil(SignOffRules.refusal(person: person("own", .owner), role: .signer, method: .self, content: policy, day: day))
        XCTAssertEqual(SignOffRules.refusal(person: person("own", .owner), role: .signer, method: .attested, content: policy, day: day)?.field, "method")
        XCTAssertEqual(SignOffRules.refusal(person: person("mgr", .manager), role: .signer, method: .self, content: policy, day: day)?.field, "personId")
        XCTAssertEqual(SignOffRules.refusal(person: person("own", .owner), role: .worker, method: .self, content: policy, day: day)?.field, "role")
        XCTAssertEqual(SafetyPolicyContent.descriptor.authors, .seniorManagement)
    }

    func testWhoStillHasToSign() {
        XCTAssertEqual(SignOffRules.outstanding(flha, signedPersonIds: []).map(\.personId), ["ann"])  // a typed name cannot sign
        XCTAssertEqual(SignOffRules.outstanding(flha, signedPersonIds: ["ann"]), [])
    }

    func testTheFLHADetectorJudgesTheNewestVersionsSignOffs() {
        // Rule F2: a worker present who did not sign the newest version counts as unsigned.
        var file = AuditFileEvidence()
        let content = FLHAContent(site: "Pad", location: "Bay", task: "Lift", hazards: [.init(hazard: "H", control: "C")],
                                  workers: [.init(name: "Ann", personId: "ann"), .init(name: "Bob", personId: "bob")])
        content.addEvidence(to: &file, id: "r", day: day, signOffs: [.init(personId: "ann", role: .worker, day: day),
                                                                     .init(personId: "sue", role: .reviewer, day: day)])
        XCTAssertEqual(file.flhas.first?.workersPresent, 2)
        XCTAssertEqual(file.flhas.first?.workerSignOffs, 1)
    }
}
