import Vapor

/// An error a person can act on: an HTTP status, a message, and for bad input the field.
/// Pages and the API render the same error; nothing here is ever a 500.
struct AppError: AbortError, Sendable {
    var status: HTTPResponseStatus
    var message: String
    var field: String?
    var headers: HTTPHeaders = [:]

    var reason: String { message }

    static func invalid(_ field: String, _ message: String) -> AppError {
        AppError(status: .badRequest, message: message, field: field)
    }

    static let unauthorized = AppError(status: .unauthorized, message: "Sign in first: no valid session or token was given.")
    static let forbidden = AppError(status: .forbidden, message: "Your role does not allow this.")
    static func notFound(_ what: String) -> AppError { AppError(status: .notFound, message: "No \(what) with that id.") }
}

/// The JSON body of every API error.
struct ErrorBody: Content {
    var message: String
    var field: String?
}
