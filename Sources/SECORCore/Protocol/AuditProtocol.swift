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

    public init(id: String, text: String, guidance: String = "", methods: [ValidationMethod],
                maxPoints: Int, scoring: ScoringRule, notApplicableReasons: [NotApplicableReason] = [],
                notesRequired: Bool = true, evidenceKinds: [EvidenceKind] = []) {
        self.id = id
        self.text = text
        self.guidance = guidance
        self.methods = methods
        self.maxPoints = maxPoints
        self.scoring = scoring
        self.notApplicableReasons = notApplicableReasons
        self.notesRequired = notesRequired
        self.evidenceKinds = evidenceKinds
    }

    enum CodingKeys: String, CodingKey {
        case id, text, guidance, methods, maxPoints, scoring, notApplicableReasons, notesRequired, evidenceKinds
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
                  evidenceKinds: try c.decodeIfPresent([EvidenceKind].self, forKey: .evidenceKinds) ?? [])
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

    public var label: String {
        switch self {
        case .ownerOperator: return "Owner-operator with no workers"
        case .firstYear: return "First year in the program"
        case .noIncidents: return "No incidents in the evidence window"
        case .noEquipment: return "No equipment requiring inspection"
        case .noContractors: return "No contractors used"
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

    enum CodingKeys: String, CodingKey { case kind, bands }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(String.self, forKey: .kind)
        switch kind {
        case "yesNo": self = .yesNo
        case "range": self = .range
        case "proportion": self = .proportion(try c.decode([ProportionBand].self, forKey: .bands))
        default:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c,
                debugDescription: "'\(kind)' is not a scoring rule (yesNo, range or proportion)")
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
