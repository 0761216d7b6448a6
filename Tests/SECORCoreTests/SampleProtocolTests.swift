import XCTest
@testable import SECORCore

final class SampleProtocolTests: XCTestCase {
    func samples() throws -> [String: AuditProtocol] {
        Dictionary(uniqueKeysWithValues: try AuditProtocol.bundledSamples().map { ($0.value.partner, $0.value) })
    }

    // Rule A11, A2: one sample per demo partner, six elements, a mix of methods and rules.
    func testEachPartnerHasASampleWithSixElementsAndEveryMethod() throws {
        let all = try samples()
        XCTAssertEqual(Set(all.keys), ["esc", "acsa"])
        for (_, p) in all {
            XCTAssertTrue(p.title.contains("SAMPLE"), p.title)
            XCTAssertEqual(p.elements.map(\.number), [1, 2, 3, 4, 5, 6])
            let methods = Set(p.questions.flatMap(\.methods))
            XCTAssertEqual(methods, Set(ValidationMethod.allCases))
            XCTAssertTrue(p.questions.contains { $0.scoring == .yesNo })
            XCTAssertTrue(p.questions.contains { $0.scoring == .range })
            XCTAssertTrue(p.questions.contains { if case .proportion = $0.scoring { return true } else { return false } })
            XCTAssertTrue(p.questions.contains { !$0.notApplicableReasons.isEmpty })
        }
        // Rule A9: the ACSA sample asks for the legislation list.
        XCTAssertNotNil(all["acsa"]!.questions.first { $0.text.contains("legislation") })
    }

    // Rule A11: a seventh element is refused with its file, line and field.
    func testUnknownElementIsNamedWithItsLine() throws {
        let yaml = try AuditProtocol.bundledSamples()[1].yaml.replacingOccurrences(of: "  - number: 6\n", with: "  - number: 7\n")
        XCTAssertThrowsError(try AuditProtocol.load(yaml: yaml, file: "bad.yaml")) { error in
            let e = (error as! DataFileErrors).errors
            XCTAssertEqual(e.map(\.field), ["elements[5].number"])
            XCTAssertNotNil(e[0].line)
            XCTAssertTrue(e[0].description.hasPrefix("bad.yaml:"), e[0].description)
            XCTAssertTrue(e[0].message.contains("unknown element 7"))
        }
    }

    // Negative points and an unknown partner, each named.
    func testNegativePointsAndUnknownPartner() throws {
        let yaml = try AuditProtocol.bundledSamples()[1].yaml
            .replacingOccurrences(of: "maxPoints: 5\n        scoring: {kind: yesNo}\n        evidenceKinds: [goals]", with: "maxPoints: -5\n        scoring: {kind: yesNo}\n        evidenceKinds: [goals]")
            .replacingOccurrences(of: "partner: esc", with: "partner: nobody")
        XCTAssertThrowsError(try AuditProtocol.load(yaml: yaml, file: "bad.yaml", partners: ["esc", "acsa"])) { error in
            let fields = (error as! DataFileErrors).errors.map(\.field)
            XCTAssertEqual(fields, ["elements[0].questions[3].maxPoints", "partner"])
        }
    }

    // Rule A1: the diff names what a new version changes, question by question.
    func testDiffNamesAddedRemovedAndChangedQuestions() throws {
        let old = try samples()["esc"]!
        var new = old
        new.version = "2027.1"
        new.elements[1].questions[1].maxPoints = 15
        new.elements[1].questions[1].evidenceKinds = [.flha, .hazardRegister]
        new.elements[0].questions.removeLast()
        new.elements[5].questions.append(ProtocolQuestion(id: "6.5", text: "Are near misses trended?", methods: [.documentation],
                                                          maxPoints: 5, scoring: .yesNo))
        let lines = old.changes(to: new).map(\.line)
        XCTAssertEqual(lines, [
            "Changed question 2.2: max points 10 → 15; evidence flha → flha, hazardRegister",
            "Added question 6.5: Are near misses trended?",
            "Removed question 1.5: Can workers describe the safety policy and their own responsibilities?",
        ])
        XCTAssertTrue(old.changes(to: old).isEmpty)
    }
}
