import Foundation

/// The partner's sampling table (profile data): how many people to interview for a
/// headcount and how many worksites to visit for a number of sites. A partner's COR table
/// reads 5 employees → 4 interviews, 50 → 19, 500 → 60; 2 sites → all, 5 → 3, 9-30 → a third.
public struct SamplingRule: Codable, Sendable, Equatable {
    public var interviews: [SamplingRow]
    public var visits: [SamplingRow]

    public init(interviews: [SamplingRow], visits: [SamplingRow]) {
        self.interviews = interviews
        self.visits = visits
    }

    /// The fewest interviews for `employees` people (never more than there are people).
    public func interviews(employees: Int) -> Int { Self.lookup(interviews, employees) }
    /// The fewest sites to visit of `sites` (never more than there are sites).
    public func visits(sites: Int) -> Int { Self.lookup(visits, sites) }

    /// The first row whose `upTo` reaches n; past the last row, the last row's rule.
    static func lookup(_ rows: [SamplingRow], _ n: Int) -> Int {
        guard n > 0, let row = rows.first(where: { n <= $0.upTo }) ?? rows.last else { return 0 }
        return min(n, row.value(for: n))
    }
}

/// One row of a sampling table: up to `upTo`, all of them, a fixed count, or one in `oneIn`
/// (rounded up: 10 sites at one in three → 4).
public struct SamplingRow: Codable, Sendable, Equatable {
    public var upTo: Int
    public var all: Bool?
    public var count: Int?
    public var oneIn: Int?

    public init(upTo: Int, all: Bool? = nil, count: Int? = nil, oneIn: Int? = nil) {
        self.upTo = upTo
        self.all = all
        self.count = count
        self.oneIn = oneIn
    }

    func value(for n: Int) -> Int {
        if all == true { return n }
        if let count { return count }
        if let oneIn, oneIn > 0 { return (n + oneIn - 1) / oneIn }
        return n
    }
}

/// What registration proposes and what the pre-submission check holds the audit to.
public struct SamplePlan: Sendable, Equatable {
    public var interviews: Int
    public var visits: Int

    public init(interviews: Int, visits: Int) {
        self.interviews = interviews
        self.visits = visits
    }

    /// The sample `rule` calls for; with no rule, every employee and every site.
    public static func proposed(_ rule: SamplingRule?, breakdown: EmployeeBreakdown, sites: Int) -> SamplePlan {
        guard let rule else { return SamplePlan(interviews: breakdown.employees, visits: sites) }
        return SamplePlan(interviews: rule.interviews(employees: breakdown.employees), visits: rule.visits(sites: sites))
    }
}

extension SamplingRule {
    func validate(into check: inout DataFileValidator, at field: String) {
        for (name, rows) in [("interviews", interviews), ("visits", visits)] {
            check.require(!rows.isEmpty, "\(field).\(name)", "must list at least one row")
            var last = 0
            for (i, row) in rows.enumerated() {
                let at = "\(field).\(name)[\(i)]"
                check.require(row.upTo > last, "\(at).upTo", "must be above the row before (\(last))")
                last = max(last, row.upTo)
                let given = [row.all == true, row.count != nil, row.oneIn != nil].filter { $0 }.count
                check.require(given == 1, at, "give exactly one of all: true, count or oneIn")
                check.require((row.count ?? 1) >= 1, "\(at).count", "must be at least 1")
                check.require((row.oneIn ?? 1) >= 1, "\(at).oneIn", "must be at least 1")
            }
        }
    }
}
