import Foundation

/// An audit the employer completed, as the cycle sees it.
public struct CompletedAudit: Sendable, Equatable, Codable {
    public var type: AuditType
    public var endDate: CalendarDay
    public var passed: Bool
    /// A certification audit's certificate term when shorter than the profile's (a one-year
    /// SECOR); nil for the full term.
    public var termYears: Int?

    public init(type: AuditType, endDate: CalendarDay, passed: Bool, termYears: Int? = nil) {
        self.type = type
        self.endDate = endDate
        self.passed = passed
        self.termYears = termYears
    }
}

/// The next audit an employer owes (C1).
public struct NextAudit: Sendable, Equatable, Codable {
    public var type: AuditType
    /// Nil when it is due now (no valid certificate).
    public var dueBy: CalendarDay?
    /// Which year of the cycle it is (1 certification, 2 and 3 maintenance).
    public var cycleYear: Int
    public var reason: String
}

/// C1-C3: the three-year certificate cycle.
public struct CertificateCycle: Sendable {
    public var validityYears: Int
    public var cycleYears: Int

    public init(validityYears: Int, cycleYears: Int) {
        self.validityYears = validityYears
        self.cycleYears = cycleYears
    }

    public init(profile: ProgramProfile) {
        self.init(validityYears: profile.certificateValidityYears, cycleYears: profile.cycleYears)
    }

    /// C2: expires `validityYears` after the certification audit's end date
    /// (29 Feb 2024 + 3 years = 28 Feb 2027).
    public func expiry(certificationEndDate end: CalendarDay, termYears: Int? = nil) -> CalendarDay {
        end.adding(years: termYears ?? validityYears)
    }

    /// C3: maintenance audit k (k = 1, 2 for years 2 and 3) is due by the end of the
    /// anniversary month of the expiry, in the year `cycleYears - k` before it
    /// (expiry 31 May 2022 → by 31 May 2020 and 31 May 2021).
    public func maintenanceDue(expiry: CalendarDay) -> [CalendarDay] {
        guard cycleYears > 1 else { return [] }
        return (1..<cycleYears).map { k in
            expiry.adding(years: -(cycleYears - k)).lastDayOfMonth
        }
    }

    /// C1: the next audit due, from the employer's history, as of `today`.
    public func nextAudit(history: [CompletedAudit], today: CalendarDay) -> NextAudit {
        let passed = history.filter(\.passed).sorted { $0.endDate < $1.endDate }
        guard let certification = passed.last(where: { $0.type == .certification }) else {
            return NextAudit(type: .certification, dueBy: nil, cycleYear: 1,
                             reason: "No certification audit has passed yet.")
        }
        let expiry = expiry(certificationEndDate: certification.endDate, termYears: certification.termYears)
        if today > expiry {
            return NextAudit(type: .certification, dueBy: nil, cycleYear: 1,
                             reason: "The certificate expired on \(expiry.readable); a new certification audit is needed.")
        }
        let maintenanceDone = passed.filter { $0.type == .maintenance && $0.endDate > certification.endDate }.count
        // A short certificate has no maintenance years: the next audit certifies again.
        let short = (certification.termYears ?? validityYears) < validityYears
        let dues = short ? [] : maintenanceDue(expiry: expiry)
        if maintenanceDone < dues.count {
            let year = maintenanceDone + 2
            return NextAudit(type: .maintenance, dueBy: dues[maintenanceDone], cycleYear: year,
                             reason: "Year \(year) maintenance audit, due by the end of the anniversary month.")
        }
        if short {
            return NextAudit(type: .certification, dueBy: expiry, cycleYear: 1,
                             reason: "A \(certification.termYears ?? 1)-year certificate (fewer months of records than a full term needs): a new certification audit is due before it expires on \(expiry.readable).")
        }
        return NextAudit(type: .certification, dueBy: expiry, cycleYear: 1,
                         reason: "The cycle is complete; a new certification audit is due before the certificate expires on \(expiry.readable).")
    }
}

/// C6: the warning thresholds before a due date or expiry.
public enum Reminder {
    public static let warningDays = [90, 60, 30]

    /// The threshold crossed on `today` for `due` (90, 60 or 30), if any.
    public static func threshold(for due: CalendarDay, today: CalendarDay) -> Int? {
        let left = today.days(until: due)
        return warningDays.sorted().first { left >= 0 && left <= $0 }
    }
}
