import Foundation

/// Trims, requires and limits one text field of a record.
func recordText(_ value: String, _ field: String, _ label: String, max: Int, required: Bool = true) throws -> String {
    let text = value.trimmingCharacters(in: .whitespacesAndNewlines)
    if required && text.isEmpty { throw RecordContentError(field: field, message: "\(label) is required.") }
    if text.count > max { throw RecordContentError(field: field, message: "\(label) has at most \(max) characters.") }
    return text
}

func recordDay(_ value: String?, _ field: String, _ label: String, required: Bool) throws -> String? {
    let text = (value ?? "").trimmingCharacters(in: .whitespaces)
    if text.isEmpty {
        if required { throw RecordContentError(field: field, message: "\(label) is required (YYYY-MM-DD).") }
        return nil
    }
    do { return try CalendarDay(iso: text).iso } catch {
        throw RecordContentError(field: field, message: "\(label): \(error)")
    }
}

/// One line of a pre-start checklist; a failed item names its defect.
public struct ChecklistItem: Codable, Sendable, Equatable {
    public var item: String
    public var pass: Bool
    public var defect: String

    public init(item: String, pass: Bool, defect: String = "") {
        self.item = item
        self.pass = pass
        self.defect = defect
    }
}

/// An equipment pre-start inspection; each defect opens a corrective action.
public struct PreStartContent: Codable, Sendable, Equatable {
    public var equipment: String
    public var site: String
    public var items: [ChecklistItem]
    public var notes: String

    public init(equipment: String, site: String, items: [ChecklistItem], notes: String = "") {
        self.equipment = equipment
        self.site = site
        self.items = items
        self.notes = notes
    }

    public var defects: [ChecklistItem] { items.filter { !$0.pass } }

    public func validated() throws -> PreStartContent {
        var clean = self
        clean.equipment = try recordText(equipment, "equipment", "The equipment", max: 120)
        clean.site = try recordText(site, "site", "The site", max: 120, required: false)
        clean.items = []
        for (i, line) in items.enumerated() {
            let item = try recordText(line.item, "items[\(i)].item", "Item \(i + 1)", max: 120, required: false)
            let defect = try recordText(line.defect, "items[\(i)].defect", "Defect \(i + 1)", max: 300, required: false)
            if item.isEmpty { continue }
            if !line.pass && defect.isEmpty {
                throw RecordContentError(field: "items[\(i)].defect", message: "\"\(item)\" failed: describe the defect.")
            }
            clean.items.append(ChecklistItem(item: item, pass: line.pass, defect: line.pass ? "" : defect))
        }
        if clean.items.isEmpty { throw RecordContentError(field: "items[0].item", message: "Check at least one item.") }
        clean.notes = try recordText(notes, "notes", "Notes", max: 4000, required: false)
        return clean
    }

    public var searchText: String { ([equipment, site, notes] + items.flatMap { [$0.item, $0.defect] }).joined(separator: " ") }
}

/// A corrective action: identified → controlled → verified, with what verified it.
public struct CorrectiveActionContent: Codable, Sendable, Equatable {
    public var sourceRecordId: String?
    /// The checklist item of the source inspection it fixes, if any.
    public var sourceItem: String?
    public var description: String
    public var owner: String
    public var dueOn: String
    public var status: CorrectiveActionStatus
    public var verification: String

    public init(sourceRecordId: String?, sourceItem: String? = nil, description: String, owner: String, dueOn: String,
                status: CorrectiveActionStatus, verification: String = "") {
        self.sourceRecordId = sourceRecordId
        self.sourceItem = sourceItem
        self.description = description
        self.owner = owner
        self.dueOn = dueOn
        self.status = status
        self.verification = verification
    }

    public func validated() throws -> CorrectiveActionContent {
        var clean = self
        clean.description = try recordText(description, "description", "What must be done", max: 500)
        clean.owner = try recordText(owner, "owner", "Who owns it", max: 120)
        clean.dueOn = try recordDay(dueOn, "dueOn", "The due date", required: true)!
        clean.verification = try recordText(verification, "verification", "The verifying evidence", max: 1000, required: false)
        if status == .verified && clean.verification.isEmpty {
            throw RecordContentError(field: "verification", message: "Say what verified the action before marking it verified.")
        }
        return clean
    }

    public var searchText: String { [description, owner, verification].joined(separator: " ") }
}

/// An incident or near-miss report with its investigation (F1, element 6).
public struct IncidentContent: Codable, Sendable, Equatable {
    public var isNearMiss: Bool
    public var site: String
    public var whatHappened: String
    public var immediateActions: String
    public var rootCauses: [String]
    public var contributingFactors: [String]
    public var correctiveActions: String
    /// Who the findings were told to, and when (Q4: findings go back to the crew).
    public var findingsToldTo: [String]
    public var findingsToldOn: String?

    public init(isNearMiss: Bool, site: String, whatHappened: String, immediateActions: String, rootCauses: [String],
                contributingFactors: [String], correctiveActions: String, findingsToldTo: [String], findingsToldOn: String?) {
        self.isNearMiss = isNearMiss
        self.site = site
        self.whatHappened = whatHappened
        self.immediateActions = immediateActions
        self.rootCauses = rootCauses
        self.contributingFactors = contributingFactors
        self.correctiveActions = correctiveActions
        self.findingsToldTo = findingsToldTo
        self.findingsToldOn = findingsToldOn
    }

