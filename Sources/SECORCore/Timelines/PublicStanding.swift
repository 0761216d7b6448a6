import Foundation

/// V1: a certificate's state as anyone checking it sees it today.
public enum PublicState: String, Codable, Sendable, CaseIterable {
    case active
    /// C3: today is in the anniversary month a maintenance audit is due by.
    case maintenanceDue
    /// The due month has ended without a passed maintenance audit; within the grace days.
    case maintenanceOverdue
    /// Past the grace days without the maintenance audit: the certificate no longer stands.
    case lapsed
    /// C2: past its expiry date.
    case expired
    case cancelled

    /// The certificate stands: active, or in the month its maintenance audit is due by.
    public var inGoodStanding: Bool { self == .active || self == .maintenanceDue }

    public var label: String {
        switch self {
        case .active: return "Active"
        case .maintenanceDue: return "Active — maintenance audit due"
        case .maintenanceOverdue: return "Maintenance audit overdue"
        case .lapsed: return "Lapsed"
        case .expired: return "Expired"
        case .cancelled: return "Cancelled"
        }
    }
}

/// What the public may know of a certificate's standing, and nothing more (V1).
public struct PublicStanding: Sendable, Equatable, Codable {
    public var state: PublicState
    /// The maintenance audit's due day when one is due or overdue.
    public var maintenanceDueBy: CalendarDay?
    public var cancelledOn: CalendarDay?
    /// Years of the cycle passed: 1 (certification), then 2 and 3 (maintenance).
    public var yearsPassed: [Int]
}

public enum CertificateStanding {
    /// The state on `today` of a certificate issued for the certification audit ending
    /// `certificationEnd`, from the maintenance audits passed since (C1-C3) and the
    /// profile's grace after a missed maintenance month.
    public static func of(certificationEnd: CalendarDay, expiry: CalendarDay, cancelledOn: CalendarDay?, termYears: Int?,
                          maintenancePassed: [CalendarDay], cycle: CertificateCycle, graceDays: Int, today: CalendarDay) -> PublicStanding {
        let done = maintenancePassed.filter { $0 > certificationEnd }.count
        let short = (termYears ?? cycle.validityYears) < cycle.validityYears
        let dues = short ? [] : cycle.maintenanceDue(expiry: expiry)
        let years = [1] + (0..<min(done, dues.count)).map { $0 + 2 }
        if let cancelledOn, cancelledOn <= today {
            return PublicStanding(state: .cancelled, maintenanceDueBy: nil, cancelledOn: cancelledOn, yearsPassed: years)
        }
        if today > expiry { return PublicStanding(state: .expired, maintenanceDueBy: nil, cancelledOn: nil, yearsPassed: years) }
        guard done < dues.count else { return PublicStanding(state: .active, maintenanceDueBy: nil, cancelledOn: nil, yearsPassed: years) }
        let due = dues[done]
        let state: PublicState
        if today > due.adding(days: graceDays) { state = .lapsed }
        else if today > due { state = .maintenanceOverdue }
        else if today >= CalendarDay(due.year, due.month, 1) { state = .maintenanceDue }
        else { state = .active }
        return PublicStanding(state: state, maintenanceDueBy: state == .active ? nil : due, cancelledOn: nil, yearsPassed: years)
    }
}
