import SECORCore

/// The one way an answer arrives from a form or the API: a kind and its numbers, and for
/// a per-site question the same for each site.
enum AnswerParsing {
    /// An answer taken apart into what forms and the API carry.
    struct Parts: Sendable, Equatable {
        var kind = ""
        var points: Int?
        var positive: Int?
        var total: Int?
        var found: Int?
        var reason: String?
        var sites: [SitePart] = []
    }

    struct SitePart: Sendable, Equatable {
        var site: String
        var parts: Parts
    }

    /// kind: yes, no, points, proportion, criteria, notApplicable, sites (or empty for "not answered").
    static func answer(kind: String?, points: Int?, positive: Int?, total: Int?, found: Int? = nil, reason: String?,
                       sites: [SitePart] = []) throws -> Answer? {
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
        case "criteria":
            guard let found else { throw AppError.invalid("found", "Give how many of the criteria are met.") }
            return .criteria(found: found)
        case "notApplicable", "na":
            guard let reason = reason.flatMap(NotApplicableReason.init(rawValue:)) else {
                throw AppError.invalid("naReason", "Choose why the question is not applicable.")
            }
            return .notApplicable(reason)
        case "sites":
            guard !sites.isEmpty else { throw AppError.invalid("sites", "Answer for at least one site visited.") }
            return .sites(try sites.map { site in
                let p = site.parts
                guard p.kind != "sites", let answer = try answer(kind: p.kind, points: p.points, positive: p.positive, total: p.total,
                                                                 found: p.found, reason: p.reason) else {
                    throw AppError.invalid("sites", "Answer the question at \(site.site), or leave the site out.")
                }
                return SiteAnswer(site: site.site, answer: answer)
            })
        default:
            throw AppError.invalid("answer", "The answer is yes, no, points, proportion, criteria, notApplicable or sites.")
        }
    }

    static func answer(_ p: Parts) throws -> Answer? {
        try answer(kind: p.kind, points: p.points, positive: p.positive, total: p.total, found: p.found, reason: p.reason, sites: p.sites)
    }

    /// The kind and numbers of a stored answer, to fill a form or a response.
    static func parts(_ answer: Answer?) -> Parts {
        switch answer {
        case nil: return Parts()
        case .yes: return Parts(kind: "yes")
        case .no: return Parts(kind: "no")
        case .points(let p): return Parts(kind: "points", points: p)
        case .proportion(let positive, let total): return Parts(kind: "proportion", positive: positive, total: total)
        case .criteria(let found): return Parts(kind: "criteria", found: found)
        case .notApplicable(let r): return Parts(kind: "notApplicable", reason: r.rawValue)
        case .sites(let sites): return Parts(kind: "sites", sites: sites.map { SitePart(site: $0.site, parts: parts($0.answer)) })
        }
    }
}

extension AnswerParsing {
    /// One site's answer back from its parts.
    static func siteAnswer(_ site: SitePart) -> Answer? {
        try? answer(site.parts)
    }
}
