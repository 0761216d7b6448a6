import Fluent
import Foundation
@testable import SECORServer
import SECORCore
import XCTVapor
import Yams

/// The limits `openapi.yaml` declares for record contents are the limits the server
/// enforces, and the other way round: for every `maxLength` and `maxItems` of every record
/// kind's content, one over is refused naming the field, and exactly at it is not refused
/// for its length. A limit changed on one side only fails here.
final class ContractLimitsTests: XCTestCase {
    struct Limit: CustomStringConvertible {
        var kind: String
        /// The JSON path inside the content: ["hazards", "[]", "hazard"].
        var path: [String]
        var maxLength: Int?
        var maxItems: Int?
        /// For a list: one valid item.
        var item: Any?
        /// A content of the kind with every field filled (the generated types need the
        /// required ones), into which the tested value goes.
        var base: Any = [String: Any]()
        var description: String { "\(kind).\(path.joined(separator: "."))" }
    }

    static func document() throws -> [String: Any] {
        let url = try XCTUnwrap(Bundle(for: ContractLimitsTests.self).url(forResource: "openapi", withExtension: "yaml")
            ?? URL(fileURLWithPath: try Resources.locate().openAPI))
        return try XCTUnwrap(try Yams.load(yaml: String(contentsOf: url, encoding: .utf8)) as? [String: Any])
    }

    static func limits() throws -> [Limit] {
        let doc = try document()
        let schemas = ((doc["components"] as? [String: Any])?["schemas"] as? [String: Any]) ?? [:]
        let input = try XCTUnwrap(schemas["RecordInput"] as? [String: Any])
        let kinds = ((input["properties"] as? [String: Any])?["kind"] as? [String: Any])?["enum"] as? [String] ?? []
        var found: [Limit] = []
        func resolve(_ schema: [String: Any]) -> [String: Any] {
            if let ref = schema["$ref"] as? String, let name = ref.split(separator: "/").last { return schemas[String(name)] as? [String: Any] ?? [:] }
            return schema
        }
        func walk(_ kind: String, _ schema: [String: Any], _ path: [String]) {
            let schema = resolve(schema)
            if schema["readOnly"] as? Bool == true { return }
            if let max = schema["maxLength"] as? Int { found.append(Limit(kind: kind, path: path, maxLength: max)) }
            if let max = schema["maxItems"] as? Int, let items = schema["items"] as? [String: Any] {
                found.append(Limit(kind: kind, path: path, maxItems: max, item: example(resolve(items))))
                walk(kind, items, path + ["[]"])
            }
            for (name, property) in (schema["properties"] as? [String: Any]) ?? [:] {
                if let property = property as? [String: Any] { walk(kind, property, path + [name]) }
            }
        }
        func example(_ schema: [String: Any]) -> Any {
            let schema = resolve(schema)
            if let values = schema["enum"] as? [Any] { return values[0] }
            switch schema["type"] as? String {
            case "object":
                var object: [String: Any] = [:]
                // Ids name other rows: a required one is a person of the roster (filled in by the
                // test), others are left out. Days ("dueOn") are days.
                let required = Set((schema["required"] as? [String]) ?? [])
                for (name, property) in (schema["properties"] as? [String: Any]) ?? [:] {
                    guard let property = property as? [String: Any], resolve(property)["readOnly"] as? Bool != true else { continue }
                    if name.hasSuffix("Id") {
                        if required.contains(name) { object[name] = "{person}" }
                    } else if name.hasSuffix("On") {
                        object[name] = "2026-01-05"
                    } else {
                        object[name] = example(property)
                    }
                }
                return object
            case "array":
                return [example((schema["items"] as? [String: Any]) ?? [:])]
            case "integer": return (schema["minimum"] as? Int) ?? 1
            case "boolean": return false
            default: return "a"
            }
        }
        for kind in kinds {
            guard let property = (input["properties"] as? [String: Any])?[kind] as? [String: Any] else { continue }
            let start = found.count
            walk(kind, property, [])
            let base = example(property)
            for i in start..<found.count { found[i].base = base }
        }
        return found
    }

