import Foundation

/// A phone form's fields, kind-neutral: single values by name, and rows (hazards,
/// workers, items) as lists of named values. The server reads any posted form into one;
/// each kind's content reads its own fields from it (`RecordKindContent.init(form:)`).
public struct RecordForm: Codable, Sendable, Equatable {
    public var values: [String: String]
    public var rows: [String: [[String: String]]]

    public init(values: [String: String] = [:], rows: [String: [[String: String]]] = [:]) {
        self.values = values
        self.rows = rows
    }

    public subscript(_ name: String) -> String { values[name] ?? "" }
    public func rows(_ name: String) -> [[String: String]] { rows[name] ?? [] }
    /// A ticked checkbox ("on", "true", "1", "yes").
    public func flag(_ name: String) -> Bool { ["on", "true", "1", "yes"].contains(self[name].lowercased()) }
    /// A text of one value per line.
    public func lines(_ name: String) -> [String] { self[name].split(whereSeparator: \.isNewline).map(String.init) }
    public func commas(_ name: String) -> [String] { self[name].split(separator: ",").map(String.init) }
}

/// One problem with a record's content, naming the field.
public struct RecordContentError: Error, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String
    public var description: String { message }

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// Every problem of a content at once: a phone form shows them all next to their fields.
public struct RecordContentErrors: Error, Equatable, CustomStringConvertible {
    public var problems: [RecordContentError]
    public var description: String { problems.map(\.message).joined(separator: " ") }
}

/// Collects a content's problems while it is checked, then throws them together.
public struct RecordChecker {
    public private(set) var problems: [RecordContentError] = []

    public init() {}

    public mutating func fail(_ field: String, _ message: String) {
        problems.append(RecordContentError(field: field, message: message))
    }

    /// Trims, requires and limits one text field; refuses control characters but
    /// newlines and tabs in multi-line text.
    public mutating func text(_ value: String, _ field: String, _ label: String, max: Int, required: Bool = true,
                              multiline: Bool = false) -> String {
        let text = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if required && text.isEmpty { fail(field, "\(label) is required.") }
        if text.count > max { fail(field, "\(label) has at most \(max) characters.") }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !(multiline && ($0 == "\n" || $0 == "\t" || $0 == "\r")) }) {
            fail(field, "\(label) holds a control character.")
        }
        return text
    }

    /// A day, YYYY-MM-DD; nil when empty and not required.
    public mutating func day(_ value: String?, _ field: String, _ label: String, required: Bool) -> String? {
        let text = (value ?? "").trimmingCharacters(in: .whitespaces)
        if text.isEmpty {
            if required { fail(field, "\(label) is required (YYYY-MM-DD).") }
            return nil
        }
        do { return try CalendarDay(iso: text).iso } catch {
            fail(field, "\(label): \(error)")
            return nil
        }
    }

    /// A list's texts, trimmed, empty ones dropped, at most `maxItems` of `max` characters.
    public mutating func list(_ values: [String], _ field: String, _ label: String, max: Int, maxItems: Int) -> [String] {
        let kept = values.enumerated().map { text($0.element, "\(field)[\($0.offset)]", "\(label) \($0.offset + 1)", max: max, required: false) }
            .filter { !$0.isEmpty }
        if kept.count > maxItems { fail(field, "\(label): at most \(maxItems).") }
        return kept
    }

    /// The people named on a record: trimmed, empty rows dropped, each once.
    public mutating func people(_ people: [NamedPerson], _ field: String, _ label: String, maxItems: Int = 50) -> [NamedPerson] {
        var seen = Set<String>()
        var kept: [NamedPerson] = []
        for (i, person) in people.enumerated() {
            let name = text(person.name, "\(field)[\(i)].name", "\(label) \(i + 1)", max: 120, required: false)
            let id = person.personId?.trimmingCharacters(in: .whitespaces).nilIfBlank
            if name.isEmpty { continue }
            guard seen.insert(id ?? name.lowercased()).inserted else { continue }
            kept.append(NamedPerson(name: name, personId: id))
        }
        if kept.count > maxItems { fail(field, "\(label): at most \(maxItems) people.") }
        return kept
    }

    public func finish() throws {
        if !problems.isEmpty { throw RecordContentErrors(problems: problems) }
    }
}

extension String {
    var nilIfBlank: String? { isEmpty ? nil : self }
}
