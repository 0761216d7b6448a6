import SECORCore
import Vapor

/// Any record form a phone posts, read without knowing its kind: single fields into
/// `values`, `name[i][field]` rows into `rows`. Each kind's content then reads its own
/// fields (`RecordKindDescriptor.content(form:)`), so no kind needs code here.
struct PostedRecordForm: Decodable {
    /// Fields every record form has, read by the page itself.
    static let common: Set<String> = ["_csrf", "idempotencyKey", "occurredOn", "occurredTime", "reason", "photos", "signAsMe", "recordVersion"]

    var form = RecordForm()
    var occurredOn: String?
    var occurredTime: String?
    var reason: String?
    var idempotencyKey: String?
    /// "Record and sign": the author, named on it, signs it at once from their own account.
    var signAsMe = false
    /// The version an amendment was made from.
    var version: Int?

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
    }

    /// "r12" → ("r", 12): rows in the order the page drew them, added rows after.
    static func order(_ key: String) -> (String, Int, String) {
        let letters = String(key.prefix { !$0.isNumber })
        return (letters, Int(key.dropFirst(letters.count)) ?? .max, key)
    }

    /// A form nothing was typed into yet.
    static var blank: PostedRecordForm { PostedRecordForm() }
    private init() {}

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        func text(_ name: String) -> String? { try? c.decodeIfPresent(String.self, forKey: Key(stringValue: name)) }
        occurredOn = text("occurredOn")
        occurredTime = text("occurredTime")
        reason = text("reason")
        idempotencyKey = text("idempotencyKey")
        signAsMe = text("signAsMe") == "worker"
        version = text("recordVersion").flatMap { Int($0) }
        for key in c.allKeys where !Self.common.contains(key.stringValue) && !key.stringValue.hasPrefix("photos") {
            if let value = try? c.decode(String.self, forKey: key) {
                form.values[key.stringValue] = value
            } else if let rows = try? c.decode([String: [String: String]].self, forKey: key) {
                // Rows arrive keyed "r0", "r1", ... (a letter first, so every decoder reads them as
                // names, not array indexes), with gaps where a checkbox row was not ticked.
                form.rows[key.stringValue] = rows.sorted { Self.order($0.key) < Self.order($1.key) }.map(\.value)
            } else if let rows = try? c.decode([[String: String]].self, forKey: key) {
                form.rows[key.stringValue] = rows
            }
        }
    }
}

/// A form's fields as a page shows them: each value with its error, rows likewise.
struct RecordFormView: Encodable {
    struct Field: Encodable {
        var value: String
        var error: String?
    }

    struct Row: Encodable {
        var index: Int
        var fields: [String: Field]
    }

    var f: [String: Field]
    var rows: [String: [Row]]

    /// `form` with the errors of `error` placed at their fields ("content.hazards[1].control"
    /// → row 1 of hazards, field control), and room for one more row of each list.
    init(_ form: RecordForm, error: FormError?) {
        var errors: [String: String] = [:]
        for (field, message) in error?.byField ?? [:] {
            errors[field.hasPrefix("content.") ? String(field.dropFirst("content.".count)) : field] = message
        }
        f = Dictionary(uniqueKeysWithValues: form.values.map { ($0.key, Field(value: $0.value, error: errors[$0.key])) })
        for (field, message) in errors where f[field] == nil && !field.contains("[") { f[field] = Field(value: "", error: message) }
        var rows: [String: [Row]] = [:]
        for (name, list) in form.rows {
            rows[name] = (list + [[:]]).enumerated().map { i, row in
                Row(index: i, fields: Dictionary(uniqueKeysWithValues: row.map { key, value in
                    (key, Field(value: value, error: errors["\(name)[\(i)].\(key)"]))
                }))
            }
        }
        self.rows = rows
        // A row's error the page cannot show at its row (no such row or field there) shows at its list.
        for (field, message) in errors.sorted(by: { $0.key < $1.key }) {
            guard let bracket = field.firstIndex(of: "[") else { continue }
            let list = String(field[..<bracket])
            let shown = rows[list]?.contains { row in row.fields.values.contains { $0.error == message } } ?? false
            if !shown && f[list]?.error == nil { f[list] = Field(value: f[list]?.value ?? "", error: message) }
        }
    }
}
