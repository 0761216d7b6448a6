import Foundation

/// The auditor's work on one question (A2, A3, A5, A6).
public struct QuestionWork: Sendable, Equatable, Codable {
    public var answer: Answer?
    public var methods: [ValidationMethod]
    public var notes: String
    public var recommendation: String
    /// Days of the records and files reviewed as evidence (A7).
    public var documentDays: [CalendarDay]
    public var actionItems: Int

    public init(answer: Answer?, methods: [ValidationMethod] = [], notes: String = "", recommendation: String = "",
                documentDays: [CalendarDay] = [], actionItems: Int = 0) {
        self.answer = answer
        self.methods = methods
        self.notes = notes
        self.recommendation = recommendation
        self.documentDays = documentDays
        self.actionItems = actionItems
    }
}

/// S1: what a report must carry. Each value is what the report holds now.
public struct ReportFacts: Sendable, Equatable, Codable {
    public var employerName = ""
    public var employerAddress = ""
    public var contactName = ""
    public var contactPhone = ""
    /// S1: the fax number, or `noFax` saying the employer has none (few do).
    public var contactFax = ""
    /// True when the report says "no fax"; optional so reports saved before it still read.
    public var noFax: Bool? = nil
    public var contactEmail = ""
    public var assessorName = ""
    public var assessorPhone = ""
    public var assessorEmail = ""
    public var wcbAccounts: [String] = []
    public var industryCodes: [String] = []
    public var dataGatheringStart: CalendarDay?
    public var dataGatheringEnd: CalendarDay?
    public var employerProfile = ""
    /// Number of employees by role (owner, manager, supervisor, worker, contractor).
    public var employeesByRole: [String: Int] = [:]

    public init() {}

    /// Every S1 field that is empty, by the name shown to the auditor.
    public var missing: [(field: String, label: String)] {
        var out: [(String, String)] = []
        let text: [(String, String, String)] = [
            ("employerName", "Employer name", employerName), ("employerAddress", "Employer address", employerAddress),
            ("contactName", "Contact name", contactName), ("contactPhone", "Contact phone", contactPhone),
            ("contactEmail", "Contact email", contactEmail), ("assessorName", "Assessor name", assessorName),
            ("assessorPhone", "Assessor phone", assessorPhone), ("assessorEmail", "Assessor email", assessorEmail),
            ("employerProfile", "Employer profile", employerProfile),
        ]
        for (field, label, value) in text where value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            out.append((field, label))
        }
        if contactFax.trimmingCharacters(in: .whitespaces).isEmpty && noFax != true {
            out.append(("contactFax", "Fax number (or \"no fax\")"))
        }
        if wcbAccounts.isEmpty { out.append(("wcbAccounts", "WCB account number(s)")) }
        if industryCodes.isEmpty { out.append(("industryCodes", "Industry code(s)")) }
        if dataGatheringStart == nil { out.append(("dataGatheringStart", "Start date of data gathering")) }
        if dataGatheringEnd == nil { out.append(("dataGatheringEnd", "End date of data gathering")) }
        if employeesByRole.isEmpty { out.append(("employeesByRole", "Number of employees by role")) }
        return out
    }
}

/// Where a finding is fixed; the server turns it into a link.
public enum FixPlace: Sendable, Equatable, Hashable {
    case question(String)
    case actionPlan(String)
    case reportDetails(String)
    case summary
    case attachments
    case extensions
    case training
}

public struct SubmissionFinding: Sendable, Equatable {
    public var rule: String
    public var message: String
    public var place: FixPlace
}

