import XCTest
@testable import SECORCore

final class ProgramProfileTests: XCTestCase {
    func testBundledProfilesDecodeWithTheSourcesValues() throws {
        let esc = Fixtures.esc, acsa = Fixtures.acsa
        // Rule E1
        XCTAssertEqual(esc.headcount.limit, 10)
        XCTAssertEqual(acsa.headcount.windowMonths, 12)
        // Rule D1-D5 (ESC procedures)
        XCTAssertEqual([esc.timelines.onSiteDays, esc.timelines.submissionDays, esc.timelines.correctionDays, esc.timelines.qaProcessDays], [15, 21, 15, 90])
        // Rule Q6
        XCTAssertEqual(esc.passMarks.certification, PassMark(overallPercent: 80, elementPercent: 50))
        XCTAssertEqual(acsa.passMarks.maintenance, PassMark(overallPercent: 60, elementPercent: nil))
        // Rule E3 is ACSA's only; Rule A9 likewise; Rule R7 is ESC's only
        XCTAssertTrue(acsa.membership.required)
        XCTAssertFalse(esc.membership.required)
        XCTAssertTrue(acsa.legislationListRequired)
        XCTAssertTrue(esc.reviewFeesTracked)
        XCTAssertFalse(acsa.reviewFeesTracked)
        // Rule T5: a "one of" group; Rule T6: any accredited course
        XCTAssertEqual(acsa.requiredTraining.first { $0.id == "industry" }?.anyOf, ["csts", "rsts", "ests", "pcst"])
        XCTAssertTrue(acsa.continuingEducation.anyAccreditedCourse)
        // Rule T2: five refresher courses plus the course itself
        XCTAssertEqual(esc.continuingEducation.anyOf.count, 6)
        // Rules C2, R6, A7, E5
        XCTAssertEqual(esc.certificateValidityYears, 3)
        XCTAssertEqual(esc.auditNumberDigits, 9)
        XCTAssertEqual(acsa.evidenceWindowMonths, 12)
        XCTAssertEqual(acsa.minimumRecordMonths, 3)
    }

    func testAMissingFieldNamesFileLineAndField() throws {
        let yaml = try bundledYAML("esc").replacingOccurrences(of: "  submissionDays: 21      # D2\n", with: "")
        XCTAssertThrowsError(try ProgramProfile.load(yaml: yaml, file: "esc.yaml")) { error in
            let e = error as! DataFileError
            XCTAssertEqual(e.file, "esc.yaml")
            XCTAssertEqual(e.field, "timelines.submissionDays")
            XCTAssertNotNil(e.line)
            XCTAssertTrue(e.description.hasPrefix("esc.yaml:"), e.description)
        }
    }

    func testAWrongTypeNamesItsLine() throws {
        let yaml = try bundledYAML("esc").replacingOccurrences(of: "  limit: 10", with: "  limit: ten")
        let lineOfLimit = yaml.components(separatedBy: "\n").firstIndex { $0.contains("limit: ten") }! + 1
        XCTAssertThrowsError(try ProgramProfile.load(yaml: yaml, file: "esc.yaml")) { error in
            let e = error as! DataFileError
            XCTAssertEqual(e.field, "headcount.limit")
            XCTAssertEqual(e.line, lineOfLimit)
            XCTAssertTrue(e.message.contains("whole number"), e.message)
        }
    }

    func testSemanticErrorsAreAllListedWithLines() throws {
        let yaml = try bundledYAML("acsa")
            .replacingOccurrences(of: "anyOf: [csts, rsts, ests, pcst]", with: "anyOf: [csts, nope]")
            .replacingOccurrences(of: "overallPercent: 80", with: "overallPercent: 180")
        XCTAssertThrowsError(try ProgramProfile.load(yaml: yaml, file: "acsa.yaml")) { error in
            let errors = (error as! DataFileErrors).errors
            XCTAssertEqual(errors.map(\.field), ["requiredTraining[2].anyOf[1]", "passMarks.certification.overallPercent"])
            XCTAssertTrue(errors.allSatisfy { $0.line != nil })
            XCTAssertTrue(errors[0].message.contains("'nope' is not in courses"))
        }
    }

    func testBrokenYAMLNamesTheLine() {
        XCTAssertThrowsError(try ProgramProfile.load(yaml: "id: esc\nheadcount: [1,\n", file: "x.yaml")) { error in
            let e = error as! DataFileError
            XCTAssertNotNil(e.line)
        }
    }

    private func bundledYAML(_ id: String) throws -> String {
        let url = Bundle.module.url(forResource: "Profiles", withExtension: nil)
        // Tests read the shipped file through the core's bundle.
        let folder = try XCTUnwrap(url ?? Bundle.allBundles.compactMap { $0.url(forResource: "Profiles", withExtension: nil) }.first)
        return try String(contentsOf: folder.appendingPathComponent("\(id).yaml"), encoding: .utf8)
    }
}

extension ProgramProfileTests {
    /// A typo in a field name is an error naming file, line and field, not a silent default.
    func testAnUnknownFieldIsRefusedWithItsLine() throws {
        let yaml = try bundledYAML("esc").replacingOccurrences(of: "validityYears: 3", with: "validityYear: 3")
        XCTAssertThrowsError(try ProgramProfile.load(yaml: yaml, file: "typo.yaml")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("typo.yaml:"), text)
            XCTAssertTrue(text.contains("validityYear: is not a field of a program profile"), text)
        }
        let extra = try bundledYAML("acsa") + "\nbogusKey: 3\n"
        XCTAssertThrowsError(try ProgramProfile.load(yaml: extra, file: "extra.yaml")) { error in
            XCTAssertTrue("\(error)".contains("bogusKey"), "\(error)")
        }
    }
}
