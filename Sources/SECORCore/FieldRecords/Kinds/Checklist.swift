import Foundation

/// The result of one checklist item: chosen by the inspector, never assumed.
public enum CheckResult: String, Codable, Sendable, CaseIterable {
    case pass, fail, na

    public var label: String {
        switch self {
        case .pass: return "Pass"
        case .fail: return "Fail"
        case .na: return "N/A"
        }
    }
}

/// One line of an inspection checklist; a failed item names its defect.
public struct ChecklistItem: Codable, Sendable, Equatable {
    public var item: String
    public var result: CheckResult?
    public var defect: String

    public init(item: String, result: CheckResult?, defect: String = "") {
        self.item = item
        self.result = result
        self.defect = defect
    }

    public var failed: Bool { result == .fail }

    enum CodingKeys: String, CodingKey { case item, result, pass, defect }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        item = try c.decodeIfPresent(String.self, forKey: .item) ?? ""
        defect = try c.decodeIfPresent(String.self, forKey: .defect) ?? ""
        // Records before December 2026 stored `pass: true/false`.
        if let result = try c.decodeIfPresent(CheckResult.self, forKey: .result) {
            self.result = result
        } else {
            result = try c.decodeIfPresent(Bool.self, forKey: .pass).map { $0 ? .pass : .fail }
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(item, forKey: .item)
        try c.encodeIfPresent(result, forKey: .result)
        try c.encode(defect, forKey: .defect)
    }

    static func rows(_ form: RecordForm) -> [ChecklistItem] {
        form.rows("items").map { ChecklistItem(item: $0["item"] ?? "", result: CheckResult(rawValue: $0["result"] ?? ""), defect: $0["defect"] ?? "") }
    }

    static func formRows(_ items: [ChecklistItem]) -> [[String: String]] {
        items.map { ["item": $0.item, "result": $0.result?.rawValue ?? "", "defect": $0.defect] }
    }

    /// Checks the items: each named one has a result, each failed one its defect.
    static func check(_ items: [ChecklistItem], _ check: inout RecordChecker, defectLabel: String) -> [ChecklistItem] {
        var kept: [ChecklistItem] = []
        for (i, line) in items.enumerated() {
            let item = check.text(line.item, "items[\(i)].item", "Item \(i + 1)", max: 120, required: false)
            let defect = check.text(line.defect, "items[\(i)].defect", "\(defectLabel) \(i + 1)", max: 300, required: false)
            if item.isEmpty { continue }
            guard let result = line.result else {
                check.fail("items[\(i)].result", "Choose pass, fail or N/A for \"\(item)\".")
                continue
            }
            if result == .fail && defect.isEmpty {
                check.fail("items[\(i)].defect", "\"\(item)\" failed: describe the \(defectLabel.lowercased()).")
            }
            kept.append(ChecklistItem(item: item, result: result, defect: result == .fail ? defect : ""))
        }
        if !items.contains(where: { !$0.item.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
            check.fail("items[0].item", "Check at least one item.")
        }
        if kept.count > 60 { check.fail("items", "A checklist has at most 60 items.") }
        return kept
    }

    static func lines(_ items: [ChecklistItem]) -> [String] {
        items.map {
            switch $0.result {
            case .pass: return "✓ \($0.item)"
            case .na: return "– \($0.item): not applicable"
            case .fail, nil: return "✗ \($0.item): \($0.defect) (a corrective action was opened)"
            }
        }
    }
}
