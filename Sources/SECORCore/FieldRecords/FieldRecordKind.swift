import Foundation

/// Everyday records that build the audit file (F1), each tied to the evidence kind the
/// protocol data names.
public enum FieldRecordKind: String, Codable, Sendable, CaseIterable {
    case flha, toolboxTalk, preStartInspection, workplaceInspection, correctiveAction, incident, hazardRegister, safetyPolicy

    public var title: String {
        switch self {
        case .flha: return "Field-level hazard assessment"
        case .toolboxTalk: return "Toolbox talk"
        case .preStartInspection: return "Equipment pre-start inspection"
        case .workplaceInspection: return "Workplace inspection"
        case .hazardRegister: return "Hazard register entry"
        case .correctiveAction: return "Corrective action"
        case .incident: return "Incident or near-miss report"
        case .safetyPolicy: return "Safety policy"
        }
    }

    /// A document in force until replaced (EvidenceKind.isStanding): the policy, the register.
    public var isStanding: Bool { evidenceKinds.allSatisfy(\.isStanding) }

    /// The evidence kinds a record of this kind shows; the protocol's questions name the
    /// kinds they accept, which ties each record to its elements (F1). An incident report
    /// carries its investigation.
    public var evidenceKinds: [EvidenceKind] {
        switch self {
        case .flha: return [.flha]
        case .toolboxTalk: return [.toolboxTalk]
        case .preStartInspection: return [.preStartInspection]
        case .workplaceInspection: return [.workplaceInspection]
        case .hazardRegister: return [.hazardRegister]
        case .correctiveAction: return [.correctiveAction]
        case .incident: return [.incidentReport, .investigation]
        case .safetyPolicy: return [.safetyPolicy]
        }
    }
}

/// A problem with a record's content, naming the field.
public struct RecordContentError: Error, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String
    public var description: String { message }
}

/// A worker's sign-off on a record: who, and whether they signed.
public struct WorkerSignOff: Codable, Sendable, Equatable {
    public var name: String
    public var personId: String?
    public var signed: Bool

    public init(name: String, personId: String? = nil, signed: Bool) {
        self.name = name
        self.personId = personId
        self.signed = signed
    }
}

/// The content of a field-level hazard assessment.
public struct FLHAContent: Codable, Sendable, Equatable {
    public var site: String
    public var location: String
    public var task: String
    public var hazards: [HazardControl]
    public var ppe: [String]
    public var workers: [WorkerSignOff]
    /// The supervisor's review note, once reviewed.
    public var supervisorReview: String?
    public var notes: String

    public init(site: String, location: String, task: String, hazards: [HazardControl], ppe: [String],
                workers: [WorkerSignOff], supervisorReview: String? = nil, notes: String = "") {
        self.site = site
        self.location = location
        self.task = task
        self.hazards = hazards
        self.ppe = ppe
        self.workers = workers
        self.supervisorReview = supervisorReview
        self.notes = notes
    }

    /// Trims every text and drops empty rows; then refuses what is not an assessment.
    public func validated() throws -> FLHAContent {
        func text(_ value: String, _ field: String, _ label: String, max: Int, required: Bool = true) throws -> String {
            let t = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if required && t.isEmpty { throw RecordContentError(field: field, message: "\(label) is required.") }
            if t.count > max { throw RecordContentError(field: field, message: "\(label) has at most \(max) characters.") }
            return t
        }
        var clean = self
        clean.site = try text(site, "site", "The site", max: 120)
        clean.location = try text(location, "location", "The location on site", max: 200)
        clean.task = try text(task, "task", "The task", max: 300)
        clean.hazards = []
        for (i, pair) in hazards.enumerated() {
            let hazard = try text(pair.hazard, "hazards[\(i)].hazard", "Hazard \(i + 1)", max: 200, required: false)
            let control = try text(pair.control, "hazards[\(i)].control", "Control \(i + 1)", max: 300, required: false)
            if hazard.isEmpty && control.isEmpty { continue }
            if hazard.isEmpty { throw RecordContentError(field: "hazards[\(i)].hazard", message: "Name the hazard that \"\(control)\" controls.") }
            if control.isEmpty { throw RecordContentError(field: "hazards[\(i)].control", message: "Say how \"\(hazard)\" is controlled.") }
            clean.hazards.append(HazardControl(hazard: hazard, control: control))
        }
        if clean.hazards.isEmpty { throw RecordContentError(field: "hazards[0].hazard", message: "List at least one hazard with its control.") }
        clean.ppe = ppe.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        clean.workers = workers.map { WorkerSignOff(name: $0.name.trimmingCharacters(in: .whitespaces), personId: $0.personId, signed: $0.signed) }
            .filter { !$0.name.isEmpty }
        if clean.workers.isEmpty { throw RecordContentError(field: "workers[0].name", message: "Name the workers present.") }
        clean.supervisorReview = try supervisorReview.map { try text($0, "supervisorReview", "The supervisor's review", max: 1000, required: false) }
            .flatMap { $0.isEmpty ? nil : $0 }
        clean.notes = try text(notes, "notes", "Notes", max: 4000, required: false)
        return clean
    }

    /// The words search looks through.
    public var searchText: String {
        ([site, location, task, notes, supervisorReview ?? ""] + hazards.flatMap { [$0.hazard, $0.control] } + ppe + workers.map(\.name))
            .joined(separator: " ")
    }

    public func evidence(id: String, day: CalendarDay) -> FLHAEvidence {
        FLHAEvidence(id: id, day: day, site: site, location: location, task: task, hazards: hazards,
                     workersPresent: workers.count, workerSignOffs: workers.filter(\.signed).count)
    }
}

/// The content of a toolbox talk.
public struct ToolboxTalkContent: Codable, Sendable, Equatable {
    public var site: String
    public var topic: String
    public var attendees: [WorkerSignOff]
    public var notes: String

    public init(site: String, topic: String, attendees: [WorkerSignOff], notes: String) {
        self.site = site
        self.topic = topic
        self.attendees = attendees
        self.notes = notes
    }

    public func validated() throws -> ToolboxTalkContent {
        var clean = self
        clean.site = site.trimmingCharacters(in: .whitespacesAndNewlines)
        clean.topic = topic.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !clean.topic.isEmpty, clean.topic.count <= 200 else {
            throw RecordContentError(field: "topic", message: "Name the topic (1-200 characters).")
        }
        clean.attendees = attendees.map { WorkerSignOff(name: $0.name.trimmingCharacters(in: .whitespaces), personId: $0.personId, signed: $0.signed) }
            .filter { !$0.name.isEmpty }
        if clean.attendees.isEmpty { throw RecordContentError(field: "attendees[0].name", message: "Name who attended.") }
        clean.notes = notes.trimmingCharacters(in: .whitespacesAndNewlines)
        if clean.notes.count > 4000 { throw RecordContentError(field: "notes", message: "Notes have at most 4000 characters.") }
        return clean
    }

    public var searchText: String { ([site, topic, notes] + attendees.map(\.name)).joined(separator: " ") }
}
