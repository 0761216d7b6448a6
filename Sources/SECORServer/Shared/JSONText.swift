import Foundation

/// JSON text columns: lists and small structs stored whole.
enum JSONText {
    /// Sorted keys, so the same value is always the same text (content hashes rely on it).
    static func data<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(value)
    }

    static func encode<T: Encodable>(_ value: T) -> String {
        String(decoding: (try? data(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ text: String, as type: T.Type = T.self) -> T? {
        try? JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}
