import Foundation

/// What the auditor answered to one question.
public enum Answer: Sendable, Equatable, Codable {
    case yes
    case no
    /// Points awarded on a `range` question.
    case points(Int)
    /// Positive answers out of those asked or observed, on a share-scored question.
    case proportion(positive: Int, of: Int)
    /// Criteria met, out of the question's `criteria`.
    case criteria(found: Int)
    case notApplicable(NotApplicableReason)
    /// A `perSite` question: one answer per site visited (a site may be N/A).
    case sites([SiteAnswer])
}

public struct SiteAnswer: Sendable, Equatable, Codable {
    public var site: String
    public var answer: Answer

    public init(site: String, answer: Answer) {
        self.site = site
        self.answer = answer
    }
}

public enum AnswerError: Error, Equatable, CustomStringConvertible {
    case wrongKind(question: String, expected: String)
    case outOfRange(question: String, points: Int, max: Int)
    case badProportion(question: String, positive: Int, total: Int)
    case badCriteria(question: String, found: Int, criteria: Int)
    case notApplicableNotAllowed(question: String, reason: NotApplicableReason)
    case roleNotEmpty(question: String, roles: [StaffRole])
    case badSites(question: String, problem: String)

    public var description: String {
        switch self {
        case .wrongKind(let q, let expected): return "Question \(q) is answered with \(expected)."
        case .outOfRange(let q, let p, let max): return "Question \(q): \(p) points is outside 0-\(max)."
        case .badProportion(let q, let pos, let total):
            return "Question \(q): \(pos) positive of \(total) is not a valid count (need 0 ≤ positive ≤ total, total ≥ 1)."
        case .badCriteria(let q, let found, let criteria):
            return "Question \(q): \(found) criteria met is outside 0-\(criteria)."
        case .notApplicableNotAllowed(let q, let reason):
            return "Question \(q) may not be marked N/A for the reason \"\(reason.label)\"."
        case .roleNotEmpty(let q, let roles):
            return "Question \(q) is N/A only when nobody is a \(roles.map(\.rawValue).joined(separator: " or ")); the employee breakdown has someone."
        case .badSites(let q, let problem): return "Question \(q): \(problem)"
        }
    }
}

extension ProtocolQuestion {
    /// Points earned by `answer`, or nil when the question is not applicable (N/A leaves
    /// both earned and possible points, rule Q5/Q6 arithmetic). A per-site question earns
    /// the average over the sites where it applies, rounded by `rounding`. The cascade cap
    /// is the score's job (it needs the other question): see `ScoreCalculator`.
    public func points(for answer: Answer, breakdown: EmployeeBreakdown? = nil) throws -> Int? {
        switch answer {
        case .notApplicable:
            return try atOneSite(answer, breakdown)
        case .sites(let sites):
            guard perSite else { throw AnswerError.wrongKind(question: id, expected: "one answer (it is not scored per site)") }
            guard !sites.isEmpty else { throw AnswerError.badSites(question: id, problem: "give an answer for at least one site visited.") }
            guard Set(sites.map(\.site)).count == sites.count else {
                throw AnswerError.badSites(question: id, problem: "a site is answered twice.")
            }
            let earned = try sites.compactMap { site -> Int? in
                if case .sites = site.answer { throw AnswerError.badSites(question: id, problem: "a site's answer cannot hold sites.") }
                return try atOneSite(site.answer, breakdown)
            }
            guard !earned.isEmpty else { return nil }
            return rounding.divide(earned.reduce(0, +), by: earned.count)
        default:
            guard !perSite else { throw AnswerError.wrongKind(question: id, expected: "an answer for each site visited") }
            return try atOneSite(answer, breakdown)
        }
    }

    private func atOneSite(_ answer: Answer, _ breakdown: EmployeeBreakdown?) throws -> Int? {
        if case .notApplicable(let reason) = answer {
            if reason == .noneInRole, let exemption = notApplicableByRole {
                // Rule A2: N/A by role holds only while nobody is in the roles.
                if let breakdown, exemption.roles.contains(where: { breakdown.count($0) > 0 }) {
                    throw AnswerError.roleNotEmpty(question: id, roles: exemption.roles)
                }
                return nil
            }
            guard notApplicableReasons.contains(reason) else {
                throw AnswerError.notApplicableNotAllowed(question: id, reason: reason)
            }
            return nil
        }
        switch (answerKind, answer) {
        case (.yesNo, .yes): return maxPoints
        case (.yesNo, .no): return 0
        case (.yesNo, _): throw AnswerError.wrongKind(question: id, expected: "yes or no")
        case (.points, .points(let p)):
            guard (0...maxPoints).contains(p) else { throw AnswerError.outOfRange(question: id, points: p, max: maxPoints) }
            return p
        case (.points, _): throw AnswerError.wrongKind(question: id, expected: "points from 0 to \(maxPoints)")
        case (.share, .proportion(let positive, let total)), (.sheet, .proportion(let positive, let total)):
            guard total >= 1, (0...total).contains(positive) else {
                throw AnswerError.badProportion(question: id, positive: positive, total: total)
            }
            return scoring.points(positive: positive, of: total, max: maxPoints, rounding: rounding)
        case (.share, _), (.sheet, _): throw AnswerError.wrongKind(question: id, expected: "a count of positive answers")
        case (.criteria, .criteria(let found)):
            let criteria = self.criteria ?? 0
            guard (0...criteria).contains(found) else { throw AnswerError.badCriteria(question: id, found: found, criteria: criteria) }
            return scoring.points(positive: found, of: criteria, max: maxPoints, rounding: rounding)
        case (.criteria, _): throw AnswerError.wrongKind(question: id, expected: "the number of criteria met, 0-\(criteria ?? 0)")
        }
    }
}

extension ScoringRule {
    /// A share (positive of total, total ≥ 1) as points, in integers only:
    /// positive/total ≥ p% ⇔ positive·100 ≥ p·total.
    public func points(positive: Int, of total: Int, max: Int, rounding: Rounding) -> Int {
        switch self {
        case .yesNo, .range: return positive == total ? max : 0
        case .proportion(let bands):
            let band = bands.sorted { $0.atLeastPercent > $1.atLeastPercent }.first { positive * 100 >= $0.atLeastPercent * total }
            return band?.points ?? 0
        case .threshold(let percent): return positive * 100 >= percent * total ? max : 0
        case .scaled: return rounding.divide(max * positive, by: total)
        }
    }
}

extension ProtocolQuestion {
    /// The plainest answer earning every point (or none): for demo data and tests, so they
    /// need not know each scoring method. A per-site question answers at every site given.
    public func plainAnswer(fullMarks: Bool, sites: [String] = ["Main site"]) -> Answer {
        let one: Answer
        switch answerKind {
        case .yesNo: one = fullMarks ? .yes : .no
        case .points: one = .points(fullMarks ? maxPoints : 0)
        case .share, .sheet: one = .proportion(positive: fullMarks ? 3 : 0, of: 3)
        case .criteria: one = .criteria(found: fullMarks ? (criteria ?? 0) : 0)
        }
        return perSite ? .sites(sites.map { SiteAnswer(site: $0, answer: one) }) : one
    }
}
