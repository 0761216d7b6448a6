import Foundation

/// What the auditor answered to one question.
public enum Answer: Sendable, Equatable, Codable {
    case yes
    case no
    /// Points awarded on a `range` question.
    case points(Int)
    /// Positive answers out of those asked or observed, on a `proportion` question.
    case proportion(positive: Int, of: Int)
    case notApplicable(NotApplicableReason)
}

public enum AnswerError: Error, Equatable, CustomStringConvertible {
    case wrongKind(question: String, expected: String)
    case outOfRange(question: String, points: Int, max: Int)
    case badProportion(question: String, positive: Int, total: Int)
    case notApplicableNotAllowed(question: String, reason: NotApplicableReason)

    public var description: String {
        switch self {
        case .wrongKind(let q, let expected): return "Question \(q) is answered with \(expected)."
        case .outOfRange(let q, let p, let max): return "Question \(q): \(p) points is outside 0-\(max)."
        case .badProportion(let q, let pos, let total):
            return "Question \(q): \(pos) positive of \(total) is not a valid count (need 0 ≤ positive ≤ total, total ≥ 1)."
        case .notApplicableNotAllowed(let q, let reason):
            return "Question \(q) may not be marked N/A for the reason \"\(reason.label)\"."
        }
    }
}

extension ProtocolQuestion {
    /// Points earned by `answer`, or nil when the question is not applicable (N/A leaves
    /// both earned and possible points, rule Q5/Q6 arithmetic).
    public func points(for answer: Answer) throws -> Int? {
        switch (scoring, answer) {
        case (_, .notApplicable(let reason)):
            guard notApplicableReasons.contains(reason) else {
                throw AnswerError.notApplicableNotAllowed(question: id, reason: reason)
            }
            return nil
        case (.yesNo, .yes): return maxPoints
        case (.yesNo, .no): return 0
        case (.yesNo, _): throw AnswerError.wrongKind(question: id, expected: "yes or no")
        case (.range, .points(let p)):
            guard (0...maxPoints).contains(p) else { throw AnswerError.outOfRange(question: id, points: p, max: maxPoints) }
            return p
        case (.range, _): throw AnswerError.wrongKind(question: id, expected: "points from 0 to \(maxPoints)")
        case (.proportion(let bands), .proportion(let positive, let total)):
            guard total >= 1, (0...total).contains(positive) else {
                throw AnswerError.badProportion(question: id, positive: positive, total: total)
            }
            // Integer comparison: positive/total ≥ band% ⇔ positive·100 ≥ band·total.
            let band = bands.sorted { $0.atLeastPercent > $1.atLeastPercent }
                .first { positive * 100 >= $0.atLeastPercent * total }
            return band?.points ?? 0
        case (.proportion, _): throw AnswerError.wrongKind(question: id, expected: "a count of positive answers")
        }
    }
}
