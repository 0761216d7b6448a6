import Foundation

/// Rule A11: the six SECOR elements, until a protocol (audits issue) names its own.
public enum SECORElements {
    public static let titles: [Int: String] = [
        1: "Management Leadership and Organizational Commitment",
        2: "Hazard Identification and Assessment",
        3: "Hazard Controls",
        4: "Ongoing Inspections",
        5: "Qualifications and Training",
        6: "Incident Investigation",
    ]
}

/// One dated piece of evidence in the audit file.
public struct FileEntry: Sendable, Equatable {
    public var kind: String
    public var kindTitle: String
    public var day: CalendarDay
    public var elements: [Int]

    public init(kind: String, kindTitle: String, day: CalendarDay, elements: [Int]) {
        self.kind = kind
        self.kindTitle = kindTitle
        self.day = day
        self.elements = elements
    }
}

public struct ElementCoverage: Sendable, Equatable {
    public var number: Int
    public var title: String
    public var count: Int
    /// Records per month of the window, oldest first (the heat map).
    public var months: [(month: String, count: Int)]
    /// Gaps in plain words ("no FLHA since 3 June 2026").
    public var gaps: [String]

    public static func == (a: ElementCoverage, b: ElementCoverage) -> Bool {
        a.number == b.number && a.count == b.count && a.gaps == b.gaps && a.months.map(\.count) == b.months.map(\.count)
    }
}

public enum AuditFile {
    /// A kind with no record for this many days is named as a gap.
    public static let gapDays = 30

    /// Rule A7: per element, the evidence of the window, its months and its gaps.
    /// `expected` lists, per element, the kinds of record it should show.
    public static func coverage(_ entries: [FileEntry], expected: [Int: [(kind: String, title: String)]],
                                windowMonths: Int, today: CalendarDay) -> [ElementCoverage] {
        let from = today.adding(months: -windowMonths).adding(days: 1)
        let window = entries.filter { from <= $0.day && $0.day <= today }
        let firstMonth = CalendarDay(from.year, from.month, 1)
        let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return SECORElements.titles.keys.sorted().map { number in
            let mine = window.filter { $0.elements.contains(number) }
            let months = (0...windowMonths).map { offset -> (String, Int) in
                let month = firstMonth.adding(months: offset)
                let count = mine.filter { $0.day.year == month.year && $0.day.month == month.month }.count
                return ("\(names[month.month - 1]) \(month.year % 100)", count)
            }
            var gaps: [String] = []
            for (kind, title) in expected[number] ?? [] {
                let last = mine.filter { $0.kind == kind }.map(\.day).max()
                if let last {
                    if last.days(until: today) > gapDays { gaps.append("No \(title) since \(last.readable).") }
                } else {
                    gaps.append("No \(title) in the last \(windowMonths) months.")
                }
            }
            return ElementCoverage(number: number, title: SECORElements.titles[number]!, count: mine.count,
                                   months: months.map { (month: $0.0, count: $0.1) }, gaps: gaps)
        }
    }
}
