import Foundation

/// How the records stand for one evidence kind, read from the audit file and the F2
/// deductions.
public enum EvidenceStanding: Sendable, Equatable {
    case shown(String)
    case weak(String)
    case missing(String)

    public var reason: String {
        switch self { case .shown(let r), .weak(let r), .missing(let r): return r }
    }
}

public struct QuestionPrediction: Sendable, Equatable {
    public var questionId: String
    public var text: String
    /// Nil when the question is predicted not applicable.
    public var points: Int?
    public var maxPoints: Int
    public var reasons: [String]
}

public struct ElementPrediction: Sendable, Equatable {
    public var number: Int
    public var title: String
    /// Over the questions the records can show (N/A ones left out).
    public var points: Points
    public var questions: [QuestionPrediction]
    /// Questions only an interview, an observation or the manual can answer.
    public var unpredictable: [String]
}

/// Rule F1/F2: what the records alone would earn, question by question — a forecast for
/// the employer, never a score (the auditor scores, Q5 the reviewer).
public enum ScorePrediction {
    /// Standing of each recorded evidence kind: missing in the window, weak (a gap or an F2
    /// deduction), or shown.
    public static func standings(_ entries: [FileEntry], deductions: [Deduction], matrixRows: Int,
                                 windowMonths: Int, today: CalendarDay) -> [EvidenceKind: EvidenceStanding] {
        let from = AuditFile.windowStart(months: windowMonths, today: today)
        var out: [EvidenceKind: EvidenceStanding] = [:]
        for kind in EvidenceKind.allCases where kind.isRecorded {
            let related = deductions.filter { $0.kind.evidenceKind == kind }
            if kind == .trainingMatrix {
                out[kind] = matrixRows == 0 ? .missing("No training matrix.")
                    : related.isEmpty ? .shown("\(matrixRows) requirement(s) naming certifications.")
                    : .weak(related.map(\.kind.title).joined(separator: "; ") + ".")
                continue
            }
            let days = entries.filter { $0.kinds.contains(kind) && $0.day <= today && (kind.isStanding || from <= $0.day) }.map(\.day)
            guard let last = days.max() else {
                out[kind] = .missing("No \(kind.title) in the evidence window.")
                continue
            }
            if !related.isEmpty {
                let count = related.flatMap(\.findings).count
                out[kind] = .weak("\(related.map(\.kind.title).joined(separator: "; ")) (\(count) finding\(count == 1 ? "" : "s")).")
            } else if kind.isRecurring && last.days(until: today) > AuditFile.gapDays {
                out[kind] = .weak("No \(kind.title) since \(last.readable).")
            } else {
                out[kind] = .shown("\(days.count) \(days.count == 1 ? kind.title : kind.pluralTitle), latest \(last.readable).")
            }
        }
        return out
    }

    /// A documentation question whose every evidence kind is recorded is predicted: full
    /// marks when all are shown, nothing when one is missing, and when one is weak nothing
    /// on a yes/no question (all or nothing) or half the points on the others.
    public static func predict(_ auditProtocol: AuditProtocol, standings: [EvidenceKind: EvidenceStanding]) -> [ElementPrediction] {
        auditProtocol.elements.map { element in
            var points = Points()
            var predicted: [QuestionPrediction] = []
            var unpredictable: [String] = []
            for question in element.questions {
                let kinds = question.evidenceKinds
                guard question.methods.contains(.documentation), !kinds.isEmpty,
                      kinds.allSatisfy({ standings[$0] != nil }) else {
                    unpredictable.append(question.id)
                    continue
                }
                let states = kinds.compactMap { standings[$0] }
                let reasons = states.map(\.reason)
                let missing = states.contains { if case .missing = $0 { return true } else { return false } }
                let weak = states.contains { if case .weak = $0 { return true } else { return false } }
                if missing, question.notApplicableReasons.contains(.noIncidents),
                   kinds.allSatisfy({ $0 == .investigation || $0 == .incidentReport }) {
                    predicted.append(QuestionPrediction(questionId: question.id, text: question.text, points: nil,
                                                        maxPoints: question.maxPoints, reasons: reasons + ["N/A: \(NotApplicableReason.noIncidents.label)."]))
                    continue
                }
                let earned: Int
                if missing { earned = 0 }
                else if weak { earned = question.scoring == .yesNo ? 0 : question.maxPoints / 2 }
                else { earned = question.maxPoints }
                points.earned += earned
                points.possible += question.maxPoints
                predicted.append(QuestionPrediction(questionId: question.id, text: question.text, points: earned,
                                                    maxPoints: question.maxPoints, reasons: reasons))
            }
            return ElementPrediction(number: element.number, title: element.title, points: points,
                                     questions: predicted, unpredictable: unpredictable)
        }
    }
}

extension DeductionKind {
    /// The evidence kind each F2 deduction weakens.
    public var evidenceKind: EvidenceKind {
        switch self {
        case .genericFLHA: return .flha
        case .matrixAsRequired: return .trainingMatrix
        case .noNearMiss: return .incidentReport
        case .policyUndatedOrSignerLeft: return .safetyPolicy
        case .preStartDefectOpen: return .preStartInspection
        case .investigationNoRootCause: return .investigation
        case .toolboxTalkRepeats: return .toolboxTalk
        }
    }
}
