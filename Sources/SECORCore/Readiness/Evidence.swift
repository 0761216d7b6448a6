import Foundation

/// The parts of everyday records the readiness detectors read (F1, F2). The server maps
/// its stored records to these; the rules never see a database.
public struct HazardControl: Sendable, Equatable, Codable {
    public var hazard: String
    public var control: String

    public init(hazard: String, control: String) {
        self.hazard = hazard
        self.control = control
    }
}

public struct FLHAEvidence: Sendable, Equatable {
    public var id: String
    public var day: CalendarDay
    public var site: String
    public var location: String
    public var task: String
    public var hazards: [HazardControl]
    public var workersPresent: Int
    public var workerSignOffs: Int

    public init(id: String, day: CalendarDay, site: String, location: String, task: String, hazards: [HazardControl],
                workersPresent: Int, workerSignOffs: Int) {
        self.id = id
        self.day = day
        self.site = site
        self.location = location
        self.task = task
        self.hazards = hazards
        self.workersPresent = workersPresent
        self.workerSignOffs = workerSignOffs
    }
}

public struct IncidentEvidence: Sendable, Equatable {
    public var id: String
    public var day: CalendarDay
    public var isNearMiss: Bool

    public init(id: String, day: CalendarDay, isNearMiss: Bool) {
        self.id = id
        self.day = day
        self.isNearMiss = isNearMiss
    }
}

public struct InvestigationEvidence: Sendable, Equatable {
    public var id: String
    public var day: CalendarDay
    public var rootCauses: [String]

    public init(id: String, day: CalendarDay, rootCauses: [String]) {
        self.id = id
        self.day = day
        self.rootCauses = rootCauses
    }
}

/// Corrective actions move identified → controlled → verified; only verified is closed.
public enum CorrectiveActionStatus: String, Sendable, Equatable, Codable, CaseIterable {
    case identified, controlled, verified

    /// As people read it (the raw value is the API's).
    public var label: String {
        switch self {
        case .identified: return "identified, not yet controlled"
        case .controlled: return "controlled, not yet verified"
        case .verified: return "verified"
        }
    }
}

/// A defect found on an equipment pre-start, with the state of its corrective action.
public struct DefectEvidence: Sendable, Equatable {
    public var inspectionId: String
    public var day: CalendarDay
    public var equipment: String
    public var defect: String
    public var correctiveAction: CorrectiveActionStatus?

    public init(inspectionId: String, day: CalendarDay, equipment: String, defect: String, correctiveAction: CorrectiveActionStatus?) {
        self.inspectionId = inspectionId
        self.day = day
        self.equipment = equipment
        self.defect = defect
        self.correctiveAction = correctiveAction
    }
}

public struct ToolboxTalkEvidence: Sendable, Equatable {
    public var id: String
    public var day: CalendarDay
    public var topic: String

    public init(id: String, day: CalendarDay, topic: String) {
        self.id = id
        self.day = day
        self.topic = topic
    }
}

public struct PolicyEvidence: Sendable, Equatable {
    public var id: String
    public var version: String
    /// Nil when the policy carries no date.
    public var signedOn: CalendarDay?
    /// The person on the roster who signed, if any.
    public var signerPersonId: String?
    public var signerName: String

    public init(id: String, version: String, signedOn: CalendarDay?, signerPersonId: String?, signerName: String) {
        self.id = id
        self.version = version
        self.signedOn = signedOn
        self.signerPersonId = signerPersonId
        self.signerName = signerName
    }
}

/// Everything one employer's audit file holds, for the detectors.
public struct AuditFileEvidence: Sendable {
    public var flhas: [FLHAEvidence] = []
    public var incidents: [IncidentEvidence] = []
    public var investigations: [InvestigationEvidence] = []
    public var preStartDefects: [DefectEvidence] = []
    public var toolboxTalks: [ToolboxTalkEvidence] = []
    public var policies: [PolicyEvidence] = []
    public var matrix: [MatrixRequirement] = []
    public var people: [Person] = []
    public var jobRoles: [String: String] = [:]

    public init() {}
}
