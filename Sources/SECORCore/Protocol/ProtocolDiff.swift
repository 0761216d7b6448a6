import Foundation

/// What changed from one protocol version to the next, question by question (A1: an audit
/// keeps its version, so staff need to see what a new version would change).
public struct ProtocolChange: Sendable, Equatable {
    public enum Kind: String, Sendable { case added, removed, changed }
    public var kind: Kind
    /// "element 2" or "question 2.3".
    public var subject: String
    public var details: [String]

    public var line: String {
        let head = "\(kind.rawValue.capitalized) \(subject)"
        return details.isEmpty ? head : head + ": " + details.joined(separator: "; ")
    }
}

extension AuditProtocol {
    public func changes(to newer: AuditProtocol) -> [ProtocolChange] {
        var out: [ProtocolChange] = []
        let oldElements = Dictionary(uniqueKeysWithValues: elements.map { ($0.number, $0) })
        let newElements = Dictionary(uniqueKeysWithValues: newer.elements.map { ($0.number, $0) })
        for number in Set(oldElements.keys).union(newElements.keys).sorted() {
            switch (oldElements[number], newElements[number]) {
            case (nil, .some): out.append(.init(kind: .added, subject: "element \(number)", details: []))
            case (.some, nil): out.append(.init(kind: .removed, subject: "element \(number)", details: []))
            case (.some(let a), .some(let b)) where a.title != b.title:
                out.append(.init(kind: .changed, subject: "element \(number)", details: ["title \"\(a.title)\" → \"\(b.title)\""]))
            default: break
            }
        }
        let oldQuestions = Dictionary(uniqueKeysWithValues: questions.map { ($0.id, $0) })
        let newQuestions = Dictionary(uniqueKeysWithValues: newer.questions.map { ($0.id, $0) })
        let order = newer.questions.map(\.id) + questions.map(\.id).filter { newQuestions[$0] == nil }
        for id in order {
            switch (oldQuestions[id], newQuestions[id]) {
            case (nil, .some(let q)): out.append(.init(kind: .added, subject: "question \(id)", details: [q.text]))
            case (.some(let q), nil): out.append(.init(kind: .removed, subject: "question \(id)", details: [q.text]))
            case (.some(let a), .some(let b)):
                let details = a.differences(to: b)
                if !details.isEmpty { out.append(.init(kind: .changed, subject: "question \(id)", details: details)) }
            default: break
            }
        }
        return out
    }
}

extension ProtocolQuestion {
    func differences(to b: ProtocolQuestion) -> [String] {
        var d: [String] = []
        if text != b.text { d.append("text \"\(text)\" → \"\(b.text)\"") }
        if guidance != b.guidance { d.append("guidance changed") }
        if methods != b.methods { d.append("methods \(methods.map(\.rawValue).joined(separator: ", ")) → \(b.methods.map(\.rawValue).joined(separator: ", "))") }
        if maxPoints != b.maxPoints { d.append("max points \(maxPoints) → \(b.maxPoints)") }
        if scoring != b.scoring { d.append("scoring \(scoring.summary) → \(b.scoring.summary)") }
        if notApplicableReasons != b.notApplicableReasons {
            d.append("N/A reasons \(notApplicableReasons.map(\.rawValue).joined(separator: ", ").orNone) → \(b.notApplicableReasons.map(\.rawValue).joined(separator: ", ").orNone)")
        }
        if notesRequired != b.notesRequired { d.append(b.notesRequired ? "notes now required" : "notes no longer required") }
        if evidenceKinds != b.evidenceKinds {
            d.append("evidence \(evidenceKinds.map(\.rawValue).joined(separator: ", ").orNone) → \(b.evidenceKinds.map(\.rawValue).joined(separator: ", ").orNone)")
        }
        if criteria != b.criteria { d.append("criteria \(criteria.map(String.init) ?? "none") → \(b.criteria.map(String.init) ?? "none")") }
        if sheet != b.sheet { d.append("sampling sheet \(sheet?.rawValue ?? "none") → \(b.sheet?.rawValue ?? "none")") }
        if perSite != b.perSite { d.append(b.perSite ? "now scored per site visited" : "no longer scored per site") }
        if rounding != b.rounding { d.append("rounding \(rounding.rawValue) → \(b.rounding.rawValue)") }
        if notApplicableByRole != b.notApplicableByRole {
            d.append("N/A by role \(notApplicableByRole?.summary ?? "none") → \(b.notApplicableByRole?.summary ?? "none")")
        }
        if cappedBy != b.cappedBy { d.append("capped by \(cappedBy ?? "none") → \(b.cappedBy ?? "none")") }
        return d
    }
}

extension RoleExemption {
    /// "no worker: No workers, so the owner is the manager".
    public var summary: String { "no \(roles.map(\.rawValue).joined(separator: "/")): \(reason)" }
}

extension ScoringRule {
    /// "yes/no", "0 to max", "proportion ≥100%→3, ≥70%→2".
    public var summary: String {
        switch self {
        case .yesNo: return "yes/no"
        case .range: return "points in a range"
        case .proportion(let bands):
            return "proportion " + bands.sorted { $0.atLeastPercent > $1.atLeastPercent }
                .map { "≥\($0.atLeastPercent)%→\($0.points)" }.joined(separator: ", ")
        case .threshold(let percent): return "all points at ≥\(percent)%, else none"
        case .scaled: return "the share of the points"
        }
    }
}

private extension String {
    var orNone: String { isEmpty ? "none" : self }
}
