import Foundation

/// A WCB account of the employer (E2).
public struct WCBAccount: Sendable, Equatable, Codable {
    public var number: String
    public var industryCode: String
    public var active: Bool

    public init(number: String, industryCode: String, active: Bool) {
        self.number = number
        self.industryCode = industryCode
        self.active = active
    }
}

/// One reason an employer is not eligible, with the rule it breaks.
public struct EligibilityIssue: Sendable, Equatable, Codable {
    public enum Kind: String, Codable, Sendable { case headcount, wcbAccount, membership, training, recordsHistory }
    public var rule: String
    public var kind: Kind
    public var message: String
}

public struct EligibilityReport: Sendable, Equatable {
    public var issues: [EligibilityIssue]
    public var headcount: HeadcountReport
    public var isEligible: Bool { issues.isEmpty }
}

/// The facts about an employer that decide eligibility.
public struct EmployerFacts: Sendable {
    public var people: [Person]
    public var wcbAccounts: [WCBAccount]
    /// E3: the day an associate membership is paid until, if the employer holds one.
    public var associateMembershipPaidUntil: CalendarDay?
    /// E5: the day of the employer's earliest field record (hazard assessment, inspection,
    /// toolbox talk, ...), if any. Course certificates are training, not safety records.
    public var firstRecordDate: CalendarDay?

    public init(people: [Person], wcbAccounts: [WCBAccount], associateMembershipPaidUntil: CalendarDay? = nil,
                firstRecordDate: CalendarDay? = nil) {
        self.people = people
        self.wcbAccounts = wcbAccounts
        self.associateMembershipPaidUntil = associateMembershipPaidUntil
        self.firstRecordDate = firstRecordDate
    }
}

public enum Eligibility {
    /// E1, E2, E3, E5 as of `today`; training (T-rules) is added by the caller from
    /// `TrainingStatus` so each can be shown on its own.
    public static func check(_ facts: EmployerFacts, profile: ProgramProfile, today: CalendarDay) -> EligibilityReport {
        var issues: [EligibilityIssue] = []
        let headcount = Headcount.report(people: facts.people, rule: profile.headcount, today: today)
        if let first = headcount.daysOver.first {
            // The count of the first day over the limit goes with that day; the peak, if
            // higher, with its own first day.
            let days = headcount.daysOver.count
            let onFirst = headcount.count(on: first) ?? headcount.peak
            let peakDay = headcount.daysOver.first { headcount.count(on: $0) == headcount.peak }
            var message = "\(onFirst) people were on the WCB account on \(first.readable)"
            if headcount.peak > onFirst, let peakDay { message += ", \(headcount.peak) on \(peakDay.readable)" }
            if days > 1 { message += " (over \(profile.headcount.limit) on \(days) days of the last \(profile.headcount.windowMonths) months)" }
            issues.append(.init(rule: "E1", kind: .headcount, message: message + "; SECOR allows at most \(profile.headcount.limit) at any time."))
        }
        let active = facts.wcbAccounts.filter(\.active)
        if facts.wcbAccounts.isEmpty {
            issues.append(.init(rule: "E2", kind: .wcbAccount, message: "No Alberta WCB account is recorded."))
        } else if active.isEmpty {
            issues.append(.init(rule: "E2", kind: .wcbAccount, message: "No WCB account is active."))
        }
        if let issue = membershipIssue(facts, profile: profile, today: today) { issues.append(issue) }
        if profile.minimumRecordMonths > 0 {
            if let first = facts.firstRecordDate {
                let enough = first.adding(months: profile.minimumRecordMonths)
                if today < enough {
                    issues.append(.init(rule: "E5", kind: .recordsHistory, message:
                        "Records start on \(first.readable); \(profile.minimumRecordMonths) months of records are needed, reached on \(enough.readable)."))
                }
            } else {
                issues.append(.init(rule: "E5", kind: .recordsHistory, message:
                    "No health and safety records yet; \(profile.minimumRecordMonths) months of records are needed."))
            }
        }
        return EligibilityReport(issues: issues, headcount: headcount)
    }

    /// E3: automatic membership by an active account's industry code, or a paid
    /// associate membership.
    static func membershipIssue(_ facts: EmployerFacts, profile: ProgramProfile, today: CalendarDay) -> EligibilityIssue? {
        let rule = profile.membership
        guard rule.required else { return nil }
        let automatic = facts.wcbAccounts.contains { $0.active && rule.automaticIndustryCodes.contains($0.industryCode) }
        if automatic { return nil }
        if rule.associateMembershipAllowed, let paid = facts.associateMembershipPaidUntil {
            if today <= paid { return nil }
            return .init(rule: "E3", kind: .membership, message:
                "The \(profile.partnerShortName) associate membership was paid until \(paid.readable) and has lapsed.")
        }
        return .init(rule: "E3", kind: .membership, message:
            "No industry code on an active WCB account gives automatic \(profile.partnerShortName) membership"
            + (rule.associateMembershipAllowed ? ", and no associate membership is paid." : "."))
    }
}

extension EligibilityReport {
    /// Adds the training rules' unmet findings (T1, T2, T5, T6) as eligibility issues.
    public func including(training: TrainingStatus) -> EligibilityReport {
        var report = self
        report.issues += training.unmet.map { EligibilityIssue(rule: $0.rule, kind: .training, message: $0.detail) }
        return report
    }

    /// A warning before the limit is passed: the count today is at the limit.
    public var headcountWarning: String? {
        guard let today = headcount.daily.last, isEligibleOnHeadcount, today >= headcount.limit else { return nil }
        return "\(today) people are on the WCB account today, the most SECOR allows: adding one more makes the employer ineligible."
    }

    private var isEligibleOnHeadcount: Bool { headcount.daysOver.isEmpty }
}
