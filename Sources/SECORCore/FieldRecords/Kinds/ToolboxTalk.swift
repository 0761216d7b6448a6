import Foundation

extension FieldRecordKind {
    public static let toolboxTalk = FieldRecordKind(declared: "toolboxTalk")
}

/// A toolbox talk: the topic and who attended, each signing that they did (F2: topics
/// are not repeated).
public struct ToolboxTalkContent: RecordKindContent, Equatable {
    public static let descriptor = RecordKindDescriptor(
        kind: .toolboxTalk, title: "Toolbox talk", evidenceKinds: [.toolboxTalk], signOffRoles: [.worker],
        formPartial: "records/toolbox-talk", startLabel: "Toolbox talk", namesItsAuthor: true, contentType: ToolboxTalkContent.self)

    public var site: String
    public var topic: String
    public var attendees: [NamedPerson]
    public var notes: String

    public init(site: String, topic: String, attendees: [NamedPerson], notes: String = "") {
        self.site = site
        self.topic = topic
        self.attendees = attendees
        self.notes = notes
    }

    enum CodingKeys: String, CodingKey { case site, topic, attendees, notes }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        site = try c.decodeIfPresent(String.self, forKey: .site) ?? ""
        topic = try c.decodeIfPresent(String.self, forKey: .topic) ?? ""
        attendees = try c.decodeIfPresent([NamedPerson].self, forKey: .attendees) ?? []
        notes = try c.decodeIfPresent(String.self, forKey: .notes) ?? ""
    }

    public init(form: RecordForm) {
        self.init(site: form["site"], topic: form["topic"],
                  attendees: form.rows("workers").map { NamedPerson(name: $0["name"] ?? "", personId: $0["personId"]) }, notes: form["notes"])
    }

    public var form: RecordForm {
        RecordForm(values: ["site": site, "topic": topic, "notes": notes],
                   rows: ["workers": attendees.map { ["name": $0.name, "personId": $0.personId ?? ""] }])
    }

    public func validated() throws -> ToolboxTalkContent {
        var check = RecordChecker()
        var clean = self
        clean.site = check.text(site, "site", "The site", max: 120, required: false)
        clean.topic = check.text(topic, "topic", "The topic", max: 200)
        clean.attendees = check.people(attendees, "attendees", "Attendee")
        if clean.attendees.isEmpty { check.fail("attendees[0].name", "Name who attended.") }
        clean.notes = check.text(notes, "notes", "Notes", max: 4000, required: false, multiline: true)
        try check.finish()
        return clean
    }

    public var searchText: String { ([site, topic, notes] + attendees.map(\.name)).joined(separator: " ") }

    public var lines: [String] {
        ["Topic: \(topic)"] + (site.isEmpty ? [] : ["Site: \(site)"])
            + ["Attendees: " + attendees.map(\.name).joined(separator: ", ")]
            + (notes.isEmpty ? [] : ["Notes: \(notes)"])
    }

    public var namedPeople: [NamedPerson] { attendees }

    public func addEvidence(to file: inout AuditFileEvidence, id: String, day: CalendarDay, signOffs: [SignOffFact]) {
        file.toolboxTalks.append(ToolboxTalkEvidence(id: id, day: day, topic: topic))
    }

    public var pickValues: [String: [String]] { ["site": [site], "topic": [topic]] }

    public func resolvingPeople(_ resolve: (NamedPerson, String) -> NamedPerson) -> ToolboxTalkContent {
        var copy = self
        copy.attendees = attendees.resolved("attendees", resolve)
        return copy
    }
}
