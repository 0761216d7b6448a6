import Foundation

/// Earned and possible points; percentages are only for display, every decision compares
/// integers (`earned * 100 >= percent * possible`) so 79.995% fails 80% everywhere.
public struct Points: Sendable, Equatable, Codable {
    public var earned: Int
    public var possible: Int

    public init(earned: Int = 0, possible: Int = 0) {
        self.earned = earned
        self.possible = possible
    }

    public func reaches(percent: Int) -> Bool { earned * 100 >= percent * possible }

    /// "81.82" style: rounded half-up to two decimals, for display only (27/33 = 81.8181…
    /// shows 81.82). Decisions never read it: `reaches(percent:)` compares integers.
    public var percentText: String {
        guard possible > 0 else { return "–" }
        return Self.text(hundredths: (earned * 20_000 + possible) / (2 * possible))
    }

    /// The percentage to quote beside a mark it fails: never rounded up to the mark itself
    /// (79.996% fails 80% and reads 79.99%, not 80.00%).
    public func percentText(failing percent: Int) -> String {
        guard possible > 0 else { return "–" }
        let rounded = (earned * 20_000 + possible) / (2 * possible)
        return rounded >= percent * 100 && !reaches(percent: percent) ? Self.text(hundredths: earned * 10_000 / possible) : percentText
    }

    private static func text(hundredths: Int) -> String {
        "\(hundredths / 100).\(String(format: "%02d", hundredths % 100))"
    }

    static func + (a: Points, b: Points) -> Points {
        Points(earned: a.earned + b.earned, possible: a.possible + b.possible)
    }
}

public struct ElementScore: Sendable, Equatable, Codable {
    public var number: Int
    public var title: String
    public var points: Points
    /// Questions with no answer yet: they count as 0 of their maximum.
    public var unanswered: [String]
    public var notApplicable: [String]
}

/// One question's points, with the cascade cap that lowered them, if any.
public struct QuestionScore: Sendable, Equatable, Codable {
    public var id: String
    /// nil when unanswered or N/A.
    public var earned: Int?
    public var maxPoints: Int
    public var notApplicable: Bool
    /// Cascade: the points before the cap and the question that capped them.
    public var uncapped: Int?
    public var cappedBy: String?

    /// "Capped at 1 of 3: question 2.1 earned 5 of 10 and this question cannot score above it."
    public var capExplanation: String? {
        guard let cappedBy, let uncapped, let earned else { return nil }
        return "Capped at \(earned) of \(maxPoints) (\(uncapped) before the cap): it cannot score above question \(cappedBy), which it depends on (cascade scoring)."
    }
}

public struct AuditScore: Sendable, Equatable, Codable {
    public var elements: [ElementScore]
    public var overall: Points
    /// Every answered question's points, in protocol order.
    public var questions: [QuestionScore]
    public var unanswered: [String] { elements.flatMap(\.unanswered) }

    public func question(_ id: String) -> QuestionScore? { questions.first { $0.id == id } }
}

public enum ScoreCalculator {
    /// Scores every element of `auditProtocol`. An unanswered question counts 0 of its
    /// maximum (the audit is not done); an N/A question leaves its points out entirely.
    /// Cascade caps apply in protocol order: a question can only be capped by an earlier
    /// one (the protocol loader checks it), whose points are final by then.
    public static func score(_ auditProtocol: AuditProtocol, answers: [String: Answer],
                             breakdown: EmployeeBreakdown? = nil) throws -> AuditScore {
        var scores: [String: QuestionScore] = [:]
        var ordered: [QuestionScore] = []
        for question in auditProtocol.questions {
            guard let answer = answers[question.id] else { continue }
            var score = QuestionScore(id: question.id, earned: try question.points(for: answer, breakdown: breakdown),
                                      maxPoints: question.maxPoints, notApplicable: false)
            score.notApplicable = score.earned == nil
            if let raw = score.earned, let by = question.cappedBy, let dependency = scores[by], let depEarned = dependency.earned {
                // Shares compared in integers: earned/max ≤ depEarned/depMax.
                let cap = Rounding.down.divide(question.maxPoints * depEarned, by: dependency.maxPoints)
                if raw > cap {
                    score.earned = cap
                    score.uncapped = raw
                    score.cappedBy = by
                }
            }
            scores[question.id] = score
            ordered.append(score)
        }
        var elements: [ElementScore] = []
        for element in auditProtocol.elements {
            var points = Points()
            var unanswered: [String] = []
            var notApplicable: [String] = []
            for question in element.questions {
                guard let score = scores[question.id] else {
                    unanswered.append(question.id)
                    points.possible += question.maxPoints
                    continue
                }
                if let earned = score.earned {
                    points = points + Points(earned: earned, possible: question.maxPoints)
                } else {
                    notApplicable.append(question.id)
                }
            }
            elements.append(ElementScore(number: element.number, title: element.title, points: points,
                                         unanswered: unanswered, notApplicable: notApplicable))
        }
        let overall = elements.reduce(Points()) { $0 + $1.points }
        return AuditScore(elements: elements, overall: overall, questions: ordered)
    }
}

/// Rule Q6: the pass decision with every reason it fails.
public struct PassDecision: Sendable, Equatable, Codable {
    public var passed: Bool
    public var reasons: [String]
}

extension AuditScore {
    public func decision(for type: AuditType, marks: PassMarks) -> PassDecision {
        let mark = marks.mark(for: type)
        var reasons: [String] = []
        if !unanswered.isEmpty {
            reasons.append("\(unanswered.count) question(s) not answered: \(unanswered.joined(separator: ", ")).")
        }
        if overall.possible == 0 {
            reasons.append("No question is applicable, so there is no score.")
        } else if !overall.reaches(percent: mark.overallPercent) {
            reasons.append("Overall score \(overall.percentText(failing: mark.overallPercent))% (\(overall.earned) of \(overall.possible)) is below the \(mark.overallPercent)% a \(type.rawValue) audit needs.")
        }
        if let minimum = mark.elementPercent {
            for element in elements where element.points.possible > 0 && !element.points.reaches(percent: minimum) {
                reasons.append("Element \(element.number) \(element.title) scored \(element.points.percentText(failing: minimum))% (\(element.points.earned) of \(element.points.possible)), below the \(minimum)% every element needs.")
            }
        }
        return PassDecision(passed: reasons.isEmpty, reasons: reasons)
    }
}
