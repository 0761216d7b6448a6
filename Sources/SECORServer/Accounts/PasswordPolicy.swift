import Foundation

/// What a new password must be: 12 to 1024 characters and not one of the 10,000 most
/// common passwords (`common-passwords.txt`, the ranked list of the zxcvbn project, MIT),
/// which attackers try first. One check for every place a password is chosen.
enum PasswordPolicy {
    static let minimumLength = 12
    static let maximumLength = 1024

    static let common: Set<String> = {
        guard let url = Bundle.module.url(forResource: "common-passwords", withExtension: "txt"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return Set(text.split(whereSeparator: \.isNewline).map { $0.lowercased() })
    }()

    /// Throws a 400 naming `field` and saying why the password cannot be used.
    static func check(_ password: String, field: String, email: String? = nil) throws {
        guard password.count >= minimumLength else {
            throw AppError.invalid(field, "A password needs at least \(minimumLength) characters (this one has \(password.count)).")
        }
        guard password.count <= maximumLength else {
            throw AppError.invalid(field, "A password has at most \(maximumLength) characters.")
        }
        let lowered = password.lowercased()
        // A common word with digits or marks added ("password1234", "dragon2024!") is as weak.
        let base = String(lowered.reversed().drop { $0.isNumber || $0.isPunctuation || $0.isSymbol || $0 == " " }.reversed())
        if common.contains(lowered) || (base.count >= 4 && common.contains(base)) {
            throw AppError.refused(field, "This password is one of the 10,000 most common passwords, which attackers try first. Choose another.")
        }
        if let email, !email.isEmpty, lowered == email.lowercased() || lowered == email.lowercased().split(separator: "@").first.map(String.init) {
            throw AppError.refused(field, "A password must not be your email address.")
        }
        if Set(password).count < 3 {
            throw AppError.refused(field, "A password needs more than one or two different characters.")
        }
    }
}