/// Everything the pre-submission check reads about one audit.
public struct SubmissionFacts: Sendable {
    public var auditProtocol: AuditProtocol
    public var work: [String: QuestionWork]
    public var report: ReportFacts
    public var strengths: [String]
    public var recommendations: [String]
    public var legislationListRequired: Bool
    public var legislationListAttached: Bool
    public var minimumNoteCharacters: Int
    /// A7: the evidence window (12 months before the audit to its last day on site).
    public var windowFrom: CalendarDay
    public var windowTo: CalendarDay
    /// A8: what the records show, to catch answers that contradict them.
    public var incidentReportsInWindow: Int
    public var preStartsInWindow: Int
    public var workersOnRoster: Int
    /// T8: training and qualification as of the submission day.
    public var trainingAtSubmission: TrainingStatus
    public var qualificationAtSubmission: QualificationResult?
    /// D2 (with D3 extensions): judges the first submission only.
    public var submissionDeadline: Deadline
    /// D4 and D5 while a correction asked for by QA is open: they judge a corrected
    /// revision instead of D2 (seed 001 2.7).
    public var correction: CorrectionDeadlines?
    public var today: CalendarDay
    /// D1: the day recorded as the last on site, and its deadline. The auditor records it;
    /// the D2 clock counts from it.
    public var lastDayOnSite: CalendarDay?
    public var onSiteDeadline: Deadline?
    /// Registration's employee breakdown: N/A by role is checked against it.
    public var breakdown: EmployeeBreakdown?
    /// The sample the profile calls for and what the audit planned and recorded.
    public var sample: SampleCheck?

    public init(auditProtocol: AuditProtocol, work: [String: QuestionWork], report: ReportFacts, strengths: [String],
                recommendations: [String], legislationListRequired: Bool, legislationListAttached: Bool, minimumNoteCharacters: Int,
                windowFrom: CalendarDay, windowTo: CalendarDay, incidentReportsInWindow: Int, preStartsInWindow: Int,
                workersOnRoster: Int, trainingAtSubmission: TrainingStatus, qualificationAtSubmission: QualificationResult?,
                submissionDeadline: Deadline, today: CalendarDay, lastDayOnSite: CalendarDay? = nil, onSiteDeadline: Deadline? = nil,
                correction: CorrectionDeadlines? = nil) {
        self.correction = correction
        self.lastDayOnSite = lastDayOnSite
        self.onSiteDeadline = onSiteDeadline
        self.auditProtocol = auditProtocol
        self.work = work
        self.report = report
        self.strengths = strengths
        self.recommendations = recommendations
        self.legislationListRequired = legislationListRequired
        self.legislationListAttached = legislationListAttached
        self.minimumNoteCharacters = minimumNoteCharacters
        self.windowFrom = windowFrom
        self.windowTo = windowTo
        self.incidentReportsInWindow = incidentReportsInWindow
        self.preStartsInWindow = preStartsInWindow
        self.workersOnRoster = workersOnRoster
        self.trainingAtSubmission = trainingAtSubmission
        self.qualificationAtSubmission = qualificationAtSubmission
        self.submissionDeadline = submissionDeadline
        self.today = today
    }
}

