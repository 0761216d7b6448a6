import Foundation

extension FieldRecordKind {
    public static let workplaceInspection = FieldRecordKind(declared: "workplaceInspection")
}

/// A workplace inspection: an area's items; each deficiency opens a corrective action.
public struct WorkplaceInspectionContent: RecordKindContent, Equatable {
    public static let descriptor = RecordKindDescriptor(
        kind: .workplaceInspection, title: "Workplace inspection", evidenceKinds: [.workplaceInspection],
        signOffRoles: [.reviewer], formPartial: "records/workplace-inspection", contentType: WorkplaceInspectionContent.self)

    public static let defaultItems = ["Exits and walkways clear", "Housekeeping", "Fire extinguishers charged", "First aid kit stocked",
                                      "Chemicals labelled (WHMIS)", "Guards in place"]

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

    enum CodingKeys: String, CodingKey { case area, site, items, notes }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        area = try c.decodeIfPresent(String.self, forKey: .area) ?? ""
        site = try c.decodeIfPresent(String.self, forKey: .site) ?? ""
        items = try c.decodeIfPresent([ChecklistItem].self, forKey: .items) ?? []
        notes = try c.decodeIfPresent(String.self, forKey: .notes) ?? ""
    }

    public init(form: RecordForm) {
        let items = ChecklistItem.rows(form)
        self.init(area: form["area"], site: form["site"],
                  items: form.rows["items"] == nil ? Self.defaultItems.map { ChecklistItem(item: $0, result: nil) } : items, notes: form["notes"])
    }

    public var form: RecordForm {
        RecordForm(values: ["area": area, "site": site, "notes": notes], rows: ["items": ChecklistItem.formRows(items)])
    }

    public var deficiencies: [ChecklistItem] { items.filter(\.failed) }

    /// Each deficiency opens a corrective action owned by the recorder (who is told with the supervisors).
    public var raisedNotices: [RaisedNotice] {
        deficiencies.isEmpty ? [] : [RaisedNotice(event: .inspectionItemFailed, title: "Inspection of \(area): \(deficiencies.count) deficienc\(deficiencies.count == 1 ? "y" : "ies") (\(deficiencies.map(\.item).joined(separator: ", ")))")]
    }

    public func validated() throws -> WorkplaceInspectionContent {
        var check = RecordChecker()
        var clean = self
        clean.area = check.text(area, "area", "The area inspected", max: 120)
        clean.site = check.text(site, "site", "The site", max: 120, required: false)
        clean.items = ChecklistItem.check(items, &check, defectLabel: "Deficiency")
        clean.notes = check.text(notes, "notes", "Notes", max: 4000, required: false, multiline: true)
        try check.finish()
        return clean
    }

    public var searchText: String { ([area, site, notes] + items.flatMap { [$0.item, $0.defect] }).joined(separator: " ") }

    public var lines: [String] {
        ["Area: \(area)"] + (site.isEmpty ? [] : ["Site: \(site)"]) + ChecklistItem.lines(items) + (notes.isEmpty ? [] : ["Notes: \(notes)"])
    }

    public var pickValues: [String: [String]] { ["site": [site], "area": [area], "item": items.map(\.item)] }
}
