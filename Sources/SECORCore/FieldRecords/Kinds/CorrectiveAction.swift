import Foundation

extension FieldRecordKind {
    public static let correctiveAction = FieldRecordKind(declared: "correctiveAction")
}

/// A corrective action: identified → controlled → verified, with what verified it.
public struct CorrectiveActionContent: RecordKindContent, Equatable {
    public static let descriptor = RecordKindDescriptor(
        kind: .correctiveAction, title: "Corrective action", evidenceKinds: [.correctiveAction], signOffRoles: [.reviewer],
        formPartial: "records/corrective-action", contentType: CorrectiveActionContent.self)

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

    enum CodingKeys: String, CodingKey { case sourceRecordId, sourceItem, description, owner, dueOn, status, verification }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sourceRecordId = try c.decodeIfPresent(String.self, forKey: .sourceRecordId)
        sourceItem = try c.decodeIfPresent(String.self, forKey: .sourceItem)
        description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
        owner = try c.decodeIfPresent(String.self, forKey: .owner) ?? ""
        dueOn = try c.decodeIfPresent(String.self, forKey: .dueOn) ?? ""
        status = try c.decodeIfPresent(CorrectiveActionStatus.self, forKey: .status) ?? .identified
        verification = try c.decodeIfPresent(String.self, forKey: .verification) ?? ""
    }

    public init(form: RecordForm) {
        self.init(sourceRecordId: form["sourceRecordId"].nilIfBlank, sourceItem: form["sourceItem"].nilIfBlank, description: form["description"],
                  owner: form["owner"], dueOn: form["dueOn"], status: CorrectiveActionStatus(rawValue: form["status"]) ?? .identified,
                  verification: form["verification"])
    }

    public var form: RecordForm {
        RecordForm(values: ["sourceRecordId": sourceRecordId ?? "", "sourceItem": sourceItem ?? "", "description": description,
                            "owner": owner, "dueOn": dueOn, "status": status.rawValue, "verification": verification])
    }

    public func validated() throws -> CorrectiveActionContent {
        var check = RecordChecker()
        var clean = self
        clean.description = check.text(description, "description", "What must be done", max: 500, multiline: true)
        clean.owner = check.text(owner, "owner", "Who owns it", max: 120)
        clean.sourceItem = sourceItem.map { check.text($0, "sourceItem", "The inspected item", max: 120, required: false) }?.nilIfBlank
        clean.dueOn = check.day(dueOn, "dueOn", "The due date", required: true) ?? ""
        clean.verification = check.text(verification, "verification", "The verifying evidence", max: 1000, required: false, multiline: true)
        if status == .verified && clean.verification.isEmpty {
            check.fail("verification", "Say what verified the action before marking it verified.")
        }
        try check.finish()
        return clean
    }

    public var site: String { "" }
    public var searchText: String { [description, owner, verification].joined(separator: " ") }

    public var lines: [String] {
        ["Action: \(description)", "Owner: \(owner)", "Due by: \((try? CalendarDay(iso: dueOn).readable) ?? dueOn)", "Status: \(status.label)"]
            + (verification.isEmpty ? [] : ["Verified by: \(verification)"])
    }

    public var pickValues: [String: [String]] { [:] }

    /// An open action is assigned to its owner.
    public var raisedNotices: [RaisedNotice] {
        guard status != .verified, !owner.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
        return [RaisedNotice(event: .correctiveActionAssigned, title: "Corrective action for you: \(String(description.prefix(80))), due \(dueOn)", assignee: owner)]
    }
}
