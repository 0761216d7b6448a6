import Foundation
import SECORCore

/// Input checks shared by pages and the API; each failure names the field (HTTP 400).
enum Validate {
    /// Trimmed text, required unless `optional`, at most `max` characters, with no control
    /// character. A field of 400 characters or more is a text area: line breaks and tabs are
    /// its text; a shorter one (a name, a title, a phone number) is one line.
    static func text(_ value: String?, _ field: String, _ label: String, max: Int = 200, optional: Bool = false) throws -> String {
        let text = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty && !optional { throw AppError.invalid(field, "\(label) is required.") }
        if text.count > max { throw AppError.invalid(field, "\(label) has at most \(max) characters.") }
        let multiline = max >= 400
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !(multiline && ["\n", "\r", "\t"].contains($0)) }) {
            throw AppError.invalid(field, multiline ? "\(label) holds a control character; type it again as plain text."
                                                   : "\(label) is one line: it holds a line break or another control character.")
        }
        return text
    }

    static func email(_ value: String?, _ field: String = "email", optional: Bool = false) throws -> String {
        let text = try self.text(value, field, "Email", max: 320, optional: optional).lowercased()
        if text.isEmpty { return text }
        guard Contract.holds(text, Contract.email) else {
            throw AppError.invalid(field, "'\(text)' is not an email address.")
        }
        return text
    }

    /// A `YYYY-MM-DD` calendar day.
    static func day(_ value: String?, _ field: String, _ label: String) throws -> CalendarDay {
        let text = (value ?? "").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw AppError.invalid(field, "\(label) is required (YYYY-MM-DD).") }
        do { return try CalendarDay(iso: text) } catch {
            throw AppError.invalid(field, "\(label): \(error)")
        }
    }

    static func optionalDay(_ value: String?, _ field: String, _ label: String) throws -> CalendarDay? {
        guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return try day(value, field, label)
    }

    static func uuid(_ value: String?, _ field: String, _ label: String) throws -> UUID {
        guard let value, let id = UUID(uuidString: value.trimmingCharacters(in: .whitespaces)) else {
            throw AppError.invalid(field, "\(label) is not a valid id.")
        }
        return id
    }

    static func choice<T: RawRepresentable>(_ value: String?, _ field: String, _ label: String, as: T.Type) throws -> T
        where T.RawValue == String, T: CaseIterable {
        guard let value, let choice = T(rawValue: value) else {
            let options = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw AppError.invalid(field, "\(label) must be one of: \(options).")
        }
        return choice
    }

    /// A whole number typed in a form box, 0-`max`; nil when the box is empty.
    static func count(_ value: String?, _ field: String, _ label: String, max: Int = 1000) throws -> Int? {
        let t = (value ?? "").trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return nil }
        guard let n = Int(t) else { throw AppError.invalid(field, "\(label): '\(t.prefix(20))' is not a whole number.") }
        guard (0...max).contains(n) else { throw AppError.invalid(field, "\(label) is 0 to \(max).") }
        return n
    }

    /// A page size asked for: 1-`max`, `max` when none is asked for.
    static func pageSize(_ value: Int?, _ field: String = "limit", max: Int = 200) throws -> Int {
        guard let value else { return max }
        guard (1...max).contains(value) else { throw AppError.invalid(field, "A page holds 1 to \(max) items; \(value) is outside that.") }
        return value
    }

    /// HTML checkboxes send "on" (or nothing); the API sends true/false.
    static func flag(_ value: String?) -> Bool {
        guard let value else { return false }
        return ["on", "true", "1", "yes"].contains(value.lowercased())
    }
}

extension CalendarDay {
    /// Today in Alberta.
    static var today: CalendarDay { CalendarDay(Date()) }
}
