import Foundation

/// One certifying partner's SECOR program: every number and course list the partner may
/// change, read from `Profiles/<id>.yaml`.
public struct ProgramProfile: Codable, Sendable, Equatable {
    /// Short stable id, e.g. `esc`, `acsa`.
    public var id: String
    public var partnerName: String
    public var partnerShortName: String
    public var programName: String
    public var headcount: HeadcountRule
    public var membership: MembershipRule
    public var courses: [Course]
    /// Tickets an employer's training matrix may require besides the program's courses
    /// (H2S Alive, WHMIS, ...): named certifications, never "as required" (F2).
    public var tickets: [Course]
    public var requiredTraining: [TrainingRequirement]
    public var continuingEducation: ContinuingEducationRule
    public var auditors: AuditorRules
    public var timelines: Timelines
    public var passMarks: PassMarks
    /// E5: months of health and safety records needed before the evaluation is completed.
    public var minimumRecordMonths: Int
    /// A7: supporting documents show activity over this many months before the audit.
    public var evidenceWindowMonths: Int
    /// C2: a certificate expires this many years after the certification audit's end date.
    public var certificateValidityYears: Int
    /// C1: audits in one cycle; the first is the certification audit, the rest maintenance.
    public var cycleYears: Int
    /// R6: digits of an audit number.
    public var auditNumberDigits: Int
    /// S3: whether a paper binder by mail is still accepted.
    public var binderSubmissionAllowed: Bool
    /// R7: whether review fees are invoiced and unpaid fees hold the audit.
    public var reviewFeesTracked: Bool
    /// A9: whether the OHS legislation list by industry code is attached to a submission.
    public var legislationListRequired: Bool
    /// A3: the fewest characters of notes that can justify a full-marks answer.
    public var minimumNoteCharacters: Int
    /// Q10, C5: who at the governing bodies (e.g. the Partnerships program) is told in
    /// writing of a pass; addresses a partner configures.
    public var governingBodyRecipients: [GoverningBodyRecipient]
    /// Registration's sample: interviews for a headcount, visits for a number of sites.
    public var sampling: SamplingRule?
    /// Maintenance audits may carry over full-marks answers of the certification audit.
    public var carryOver: CarryOverRule?
    /// A shorter certificate when a certification audit rests on fewer months of records.
    public var shortCertificate: ShortCertificateRule?
    /// V1: days after a missed maintenance month during which the certificate reads
    /// "maintenance overdue" before it lapses; nil is 0 (it lapses the day after).
    public var maintenanceGraceDays: Int?
    /// V1: whether the partner's certificate holders are listed in the public registry
    /// search (verification by number always works); nil is listed.
    public var publicRegistry: Bool?

    /// A program course or a ticket, by id.
    public func course(_ id: String) -> Course? { courses.first { $0.id == id } ?? tickets.first { $0.id == id } }

    /// Every certification a completion or the training matrix may name.
    public var catalogue: [Course] { courses + tickets }
}

/// E1: the most people on the WCB account at any one day of the trailing window.
public struct HeadcountRule: Codable, Sendable, Equatable {
    public var limit: Int
    public var windowMonths: Int
}

/// E3: membership of the certifying partner.
public struct MembershipRule: Codable, Sendable, Equatable {
    public var required: Bool
    /// WCB industry codes whose employers are members automatically.
    public var automaticIndustryCodes: [String]
    /// Whether other employers may join by paying for an associate membership yearly.
    public var associateMembershipAllowed: Bool
}

public struct Course: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    /// Accredited by the partner (T6 counts any accredited course).
    public var accredited: Bool
    /// Years a completion stays valid (first aid expires); nil when it never expires.
    public var validityYears: Int?
}

/// Who must hold a requirement.
public enum TrainingHolder: String, Codable, Sendable, Equatable {
    /// T1/T4 (ESC): the owner, the most senior operational person or an employee
    /// familiar with the whole operation.
    case seniorPerson
    /// T5 (ACSA): any full-time employee; the requirements may be shared among several.
    case anyFullTimeEmployee
}

/// One requirement: a course, or one of a group of courses ("one industry course").
public struct TrainingRequirement: Codable, Sendable, Equatable {
    public var id: String
    /// The rule id this requirement enforces (T1, T5, ...), shown in reasons.
    public var rule: String
    public var title: String
    public var anyOf: [String]
    public var heldBy: TrainingHolder
}

/// T2 (ESC refresher) and T6 (ACSA continuing education).
public struct ContinuingEducationRule: Codable, Sendable, Equatable {
    public var rule: String
    public var title: String
    /// Days a completion counts: day 0 is the completion, day `periodDays` the last
    /// day it counts ("every 3 years" = 1095 days: day 1095 counts, day 1096 does not).
    public var periodDays: Int
    /// Courses that count; empty when any accredited course counts.
    public var anyOf: [String]
    public var anyAccreditedCourse: Bool
    public var heldBy: TrainingHolder
}

public enum AuditorKind: String, Codable, Sendable, Equatable, CaseIterable {
    /// The employer's own assessor (internal).
    case internalAssessor
    /// A certified external auditor, or an external assessor where the partner allows it.
    case externalAuditor
}

/// T3, T4, T7.
public struct AuditorRules: Codable, Sendable, Equatable {
    public var allowedKinds: [AuditorKind]
    /// T3: an external auditor must be certified by the partner and in good standing.
    public var externalMustBeCertified: Bool
    /// T4: an internal assessor must be a senior person of the employer.
    public var internalMustBeSeniorPerson: Bool
    /// Courses the assessor personally holds (T7: PHSM); empty when none.
    public var assessorCourses: [String]
    /// S2: the employer's trained representative also signs an external audit.
    public var employerSignOffWithExternal: Bool
}

/// D1-D5 in calendar days.
public struct Timelines: Codable, Sendable, Equatable {
    /// D1: last day on site within this many days of the start date.
    public var onSiteDays: Int
    /// D2: report submitted within this many days of the last day on site.
    public var submissionDays: Int
    /// D4: each correction returned within this many days of the feedback.
    public var correctionDays: Int
    /// D5: the whole correction process ends within this many days of the first feedback.
    public var qaProcessDays: Int
}

/// Q6.
public struct PassMarks: Codable, Sendable, Equatable {
    public var certification: PassMark
    public var maintenance: PassMark

    public func mark(for type: AuditType) -> PassMark {
        switch type {
        case .certification: return certification
        case .maintenance: return maintenance
        }
    }
}

public struct PassMark: Codable, Sendable, Equatable {
    /// Whole percent the overall score must reach.
    public var overallPercent: Int
    /// Whole percent every element must reach; nil when elements have no minimum.
    public var elementPercent: Int?
}

public enum AuditType: String, Codable, Sendable, Equatable, CaseIterable {
    case certification
    case maintenance

    public var label: String {
        switch self {
        case .certification: return "Certification audit"
        case .maintenance: return "Maintenance audit"
        }
    }
}

public struct GoverningBodyRecipient: Codable, Sendable, Equatable {
    public var name: String
    public var email: String
}