    public func validated() throws -> IncidentContent {
        var clean = self
        clean.site = try recordText(site, "site", "The site", max: 120)
        clean.whatHappened = try recordText(whatHappened, "whatHappened", "What happened", max: 4000)
        clean.immediateActions = try recordText(immediateActions, "immediateActions", "Immediate actions", max: 2000, required: false)
        clean.rootCauses = rootCauses.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        clean.contributingFactors = contributingFactors.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        clean.correctiveActions = try recordText(correctiveActions, "correctiveActions", "Corrective actions", max: 2000, required: false)
        clean.findingsToldTo = findingsToldTo.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        clean.findingsToldOn = try recordDay(findingsToldOn, "findingsToldOn", "The day the findings were told", required: false)
        if !clean.findingsToldTo.isEmpty && clean.findingsToldOn == nil {
            throw RecordContentError(field: "findingsToldOn", message: "Say when the findings were told to the crew.")
        }
        return clean
    }

    public var searchText: String {
        ([site, whatHappened, immediateActions, correctiveActions] + rootCauses + contributingFactors + findingsToldTo).joined(separator: " ")
    }
}

/// The signed safety policy.
public struct SafetyPolicyContent: Codable, Sendable, Equatable {
    public var version: String
    public var signedOn: String?
    public var signerPersonId: String?
    public var signerName: String
    public var text: String

    public init(version: String, signedOn: String?, signerPersonId: String?, signerName: String, text: String) {
        self.version = version
        self.signedOn = signedOn
        self.signerPersonId = signerPersonId
        self.signerName = signerName
        self.text = text
    }

    public func validated() throws -> SafetyPolicyContent {
        var clean = self
        clean.version = try recordText(version, "version", "The version", max: 40)
        clean.signedOn = try recordDay(signedOn, "signedOn", "The signing date", required: false)
        clean.signerName = try recordText(signerName, "signerName", "Who signed", max: 120)
        clean.text = try recordText(text, "text", "The policy's text", max: 20000)
        return clean
    }

    public var searchText: String { [version, signerName, text].joined(separator: " ") }
}

/// A workplace inspection: an area's items; each deficiency opens a corrective action.
public struct WorkplaceInspectionContent: Codable, Sendable, Equatable {
    public var area: String
    public var site: String
    public var items: [ChecklistItem]
    public var notes: String

    public init(area: String, site: String, items: [ChecklistItem], notes: String = "") {
        self.area = area
        self.site = site
        self.items = items
        self.notes = notes
    }

    public var deficiencies: [ChecklistItem] { items.filter { !$0.pass } }

    public func validated() throws -> WorkplaceInspectionContent {
        // The same checklist rules as a pre-start: a failed item names its deficiency.
        let checked = try PreStartContent(equipment: area, site: site, items: items, notes: notes).validated()
        return WorkplaceInspectionContent(area: try recordText(area, "area", "The area inspected", max: 120),
                                          site: checked.site, items: checked.items, notes: checked.notes)
    }

    public var searchText: String { ([area, site, notes] + items.flatMap { [$0.item, $0.defect] }).joined(separator: " ") }
}

/// An entry of the hazard register: the hazard, where it is met, its risk and controls.
public struct HazardRegisterContent: Codable, Sendable, Equatable {
    public var hazard: String
    public var taskOrArea: String
    /// 1 (rare) to 5 (almost certain).
    public var likelihood: Int
    /// 1 (minor) to 5 (fatal).
    public var severity: Int
    public var controls: [String]

    public init(hazard: String, taskOrArea: String, likelihood: Int, severity: Int, controls: [String]) {
        self.hazard = hazard
        self.taskOrArea = taskOrArea
        self.likelihood = likelihood
        self.severity = severity
        self.controls = controls
    }

    /// Likelihood × severity, 1 to 25.
    public var riskScore: Int { likelihood * severity }

    /// The usual 5×5 matrix bands: 1-4 low, 5-9 medium, 10-16 high, 17-25 critical.
    public var riskRating: String {
        switch riskScore {
        case ...4: return "low"
        case 5...9: return "medium"
        case 10...16: return "high"
        default: return "critical"
        }
    }

    public func validated() throws -> HazardRegisterContent {
        var clean = self
        clean.hazard = try recordText(hazard, "hazard", "The hazard", max: 200)
        clean.taskOrArea = try recordText(taskOrArea, "taskOrArea", "The task or area", max: 200)
        guard (1...5).contains(likelihood) else { throw RecordContentError(field: "likelihood", message: "Likelihood is 1 (rare) to 5 (almost certain).") }
        guard (1...5).contains(severity) else { throw RecordContentError(field: "severity", message: "Severity is 1 (minor) to 5 (fatal).") }
        clean.controls = controls.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        if clean.controls.isEmpty { throw RecordContentError(field: "controls", message: "Name at least one control for \"\(clean.hazard)\".") }
        return clean
    }

    public var searchText: String { ([hazard, taskOrArea, riskRating] + controls).joined(separator: " ") }
}
