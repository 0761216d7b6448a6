import Foundation
import Yams

/// A problem in a data file (profile or protocol), located by file, line and field so
/// the person editing the YAML can go straight to it.
public struct DataFileError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var field: String
    public var message: String

    public init(file: String, line: Int?, field: String, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        let at = line.map { "\(file):\($0)" } ?? file
        return field.isEmpty ? "\(at): \(message)" : "\(at): \(field): \(message)"
    }
}

/// Decodes a YAML data file into a Codable value, turning Yams and decoding errors into
/// `DataFileError`s that name the line of the offending field.
enum YAMLDocument {
    static func decode<T: Decodable>(_ type: T.Type, from text: String, file: String) throws -> (T, Node?) {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw DataFileError(file: file, line: line(of: error), field: "", message: "\(error)")
        }
        do {
            let value = try YAMLDecoder().decode(T.self, from: text)
            return (value, node)
        } catch let error as DecodingError {
            let (path, message) = describe(error)
            throw DataFileError(file: file, line: line(for: path, in: node), field: render(path), message: message)
        }
    }

    /// Fields in the file that the value does not have: a typo (`validityYear` for
    /// `validityYears`) would otherwise be dropped without a word and its default used.
    /// Found by encoding the decoded value and walking the file beside it.
    static func unknownFields<T: Encodable>(in root: Node?, of value: T, file: String, what: String) -> [DataFileError] {
        guard let root, let data = try? JSONEncoder().encode(value),
              let json = try? JSONSerialization.jsonObject(with: data) else { return [] }
        var errors: [DataFileError] = []
        walk(root, json, path: "", file: file, what: what, into: &errors)
        return errors
    }

    private static func walk(_ node: Node, _ json: Any, path: String, file: String, what: String, into errors: inout [DataFileError]) {
        if let map = node.mapping, let object = json as? [String: Any] {
            for (key, child) in map {
                guard let name = key.string else { continue }
                let field = path.isEmpty ? name : "\(path).\(name)"
                if let known = object[name] {
                    walk(child, known, path: field, file: file, what: what, into: &errors)
                } else if !["", "~", "null"].contains(child.scalar?.string ?? "-") {
                    errors.append(DataFileError(file: file, line: key.mark?.line, field: field,
                                                message: "is not a field of \(what) (a typo? the known fields are: \(object.keys.sorted().joined(separator: ", ")))"))
                }
            }
        } else if let sequence = node.sequence, let array = json as? [Any] {
            for (index, item) in sequence.enumerated() where index < array.count {
                walk(item, array[index], path: "\(path)[\(index)]", file: file, what: what, into: &errors)
            }
        }
    }

    /// The line of the field at `path`, or of its nearest parent that exists.
    static func line(for path: [CodingKey], in root: Node?) -> Int? {
        guard var node = root else { return nil }
        var best = node.mark?.line
        for key in path {
            if let index = key.intValue, let seq = node.sequence, index < seq.count {
                node = seq[index]
            } else if let map = node.mapping, let child = map[Node(key.stringValue)] {
                // The key's own line is where a person looks for the field.
                best = map.keys.first { $0 == Node(key.stringValue) }?.mark?.line ?? child.mark?.line
                node = child
                continue
            } else {
                break
            }
            best = node.mark?.line ?? best
        }
        return best
    }

    static func render(_ path: [CodingKey]) -> String {
        path.reduce("") { text, key in
            if let index = key.intValue { return text + "[\(index)]" }
            return text.isEmpty ? key.stringValue : text + "." + key.stringValue
        }
    }

    private static func describe(_ error: DecodingError) -> ([CodingKey], String) {
        switch error {
        case .keyNotFound(let key, let context):
            return (context.codingPath + [key], "is required but missing")
        case .typeMismatch(let type, let context):
            return (context.codingPath, "should be \(readable(type))")
        case .valueNotFound(let type, let context):
            return (context.codingPath, "should be \(readable(type)), found nothing")
        case .dataCorrupted(let context):
            return (context.codingPath, plain(context.debugDescription))
        @unknown default:
            return ([], "\(error)")
        }
    }

    /// "Cannot initialize TrainingHolder from invalid String value somebody" names a type of
    /// ours, not the file's words: say which value is not allowed.
    static func plain(_ description: String) -> String {
        guard let range = description.range(of: "from invalid String value ") else { return description }
        return "'\(description[range.upperBound...])' is not one of the allowed values"
    }

    private static func readable(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "a whole number"
        case is String.Type: return "text"
        case is Bool.Type: return "true or false"
        default: return "\(type)".hasPrefix("Array") ? "a list" : "a \(type)"
        }
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }
}

/// Collects semantic problems found after decoding, each tied to a field path.
struct DataFileValidator {
    let file: String
    let root: Node?
    private(set) var errors: [DataFileError] = []

    init(file: String, root: Node?) {
        self.file = file
        self.root = root
    }

    mutating func require(_ condition: Bool, _ field: String, _ message: String) {
        guard !condition else { return }
        errors.append(DataFileError(file: file, line: YAMLDocument.line(for: Self.keys(field), in: root),
                                    field: field, message: message))
    }

    /// "a.b[2].c" back into coding keys, to find the line.
    static func keys(_ field: String) -> [CodingKey] {
        var keys: [CodingKey] = []
        for part in field.split(separator: ".") {
            var name = Substring(part)
            var indexes: [Int] = []
            while let open = name.lastIndex(of: "["), name.hasSuffix("]") {
                if let i = Int(name[name.index(after: open)..<name.index(before: name.endIndex)]) { indexes.insert(i, at: 0) }
                name = name[..<open]
            }
            if !name.isEmpty { keys.append(PathKey(stringValue: String(name))) }
            keys += indexes.map { PathKey(intValue: $0) }
        }
        return keys
    }

    struct PathKey: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(stringValue: String) { self.stringValue = stringValue }
        init(intValue: Int) { self.stringValue = "\(intValue)"; self.intValue = intValue }
    }
}

/// Thrown when a data file decodes but breaks its rules; lists every problem.
public struct DataFileErrors: Error, CustomStringConvertible {
    public var errors: [DataFileError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
