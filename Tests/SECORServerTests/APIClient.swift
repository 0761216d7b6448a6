import Foundation
@testable import SECORServer
import Vapor
import XCTest
import XCTVapor

/// A small JSON client over the test app, signed in with a bearer token.
struct APIClient {
    let app: Application
    let token: String?

    init(_ app: Application, as email: String?, password: String = TestAccounts.password) async throws {
        self.app = app
        if let email { token = try await app.token(email, password: password) } else { token = nil }
    }

    @discardableResult
    func send(_ method: HTTPMethod, _ path: String, json: [String: Any]? = nil, bytes: [UInt8]? = nil,
              file: StaticString = #filePath, line: UInt = #line) async throws -> (status: HTTPStatus, json: Any?) {
        var result: (HTTPStatus, Any?) = (.internalServerError, nil)
        try await app.test(method, path, beforeRequest: { req in
            if let token { req.headers.bearerAuthorization = .init(token: token) }
            if let json {
                req.headers.contentType = .json
                req.body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: json))
            }
            if let bytes {
                req.headers.contentType = HTTPMediaType(type: "application", subType: "octet-stream")
                req.body = ByteBuffer(bytes: bytes)
            }
        }, afterResponse: { res async in
            let body = res.body.readableBytes > 0 ? try? JSONSerialization.jsonObject(with: Data(buffer: res.body), options: [.fragmentsAllowed]) : nil
            result = (res.status, body)
            XCTAssertLessThan(res.status.code, 500, "\(method) \(path): \(res.body.string)", file: file, line: line)
        })
        return result
    }
}

extension Optional where Wrapped == Any {
    subscript(key: String) -> Any? { (self as? [String: Any])?[key] }
    var array: [Any] { (self as? [Any]) ?? [] }
    var string: String? { self as? String }
    var dictionary: [String: Any] { (self as? [String: Any]) ?? [:] }
}

let applicantPassword = "a long applicant password"

/// A valid application body for tests.
func applicationBody(program: String = "esc", name: String = "Test Drilling Ltd.", email: String = "applicant@test.test",
                     industryCode: String = "06103") -> [String: Any] {
    ["programId": program, "legalName": name, "tradeName": "", "address": "1 Main St, Leduc AB", "contactName": "Ada Applicant",
     "phone": "780-555-0100", "fax": "", "email": email, "password": applicantPassword,
     "wcbAccounts": [["number": "1234567", "industryCode": industryCode, "active": true]]]
}
