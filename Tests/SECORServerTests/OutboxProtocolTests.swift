import Fluent
@testable import SECORCore
@testable import SECORServer
import XCTest
import XCTVapor

/// What the phone's outbox relies on: a stored record answers with its own idempotency key
/// (and a retry with the same one), a refusal answers JSON naming every field, and an ended
/// session answers 401 instead of the sign-in page — so the outbox deletes only what is stored.
final class OutboxProtocolTests: XCTestCase {
    func testTheOutboxIsToldExactlyWhatWasStored() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let jordan = try await PersonModel.query(on: app.db).filter(\.$name == "Jordan Tremblay").first()!
            let browser = Browser(app)
            _ = try await browser.signIn("supervisor@secor.test")
            let path = "/employers/\(employer)/records/new/flha"
            let form = ["occurredOn": CalendarDay.today.iso, "occurredTime": "07:10", "idempotencyKey": "phone-key-1",
                        "site": "Pad 14-22", "location": "Wellhead 2", "task": "Change out choke valve",
                        "hazards[r0][hazard]": "Trapped pressure", "hazards[r0][control]": "Bleed down",
                        "workers[p2][personId]": jordan.id!.uuidString, "workers[x0][name]": "", "signAsMe": "worker"]
            let stored = try await browser.post(path, form: form, accept: "application/json")
            XCTAssertEqual(stored.status, .created)
            let answer = try JSONSerialization.jsonObject(with: Data(buffer: stored.body)) as? [String: Any]
            XCTAssertEqual(answer?["idempotencyKey"] as? String, "phone-key-1")
            let href = try XCTUnwrap(answer?["href"] as? String)
            // A retry (the answer was lost) stores nothing twice and says so with the same key.
            let again = try await browser.post(path, form: form, accept: "application/json")
            XCTAssertEqual(again.status, .ok)
            XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(buffer: again.body)) as? [String: Any])?["href"] as? String, href)
            let count = try await app.recordsMadeByTheTest()
            XCTAssertEqual(count, 1)
            // "Record and sign": the author's own sign-off, made once.
            let signOffs = try await SignOffModel.query(on: app.db).all()
            XCTAssertEqual(signOffs.map(\.signerName), ["Jordan Tremblay"])
            XCTAssertEqual(signOffs.first?.method, "self")

            // A refusal names every field at once, as JSON.
            let refused = try await browser.post(path, form: ["occurredOn": CalendarDay.today.iso, "occurredTime": "07:10", "idempotencyKey": "phone-key-2"],
                                                 accept: "application/json")
            XCTAssertEqual(refused.status, .badRequest)
            let body = try JSONSerialization.jsonObject(with: Data(buffer: refused.body)) as? [String: Any]
            let fields = (body?["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
            XCTAssertEqual(fields, ["content.site", "content.location", "content.task", "content.hazards[0].hazard", "content.workers[0].name"])
            // Without JSON, the same refusal is the form again, every error beside its field.
            let page = try await browser.post(path, form: ["occurredOn": CalendarDay.today.iso, "occurredTime": "07:10"])
            XCTAssertEqual(page.status, .badRequest)
            XCTAssertTrue(page.body.string.contains("5 things to fix"), page.body.string)
            XCTAssertEqual(page.body.string.components(separatedBy: "class=\"field-error\">").count - 1, 5)

            // The session ends: the outbox hears 401 (or the form token refused), never a sign-in page it could take for success.
            let state = try await browser.get("/session/state")
            XCTAssertTrue(state.body.string.contains("\"signedIn\":true"))
            _ = try await browser.post("/sign-out", form: [:])
            let signedOut = try await browser.get("/session/state")
            XCTAssertTrue(signedOut.body.string.contains("\"signedIn\":false"))
            let late = try await browser.post(path, form: form.merging(["idempotencyKey": "phone-key-3"]) { $1 }, accept: "application/json")
            XCTAssertTrue([.unauthorized, .forbidden].contains(late.status), "\(late.status)")
            XCTAssertNil(late.headers.first(name: .location))
            XCTAssertEqual(late.headers.contentType, .json)
            let after = try await app.recordsMadeByTheTest()
            XCTAssertEqual(after, 1)
        }
    }

    // Two people amend the same version: the second is told, not silently written over the first.
    func testAnAmendmentFromAnOlderVersionIsRefused() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let browser = Browser(app)
            _ = try await browser.signIn("supervisor@secor.test")
            let form = ["occurredOn": CalendarDay.today.iso, "occurredTime": "07:10", "site": "Pad 14-22", "location": "Wellhead 2",
                        "task": "Change out choke valve", "hazards[r0][hazard]": "Trapped pressure", "hazards[r0][control]": "Bleed down",
                        "workers[x0][name]": "Riley Nguyen", "idempotencyKey": "k-amend"]
            let created = try await browser.post("/employers/\(employer)/records/new/flha", form: form, accept: "application/json")
            let id = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(buffer: created.body)) as? [String: Any])?["recordId"] as? String)
            let amend = "/employers/\(employer)/records/\(id)/amend"
            let first = try await browser.post(amend, form: form.merging(["recordVersion": "1", "reason": "Location was Wellhead 3", "location": "Wellhead 3"]) { $1 })
            XCTAssertEqual(first.status, .seeOther)
            let second = try await browser.post(amend, form: form.merging(["recordVersion": "1", "reason": "Added notes", "notes": "Wind NW"]) { $1 })
            XCTAssertEqual(second.status, .conflict)
            XCTAssertTrue(second.body.string.contains("amended by someone else"))
            let versions = try await app.versionsMadeByTheTest()
            XCTAssertEqual(versions, 2)
        }
    }
}
