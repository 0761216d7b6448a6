import Foundation

/// Q1: the checks of the standard QA form, each marked met or not with a comment.
public enum QACheckItem: String, Codable, Sendable, CaseIterable {
    case assessorTraining      // Q2
    case reportData            // Q3 (S1)
    case notesJustifyScores    // Q4: A3
    case actionItemsForNo      // Q4: A6
    case evidenceInWindow      // Q4: A7
    case answersConsistent     // Q4: A8
    case protocolFollowed      // Q4
    case actionPlanGuides      // Q4: the action items will guide improvement

    public var rule: String {
        switch self {
        case .assessorTraining: return "Q2"
        case .reportData: return "Q3"
        default: return "Q4"
        }
    }

    public var title: String {
        switch self {
        case .assessorTraining: return "The assessor's training is current (Q2)"
        case .reportData: return "The report carries the data S1 asks for (Q3)"
        case .notesJustifyScores: return "Notes justify every score (A3)"
        case .actionItemsForNo: return "Every \"no\" has an action item (A6)"
        case .evidenceInWindow: return "Evidence shows the last 12 months (A7)"
        case .answersConsistent: return "Answers do not contradict each other (A8)"
        case .protocolFollowed: return "The protocol was followed"
        case .actionPlanGuides: return "The action items will guide improvement"
        }
    }

    /// Q9: a deficient action plan alone does not block passing.
    public var blocksPassing: Bool { self != .actionPlanGuides }
}

public struct QACheckResult: Codable, Sendable, Equatable {
    public var item: QACheckItem
    public var met: Bool
    public var comment: String

    public init(item: QACheckItem, met: Bool, comment: String) {
        self.item = item
        self.met = met
        self.comment = comment
    }
}

/// Q8: a deficiency the reviewer found that the auditor did not note.
public struct QADeficiency: Codable, Sendable, Equatable {
    public var questionId: String?
    public var text: String
    /// Actionable: the auditor must fix it; informational: noted only.
    public var actionable: Bool

    public init(questionId: String?, text: String, actionable: Bool) {
        self.questionId = questionId
        self.text = text
        self.actionable = actionable
    }
}

public enum QAOutcome: String, Codable, Sendable {
    /// Q10: passes; a certificate or a maintenance year follows.
    case pass
    /// Q7: goes back to the auditor for correction, within D4 and D5.
    case corrections
    /// Q11: fails and is marked invalid.
    case fail
}

public struct QAResult: Sendable, Equatable {
    /// Q5: the reviewer's scoring stands where the reviewer scored.
    public var score: AuditScore
    public var decision: PassDecision
    /// Questions where the reviewer's points differ from the auditor's.
    public var differences: [String]
    /// What the review would conclude now: pass when the score passes and nothing
    /// blocking is open; corrections otherwise.
    public var proposed: QAOutcome
    public var blocking: [String]
}

public enum QAReview {
    /// Q5: the reviewer's answers override the auditor's question by question.
    public static func combined(auditor: [String: Answer], reviewer: [String: Answer]) -> [String: Answer] {
        auditor.merging(reviewer) { _, reviewer in reviewer }
    }

    /// Q5, Q6, Q8, Q9: the computed result under the pass rule.
    public static func result(_ auditProtocol: AuditProtocol, auditor: [String: Answer], reviewer: [String: Answer],
                              checks: [QACheckResult], deficiencies: [QADeficiency], type: AuditType, marks: PassMarks) throws -> QAResult {
        let answers = combined(auditor: auditor, reviewer: reviewer)
        let score = try ScoreCalculator.score(auditProtocol, answers: answers)
        let decision = score.decision(for: type, marks: marks)
        var differences: [String] = []
        for question in auditProtocol.questions {
            guard let theirs = reviewer[question.id] else { continue }
            let mine = auditor[question.id]
            let a = try mine.map { try question.points(for: $0) } ?? nil
            let b = try question.points(for: theirs)
            if a != b || mine == nil { differences.append(question.id) }
        }
        var blocking: [String] = []
        blocking += checks.filter { !$0.met && $0.item.blocksPassing }.map { "\($0.item.title): not met\($0.comment.isEmpty ? "" : " — \($0.comment)")" }
        blocking += deficiencies.filter(\.actionable).map { "Actionable deficiency\($0.questionId.map { " on \($0)" } ?? ""): \($0.text)" }
        let unchecked = QACheckItem.allCases.filter { item in !checks.contains { $0.item == item } }
        blocking += unchecked.filter(\.blocksPassing).map { "\($0.title): not reviewed yet" }
        let proposed: QAOutcome = decision.passed && blocking.isEmpty ? .pass : .corrections
        return QAResult(score: score, decision: decision, differences: differences, proposed: proposed, blocking: blocking)
    }
}

/// D4, D5: where a report sent back for correction stands on a day.
public enum CorrectionClock {
    public enum State: Equatable, Sendable {
        case onTime
        /// D4 passed with the correction not returned.
        case correctionLate(due: CalendarDay)
        /// D5 passed with the process not complete.
        case processExpired(due: CalendarDay)
    }

    /// `lastFeedbackOn` is the latest feedback still waiting for its correction (nil when
    /// the auditor has resubmitted since). The process is complete once QA passes or fails.
    public static func state(firstFeedbackOn: CalendarDay, lastFeedbackOn: CalendarDay?, today: CalendarDay,
                             timelines: Timelines) -> State {
        let timeline = AuditTimeline(timelines)
        let process = timeline.qaProcess(firstFeedbackOn: firstFeedbackOn)
        if !process.isMet(by: today) { return .processExpired(due: process.due) }
        if let last = lastFeedbackOn {
            let correction = timeline.correction(feedbackOn: last)
            if !correction.isMet(by: today) { return .correctionLate(due: correction.due) }
        }
        return .onTime
    }
}

/// C1, C2, C6: the state of an employer's certificate on a day.
public enum CertificateStatus: String, Codable, Sendable, CaseIterable {
    case none, active, expiring, lapsed, cancelled

    public static func of(expiry: CalendarDay?, cancelled: Bool, today: CalendarDay) -> CertificateStatus {
        guard let expiry else { return .none }
        if cancelled { return .cancelled }
        if today > expiry { return .lapsed }
        return today.days(until: expiry) <= Reminder.warningDays.max()! ? .expiring : .active
    }

    public var label: String {
        switch self {
        case .none: return "No certificate"
        case .active: return "Active"
        case .expiring: return "Expiring"
        case .lapsed: return "Lapsed"
        case .cancelled: return "Cancelled"
        }
    }
}
