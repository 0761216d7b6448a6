import Foundation

/// A certifying partner's audit instrument, as versioned data (A1): an audit keeps the
/// version it was registered with.
public struct AuditProtocol: Codable, Sendable, Equatable {
    public var id: String
    /// The profile id of the partner that owns it.
    public var partner: String
    public var version: String
    public var title: String
    public var elements: [ProtocolElement]

    public var questions: [ProtocolQuestion] { elements.flatMap(\.questions) }

    public func question(_ id: String) -> ProtocolQuestion? { questions.first { $0.id == id } }
}

/// One element (A11: six in SECOR, but the model takes any number).
public struct ProtocolElement: Codable, Sendable, Equatable {
    public var number: Int
    public var title: String
    public var questions: [ProtocolQuestion]
}

public struct ProtocolQuestion: Codable, Sendable, Equatable {
    public var id: String
    public var text: String
    public var guidance: String
    /// A2: how the auditor validates the answer.
    public var methods: [ValidationMethod]
    public var maxPoints: Int
    public var scoring: ScoringRule
    /// Reasons for which N/A may be answered; empty when N/A is never allowed.
    public var notApplicableReasons: [NotApplicableReason]
    /// A3: notes are required to justify the score.
    public var notesRequired: Bool
    /// Kinds of field record that can serve as evidence (F1).
    public var evidenceKinds: [EvidenceKind]
    /// Criteria-count question: the auditor counts how many of this many criteria are met;
    /// the share found/criteria goes through the scoring rule.
    public var criteria: Int?
    /// Answered from a sampling sheet: one row per interview or observation, the share of
    /// positive rows goes through the scoring rule.
    public var sheet: SheetKind?
    /// Scored at every site visited and averaged over the sites where it applies.
    public var perSite: Bool
    /// How a scaled share or a site average becomes whole points.
    public var rounding: Rounding
    /// N/A by role: the question is asked of these roles, and is not applicable (with this
    /// reason) when the employee breakdown has nobody in them.
    public var notApplicableByRole: RoleExemption?
    /// Cascade scoring: this question's share of its points cannot exceed the share the
    /// named question earned.
    public var cappedBy: String?

    public init(id: String, text: String, guidance: String = "", methods: [ValidationMethod],
                maxPoints: Int, scoring: ScoringRule, notApplicableReasons: [NotApplicableReason] = [],
                notesRequired: Bool = true, evidenceKinds: [EvidenceKind] = [], criteria: Int? = nil,
                sheet: SheetKind? = nil, perSite: Bool = false, rounding: Rounding = .halfUp,
                notApplicableByRole: RoleExemption? = nil, cappedBy: String? = nil) {
        self.id = id
        self.text = text
        self.guidance = guidance
        self.methods = methods
        self.maxPoints = maxPoints
        self.scoring = scoring
        self.notApplicableReasons = notApplicableReasons
        self.notesRequired = notesRequired
        self.evidenceKinds = evidenceKinds
        self.criteria = criteria
        self.sheet = sheet
        self.perSite = perSite
        self.rounding = rounding
        self.notApplicableByRole = notApplicableByRole
        self.cappedBy = cappedBy
    }

    enum CodingKeys: String, CodingKey {
        case id, text, guidance, methods, maxPoints, scoring, notApplicableReasons, notesRequired, evidenceKinds
        case criteria, sheet, perSite, rounding, notApplicableByRole, cappedBy
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(text, forKey: .text)
        try c.encode(guidance, forKey: .guidance)
        try c.encode(methods, forKey: .methods)
        try c.encode(maxPoints, forKey: .maxPoints)
        try c.encode(scoring, forKey: .scoring)
        try c.encode(notApplicableReasons, forKey: .notApplicableReasons)
        try c.encode(notesRequired, forKey: .notesRequired)
        try c.encode(evidenceKinds, forKey: .evidenceKinds)
        try c.encodeIfPresent(criteria, forKey: .criteria)
        try c.encodeIfPresent(sheet, forKey: .sheet)
        if perSite { try c.encode(perSite, forKey: .perSite) }
        if rounding != .halfUp { try c.encode(rounding, forKey: .rounding) }
        try c.encodeIfPresent(notApplicableByRole, forKey: .notApplicableByRole)
        try c.encodeIfPresent(cappedBy, forKey: .cappedBy)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(String.self, forKey: .id),
                  text: try c.decode(String.self, forKey: .text),
                  guidance: try c.decodeIfPresent(String.self, forKey: .guidance) ?? "",
                  methods: try c.decode([ValidationMethod].self, forKey: .methods),
                  maxPoints: try c.decode(Int.self, forKey: .maxPoints),
                  scoring: try c.decode(ScoringRule.self, forKey: .scoring),
                  notApplicableReasons: try c.decodeIfPresent([NotApplicableReason].self, forKey: .notApplicableReasons) ?? [],
                  notesRequired: try c.decodeIfPresent(Bool.self, forKey: .notesRequired) ?? true,
                  evidenceKinds: try c.decodeIfPresent([EvidenceKind].self, forKey: .evidenceKinds) ?? [],
                  criteria: try c.decodeIfPresent(Int.self, forKey: .criteria),
                  sheet: try c.decodeIfPresent(SheetKind.self, forKey: .sheet),
                  perSite: try c.decodeIfPresent(Bool.self, forKey: .perSite) ?? false,
                  rounding: try c.decodeIfPresent(Rounding.self, forKey: .rounding) ?? .halfUp,
                  notApplicableByRole: try c.decodeIfPresent(RoleExemption.self, forKey: .notApplicableByRole),
                  cappedBy: try c.decodeIfPresent(String.self, forKey: .cappedBy))
    }

    /// What the auditor gives to answer it (one place the form, the API and the demo ask).
    public var answerKind: AnswerKind {
        switch scoring {
        case .yesNo: return .yesNo
        case .range: return .points
        case .proportion, .threshold, .scaled:
            if sheet != nil { return .sheet }
            return criteria != nil ? .criteria : .share
        }
    }
}

