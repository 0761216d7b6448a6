import SECORCore
import Vapor

/// What a re-rendered form needs after a refused submission: the message and the field,
/// so the page can mark that input and keep what was typed.
struct FormError: Encodable {
    var message: String
    var field: String?
    /// Each wrong field's message by field name, for forms that show them beside their fields.
    var byField: [String: String]
    /// Every message, in the order the rules found them.
    var messages: [String]
    var count: Int

    init(_ error: AppError) {
        message = error.message
        field = error.field
        byField = Dictionary(error.problems.map { ($0.field, $0.message) }, uniquingKeysWith: { first, _ in first })
        if let field = error.field, byField[field] == nil { byField[field] = error.message }
        messages = error.problems.isEmpty ? [error.message] : error.problems.map(\.message)
        count = messages.count
    }
}

extension Request {
    /// Runs a form submission; on bad input renders `page` again with the error and a 4xx.
    /// A signed-in person's successful save is confirmed on the next page ("Saved.", unless
    /// the action said something more precise with `flash`).
    func submitForm(_ action: () async throws -> Response,
                    orRender page: (FormError) async throws -> View) async throws -> Response {
        do {
            let signedIn = auth.has(CurrentUser.self)
            let response = try await action()
            if signedIn && hasSession && response.status == .seeOther && session.data["flash"] == nil { flash("Saved.") }
            return response
        } catch let error as AppError where (400..<500).contains(Int(error.status.code)) && error.status != .notFound && error.status != .forbidden
                    && !wantsJSON {
            let response = try await page(FormError(error)).encodeResponse(for: self)
            response.status = error.status
            return response
        }
    }
}

/// One choice of a `<select>`.
struct SelectOption: Encodable {
    var value: String
    var label: String
    var selected: Bool
}

extension Request {
    /// A short message for the next page the person sees (a confirmation, or what to look
    /// at after a save, such as a date outside D1). Shown once.
    func flash(_ message: String, warnings: [String] = []) {
        guard hasSession else { return }
        session.data["flash"] = message
        session.data["flashWarnings"] = warnings.isEmpty ? nil : JSONText.encode(warnings)
    }

    /// Takes the flash for this page, clearing it.
    func takeFlash() -> (message: String?, warnings: [String]) {
        guard hasSession, let message = session.data["flash"] else { return (nil, []) }
        let warnings: [String] = session.data["flashWarnings"].flatMap { JSONText.decode($0) } ?? []
        session.data["flash"] = nil
        session.data["flashWarnings"] = nil
        return (message, warnings)
    }

    /// The `asOf` query parameter (YYYY-MM-DD), or today in Alberta.
    func asOfDay() throws -> CalendarDay {
        try Validate.optionalDay(query[String.self, at: "asOf"], "asOf", "As of") ?? .today
    }
}
