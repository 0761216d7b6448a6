import Foundation

/// The employee breakdown by role (S1) that registration carries and N/A by role reads.
public struct EmployeeBreakdown: Sendable, Equatable, Codable {
    /// Role raw value → people; a role left out has nobody.
    public var byRole: [String: Int]

    public init(_ byRole: [String: Int] = [:]) { self.byRole = byRole }

    public func count(_ role: StaffRole) -> Int { byRole[role.rawValue] ?? 0 }
    /// The people who can be interviewed: everyone but contractors.
    public var employees: Int { StaffRole.allCases.filter { $0 != .contractor }.reduce(0) { $0 + count($1) } }
}

extension EmployeeBreakdown {
    /// S1's counts from the roster: everyone on the account on `day`, by role (clerical,
    /// part-time, temporary, family and volunteers count as workers).
    public static func of(_ people: [Person], on day: CalendarDay) -> EmployeeBreakdown {
        var byRole: [String: Int] = [:]
        for person in people where person.isOnAccount(on: day) { byRole[person.category.staffRole.rawValue, default: 0] += 1 }
        return EmployeeBreakdown(byRole)
    }
}

extension PersonCategory {
    public var staffRole: StaffRole {
        switch self {
        case .owner: return .owner
        case .manager: return .manager
        case .supervisor: return .supervisor
        case .contractor: return .contractor
        case .worker, .clerical, .partTime, .temporary, .familyMember, .volunteer: return .worker
        }
    }
}
