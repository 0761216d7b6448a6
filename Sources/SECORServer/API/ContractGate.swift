import Foundation
import SECORCore
import Vapor
import Yams

/// The API's input rules are the document's: every string a request declares in
/// `openapi.yaml` (body, query or path) carries a `pattern`, a `maxLength`, and lists a
/// `maxItems`; this gate holds each request to them before the generated handlers see it.
/// One-line strings refuse every control character and multi-line ones (400 characters
/// or more, as `Validate.text`) allow line breaks and tabs; a change there changes the
/// server. The pages' checks (`Validate.text`, the record checker) use the same numbers
/// (ContractLimitsTests holds them to the document).
struct ContractGate: AsyncMiddleware {
    let contract: Contract

    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        guard let route = request.route, let operation = contract.operation(request.method, Contract.template(route.path)) else {
            return try await next.respond(to: request)
        }
        for parameter in operation.parameters {
            let value: String? = parameter.location == "path" ? request.parameters.get(parameter.name)
                : parameter.location == "query" ? request.query[String.self, at: parameter.name] : nil
            guard let value else { continue }
            if let refusal = contract.refusal(value, parameter.schema, parameter.name) ?? Contract.parameterRefusal(value, parameter) { throw refusal }
        }
        if let schema = operation.body, request.headers.contentType == .json {
            var body = request.body.data
            if body == nil { body = try? await request.body.collect(max: BodyLimitMiddleware.maxJSONBytes).get() }
            if let body, let value = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView), options: [.fragmentsAllowed]),
               let refusal = contract.refusal(value, schema, "") {
                throw refusal
            }
        }
        return try await next.respond(to: request)
    }
}

/// `openapi.yaml`, read once: each operation's parameters and JSON body schema, and the
/// shared schemas they refer to. Never changed after `init`, so shared freely.
struct Contract: @unchecked Sendable {
    struct Parameter: @unchecked Sendable {
        var name: String
        var location: String
        var schema: [String: Any]
    }

    struct Operation: @unchecked Sendable {
        var parameters: [Parameter]
        var body: [String: Any]?
    }

    /// The two patterns the document gives its strings (see `ContractGate`).
    static let oneLine = "^[^\\x00-\\x1F\\x7F-\\x9F]*$"
    static let multiLine = "^[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F]*$"
    /// An email address and a phone number (`Validate.email`, the enrollment's phone rule
    /// hold text to these same expressions); the optional forms also allow empty.
    static let email = "^[^\\s@\\x00-\\x1F\\x7F-\\x9F]+@[^\\s@\\x00-\\x1F\\x7F-\\x9F]+\\.[^\\s@\\x00-\\x1F\\x7F-\\x9F]+$"
    static let optionalEmail = "^([^\\s@\\x00-\\x1F\\x7F-\\x9F]+@[^\\s@\\x00-\\x1F\\x7F-\\x9F]+\\.[^\\s@\\x00-\\x1F\\x7F-\\x9F]+)?$"
    static let phone = "^[ +().x-]*([0-9][ +().x-]*){10,15}$"
    static let optionalPhone = "^([ +().x-]*([0-9][ +().x-]*){10,15})?$"
    /// A WCB account number (4 to 12 digits) and industry code (5 digits); a page's typed
    /// spaces are taken out before the check, the API sends digits only.
    static let wcbNumber = "^[0-9]{4,12}$"
    static let industryCode = "^[0-9]{5}$"
    /// A time of day, HH:MM on the 24-hour clock.
    static let time = "^([01][0-9]|2[0-3]):[0-5][0-9]$"
    static let known = [oneLine, multiLine, email, optionalEmail, phone, optionalPhone, wcbNumber, industryCode, time]

    static func holds(_ text: String, _ pattern: String) -> Bool {
        (try? NSRegularExpression(pattern: pattern)).map { whole(text, $0) } ?? false
    }

    /// The expression matches all of `text`. ICU's `$` also matches before a final line
    /// break (ECMA's, which the document's patterns are written in, does not): "8812345\n"
    /// passed `^[0-9]{4,12}$` and enrolled a WCB account twice. Found by review.
    static func whole(_ text: String, _ expression: NSRegularExpression) -> Bool {
        let all = NSRange(text.startIndex..., in: text)
        return expression.firstMatch(in: text, range: all)?.range == all
    }

    private let operations: [String: Operation]
    private let schemas: [String: Any]
    private let patterns: [String: NSRegularExpression]

