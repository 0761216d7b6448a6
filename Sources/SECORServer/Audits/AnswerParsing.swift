import SECORCore

/// The one way an answer arrives from a form or the API: a kind and its numbers.
enum AnswerParsing {
    /// kind: yes, no, points, proportion, notApplicable (or empty for "not answered").
    static func answer(kind: String?, points: Int?, positive: Int?, total: Int?, reason: String?) throws -> Answer? {
        switch kind ?? "" {
        case "": return nil
        case "yes": return .yes
        case "no": return .no
        case "points":
            guard let points else { throw AppError.invalid("points", "Give the points awarded.") }
            return .points(points)
        case "proportion":
            guard let positive, let total else { throw AppError.invalid("positive", "Give the positive answers and how many were asked or observed.") }
            return .proportion(positive: positive, of: total)
        case "notApplicable", "na":
            guard let reason = reason.flatMap(NotApplicableReason.init(rawValue:)) else {
                throw AppError.invalid("naReason", "Choose why the question is not applicable.")
            }
            return .notApplicable(reason)
        default:
            throw AppError.invalid("answer", "The answer is yes, no, points, proportion or notApplicable.")
        }
    }

    /// The kind and numbers of a stored answer, to fill a form or a response.
    static func parts(_ answer: Answer?) -> (kind: String, points: Int?, positive: Int?, total: Int?, reason: String?) {
        switch answer {
        case nil: return ("", nil, nil, nil, nil)
        case .yes: return ("yes", nil, nil, nil, nil)
        case .no: return ("no", nil, nil, nil, nil)
        case .points(let p): return ("points", p, nil, nil, nil)
        case .proportion(let positive, let total): return ("proportion", nil, positive, total, nil)
        case .notApplicable(let r): return ("notApplicable", nil, nil, nil, r.rawValue)
        }
    }
}
