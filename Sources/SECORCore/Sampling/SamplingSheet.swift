import Foundation

/// One interview or observation on a question's sampling sheet (A2). The note and who was
/// interviewed are the auditor's confidential record; only the counts reach the score.
public struct SheetRow: Sendable, Equatable, Codable {
    public var site: String
    public var role: StaffRole
    public var positive: Bool

    public init(site: String, role: StaffRole, positive: Bool) {
        self.site = site
        self.role = role
        self.positive = positive
    }
}

public enum SamplingSheet {
    /// The answer the rows give: the share of positive rows, per site visited on a per-site
    /// question (a visited site with no rows is left out, not scored 0). Nil with no rows.
    public static func answer(_ question: ProtocolQuestion, rows: [SheetRow]) -> Answer? {
        guard !rows.isEmpty else { return nil }
        func share(_ rows: [SheetRow]) -> Answer { .proportion(positive: rows.filter(\.positive).count, of: rows.count) }
        guard question.perSite else { return share(rows) }
        var order: [String] = []
        for row in rows where !order.contains(row.site) { order.append(row.site) }
        return .sites(order.map { site in SiteAnswer(site: site, answer: share(rows.filter { $0.site == site })) })
    }
}
