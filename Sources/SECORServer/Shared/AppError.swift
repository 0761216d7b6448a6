import Vapor

/// An error a person can act on: an HTTP status, a message, and for bad input the field.
/// Pages and the API render the same error; nothing here is ever a 500.
struct AppError: AbortError, Sendable {
    var status: HTTPResponseStatus
    var message: String
    var field: String?
    var headers: HTTPHeaders = [:]
    /// Every field that is wrong, when there are several (a phone form shows each beside its field).
    var problems: [FieldProblem] = []

    var reason: String { message }

    static func invalid(_ field: String, _ message: String) -> AppError {
        AppError(status: .badRequest, message: message, field: field, problems: [FieldProblem(field: field, message: message)])
    }

    /// Several fields at once; the first names `field`, the message lists them all.
    static func invalid(_ problems: [(field: String, message: String)]) -> AppError {
        let all = problems.map { FieldProblem(field: $0.field, message: $0.message) }
        let message = all.count == 1 ? all[0].message : "\(all.count) things to fix: " + all.map(\.message).joined(separator: " ")
        return AppError(status: .badRequest, message: message, field: all.first?.field, problems: all)
    }

    /// A well-formed request a program rule or the state of things refuses (422): the
    /// document cannot say it, so the field and the rule are named here. 400 is for input
    /// that breaks the document itself.
    static func refused(_ field: String, _ message: String) -> AppError {
        AppError(status: .unprocessableEntity, message: message, field: field, problems: [FieldProblem(field: field, message: message)])
    }

    static let unauthorized = AppError(status: .unauthorized, message: "Sign in first: no valid session or token was given.")
    static let forbidden = AppError(status: .forbidden, message: "Your role does not allow this.")
    static func notFound(_ what: String) -> AppError { AppError(status: .notFound, message: "No \(what) with that id.") }
}

/// The JSON body of every API error.
struct ErrorBody: Content {
    var message: String
    var field: String?
    /// Every wrong field, when the request had several.
    var errors: [FieldProblem]?
}

struct FieldProblem: Content, Equatable {
    var field: String
    var message: String
}
