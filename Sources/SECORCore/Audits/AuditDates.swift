import Foundation

/// The audit's own dates against the calendar: an audit is reported on, reviewed and
/// certified only once its days on site are over, and its dates stay inside D1.
public enum AuditDates {
    /// Submission: no date of the audit lies after the day it is submitted.
    public static func futureFindings(lastDayOnSite: CalendarDay?, report: ReportFacts, today: CalendarDay) -> [SubmissionFinding] {
        var out: [SubmissionFinding] = []
        if let last = lastDayOnSite, last > today {
            out.append(.init(rule: "D1", message: "The last day on site (\(last.readable)) has not come yet; the report is submitted after the audit.",
                             place: .reportDetails("lastDayOnSite")))
        }
        for (field, label, day) in [("dataGatheringStart", "Data gathering starts", report.dataGatheringStart),
                                    ("dataGatheringEnd", "Data gathering ends", report.dataGatheringEnd)] {
            if let day, day > today {
                out.append(.init(rule: "S1", message: "\(label) on \(day.readable), after today; record the days data was gathered.",
                                 place: .reportDetails(field)))
            }
        }
        return out
    }

    /// QA: a report is passed (and a certificate issued) only after its last day on site.
    public static func passRefusal(lastDayOnSite: CalendarDay?, today: CalendarDay) -> String? {
        guard let last = lastDayOnSite else { return "The report records no last day on site (D1)." }
        return last > today ? "The audit's last day on site (\(last.readable)) has not come yet." : nil
    }

    /// D1, when the report is saved: the last day on site and the data-gathering days
    /// should fall between the start and the D1 deadline. Flagged, not refused: an
    /// extension (D3) approved beforehand moves the deadline.
    public static func onSiteFlags(start: CalendarDay, onSiteDeadline: Deadline, lastDayOnSite: CalendarDay?,
                                   dataGatheringStart: CalendarDay?, dataGatheringEnd: CalendarDay?) -> [String] {
        var out: [String] = []
        if let last = lastDayOnSite, !onSiteDeadline.isMet(by: last) {
            out.append("D1: the last day on site (\(last.readable)) is after \(onSiteDeadline.due.readable), \(onSiteDeadline.due.days(until: last)) day(s) past the deadline; only an extension approved beforehand (D3) allows it.")
        }
        for (label, day) in [("Data gathering starts", dataGatheringStart), ("Data gathering ends", dataGatheringEnd)] {
            guard let day else { continue }
            if day < start || !onSiteDeadline.isMet(by: day) {
                out.append("D1: \(label.lowercased()) on \(day.readable), outside the audit's days on site (\(start.readable) – \(onSiteDeadline.due.readable)).")
            }
        }
        return out
    }
}
