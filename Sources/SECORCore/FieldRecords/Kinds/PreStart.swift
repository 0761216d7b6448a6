import Foundation

extension FieldRecordKind {
    public static let preStartInspection = FieldRecordKind(declared: "preStartInspection")
}

/// An equipment pre-start inspection; each defect opens a corrective action (F2: no
/// defect without follow-up).
public struct PreStartContent: RecordKindContent, Equatable {
    public static let descriptor = RecordKindDescriptor(
        kind: .preStartInspection, title: "Equipment pre-start inspection", evidenceKinds: [.preStartInspection],
        signOffRoles: [.reviewer], formPartial: "records/pre-start", startLabel: "Pre-start check", contentType: PreStartContent.self)

    /// What a new pre-start lists until the crew changes it.
    public static let defaultItems = ["Brakes", "Lights and signals", "Tires", "Fluid leaks", "Horn and backup alarm", "Fire extinguisher"]

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

    enum CodingKeys: String, CodingKey { case equipment, site, items, notes }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        equipment = try c.decodeIfPresent(String.self, forKey: .equipment) ?? ""
        site = try c.decodeIfPresent(String.self, forKey: .site) ?? ""
        items = try c.decodeIfPresent([ChecklistItem].self, forKey: .items) ?? []
        notes = try c.decodeIfPresent(String.self, forKey: .notes) ?? ""
    }

    public init(form: RecordForm) {
        let items = ChecklistItem.rows(form)
        self.init(equipment: form["equipment"], site: form["site"],
                  items: form.rows["items"] == nil ? Self.defaultItems.map { ChecklistItem(item: $0, result: nil) } : items, notes: form["notes"])
    }

    public var form: RecordForm {
        RecordForm(values: ["equipment": equipment, "site": site, "notes": notes], rows: ["items": ChecklistItem.formRows(items)])
    }

    public var defects: [ChecklistItem] { items.filter(\.failed) }

    /// Each defect opens a corrective action owned by the recorder (who is told with the supervisors).
    public var raisedNotices: [RaisedNotice] {
        defects.isEmpty ? [] : [RaisedNotice(event: .inspectionItemFailed, title: "Pre-start of \(equipment): \(defects.count) item\(defects.count == 1 ? "" : "s") failed (\(defects.map(\.item).joined(separator: ", ")))")]
    }

    public func validated() throws -> PreStartContent {
        var check = RecordChecker()
        var clean = self
        clean.equipment = check.text(equipment, "equipment", "The equipment", max: 120)
        clean.site = check.text(site, "site", "The site", max: 120, required: false)
        clean.items = ChecklistItem.check(items, &check, defectLabel: "Defect")
        clean.notes = check.text(notes, "notes", "Notes", max: 4000, required: false, multiline: true)
        try check.finish()
        return clean
    }

    public var searchText: String { ([equipment, site, notes] + items.flatMap { [$0.item, $0.defect] }).joined(separator: " ") }

    public var lines: [String] {
        ["Equipment: \(equipment)"] + (site.isEmpty ? [] : ["Site: \(site)"]) + ChecklistItem.lines(items)
            + (notes.isEmpty ? [] : ["Notes: \(notes)"])
    }

    public var pickValues: [String: [String]] { ["site": [site], "equipment": [equipment], "item": items.map(\.item)] }
}