    init(yaml: String) throws {
        let document = (try Yams.load(yaml: yaml) as? [String: Any]) ?? [:]
        let components = (document["components"] as? [String: Any]) ?? [:]
        schemas = (components["schemas"] as? [String: Any]) ?? [:]
        let sharedParameters = (components["parameters"] as? [String: Any]) ?? [:]
        var operations: [String: Operation] = [:]
        var found: Set<String> = []
        for (path, item) in (document["paths"] as? [String: Any]) ?? [:] {
            guard let item = item as? [String: Any] else { continue }
            for (method, value) in item {
                guard let operation = value as? [String: Any], ["get", "post", "put", "delete", "patch"].contains(method) else { continue }
                let parameters: [Parameter] = ((operation["parameters"] as? [Any]) ?? []).compactMap { raw in
                    guard var parameter = raw as? [String: Any] else { return nil }
                    if let ref = parameter["$ref"] as? String, let shared = sharedParameters[String(ref.split(separator: "/").last ?? "")] as? [String: Any] {
                        parameter = shared
                    }
                    guard let name = parameter["name"] as? String, let location = parameter["in"] as? String else { return nil }
                    return Parameter(name: name, location: location, schema: (parameter["schema"] as? [String: Any]) ?? [:])
                }
                let content = ((operation["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any]
                operations["\(method.uppercased()) \(path)"] = Operation(parameters: parameters, body: content?["schema"] as? [String: Any])
            }
        }
        self.operations = operations
        // Every pattern the document uses, compiled once.
        func collect(_ value: Any) {
            if let object = value as? [String: Any] {
                if let pattern = object["pattern"] as? String { found.insert(pattern) }
                object.values.forEach(collect)
            } else if let list = value as? [Any] { list.forEach(collect) }
        }
        collect(document)
        var patterns: [String: NSRegularExpression] = [:]
        for pattern in found { patterns[pattern] = try NSRegularExpression(pattern: pattern) }
        self.patterns = patterns
    }

    func operation(_ method: HTTPMethod, _ template: String) -> Operation? { operations["\(method.rawValue) \(template)"] }

    /// "/api/v1/employers/{employerId}" for the route `api/v1/employers/:employerId`.
    static func template(_ path: [PathComponent]) -> String {
        "/" + path.map { component in
            switch component {
            case .parameter(let name): return "{\(name)}"
            default: return component.description
            }
        }.joined(separator: "/")
    }

    /// A query or path value past its declared length or not in its format (a day, an id):
    /// parameters have no checker of their own.
    static func parameterRefusal(_ value: String, _ parameter: Parameter) -> AppError? {
        if let max = parameter.schema["maxLength"] as? Int, value.unicodeScalars.count > max {
            return AppError.invalid(parameter.name, "\(parameter.name) has at most \(max) characters.")
        }
        return formatRefusal(value, parameter.schema["format"] as? String, parameter.name)
    }

    /// A day (`date`) or an id (`uuid`) that is not one.
    static func formatRefusal(_ value: String, _ format: String?, _ field: String) -> AppError? {
        switch format {
        case "date" where (try? CalendarDay(iso: value)) == nil:
            return AppError.invalid(field, "\(field) is a day, YYYY-MM-DD ('\(value)' is not).")
        case "uuid" where UUID(uuidString: value) == nil:
            return AppError.invalid(field, "\(field): '\(value)' is not an id (a UUID).")
        default:
            return nil
        }
    }

    private func resolve(_ schema: [String: Any]) -> [String: Any] {
        guard let ref = schema["$ref"] as? String, let name = ref.split(separator: "/").last else { return schema }
        return (schemas[String(name)] as? [String: Any]) ?? [:]
    }

    /// The first declared string that breaks its pattern, as a 400 naming it.
    func refusal(_ value: Any, _ schema: [String: Any], _ path: String) -> AppError? {
        let schema = resolve(schema)
        switch value {
        case let text as String:
            let field = path.isEmpty ? "body" : path
            if let max = schema["maxLength"] as? Int, text.unicodeScalars.count > max {
                return AppError.invalid(field, "\(field) has at most \(max) characters.")
            }
            if let min = schema["minLength"] as? Int, text.unicodeScalars.count < min {
                return AppError.invalid(field, min == 1 ? "\(field) is required." : "\(field) has at least \(min) characters.")
            }
            if let refusal = Self.formatRefusal(text, schema["format"] as? String, field) { return refusal }
            guard let pattern = schema["pattern"] as? String, !Self.matches(text, pattern, patterns[pattern]) else { return nil }
            let what = switch pattern {
            case Self.oneLine: "is one line: it holds a line break or another control character; send it again as plain text"
            case Self.multiLine: "holds a control character (such as NUL); send it again as plain text"
            case Self.email, Self.optionalEmail: "'\(text)' is not an email address"
            case Self.phone, Self.optionalPhone: "'\(text)' is not a phone number (10 to 15 digits)"
            case Self.wcbNumber: "a WCB account number is 4 to 12 digits"
            case Self.industryCode: "a WCB industry code is 5 digits"
            case Self.time: "the time is HH:MM (24-hour), e.g. 07:30"
            default: "'\(text)' is not in the form the API document gives"
            }
            return AppError.invalid(field, "\(field): \(what).")
        case let list as [Any]:
            if let max = schema["maxItems"] as? Int, list.count > max {
                return AppError.invalid(path, "\(path) has at most \(max) items.")
            }
            guard let items = schema["items"] as? [String: Any] else { return nil }
            for (i, item) in list.enumerated() {
                if let refusal = refusal(item, items, "\(path)[\(i)]") { return refusal }
            }
            return nil
        case let object as [String: Any]:
            let properties = (schema["properties"] as? [String: Any]) ?? [:]
            // A map (`additionalProperties` with a schema, as an auditor's courses): every value.
            let values = schema["additionalProperties"] as? [String: Any]
            for (key, inner) in object {
                guard let property = (properties[key] as? [String: Any]) ?? values else { continue }  // not ours: the handler ignores it
                if inner is NSNull, resolve(property)["nullable"] as? Bool != true {
                    let field = path.isEmpty ? key : "\(path).\(key)"
                    return AppError.invalid(field, "\(field) cannot be null: leave it out instead.")
                }
                if let refusal = refusal(inner, property, path.isEmpty ? key : "\(path).\(key)") { return refusal }
            }
            return nil
        default:
            return nil
        }
    }

    static func matches(_ text: String, _ pattern: String, _ compiled: NSRegularExpression?) -> Bool {
        func isControl(_ s: Unicode.Scalar) -> Bool { s.value < 0x20 || (0x7F...0x9F).contains(s.value) }
        switch pattern {
        case oneLine: return !text.unicodeScalars.contains(where: isControl)
        case multiLine: return !text.unicodeScalars.contains { isControl($0) && $0 != "\n" && $0 != "\r" && $0 != "\t" }
        default:
            guard let compiled else { return true }
            return whole(text, compiled)
        }
    }
}
