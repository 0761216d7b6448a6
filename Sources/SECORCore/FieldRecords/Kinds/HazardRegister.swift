import Foundation

extension FieldRecordKind {
    public static let hazardRegister = FieldRecordKind(declared: "hazardRegister")
}

/// An entry of the hazard register: the hazard, where it is met, its risk and controls.
public struct HazardRegisterContent: RecordKindContent, Equatable {
    public static let descriptor = RecordKindDescriptor(
        kind: .hazardRegister, title: "Hazard register entry", evidenceKinds: [.hazardRegister], signOffRoles: [.reviewer],
        formPartial: "records/hazard-register", contentType: HazardRegisterContent.self)

    public var hazard: String
    public var taskOrArea: String
    /// 1 (rare) to 5 (almost certain); 0 until chosen.
    public var likelihood: Int
    /// 1 (minor) to 5 (fatal); 0 until chosen.
    public var severity: Int
    public var controls: [String]

    public init(hazard: String, taskOrArea: String, likelihood: Int, severity: Int, controls: [String]) {
        self.hazard = hazard
        self.taskOrArea = taskOrArea
        self.likelihood = likelihood
        self.severity = severity
        self.controls = controls
    }

    enum CodingKeys: String, CodingKey { case hazard, taskOrArea, likelihood, severity, controls, riskRating }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hazard = try c.decodeIfPresent(String.self, forKey: .hazard) ?? ""
        taskOrArea = try c.decodeIfPresent(String.self, forKey: .taskOrArea) ?? ""
        likelihood = try c.decodeIfPresent(Int.self, forKey: .likelihood) ?? 0
        severity = try c.decodeIfPresent(Int.self, forKey: .severity) ?? 0
        controls = try c.decodeIfPresent([String].self, forKey: .controls) ?? []
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(hazard, forKey: .hazard)
        try c.encode(taskOrArea, forKey: .taskOrArea)
        try c.encode(likelihood, forKey: .likelihood)
        try c.encode(severity, forKey: .severity)
        try c.encode(controls, forKey: .controls)
        try c.encode(riskRating, forKey: .riskRating)
    }

    public init(form: RecordForm) {
        self.init(hazard: form["hazard"], taskOrArea: form["taskOrArea"], likelihood: Int(form["likelihood"]) ?? 0,
                  severity: Int(form["severity"]) ?? 0, controls: form.lines("controls"))
    }

    public var form: RecordForm {
        RecordForm(values: ["hazard": hazard, "taskOrArea": taskOrArea, "likelihood": likelihood == 0 ? "" : String(likelihood),
                            "severity": severity == 0 ? "" : String(severity), "controls": controls.joined(separator: "\n")])
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
        var check = RecordChecker()
        var clean = self
        clean.hazard = check.text(hazard, "hazard", "The hazard", max: 200)
        clean.taskOrArea = check.text(taskOrArea, "taskOrArea", "The task or area", max: 200)
        if !(1...5).contains(likelihood) { check.fail("likelihood", "Likelihood is 1 (rare) to 5 (almost certain).") }
        if !(1...5).contains(severity) { check.fail("severity", "Severity is 1 (minor) to 5 (fatal).") }
        clean.controls = check.list(controls, "controls", "Control", max: 300, maxItems: 30)
        if clean.controls.isEmpty { check.fail("controls", "Name at least one control for \"\(clean.hazard.isEmpty ? "the hazard" : clean.hazard)\".") }
        try check.finish()
        return clean
    }

    public var site: String { "" }
    public var searchText: String { ([hazard, taskOrArea, riskRating] + controls).joined(separator: " ") }

    public var lines: [String] {
        ["Hazard: \(hazard)", "Task or area: \(taskOrArea)", "Risk: \(riskRating) (likelihood \(likelihood) × severity \(severity) = \(riskScore))"]
            + controls.map { "Control: \($0)" }
    }

    public var pickValues: [String: [String]] { ["hazard": [hazard], "control": controls, "task": [taskOrArea]] }
}