    /// A content with the one field at `value` (other fields absent: their own errors are not
    /// this test's business); the problems the server names.
    func problems(_ client: APIClient, _ employer: UUID, _ limit: Limit, _ value: Any) async throws -> [(field: String, message: String)] {
        func put(_ into: Any, _ path: ArraySlice<String>, _ value: Any) -> Any {
            guard let head = path.first else { return value }
            if head == "[]" {
                var list = (into as? [Any]) ?? []
                if list.isEmpty { list = [[String: Any]()] }
                list[0] = put(list[0], path.dropFirst(), value)
                return list
            }
            var object = (into as? [String: Any]) ?? [:]
            object[head] = put(object[head] ?? [String: Any](), path.dropFirst(), value)
            return object
        }
        let person = try await PersonModel.query(on: client.app.db).filter(\.$employer.$id == employer).filter(\.$name == "Sam Okafor").first()!.requireID()
        func withPerson(_ value: Any) -> Any {
            switch value {
            case let text as String: return text == "{person}" ? person.uuidString : text
            case let list as [Any]: return list.map(withPerson)
            case let object as [String: Any]: return object.mapValues(withPerson)
            default: return value
            }
        }
        let content = put(withPerson(limit.base), limit.path[...], value)
        // The record checker itself, as pages reach it (the API's gate holds the same numbers).
        let json = String(decoding: try JSONSerialization.data(withJSONObject: content), as: UTF8.self)
        do {
            _ = try RecordContent.read(kind: try XCTUnwrap(FieldRecordKind(rawValue: limit.kind)), json: json).checked()
            return []
        } catch let error as AppError {
            return error.problems.isEmpty ? [(error.field ?? "", error.message)] : error.problems.map { ($0.field, $0.message) }
        }
    }

    /// "content.hazards[0].hazard" for ["hazards", "[]", "hazard"].
    func field(_ path: [String]) -> String {
        "content" + path.map { $0 == "[]" ? "[0]" : ".\($0)" }.joined()
    }

