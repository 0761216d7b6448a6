import Foundation

/// Categories of people on a WCB account; E1 counts every one of them.
public enum PersonCategory: String, Codable, Sendable, Equatable, CaseIterable {
    case owner, manager, supervisor, worker, clerical, partTime, temporary, familyMember, volunteer, contractor

    public var label: String {
        switch self {
        case .partTime: return "part-time"
        case .familyMember: return "family member"
        default: return rawValue
        }
    }
}

/// A person on the employer's WCB account, with the days they were on it.
public struct Person: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var category: PersonCategory
    public var fullTime: Bool
    /// T1/T4: an employee familiar with the whole operation (owners and managers are
    /// senior by their category).
    public var familiarWithWholeOperation: Bool
    public var startDate: CalendarDay
    /// The last day on the account; nil while still there.
    public var endDate: CalendarDay?

    public init(id: String, name: String, category: PersonCategory, fullTime: Bool = true,
                familiarWithWholeOperation: Bool = false, startDate: CalendarDay, endDate: CalendarDay? = nil) {
        self.id = id
        self.name = name
        self.category = category
        self.fullTime = fullTime
        self.familiarWithWholeOperation = familiarWithWholeOperation
        self.startDate = startDate
        self.endDate = endDate
    }

    public func isOnAccount(on day: CalendarDay) -> Bool {
        startDate <= day && (endDate.map { day <= $0 } ?? true)
    }

    /// T1/T4: the owner, the most senior operational person, or an employee familiar
    /// with the whole operation.
    public var isSeniorPerson: Bool {
        category == .owner || category == .manager || familiarWithWholeOperation
    }
}
