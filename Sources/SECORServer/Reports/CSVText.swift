import Foundation

/// RFC 4180 CSV for the exports a spreadsheet opens: every cell quoted when it holds a
/// comma, quote or line break, lines ended by CRLF. A cell starting with = + - @ is
/// prefixed with ' so a spreadsheet never runs it as a formula (CSV injection).
enum CSVText {
    static func table(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(cell).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    static func cell(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
