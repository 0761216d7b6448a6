import XCTest
@testable import SECORCore

/// Rule Q6 on both shipped sample protocols, at the boundaries.
final class SampleProtocolScoringTests: XCTestCase {
    let profiles = try! ProgramProfile.bundled()

    func samples() throws -> [AuditProtocol] { try AuditProtocol.bundledSamples().map(\.value) }

    func full(_ q: ProtocolQuestion) -> Answer { q.plainAnswer(fullMarks: true) }

    /// Answers earning exactly `target` points: "no" on yes/no questions, then points off
    /// range questions; each element keeps more than half its points (so only the overall
    /// mark decides) unless `anyElement`.
    func answers(_ p: AuditProtocol, earning target: Int, anyElement: Bool = false) -> [String: Answer] {
        var answers = Dictionary(uniqueKeysWithValues: p.questions.map { ($0.id, full($0)) })
        var deficit = p.questions.map(\.maxPoints).reduce(0, +) - target
        for pass in [ScoringRule.yesNo, .range] {
            for element in p.elements {
                let possible = element.questions.map(\.maxPoints).reduce(0, +)
                var removed = element.questions.map { q -> Int in
                    switch answers[q.id]! { case .no: return q.maxPoints; case .points(let n): return q.maxPoints - n; default: return 0 }
                }.reduce(0, +)
                for q in element.questions where q.scoring == pass && deficit > 0 {
                    let room = anyElement ? q.maxPoints : min(q.maxPoints, possible * 45 / 100 - removed)
                    if pass == .yesNo, q.maxPoints <= min(room, deficit) {
                        answers[q.id] = .no
                        deficit -= q.maxPoints
                        removed += q.maxPoints
                    } else if pass == .range, room > 0 {
                        let off = min(deficit, room)
                        answers[q.id] = .points(q.maxPoints - off)
                        deficit -= off
                        removed += off
                    }
                }
            }
        }
        precondition(deficit == 0, "could not reach the target")
        return answers
    }

    func testCertificationPassesAt80PercentAndFailsOnePointBelow() throws {
        for p in try samples() {
            let marks = profiles[p.partner]!.passMarks
            let possible = p.questions.map(\.maxPoints).reduce(0, +)
            let target = (80 * possible + 99) / 100  // the fewest points that reach 80%
            let at = try ScoreCalculator.score(p, answers: answers(p, earning: target))
            XCTAssertEqual(at.overall, Points(earned: target, possible: possible))
            XCTAssertTrue(at.decision(for: .certification, marks: marks).passed, "\(p.id) at \(at.overall.percentText)%")
            let below = try ScoreCalculator.score(p, answers: answers(p, earning: target - 1))
            let decision = below.decision(for: .certification, marks: marks)
            XCTAssertFalse(decision.passed, "\(p.id) at \(below.overall.percentText)%")
            XCTAssertTrue(decision.reasons[0].contains("below the 80%"), decision.reasons[0])
        }
    }

    func testMaintenancePassesAt60Percent() throws {
        for p in try samples() {
            let marks = profiles[p.partner]!.passMarks
            let possible = p.questions.map(\.maxPoints).reduce(0, +)
            let target = (60 * possible + 99) / 100
            let at = try ScoreCalculator.score(p, answers: answers(p, earning: target, anyElement: true))
            XCTAssertTrue(at.decision(for: .maintenance, marks: marks).passed, "\(p.id) at \(at.overall.percentText)%")
            XCTAssertFalse(at.decision(for: .certification, marks: marks).passed)
            let below = try ScoreCalculator.score(p, answers: answers(p, earning: target - 1, anyElement: true))
            XCTAssertFalse(below.decision(for: .maintenance, marks: marks).passed, "\(p.id) at \(below.overall.percentText)%")
        }
    }

    // Rule Q6: one element under 50% fails certification however high the overall.
    func testOneElementUnderHalfFailsCertification() throws {
        for p in try samples() {
            let marks = profiles[p.partner]!.passMarks
            var answers = Dictionary(uniqueKeysWithValues: p.questions.map { ($0.id, full($0)) })
            let element = p.elements.last!
            for q in element.questions { answers[q.id] = q.plainAnswer(fullMarks: false) }
            let score = try ScoreCalculator.score(p, answers: answers)
            let decision = score.decision(for: .certification, marks: marks)
            XCTAssertTrue(score.overall.reaches(percent: 80), "\(p.id) \(score.overall.percentText)")
            XCTAssertFalse(decision.passed)
            XCTAssertEqual(decision.reasons.count, 1)
            XCTAssertTrue(decision.reasons[0].hasPrefix("Element 6"), decision.reasons[0])
            // N/A where the protocol allows it leaves the question out of the score.
            let na = element.questions.filter { $0.notApplicableReasons.contains(.noIncidents) }
            XCTAssertFalse(na.isEmpty)
            for q in na { answers[q.id] = .notApplicable(.noIncidents) }
            let without = try ScoreCalculator.score(p, answers: answers)
            XCTAssertEqual(without.overall.possible, score.overall.possible - na.map(\.maxPoints).reduce(0, +))
        }
    }
}
