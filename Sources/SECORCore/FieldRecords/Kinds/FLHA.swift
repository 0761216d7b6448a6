import Foundation

extension FieldRecordKind {
    public static let flha = FieldRecordKind(declared: "flha")
}

/// A field-level hazard assessment: the site, the task, each hazard with its control, and
/// the workers present, who each sign it (F1, element 2; F2: site-specific, signed).
public struct FLHAContent: RecordKindContent, Equatable {
    public static let descriptor = RecordKindDescriptor(
        kind: .flha, title: "Field-level hazard assessment", evidenceKinds: [.flha], signOffRoles: [.worker, .reviewer],
        formPartial: "records/flha", startLabel: "Start an FLHA", namesItsAuthor: true, contentType: FLHAContent.self)

    public var site: String
    public var location: String
    public var task: String
    public var hazards: [HazardControl]
    public var ppe: [String]
    public var workers: [NamedPerson]
    public var notes: String
    /// A review typed into the record before reviews were sign-offs of their own; kept to be read.
    public var supervisorReview: String?

    public init(site: String, location: String, task: String, hazards: [HazardControl], ppe: [String] = [],
                workers: [NamedPerson], notes: String = "") {
        self.site = site
        self.location = location
        self.task = task
        self.hazards = hazards
        self.ppe = ppe
        self.workers = workers
        self.notes = notes
    }

    enum CodingKeys: String, CodingKey { case site, location, task, hazards, ppe, workers, notes, supervisorReview }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        site = try c.decodeIfPresent(String.self, forKey: .site) ?? ""
        location = try c.decodeIfPresent(String.self, forKey: .location) ?? ""
        task = try c.decodeIfPresent(String.self, forKey: .task) ?? ""
        hazards = try c.decodeIfPresent([HazardControl].self, forKey: .hazards) ?? []
        ppe = try c.decodeIfPresent([String].self, forKey: .ppe) ?? []
        workers = try c.decodeIfPresent([NamedPerson].self, forKey: .workers) ?? []
        notes = try c.decodeIfPresent(String.self, forKey: .notes) ?? ""
        supervisorReview = try c.decodeIfPresent(String.self, forKey: .supervisorReview)
    }

    public init(form: RecordForm) {
        self.init(site: form["site"], location: form["location"], task: form["task"],
                  hazards: form.rows("hazards").map { HazardControl(hazard: $0["hazard"] ?? "", control: $0["control"] ?? "") },
                  ppe: form.commas("ppe"), workers: form.rows("workers").map { NamedPerson(name: $0["name"] ?? "", personId: $0["personId"]) },
                  notes: form["notes"])
    }

    public var form: RecordForm {
        RecordForm(values: ["site": site, "location": location, "task": task, "ppe": ppe.joined(separator: ", "), "notes": notes],
                   rows: ["hazards": hazards.map { ["hazard": $0.hazard, "control": $0.control] },
                          "workers": workers.map { ["name": $0.name, "personId": $0.personId ?? ""] }])
    }

    public func validated() throws -> FLHAContent {
        var check = RecordChecker()
        var clean = self
        clean.site = check.text(site, "site", "The site", max: 120)
        clean.location = check.text(location, "location", "Where on site", max: 200)
        clean.task = check.text(task, "task", "The task", max: 300)
        clean.hazards = []
        for (i, pair) in hazards.enumerated() {
            let hazard = check.text(pair.hazard, "hazards[\(i)].hazard", "Hazard \(i + 1)", max: 200, required: false)
            let control = check.text(pair.control, "hazards[\(i)].control", "Control \(i + 1)", max: 300, required: false)
            if hazard.isEmpty && control.isEmpty { continue }
            if hazard.isEmpty { check.fail("hazards[\(i)].hazard", "Name the hazard that \"\(control)\" controls.") }
            if control.isEmpty && !hazard.isEmpty { check.fail("hazards[\(i)].control", "Say how \"\(hazard)\" is controlled.") }
            clean.hazards.append(HazardControl(hazard: hazard, control: control))
        }
        if clean.hazards.isEmpty { check.fail("hazards[0].hazard", "List at least one hazard with its control.") }
        if clean.hazards.count > 30 { check.fail("hazards", "An FLHA lists at most 30 hazards.") }
        clean.ppe = check.list(ppe, "ppe", "PPE", max: 80, maxItems: 20)
        clean.workers = check.people(workers, "workers", "Worker")
        if clean.workers.isEmpty { check.fail("workers[0].name", "Name the workers present.") }
        clean.notes = check.text(notes, "notes", "Notes", max: 4000, required: false, multiline: true)
        try check.finish()
        return clean
    }

    public var searchText: String {
        ([site, location, task, notes, supervisorReview ?? ""] + hazards.flatMap { [$0.hazard, $0.control] } + ppe + workers.map(\.name))
            .joined(separator: " ")
    }

    public var lines: [String] {
        ["Site: \(site) — \(location)", "Task: \(task)"]
            + hazards.map { "Hazard: \($0.hazard) → control: \($0.control)" }
            + (ppe.isEmpty ? [] : ["PPE: \(ppe.joined(separator: ", "))"])
            + ["Workers present: " + workers.map(\.name).joined(separator: ", ")]
            + (supervisorReview.map { ["Supervisor review (typed into the record, before reviews were signed): \($0)"] } ?? [])
            + (notes.isEmpty ? [] : ["Notes: \(notes)"])
    }

    public var namedPeople: [NamedPerson] { workers }

    public func addEvidence(to file: inout AuditFileEvidence, id: String, day: CalendarDay, signOffs: [SignOffFact]) {
        // Rule F2: a worker present who has not signed the newest version counts as unsigned.
        let signed = Set(signOffs.filter { $0.role == .worker }.compactMap(\.personId))
        let signedWorkers = workers.filter { $0.personId.map(signed.contains) ?? false }.count
        file.flhas.append(FLHAEvidence(id: id, day: day, site: site, location: location, task: task, hazards: hazards,
                                       workersPresent: workers.count, workerSignOffs: signedWorkers))
    }

    public var pickValues: [String: [String]] {
        ["site": [site], "location": [location], "task": [task], "hazard": hazards.map(\.hazard), "control": hazards.map(\.control), "ppe": ppe]
    }

    public func resolvingPeople(_ resolve: (NamedPerson, String) -> NamedPerson) -> FLHAContent {
        var copy = self
        copy.workers = workers.resolved("workers", resolve)
        return copy
    }
}