    func testEveryRecordLimitOfTheDocumentIsTheServersLimit() async throws {
        let limits = try Self.limits()
        XCTAssertGreaterThan(limits.count, 40, "the document declares the record limits")
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let client = try await APIClient(app, as: "owner@secor.test")
            for limit in limits {
                let name = field(limit.path)
                if let max = limit.maxLength {
                    let over = try await problems(client, employer, limit, String(repeating: "x", count: max + 1))
                    XCTAssertTrue(over.contains { $0.field == name && $0.message.contains("at most \(max)") },
                                  "\(limit): \(max + 1) characters should be refused as over \(max); the server said \(over)")
                    let at = try await problems(client, employer, limit, String(repeating: "x", count: max))
                    XCTAssertFalse(at.contains { $0.field == name && $0.message.contains("at most") }, "\(limit): \(max) characters refused: \(at)")
                }
                if let max = limit.maxItems, let item = limit.item {
                    let numbered = { (i: Int) -> Any in
                        if var object = item as? [String: Any] {
                            for (key, value) in object where value is String && !(["pass", "fail", "na"].contains(value as! String)) { object[key] = "\(value)\(i)" }
                            return object
                        }
                        return item is String ? "\(item)\(i)" : item
                    }
                    let listName = name
                    let over = try await problems(client, employer, limit, (0...max).map(numbered))
                    XCTAssertTrue(over.contains { $0.field == listName && $0.message.contains("at most") },
                                  "\(limit): \(max + 1) items should be refused as over \(max); the server said \(over)")
                    let at = try await problems(client, employer, limit, (0..<max).map(numbered))
                    XCTAssertFalse(at.contains { $0.field == listName && $0.message.contains("at most") }, "\(limit): \(max) items refused: \(at)")
                }
            }
        }
    }

    // The document's string patterns are the two the gate knows: a third would be held by a
    // regular expression the gate's messages do not describe.
    func testEveryRequestStringOfTheDocumentHasItsPattern() throws {
        let text = try String(contentsOfFile: try Resources.locate().openAPI, encoding: .utf8)
        let contract = try Contract(yaml: text)
        XCTAssertNotNil(contract.operation(.POST, "/api/v1/employers/{employerId}/records"))
        let patterns = Set(text.components(separatedBy: "pattern: '").dropFirst().map { String($0.prefix { $0 != "'" }) })
        XCTAssertEqual(patterns.subtracting(Contract.known), [], "a pattern the gate does not know")
    }

    // Rule: text is clean at one gate: a NUL anywhere in a query, a form or a JSON body is
    // refused naming the field, before any handler stores it.
    func testAControlCharacterIsRefusedAtTheGate() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let owner = try await APIClient(app, as: "owner@secor.test")
            let upload = try await owner.send(.POST, "/api/v1/employers/\(employer)/files?filename=a%00b.pdf", bytes: Array("%PDF-1.4\n".utf8))
            XCTAssertEqual(upload.status, .badRequest)
            XCTAssertEqual(upload.json["field"].string, "filename")
            let line = try await owner.send(.POST, "/api/v1/employers/\(employer)/files?filename=a%0Ab.pdf", bytes: Array("%PDF-1.4\n".utf8))
            XCTAssertEqual(line.status, .badRequest)
            XCTAssertEqual(line.json["field"].string, "filename")
            var flha = AccessMatrixTests.flha
            var content = flha["flha"] as! [String: Any]
            content["workers"] = [["name": "Ann\u{0}e"]]
            flha["flha"] = content
            let record = try await owner.send(.POST, "/api/v1/employers/\(employer)/records", json: flha)
            XCTAssertEqual(record.status, .badRequest)
            XCTAssertEqual(record.json["field"].string, "flha.workers[0].name")
            // A one-line field with a line break: refused too; a multi-line one keeps it.
            content["workers"] = [["name": "Anne"]]
            content["site"] = "Pad 14\nBcc: x"
            flha["flha"] = content
            let oneLine = try await owner.send(.POST, "/api/v1/employers/\(employer)/records", json: flha)
            XCTAssertEqual(oneLine.status, .badRequest)
            XCTAssertEqual(oneLine.json["field"].string, "flha.site")
            XCTAssertTrue(oneLine.json["message"].string?.contains("is one line") == true)
            content["site"] = "Pad 14"
            content["notes"] = "Line one\n\tLine two"
            flha["flha"] = content
            let multiLine = try await owner.send(.POST, "/api/v1/employers/\(employer)/records", json: flha)
            XCTAssertEqual(multiLine.status, .created, "\(String(describing: multiLine.json))")
            let stored = try await FieldRecordModel.query(on: app.db).all().filter { $0.searchText.contains("Ann\u{0}") }.count
            XCTAssertEqual(stored, 0)
            // Found by review: ICU's `$` matched before a final line break, so "8812345\n"
            // passed the WCB pattern and enrolled one account twice.
            XCTAssertFalse(Contract.holds("8812345\n", Contract.wcbNumber))
            XCTAssertFalse(Contract.holds("x@example.test\n", Contract.email))
            XCTAssertTrue(Contract.holds("8812345", Contract.wcbNumber))
            var twice = applicationBody(name: "Second Rig Ltd.", email: "second@test.test")
            twice["wcbAccounts"] = [["number": "8812345\n", "industryCode": "06103", "active": true]]
            let enrolled = try await APIClient(app, as: nil).send(.POST, "/api/v1/applications", json: twice)
            XCTAssertEqual(enrolled.status, .badRequest)
            XCTAssertEqual(enrolled.json["field"].string, "wcbAccounts[0].number")
            // A page form: the same gate.
            let browser = Browser(app)
            _ = try await browser.signIn("owner@secor.test")
            let page = try await browser.post("/account/email", form: ["digest": "on\u{1}"])
            XCTAssertEqual(page.status, .badRequest)
            // Nothing reached the log: it still verifies.
            let verified = try await AuditLog.verify(on: app.db)
            XCTAssertNil(verified.firstBroken)
        }
    }
}

