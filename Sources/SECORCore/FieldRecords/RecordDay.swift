import Foundation

/// The day an everyday record tells of (F1): work the employer did, so not before anyone
/// was on its roster, and not after tomorrow (a crew a time zone ahead may be on it).
/// With nobody on the roster yet, a record reaches back at most one certificate cycle
/// (C1, three years): older records never count towards an audit.
public enum RecordDay {
    public static func problem(_ day: CalendarDay, rosterStarts: [CalendarDay]?, today: CalendarDay) -> String? {
        if day > today.adding(days: 1) { return "The day \(day.readable) is in the future." }
        guard let rosterStarts else { return nil }
        if let first = rosterStarts.min() {
            if day < first {
                return "The day \(day.readable) is before anyone was on the employer's roster (the first start is \(first.readable))."
            }
        } else if day < today.adding(months: -36) {
            return "The day \(day.readable) is more than three years ago; add the people on the roster from that time first."
        }
        return nil
    }
}
