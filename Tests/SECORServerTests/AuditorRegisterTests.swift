@testable import SECORServer
import SECORCore
import XCTVapor

final class AuditorRegisterTests: XCTestCase {
    // Found by the fuzzer: the same account put on the register twice hit the unique
    // index and answered 500; it is a 409 naming the email, and the register keeps one.
    func testTheSameAuditorTwiceIsAConflict() async throws {
        try await withApp { app in
            let admin = try await APIClient(app, as: "esc-admin@secor.test")
            let entry: (String) -> [String: Any] = { number in
                ["name": "Pat Entry", "email": "pat@auditors.test", "certificationNumber": number,
                 "standing": "goodStanding", "validUntil": CalendarDay.today.adding(years: 1).iso, "courses": [String: String]()]
            }
            let first = try await admin.send(.POST, "/api/v1/auditors", json: entry("EA-900"))
            XCTAssertEqual(first.status, .created)
            let second = try await admin.send(.POST, "/api/v1/auditors", json: entry("EA-901"))
            XCTAssertEqual(second.status, .conflict)
            XCTAssertEqual(second.json["field"].string, "email")
            let register = try await admin.send(.GET, "/api/v1/auditors")
            let pats = register.json.array.filter { ($0 as? [String: Any])?["name"] as? String == "Pat Entry" }
            XCTAssertEqual(pats.count, 1)
        }
    }
}