/// How an answer is given: yes or no, points, a count of positive answers out of those
/// asked, a count of criteria met, or computed from the sampling sheet's rows.
public enum AnswerKind: String, Sendable, Equatable, CaseIterable {
    case yesNo, points, share, criteria, sheet
}

/// Interview or observation rows (A2): the sampling sheet of a question.
public enum SheetKind: String, Codable, Sendable, Equatable, CaseIterable {
    case interview, observation

    public var method: ValidationMethod { self == .interview ? .interview : .observation }
}

/// How a fraction becomes whole points: half up (7.5 → 8) or down (7.9 → 7).
public enum Rounding: String, Codable, Sendable, Equatable, CaseIterable {
    case halfUp, down

    /// numerator / denominator rounded, in integers (denominator > 0).
    public func divide(_ numerator: Int, by denominator: Int) -> Int {
        switch self {
        case .halfUp: return (2 * numerator + denominator) / (2 * denominator)
        case .down: return numerator / denominator
        }
    }
}

/// The roles an employee breakdown counts (S1).
public enum StaffRole: String, Codable, Sendable, Equatable, CaseIterable {
    case owner, manager, supervisor, worker, contractor
}

/// "No workers, so the owner is the manager": N/A when nobody holds these roles.
public struct RoleExemption: Codable, Sendable, Equatable {
    public var roles: [StaffRole]
    public var reason: String

    public init(roles: [StaffRole], reason: String) {
        self.roles = roles
        self.reason = reason
    }
}

public enum ValidationMethod: String, Codable, Sendable, Equatable, CaseIterable {
    case documentation, interview, observation
}

/// Why a question may be not applicable.
public enum NotApplicableReason: String, Codable, Sendable, Equatable, CaseIterable {
    /// An owner-operator with no workers.
    case ownerOperator
    /// The employer's first year in the program: no history to show yet.
    case firstYear
    /// No incident happened in the evidence window.
    case noIncidents
    /// The employer has no equipment needing pre-start inspection.
    case noEquipment
    /// The employer uses no contractors.
    case noContractors
    /// Nobody holds the role the question is asked of (the question's `notApplicableByRole`).
    case noneInRole

    public var label: String {
        switch self {
        case .ownerOperator: return "Owner-operator with no workers"
        case .firstYear: return "First year in the program"
        case .noIncidents: return "No incidents in the evidence window"
        case .noEquipment: return "No equipment requiring inspection"
        case .noContractors: return "No contractors used"
        case .noneInRole: return "Nobody in the role the question is asked of"
        }
    }
}

/// The kinds of everyday record that build the audit file (F1).
public enum EvidenceKind: String, Codable, Sendable, Equatable, CaseIterable {
    case safetyPolicy, responsibilities, goals, flha, hazardRegister, hazardProcedure
    case correctiveAction, safeWorkPractice, ppeRequirement
    case inspectionSchedule, preStartInspection, workplaceInspection
    case trainingMatrix, trainingRecord, orientation, toolboxTalk
    case incidentReport, investigation, investigationProcedure
}

/// How a question's answer becomes points.
public enum ScoringRule: Codable, Sendable, Equatable {
    /// Documentation questions: yes earns every point, no earns none.
    case yesNo
    /// The auditor awards any whole number of points from 0 to the maximum.
    case range
    /// Interviews or observations: the share of positive answers, mapped by bands to
    /// points. Bands are checked highest first; a share below every band earns 0.
    case proportion([ProportionBand])
    /// Pass or fail on a share: at least `percent` % earns every point, less earns none.
    case threshold(percent: Int)
    /// The share of the points, rounded by the question's `rounding` (73% of 10 → 7).
    case scaled

    enum CodingKeys: String, CodingKey { case kind, bands, percent }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(String.self, forKey: .kind)
        switch kind {
        case "yesNo": self = .yesNo
        case "range": self = .range
        case "proportion": self = .proportion(try c.decode([ProportionBand].self, forKey: .bands))
        case "threshold": self = .threshold(percent: try c.decode(Int.self, forKey: .percent))
        case "scaled": self = .scaled
        default:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c,
                debugDescription: "'\(kind)' is not a scoring rule (yesNo, range, proportion, threshold or scaled)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .yesNo: try c.encode("yesNo", forKey: .kind)
        case .range: try c.encode("range", forKey: .kind)
        case .proportion(let bands):
            try c.encode("proportion", forKey: .kind)
            try c.encode(bands, forKey: .bands)
        case .threshold(let percent):
            try c.encode("threshold", forKey: .kind)
            try c.encode(percent, forKey: .percent)
        case .scaled: try c.encode("scaled", forKey: .kind)
        }
    }
}

/// At least `atLeastPercent` % positive earns `points`.
public struct ProportionBand: Codable, Sendable, Equatable {
    public var atLeastPercent: Int
    public var points: Int

    public init(atLeastPercent: Int, points: Int) {
        self.atLeastPercent = atLeastPercent
        self.points = points
    }
}
