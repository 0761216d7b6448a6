import Foundation

/// One email as handed to sendmail, built so that nothing a user typed can add a header:
/// every header value is one line (line breaks and other control characters become
/// spaces), a subject that is not plain ASCII is an RFC 2047 encoded word, and the body
/// is UTF-8 MIME in base64, so no line of it can be read as a header or end the message.
struct EmailMessage: Equatable, Sendable {
    var to: String
    var subject: String
    var body: String

    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    /// The message in Internet Message Format (RFC 5322), lines ending CRLF.
    func rendered(date: Date = Date(), messageId: UUID = UUID()) throws -> Data {
        // An address is one word: anything that could end the header or hold a second
        // address (space, comma, angle brackets, a control character) refuses the message.
        guard to.utf8.count <= 320, to.contains("@"),
              !to.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || " ,;<>\"()".unicodeScalars.contains($0) })
        else { throw Refused(description: "'\(Self.oneLine(to))' is not a single email address") }
        let headers = [
            "To: \(to)",
            "Subject: \(Self.encodedWords(Self.oneLine(subject)))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(messageId.uuidString.lowercased())@secor>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
        ]
        let lines = Self.base64Lines(Data(body.utf8))
        return Data((headers + [""] + lines).map { $0 + "\r\n" }.joined().utf8)
    }

    /// A header value on one line: each run of control characters (CR, LF, tab, NUL ...)
    /// becomes one space.
    static func oneLine(_ text: String) -> String {
        var out = ""
        var inRun = false
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" {
                if !inRun { out.unicodeScalars.append(" ") }
                inRun = true
            } else {
                out.unicodeScalars.append(scalar)
                inRun = false
            }
        }
        return out.trimmingCharacters(in: .whitespaces)
    }

    /// Plain printable ASCII is kept as it is (folded by nothing: subjects are short);
    /// anything else is base64 encoded words of at most 75 characters each, split between
    /// characters (never inside one) and folded onto continuation lines (RFC 2047 §2, §5).
    static func encodedWords(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) && text.count <= 900 { return text }
        var words: [String] = []
        var chunk = ""
        for character in text {
            // 45 bytes of UTF-8 make 60 base64 characters; with "=?UTF-8?B?" and "?=", 72.
            if chunk.utf8.count + String(character).utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    static func base64Lines(_ data: Data) -> [String] {
        let encoded = data.base64EncodedString()
        return stride(from: 0, to: encoded.count, by: 76).map { start in
            let from = encoded.index(encoded.startIndex, offsetBy: start)
            return String(encoded[from..<(encoded.index(from, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex)])
        }
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
