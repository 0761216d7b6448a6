import SECORCore

/// An answer to and from the contract: every `Answer` case has its kind, so a new case
/// fails to compile here rather than falling back to a wrong kind.
extension Components.Schemas.AnswerValue {
    init(_ answer: Answer) {
        let p = AnswerParsing.parts(answer)
        self.init(kind: Self.kind(answer), points: p.points, positive: p.positive, total: p.total, found: p.found,
                  reason: p.reason.flatMap(Components.Schemas.AnswerValue.ReasonPayload.init(rawValue:)),
                  sites: p.sites.isEmpty ? nil : zip(p.sites, Self.siteAnswers(answer)).map { site, answer in
                      .init(site: site.site, kind: Components.Schemas.SiteAnswerValue.KindPayload(Self.kind(answer)),
                            points: site.parts.points, positive: site.parts.positive, total: site.parts.total, found: site.parts.found,
                            reason: site.parts.reason.flatMap(Components.Schemas.SiteAnswerValue.ReasonPayload.init(rawValue:)))
                  })
    }

    /// What arrives from a client, as the one parser reads it.
    var parts: AnswerParsing.Parts {
        .init(kind: kind.rawValue, points: points, positive: positive, total: total, found: found, reason: reason?.rawValue,
              sites: (sites ?? []).map {
                  .init(site: $0.site, parts: .init(kind: $0.kind.rawValue, points: $0.points, positive: $0.positive, total: $0.total,
                                                    found: $0.found, reason: $0.reason?.rawValue))
              })
    }

    private static func siteAnswers(_ answer: Answer) -> [Answer] {
        if case .sites(let sites) = answer { return sites.map(\.answer) }
        return []
    }

    static func kind(_ answer: Answer) -> KindPayload {
        switch answer {
        case .yes: return .yes
        case .no: return .no
        case .points: return .points
        case .proportion: return .proportion
        case .criteria: return .criteria
        case .notApplicable: return .notApplicable
        case .sites: return .sites
        }
    }
}

extension Components.Schemas.SiteAnswerValue.KindPayload {
    /// A site's answer is never itself per site; the parser refuses that shape.
    init(_ kind: Components.Schemas.AnswerValue.KindPayload) {
        switch kind {
        case .yes: self = .yes
        case .no: self = .no
        case .points: self = .points
        case .proportion: self = .proportion
        case .criteria: self = .criteria
        case .notApplicable, .sites: self = .notApplicable
        }
    }
}
