import Foundation

/// Rule A11: the six SECOR elements.
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

extension EvidenceKind {
    public var title: String {
        switch self {
        case .safetyPolicy: return "signed safety policy"
        case .responsibilities: return "written responsibilities"
        case .goals: return "safety goals"
        case .flha: return "FLHA"
        case .hazardRegister: return "hazard register entry"
        case .hazardProcedure: return "hazard identification procedure"
        case .correctiveAction: return "corrective action"
        case .safeWorkPractice: return "safe work practice"
        case .ppeRequirement: return "PPE requirement"
        case .inspectionSchedule: return "inspection schedule"
        case .preStartInspection: return "equipment pre-start inspection"
        case .workplaceInspection: return "workplace inspection"
        case .trainingMatrix: return "training matrix"
        case .trainingRecord: return "training record"
        case .orientation: return "orientation record"
        case .toolboxTalk: return "toolbox talk"
        case .incidentReport: return "incident or near-miss report"
        case .investigation: return "incident investigation"
        case .investigationProcedure: return "investigation procedure"
        }
    }

    /// "FLHAs", "hazard register entries".
    public var pluralTitle: String {
        if title.hasSuffix("y"), let before = title.dropLast().last, !"aeiou".contains(before) { return title.dropLast() + "ies" }
        return title + "s"
    }

    /// Kinds this platform keeps as records, so the audit file can show them (F1). The
    /// others (procedures, goals, ...) are documents the auditor reviews in the manual.
    public var isRecorded: Bool {
        switch self {
        case .safetyPolicy, .flha, .hazardRegister, .correctiveAction, .preStartInspection, .workplaceInspection,
             .trainingMatrix, .trainingRecord, .toolboxTalk, .incidentReport, .investigation:
            return true
        default:
            return false
        }
    }

    /// Documents that stay in force once made (the signed policy, the hazard register):
    /// one older than the evidence window still counts.
    public var isStanding: Bool { self == .safetyPolicy || self == .hazardRegister }

    /// Kinds a crew records week in, week out: a month without one is a gap.
    public var isRecurring: Bool {
        switch self {
        case .flha, .toolboxTalk, .preStartInspection, .workplaceInspection: return true
        default: return false
        }
    }
}

/// One dated piece of evidence in the audit file, with the evidence kinds it shows.
public struct FileEntry: Sendable, Equatable {
    public var kinds: [EvidenceKind]
    public var day: CalendarDay

    public init(kinds: [EvidenceKind], day: CalendarDay) {
        self.kinds = kinds
        self.day = day
    }
}

public struct ElementCoverage: Sendable, Equatable {
    public var number: Int
    public var title: String
    public var count: Int
    /// Records per month of the window, oldest first (the heat map).
    public var months: [(month: String, count: Int)]
    /// Gaps in plain words ("No FLHA since 3 June 2026.").
    public var gaps: [String]
    /// What proves what: "FLHA: questions 2.2, 3.4".
    public var proves: [String]

    public static func == (a: ElementCoverage, b: ElementCoverage) -> Bool {
        a.number == b.number && a.count == b.count && a.gaps == b.gaps && a.proves == b.proves
            && a.months.map(\.count) == b.months.map(\.count)
    }
}

public enum AuditFile {
    /// A recurring kind with no record for this many days is named as a gap.
    public static let gapDays = 30

    /// First day of the A7 evidence window that ends on `today`.
    public static func windowStart(months: Int, today: CalendarDay) -> CalendarDay {
        today.adding(months: -months).adding(days: 1)
    }

    /// Rule A7, through the protocol's evidence kinds (F1): per element, the records of the
    /// window that prove one of its questions, by month, and the gaps.
    public static func coverage(_ entries: [FileEntry], protocol auditProtocol: AuditProtocol,
                                windowMonths: Int, today: CalendarDay) -> [ElementCoverage] {
        let from = windowStart(months: windowMonths, today: today)
        let window = entries.filter { from <= $0.day && $0.day <= today }
        let firstMonth = CalendarDay(from.year, from.month, 1)
        let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return auditProtocol.elements.map { element in
            let kinds = element.evidenceKinds.filter(\.isRecorded)
            let mine = window.filter { !Set($0.kinds).isDisjoint(with: kinds) }
            let months = (0...windowMonths).map { offset -> (month: String, count: Int) in
                let month = firstMonth.adding(months: offset)
                let count = mine.filter { $0.day.year == month.year && $0.day.month == month.month }.count
                return ("\(names[month.month - 1]) \(month.year % 100)", count)
            }
            var gaps: [String] = []
            for kind in kinds where kind != .trainingMatrix {
                let last = mine.filter { $0.kinds.contains(kind) }.map(\.day).max()
                if let last {
                    if kind.isRecurring && last.days(until: today) > gapDays { gaps.append("No \(kind.title) since \(last.readable).") }
                } else if kind.isStanding {
                    // The policy or register in force may be older than the window.
                    if !entries.contains(where: { $0.kinds.contains(kind) && $0.day <= today }) {
                        gaps.append("No \(kind.title) on file.")
                    }
                } else {
                    gaps.append("No \(kind.title) in the last \(windowMonths) months.")
                }
            }
            let proves = element.evidenceKinds.map { kind in
                "\(kind.title.prefix(1).uppercased() + kind.title.dropFirst()): question "
                    + element.questions.filter { $0.evidenceKinds.contains(kind) }.map(\.id).joined(separator: ", ")
                    + (kind.isRecorded ? "" : " (from the safety manual, not recorded here)")
            }
            return ElementCoverage(number: element.number, title: element.title, count: mine.count,
                                   months: months, gaps: gaps, proves: proves)
        }
    }
}

extension ProtocolElement {
    /// Every evidence kind its questions name, first mention first.
    public var evidenceKinds: [EvidenceKind] {
        var seen = Set<EvidenceKind>()
        return questions.flatMap(\.evidenceKinds).filter { seen.insert($0).inserted }
    }
}
