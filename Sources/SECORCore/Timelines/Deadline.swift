import Foundation

/// A dated obligation: "within N days of D" means on or before D + N days.
public struct Deadline: Sendable, Equatable, Codable {
    public var rule: String
    public var title: String
    public var due: CalendarDay

    public init(rule: String, title: String, due: CalendarDay) {
        self.rule = rule
        self.title = title
        self.due = due
    }

    /// Days left on `today` (0 on the due day, negative once late).
    public func daysLeft(on today: CalendarDay) -> Int { today.days(until: due) }

    public func isMet(by day: CalendarDay) -> Bool { day <= due }

    /// "12 days left", "due today", "3 days late".
    public func status(on today: CalendarDay) -> String {
        let left = daysLeft(on: today)
        switch left {
        case 0: return "due today"
        case 1: return "1 day left"
        case 2...: return "\(left) days left"
        case -1: return "1 day late"
        default: return "\(-left) days late"
        }
    }
}

/// An extension of a deadline (D3): counted only once approved, before the deadline.
public struct DeadlineExtension: Sendable, Equatable, Codable {
    public var days: Int
    public var reason: String
    public var requestedOn: CalendarDay
    public var approvedOn: CalendarDay?

    public init(days: Int, reason: String, requestedOn: CalendarDay, approvedOn: CalendarDay?) {
        self.days = days
        self.reason = reason
        self.requestedOn = requestedOn
        self.approvedOn = approvedOn
    }
}

/// D4 and D5 of a correction asked for by QA.
public struct CorrectionDeadlines: Sendable, Equatable {
    public var correction: Deadline
    public var process: Deadline

    public init(correction: Deadline, process: Deadline) {
        self.correction = correction
        self.process = process
    }
}

/// D1-D5 for one audit, computed from the profile's timelines.
public struct AuditTimeline: Sendable {
    public var timelines: Timelines

    public init(_ timelines: Timelines) { self.timelines = timelines }

    /// D1: the last day on site is within `onSiteDays` of the start date.
    public func lastDayOnSite(start: CalendarDay, extensions: [DeadlineExtension] = []) -> Deadline {
        let base = start.adding(days: timelines.onSiteDays)
        return Deadline(rule: "D1", title: "Last day on site",
                        due: base.adding(days: approvedDays(extensions, before: base)))
    }

    /// D2 (+D3): the report is submitted within `submissionDays` of the last day on site,
    /// plus extensions approved before the deadline they extend (prior approval).
    public func submission(lastDayOnSite: CalendarDay, extensions: [DeadlineExtension] = []) -> Deadline {
        let base = lastDayOnSite.adding(days: timelines.submissionDays)
        return Deadline(rule: "D2", title: "Report submitted",
                        due: base.adding(days: approvedDays(extensions, before: base)))
    }

    /// D4: one correction is returned within `correctionDays` of its feedback.
    public func correction(feedbackOn: CalendarDay) -> Deadline {
        Deadline(rule: "D4", title: "Correction returned", due: feedbackOn.adding(days: timelines.correctionDays))
    }

    /// D5: the whole QA correction process ends within `qaProcessDays` of the first feedback.
    public func qaProcess(firstFeedbackOn: CalendarDay) -> Deadline {
        Deadline(rule: "D5", title: "QA correction process complete",
                 due: firstFeedbackOn.adding(days: timelines.qaProcessDays))
    }

    /// D4 and D5 together for a report sent back: the open feedback's correction clock
    /// and the whole process's clock.
    public func corrections(firstFeedbackOn: CalendarDay, openFeedbackOn: CalendarDay) -> CorrectionDeadlines {
        CorrectionDeadlines(correction: correction(feedbackOn: openFeedbackOn), process: qaProcess(firstFeedbackOn: firstFeedbackOn))
    }

    /// D3: more time needs prior approval, so an extension approved after the original
    /// deadline has passed does not revive it.
    private func approvedDays(_ extensions: [DeadlineExtension], before deadline: CalendarDay) -> Int {
        extensions.filter { ($0.approvedOn.map { $0 <= deadline }) ?? false }.reduce(0) { $0 + $1.days }
    }
}
