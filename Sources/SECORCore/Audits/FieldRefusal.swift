import Foundation

/// A rule refusing one value a person gave: the field it is in and why, in words. The
/// server answers it as a 400 naming the field.
public struct FieldRefusal: Error, Equatable, Sendable {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