/// The one list of everything QA would reject (Q3, Q4), each with where to fix it.
public enum PreSubmission {
    public static func findings(_ f: SubmissionFacts) -> [SubmissionFinding] {
        var out: [SubmissionFinding] = []
        // Q3 / S1.
        for (field, label) in f.report.missing {
            out.append(.init(rule: "S1", message: "\(label) is missing from the report.", place: .reportDetails(field)))
        }
        if let start = f.report.dataGatheringStart, let end = f.report.dataGatheringEnd, end < start {
            out.append(.init(rule: "S1", message: "Data gathering ends (\(end.readable)) before it starts (\(start.readable)).",
                             place: .reportDetails("dataGatheringEnd")))
        }
        // D1.
        if let deadline = f.onSiteDeadline {
            if let last = f.lastDayOnSite {
                if !deadline.isMet(by: last) {
                    out.append(.init(rule: "D1", message: "The last day on site (\(last.readable)) is after the D1 deadline \(deadline.due.readable); only an extension approved beforehand (D3) allows it.",
                                     place: .extensions))
                }
            } else {
                out.append(.init(rule: "D1", message: "Record the last day on site: the D2 deadline counts from it.", place: .reportDetails("lastDayOnSite")))
            }
        }
        // A4.
        if f.strengths.isEmpty {
            out.append(.init(rule: "A4", message: "The executive summary names no key strength.", place: .summary))
        }
        if f.recommendations.isEmpty {
            out.append(.init(rule: "A4", message: "The executive summary names no key recommendation.", place: .summary))
        }
        for question in f.auditProtocol.questions {
            out += findings(question, f.work[question.id], f)
        }
        if let sample = f.sample { out += sample.findings(f) }
        // A8 across questions: "no incidents" on one, incidents scored on another.
        let incidentQuestions = f.auditProtocol.questions.filter { !Set($0.evidenceKinds).isDisjoint(with: [.incidentReport, .investigation]) }
        let saysNone = incidentQuestions.filter { f.work[$0.id]?.answer == .notApplicable(.noIncidents) }.map(\.id)
        let scoresSome = incidentQuestions.filter { q in
            guard let answer = f.work[q.id]?.answer, let earned = try? q.points(for: answer) else { return false }
            return earned > 0 && q.notApplicableReasons.contains(.noIncidents)
        }.map(\.id)
        if let none = saysNone.first, let some = scoresSome.first {
            out.append(.init(rule: "A8", message: "Question \(none) says there were no incidents, but question \(some) scores incident investigations.",
                             place: .question(none)))
        }
        // A9.
        if f.legislationListRequired && !f.legislationListAttached {
            out.append(.init(rule: "A9", message: "The list of OHS legislation that applies to the workplace is not attached.", place: .attachments))
        }
        // T8.
        for finding in f.trainingAtSubmission.unmet {
            out.append(.init(rule: "T8", message: "\(finding.rule): \(finding.detail) (as of \(f.today.readable), the submission day).", place: .training))
        }
        if let q = f.qualificationAtSubmission, !q.qualified {
            out += q.reasons.map { .init(rule: "T8", message: "\($0) (as of \(f.today.readable), the submission day).", place: .training) }
        }
        // The audit's own dates cannot lie ahead of the day it is submitted.
        out += AuditDates.futureFindings(lastDayOnSite: f.lastDayOnSite, report: f.report, today: f.today)
        if let correction = f.correction {
            // D4, D5: a corrected revision is judged by the QA clocks, never by D2.
            for deadline in [correction.correction, correction.process] where !deadline.isMet(by: f.today) {
                out.append(.init(rule: deadline.rule, message: "\(deadline.title) was due by \(deadline.due.readable); today is \(deadline.due.days(until: f.today)) day(s) late.",
                                 place: .extensions))
            }
        } else if !f.submissionDeadline.isMet(by: f.today) {
            // D2: the first submission.
            out.append(.init(rule: "D2", message: "The report was due by \(f.submissionDeadline.due.readable); submitting today is \(f.submissionDeadline.due.days(until: f.today)) day(s) late. Only an extension approved beforehand (D3) allows more time.",
                             place: .extensions))
        }
        return out
    }

