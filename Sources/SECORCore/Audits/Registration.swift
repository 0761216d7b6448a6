import Foundation

/// Where an audit is in its life (R1-R3, S4). QA stages come with the QA issue.
public enum AuditStage: String, Codable, Sendable, CaseIterable {
    /// Registered, waiting for the partner's approval (R1, R2).
    case registered
    case approved
    case rejected
    case cancelled
    /// Submitted: the revision is frozen (S4) and waits for QA.
    case submitted
    /// Q7: sent back; the auditor corrects in a new revision within D4 and D5.
    case corrections
    /// Q10: passed QA.
    case passed
    /// Q11: failed QA, or D4/D5 missed: the report is not accepted and the assessment is
    /// invalid. One word everywhere; why is in the QA review's outcome.
    case invalid

    public var label: String {
        switch self {
        case .registered: return "Waiting for approval"
        case .approved: return "Approved — in progress"
        case .rejected: return "Rejected"
        case .cancelled: return "Cancelled"
        case .submitted: return "Submitted — in QA review"
        case .corrections: return "Sent back for corrections"
        case .passed: return "Passed QA"
        case .invalid: return "Invalid"
        }
    }

    /// Active in the portal (P1), and blocking another registration for the employer:
    /// a submitted audit is still in the partner's hands until QA closes it.
    public var isOpen: Bool { [.registered, .approved, .submitted, .corrections].contains(self) }
    /// The auditor may edit the report: under way, or being corrected (a new revision).
    public var isEditable: Bool { self == .approved || self == .corrections }
    /// Its registration may still be changed or cancelled (R3).
    public var registrationChangeable: Bool { self == .registered || self == .approved }
}

/// What a registration proposes and what is known about the employer on its start date.
public struct RegistrationFacts: Sendable {
    public var type: AuditType
    /// C1: the type the employer's cycle calls for.
    public var proposedType: AuditType
    public var plannedStart: CalendarDay
    public var today: CalendarDay
    public var worksites: [String]
    /// The WCB accounts chosen, and the employer's accounts they must come from (R4).
    public var wcbAccounts: [String]
    public var employerAccounts: [String]
    /// E1-E5 and T1, T2, T5, T6 as of the start date (R5, T8).
    public var eligibility: EligibilityReport
    /// T3, T4, T7 for whoever audits, as of the start date; nil when nobody is designated.
    public var qualification: QualificationResult?
    /// Other audits of this employer still registered or under way.
    public var openAudits: [String]

    public init(type: AuditType, proposedType: AuditType, plannedStart: CalendarDay, today: CalendarDay, worksites: [String],
                wcbAccounts: [String], employerAccounts: [String], eligibility: EligibilityReport,
                qualification: QualificationResult?, openAudits: [String]) {
        self.type = type
        self.proposedType = proposedType
        self.plannedStart = plannedStart
        self.today = today
        self.worksites = worksites
        self.wcbAccounts = wcbAccounts
        self.employerAccounts = employerAccounts
        self.eligibility = eligibility
        self.qualification = qualification
        self.openAudits = openAudits
    }
}

public enum AuditRegistration {
    /// R1-R5: every reason a registration is refused; empty when it may go to the partner.
    public static func refusals(_ f: RegistrationFacts) -> [String] {
        var reasons: [String] = []
        // R1: registered (and approved) before the audit starts.
        if f.plannedStart < f.today {
            reasons.append("R1: the planned start date \(f.plannedStart.readable) has passed; an audit is registered before it starts.")
        }
        if f.type == .maintenance && f.proposedType == .certification {
            reasons.append("C1: a maintenance audit needs a current certificate; this employer's next audit is a certification audit.")
        }
        // R4: what the registration carries.
        if f.worksites.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            reasons.append("R4: name at least one worksite.")
        }
        if f.wcbAccounts.isEmpty {
            reasons.append("R4: choose the WCB account(s) the audit covers.")
        }
        for account in f.wcbAccounts where !f.employerAccounts.contains(account) {
            reasons.append("R4: WCB account \(account) is not one of this employer's accounts.")
        }
        // R5 with T8: eligibility and training as of the start date.
        reasons += f.eligibility.issues.map { "\($0.rule): \($0.message) (as of \(f.plannedStart.readable))" }
        if let q = f.qualification {
            if !q.qualified { reasons += q.reasons.map { "\($0) (as of \(f.plannedStart.readable))" } }
        } else {
            reasons.append("R5: the employer has no designated assessor or auditor.")
        }
        if !f.openAudits.isEmpty {
            reasons.append("Another audit of this employer is still open: \(f.openAudits.joined(separator: ", ")).")
        }
        return reasons
    }
}

extension AuditRegistration {
    /// R1, R3: the partner approves before the audit starts. Once the planned start has
    /// passed, approval needs a new start date, today or later (recorded as a change, R3).
    /// Returns the start the approved audit has, or the reason approval is refused.
    public static func approvalStart(planned: CalendarDay, newStart: CalendarDay?, today: CalendarDay) -> Result<CalendarDay, FieldRefusal> {
        if let newStart {
            guard newStart >= today else {
                return .failure(.init(field: "plannedStart", message: "R1: the new start date \(newStart.readable) has passed too; choose today or a later day."))
            }
            return .success(newStart)
        }
        guard planned >= today else {
            return .failure(.init(field: "plannedStart", message: "R1: the planned start \(planned.readable) has passed; a registration is approved before the audit starts. Give a new start date (recorded as a change, R3)."))
        }
        return .success(planned)
    }
}

/// R2: why a registration is rejected, as the partner's staff pick them; the words
/// that go with them say what exactly is wrong.
public enum RejectionReason: String, Codable, Sendable, CaseIterable {
    case late
    case memberNotInGoodStanding
    case auditorNotQualified
    case informationMissing

    public var label: String {
        switch self {
        case .late: return "Registered too late"
        case .memberNotInGoodStanding: return "Member not in good standing"
        case .auditorNotQualified: return "Auditor not qualified"
        case .informationMissing: return "Information missing or inaccurate"
        }
    }
}


/// R6: an audit's number — `digits` digits, never starting with 0, so it reads the same
/// everywhere it is typed. Uniqueness is the database's job (a unique index).
public enum AuditNumber {
    public static func random<G: RandomNumberGenerator>(digits: Int, using generator: inout G) -> String {
        let low = Int(pow(10, Double(digits - 1)))
        return String(Int.random(in: low...(low * 10 - 1), using: &generator))
    }

    public static func random(digits: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return random(digits: digits, using: &generator)
    }

    public static func isValid(_ text: String, digits: Int) -> Bool {
        text.count == digits && text.allSatisfy(\.isASCII) && text.allSatisfy(\.isNumber) && !text.hasPrefix("0")
    }
}
