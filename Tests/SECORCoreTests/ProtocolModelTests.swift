import XCTest
@testable import SECORCore

final class ProtocolModelTests: XCTestCase {
    let yaml = """
    id: sample-esc
    partner: esc
    version: "2023.1"
    title: Sample protocol (not the partner's official instrument)
    elements:
      - number: 1
        title: Management Leadership and Organizational Commitment
        questions:
          - id: "1.1"
            text: Is there a signed, dated safety policy?
            guidance: Look at the policy document.
            methods: [documentation]
            maxPoints: 10
            scoring: {kind: yesNo}
            evidenceKinds: [safetyPolicy]
          - id: "1.2"
            text: Do workers know the policy?
            methods: [interview]
            maxPoints: 3
            scoring:
              kind: proportion
              bands: [{atLeastPercent: 100, points: 3}, {atLeastPercent: 70, points: 2}]
            notApplicableReasons: [ownerOperator]
            notesRequired: false
    """

    // Rule A1/A2: the protocol is data with methods, scoring and N/A rules.
    func testDecodesEveryPartOfAQuestion() throws {
        let p = try AuditProtocol.load(yaml: yaml, file: "sample.yaml")
        XCTAssertEqual(p.questions.count, 2)
        let q = try XCTUnwrap(p.question("1.2"))
        XCTAssertEqual(q.methods, [.interview])
        XCTAssertEqual(q.scoring, .proportion([.init(atLeastPercent: 100, points: 3), .init(atLeastPercent: 70, points: 2)]))
        XCTAssertEqual(q.notApplicableReasons, [.ownerOperator])
        XCTAssertFalse(q.notesRequired)
        XCTAssertTrue(p.question("1.1")!.notesRequired) // notes are required unless said otherwise (A3)
        XCTAssertEqual(p.question("1.1")!.evidenceKinds, [.safetyPolicy])
    }

    func testRejectsDuplicateIdsAndBandsAboveTheMaximum() {
        let bad = yaml.replacingOccurrences(of: "id: \"1.2\"", with: "id: \"1.1\"")
            .replacingOccurrences(of: "points: 3}", with: "points: 4}")
        XCTAssertThrowsError(try AuditProtocol.load(yaml: bad, file: "sample.yaml")) { error in
            let fields = (error as! DataFileErrors).errors.map(\.field)
            XCTAssertEqual(fields, ["elements[0].questions[1].id", "elements[0].questions[1].scoring.bands[0].points"])
        }
    }

    func testUnknownScoringKindIsNamed() {
        let bad = yaml.replacingOccurrences(of: "{kind: yesNo}", with: "{kind: maybe}")
        XCTAssertThrowsError(try AuditProtocol.load(yaml: bad, file: "sample.yaml")) { error in
            let e = error as! DataFileError
            XCTAssertTrue(e.field.hasPrefix("elements[0].questions[0].scoring"), e.field)
            XCTAssertTrue(e.message.contains("'maybe' is not a scoring rule"), e.message)
        }
    }
}