    static func findings(_ q: ProtocolQuestion, _ work: QuestionWork?, _ f: SubmissionFacts) -> [SubmissionFinding] {
        guard let work, let answer = work.answer else {
            return [.init(rule: "A2", message: "Question \(q.id) is not answered.", place: .question(q.id))]
        }
        var out: [SubmissionFinding] = []
        let earned: Int?
        do { earned = try q.points(for: answer, breakdown: f.breakdown) } catch {
            return [.init(rule: "A2", message: "\(error)", place: .question(q.id))]
        }
        // A2: at least one of the protocol's methods was used.
        if earned != nil && Set(work.methods).isDisjoint(with: q.methods) {
            out.append(.init(rule: "A2", message: "Question \(q.id): record how it was validated (\(q.methods.map(\.rawValue).joined(separator: ", "))).",
                             place: .question(q.id)))
        }
        // A3: notes justify the score; a full-marks answer needs enough to verify it.
        let notes = work.notes.trimmingCharacters(in: .whitespacesAndNewlines)
        if q.notesRequired && notes.isEmpty {
            out.append(.init(rule: "A3", message: "Question \(q.id) has no notes to justify its score.", place: .question(q.id)))
        } else if let earned, earned == q.maxPoints, notes.count < f.minimumNoteCharacters {
            out.append(.init(rule: "A3", message: "Question \(q.id): \(notes.count) characters of notes are too few to verify full marks (at least \(f.minimumNoteCharacters)).",
                             place: .question(q.id)))
        }
        if let earned {
            // A5.
            if earned < q.maxPoints && work.recommendation.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                out.append(.init(rule: "A5", message: "Question \(q.id) scored \(earned) of \(q.maxPoints) and has no recommendation.", place: .question(q.id)))
            }
            // A6: every "no" (a system deficiency, 0 points) has an action item.
            if earned == 0 && work.actionItems == 0 {
                out.append(.init(rule: "A6", message: "Question \(q.id) is a \"no\" with no action item in the action plan.", place: .actionPlan(q.id)))
            }
        }
        // A7: evidence from the window only.
        let outside = work.documentDays.filter { $0 < f.windowFrom || $0 > f.windowTo }
        if !outside.isEmpty {
            out.append(.init(rule: "A7", message: "Question \(q.id) cites evidence dated outside the window \(f.windowFrom.readable) – \(f.windowTo.readable): \(outside.map(\.readable).joined(separator: ", ")).",
                             place: .question(q.id)))
        }
        // A8: answers that contradict the records.
        if case .notApplicable(let reason) = answer {
            switch reason {
            case .noIncidents where f.incidentReportsInWindow > 0:
                out.append(.init(rule: "A8", message: "Question \(q.id) is N/A for \"no incidents\", but the records hold \(f.incidentReportsInWindow) incident report(s) in the window.",
                                 place: .question(q.id)))
            case .noEquipment where f.preStartsInWindow > 0:
                out.append(.init(rule: "A8", message: "Question \(q.id) is N/A for \"no equipment\", but the records hold \(f.preStartsInWindow) equipment pre-start(s) in the window.",
                                 place: .question(q.id)))
            case .ownerOperator where f.workersOnRoster > 0:
                out.append(.init(rule: "A8", message: "Question \(q.id) is N/A for an owner-operator, but the roster lists \(f.workersOnRoster) worker(s).",
                                 place: .question(q.id)))
            default: break
            }
        }
        return out
    }
}

/// A2 with the profile's sampling rule: enough people interviewed and sites visited.
public struct SampleCheck: Sendable, Equatable {
    public var required: SamplePlan
    public var plannedInterviews: Int
    public var visitedSites: Int
    /// Rows on each sheet (interview or observation), by question id.
    public var interviewsRecorded: [String: Int]

    public init(required: SamplePlan, plannedInterviews: Int, visitedSites: Int, interviewsRecorded: [String: Int]) {
        self.required = required
        self.plannedInterviews = plannedInterviews
        self.visitedSites = visitedSites
        self.interviewsRecorded = interviewsRecorded
    }

    func findings(_ f: SubmissionFacts) -> [SubmissionFinding] {
        var out: [SubmissionFinding] = []
        if plannedInterviews < required.interviews {
            out.append(.init(rule: "A2", message: "\(plannedInterviews) interview(s) planned; the sampling rule calls for at least \(required.interviews) for this headcount.",
                             place: .reportDetails("plannedInterviews")))
        }
        if visitedSites < required.visits {
            out.append(.init(rule: "A2", message: "\(visitedSites) worksite(s) visited; the sampling rule calls for at least \(required.visits).",
                             place: .reportDetails("visitedSites")))
        }
        for q in f.auditProtocol.questions where q.sheet != nil {
            if case .notApplicable = f.work[q.id]?.answer {
                // A8: N/A contradicts the interviews or observations on its own sheet.
                if let rows = interviewsRecorded[q.id], rows > 0 {
                    out.append(.init(rule: "A8", message: "Question \(q.id) is N/A, but its sheet records \(rows) \(q.sheet!.rawValue)(s); score it from the sheet or remove them.",
                                     place: .question(q.id)))
                }
                continue
            }
            guard q.sheet == .interview else { continue }
            let rows = interviewsRecorded[q.id] ?? 0
            if rows > 0 && rows < required.interviews {
                out.append(.init(rule: "A2", message: "Question \(q.id) records \(rows) interview(s); the sample calls for at least \(required.interviews).",
                                 place: .question(q.id)))
            }
        }
        return out
    }
}
