import Foundation

/// E1 over a window: the count on every day, and the days it passed the limit.
public struct HeadcountReport: Sendable, Equatable {
    public var limit: Int
    public var from: CalendarDay
    public var through: CalendarDay
    /// People on the account on each day of the window, oldest first.
    public var daily: [Int]
    public var peak: Int
    /// Days on which the count exceeded the limit.
    public var daysOver: [CalendarDay]

    public var isWithinLimit: Bool { daysOver.isEmpty }

    public func count(on day: CalendarDay) -> Int? {
        let i = from.days(until: day)
        return daily.indices.contains(i) ? daily[i] : nil
    }
}

public enum Headcount {
    /// Counts everyone on the account (every category, rule E1) on each day of the
    /// trailing `windowMonths`, ending on `today` inclusive.
    public static func report(people: [Person], rule: HeadcountRule, today: CalendarDay) -> HeadcountReport {
        let from = today.adding(months: -rule.windowMonths).adding(days: 1)
        let length = from.days(until: today) + 1
        // A difference array: +1 on a person's first day in the window, -1 after their last.
        var delta = [Int](repeating: 0, count: length + 1)
        for person in people {
            let first = max(person.startDate, from)
            let last = min(person.endDate ?? today, today)
            guard first <= last else { continue }
            delta[from.days(until: first)] += 1
            delta[from.days(until: last) + 1] -= 1
        }
        var daily: [Int] = []
        daily.reserveCapacity(length)
        var running = 0
        for i in 0..<length {
            running += delta[i]
            daily.append(running)
        }
        let over = daily.indices.filter { daily[$0] > rule.limit }.map { from.adding(days: $0) }
        return HeadcountReport(limit: rule.limit, from: from, through: today, daily: daily,
                               peak: daily.max() ?? 0, daysOver: over)
    }
}
