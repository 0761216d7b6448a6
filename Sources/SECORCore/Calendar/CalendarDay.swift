import Foundation

/// A calendar date in Alberta, without a time or a zone.
///
/// Every deadline of the program is counted in calendar days in America/Edmonton, so
/// arithmetic happens on day numbers, never on instants: a daylight-saving change
/// cannot move a deadline by an hour and so by a day.
public struct CalendarDay: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// The zone every program date is read in.
    public static let albertaTimeZone = TimeZone(identifier: "America/Edmonton")!

    public init(year: Int, month: Int, day: Int) throws {
        guard (1...12).contains(month) else { throw CalendarDayError.invalid("there is no month \(month); months are 1 to 12") }
        guard (1...CalendarDay.daysIn(month: month, year: year)).contains(day) else {
            let name = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"][month - 1]
            throw CalendarDayError.invalid("\(name) \(year) has no day \(day)")
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// For literals in code and tests where the date is known to be valid.
    public init(_ year: Int, _ month: Int, _ day: Int) {
        try! self.init(year: year, month: month, day: day)
    }

    /// Parses `YYYY-MM-DD`.
    public init(iso: String) throws {
        let parts = iso.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else {
            throw CalendarDayError.invalid("'\(iso)' is not a date in the form YYYY-MM-DD")
        }
        try self.init(year: y, month: m, day: d)
    }

    /// The Alberta calendar day on which an instant falls.
    public init(_ instant: Date, in zone: TimeZone = CalendarDay.albertaTimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        self.init(parts.year!, parts.month!, parts.day!)
    }

    public var iso: String { String(format: "%04d-%02d-%02d", year, month, day) }

    /// The instant of this day at `hour`:00 in Alberta.
    public func date(atHour hour: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.albertaTimeZone
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour)) ?? Date(timeIntervalSince1970: 0)
    }
    public var description: String { iso }

    /// "3 June 2026", for sentences a person reads.
    public var readable: String {
        let names = ["January", "February", "March", "April", "May", "June", "July",
                     "August", "September", "October", "November", "December"]
        return "\(day) \(names[month - 1]) \(year)"
    }

    // MARK: arithmetic on day numbers

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (proleptic Gregorian), by Howard Hinnant's algorithm.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init(dayNumber: Int) {
        let z = dayNumber + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public func adding(days: Int) -> CalendarDay { CalendarDay(dayNumber: dayNumber + days) }

    /// Same day of the month, `months` later; a day the target month lacks becomes its
    /// last day (31 Jan + 1 month = 28 or 29 Feb).
    public func adding(months: Int) -> CalendarDay {
        let index = year * 12 + (month - 1) + months
        let y = index >= 0 ? index / 12 : (index - 11) / 12
        let m = index - y * 12 + 1
        return CalendarDay(y, m, min(day, CalendarDay.daysIn(month: m, year: y)))
    }

    /// Same month and day, `years` later; 29 February becomes 28 February in a common
    /// year (rule C2: a certificate from an audit ending 29 Feb 2024 expires 28 Feb 2027).
    public func adding(years: Int) -> CalendarDay { adding(months: years * 12) }

    public var lastDayOfMonth: CalendarDay {
        CalendarDay(year, month, CalendarDay.daysIn(month: month, year: year))
    }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(until other: CalendarDay) -> Int { other.dayNumber - dayNumber }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.dayNumber < rhs.dayNumber }

    // MARK: Codable as "YYYY-MM-DD"

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(iso: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "\(error)"))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }
}

public enum CalendarDayError: Error, Equatable, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self { case .invalid(let message): return message }
    }
}
