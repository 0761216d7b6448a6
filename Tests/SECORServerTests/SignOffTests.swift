import Fluent
import SQLKit
@testable import SECORCore
@testable import SECORServer
import XCTest
import XCTVapor

/// Sign-offs made by the person who signs (rule A7): self from one's own account, attested
/// on the recorder's phone, reviews, the safety policy, and amendments that start unsigned.
final class SignOffTests: XCTestCase {
    private let named = ["Jordan Tremblay", "Riley Nguyen", "Chris Belanger"]

    private func flha(_ workers: [String], day: CalendarDay = .today) -> [String: Any] {
        ["kind": "flha", "occurredOn": day.iso, "occurredTime": "07:15",
         "flha": ["site": "Pad 14-22", "location": "Wellhead 2", "task": "Change out choke valve",
                  "hazards": [["hazard": "Trapped pressure", "control": "Bleed down"]], "workers": workers.map { ["name": $0] }] as [String: Any]]
    }

    private func person(_ name: String, _ app: Application) async throws -> String {
        let found = try await PersonModel.query(on: app.db).filter(\.$name == name).first()
        return try XCTUnwrap(found?.id?.uuidString, name)
    }

    private func signOffs(_ record: [String: Any], version: Int) -> [[String: Any]] {
        ((record["versions"] as? [[String: Any]])?.first { $0["version"] as? Int == version }?["signOffs"] as? [[String: Any]]) ?? []
    }

    func testThreePeopleSignFromTheirOwnAccountsAndAnAmendmentStartsUnsigned() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let supervisor = try await APIClient(app, as: "supervisor@secor.test")
            let created = try await supervisor.send(.POST, "/api/v1/employers/\(employer)/records", json: flha(["Jordan Tremblay", "Riley Nguyen", "Sam Okafor"]))
            let id = try XCTUnwrap(created.json["id"].string)
            let path = "/api/v1/employers/\(employer)/records/\(id)/signoffs"
            // Riley and Sam are told to sign; Jordan wrote it and is not told.
            let riley = try await UserModel.query(on: app.db).filter(\.$email == "worker@secor.test").first()!
            let told = try await NotificationModel.query(on: app.db).filter(\.$user.$id == riley.id!).filter(\.$readAt == nil).all()
            XCTAssertTrue(told.contains { $0.title.hasPrefix("Sign the field-level hazard assessment") }, "\(told.map(\.title))")
            for email in ["supervisor@secor.test", "worker@secor.test", "owner@secor.test"] {
                let signed = try await APIClient(app, as: email).send(.POST, path, json: ["role": "worker", "method": "self", "version": 1])
                XCTAssertEqual(signed.status, .created, email)
                XCTAssertEqual(signed.json["method"].string, "self")
                XCTAssertEqual(signed.json["version"] as? Int, 1)
            }
            // Signing reads the notice that asked for it.
            let stillUnread = try await NotificationModel.query(on: app.db).filter(\.$user.$id == riley.id!).filter(\.$readAt == nil)
                .filter(\.$link == "/employers/\(employer)/records/\(id)").count()
            XCTAssertEqual(stillUnread, 0)
            let twice = try await supervisor.send(.POST, path, json: ["role": "worker", "method": "self"])
            XCTAssertEqual(twice.status, .conflict)
            let record = try await supervisor.send(.GET, "/api/v1/employers/\(employer)/records/\(id)").json.dictionary
            let first = signOffs(record, version: 1)
            XCTAssertEqual(Set(first.compactMap { $0["name"] as? String }), ["Jordan Tremblay", "Riley Nguyen", "Sam Okafor"])
            XCTAssertTrue(first.allSatisfy { $0["recordedBy"] as? String != nil && $0["seal"] as? String != nil && $0["role"] as? String == "worker" })
            XCTAssertEqual((record["waitingFor"] as? [Any])?.count, 0)

            // A review is a sign-off of its own: it does not amend the record.
            let review = try await supervisor.send(.POST, path, json: ["role": "reviewer", "method": "self", "note": "Controls in place at 09:00"])
            XCTAssertEqual(review.status, .created)
            let noNote = try await APIClient(app, as: "owner@secor.test").send(.POST, path, json: ["role": "reviewer", "method": "self"])
            XCTAssertEqual(noNote.json["field"].string, "note")
            let workerReview = try await APIClient(app, as: "worker@secor.test").send(.POST, path, json: ["role": "reviewer", "method": "self", "note": "Fine"])
            XCTAssertEqual(workerReview.status, .badRequest)
            XCTAssertEqual(workerReview.json["field"].string, "personId")

            // An amendment is a new version with no sign-offs; the first keeps its four.
            var amended = flha(["Jordan Tremblay", "Riley Nguyen", "Sam Okafor"])
            amended["reason"] = "Added the second hazard"
            let v2 = try await supervisor.send(.POST, "/api/v1/employers/\(employer)/records/\(id)/amendments", json: amended).json.dictionary
            XCTAssertEqual(signOffs(v2, version: 2).count, 0)
            XCTAssertEqual(signOffs(v2, version: 1).count, 4)
            XCTAssertEqual((v2["waitingFor"] as? [Any])?.count, 3)
            // An amendment from version 1 after version 2 exists is refused, nothing written.
            amended["expectedVersion"] = 1
            let late = try await supervisor.send(.POST, "/api/v1/employers/\(employer)/records/\(id)/amendments", json: amended)
            XCTAssertEqual(late.status, .conflict)
            // Signing what one read before the amendment is refused.
            let stale = try await APIClient(app, as: "worker@secor.test").send(.POST, path, json: ["role": "worker", "method": "self", "version": 1])
            XCTAssertEqual(stale.status, .conflict)
            XCTAssertEqual(stale.json["field"].string, "version")
            // Rule F2 judges the newest version: unsigned again.
            let readiness = try await supervisor.send(.GET, "/api/v1/employers/\(employer)/readiness")
            let generic = (readiness.json["deductions"] as? [[String: Any]])?.first { $0["kind"] as? String == "genericFLHA" }
            XCTAssertTrue(((generic?["findings"] as? [[String: Any]]) ?? []).contains { $0["recordId"] as? String == id })
        }
    }

    func testNobodySignsForSomeoneElse() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let supervisor = try await APIClient(app, as: "supervisor@secor.test")
            let created = try await supervisor.send(.POST, "/api/v1/employers/\(employer)/records", json: flha(named + ["Dale Whitmore"]))
            let id = try XCTUnwrap(created.json["id"].string)
            let path = "/api/v1/employers/\(employer)/records/\(id)/signoffs"
            let riley = try await person("Riley Nguyen", app), chris = try await person("Chris Belanger", app)
            // Self for someone else's person: refused, naming the field.
            let forRiley = try await supervisor.send(.POST, path, json: ["role": "worker", "method": "self", "personId": riley])
            XCTAssertEqual(forRiley.status, .forbidden)
            XCTAssertEqual(forRiley.json["field"].string, "personId")
            // A person of another employer: not on this roster.
            let casey = try await person("Casey Moreau", app)
            let other = try await supervisor.send(.POST, path, json: ["role": "worker", "method": "attested", "personId": casey, "signaturePng": Self.png])
            XCTAssertEqual(other.status, .badRequest)
            XCTAssertEqual(other.json["field"].string, "personId")
            // A person who had left before the day of the work.
            let dale = try await person("Dale Whitmore", app)
            let left = try await supervisor.send(.POST, path, json: ["role": "worker", "method": "attested", "personId": dale, "signaturePng": Self.png])
            XCTAssertEqual(left.status, .badRequest)
            XCTAssertEqual(left.json["field"].string, "personId")
            XCTAssertTrue(left.json["message"].string?.contains("not on the roster") == true)
            // Attested needs a drawn signature, and a PNG at that.
            let undrawn = try await supervisor.send(.POST, path, json: ["role": "worker", "method": "attested", "personId": chris])
            XCTAssertEqual(undrawn.json["field"].string, "signature")
            let notPNG = try await supervisor.send(.POST, path, json: ["role": "worker", "method": "attested", "personId": chris, "signaturePng": "aGVsbG8="])
            XCTAssertEqual(notPNG.json["field"].string, "signature")
            // A review is never drawn on someone else's phone: a worker cannot forge the supervisor's.
            let jordanId = try await person("Jordan Tremblay", app)
            let forged = try await APIClient(app, as: "worker@secor.test").send(.POST, path, json: [
                "role": "reviewer", "method": "attested", "personId": jordanId, "note": "Looks fine", "signaturePng": Self.png])
            XCTAssertEqual(forged.status, .forbidden)
            XCTAssertEqual(forged.json["field"].string, "method")
            let forgedByAuthor = try await supervisor.send(.POST, path, json: [
                "role": "reviewer", "method": "attested", "personId": try await person("Sam Okafor", app), "note": "Fine", "signaturePng": Self.png])
            XCTAssertEqual(forgedByAuthor.json["field"].string, "method")
            // Nor does anyone but the record's author hand their phone over.
            let notAuthor = try await APIClient(app, as: "owner@secor.test").send(.POST, path, json: [
                "role": "worker", "method": "attested", "personId": chris, "signaturePng": Self.png])
            XCTAssertEqual(notAuthor.status, .forbidden)
            // Naming someone by roster id who had left, or had not started, is refused when the record is made.
            let daleId = try await person("Dale Whitmore", app)
            var namesDale = flha(["Riley Nguyen"])
            var content = namesDale["flha"] as! [String: Any]
            content["workers"] = [["name": "Dale", "personId": daleId]]
            namesDale["flha"] = content
            let leftNamed = try await supervisor.send(.POST, "/api/v1/employers/\(employer)/records", json: namesDale)
            XCTAssertEqual(leftNamed.json["field"].string, "content.workers[0].personId")
            // A ticked sign-off cannot be made any more.
            let ticked = try await supervisor.send(.POST, path, json: ["role": "worker", "method": "ticked", "personId": chris])
            XCTAssertEqual(ticked.status, .badRequest)
            // Chris signs on Jordan's phone: attested, recorded by Jordan, the drawing kept.
            let attested = try await supervisor.send(.POST, path, json: ["role": "worker", "method": "attested", "personId": chris, "signaturePng": Self.png])
            XCTAssertEqual(attested.status, .created)
            XCTAssertEqual(attested.json["method"].string, "attested")
            let jordan = try await UserModel.query(on: app.db).filter(\.$email == "supervisor@secor.test").first()!
            XCTAssertEqual(attested.json["recordedBy"].string, jordan.id?.uuidString)
            let fileId = try XCTUnwrap(attested.json["signatureFileId"].string)
            let file = try await StoredFileModel.find(UUID(uuidString: fileId), on: app.db)
            XCTAssertEqual(file?.contentType, "image/png")
            // The page says where it was signed, never as a self-signature.
            let browser = Browser(app)
            _ = try await browser.signIn("owner@secor.test")
            let page = try await browser.get("/employers/\(employer)/records/\(id)").body.string
            XCTAssertTrue(page.contains("signed on Jordan Tremblay&#39;s phone") || page.contains("signed on Jordan Tremblay's phone"), page)
            // Partner staff and other employers cannot sign at all.
            let admin = try await APIClient(app, as: "esc-admin@secor.test").send(.POST, path, json: ["role": "worker", "method": "self"])
            XCTAssertEqual(admin.status, .forbidden)
            let prairie = try await APIClient(app, as: "owner2@secor.test").send(.POST, path, json: ["role": "worker", "method": "self"])
            XCTAssertEqual(prairie.status, .notFound)
            // `secor check` recomputes every seal: a sign-off moved to another person is found.
            do { let r = try await IntegrityCheck.signedEvidence(app.db); XCTAssertEqual(r, []) }
            try await (app.db as! SQLDatabase).raw("UPDATE record_signoffs SET person_id = \(bind: UUID(uuidString: riley)!) WHERE id = \(bind: UUID(uuidString: attested.json["id"].string!)!)").run()
            let found = try await IntegrityCheck.signedEvidence(app.db)
            XCTAssertEqual(found, ["Chris Belanger's sign-off on record \(id) version 1 no longer matches its seal"])
        }
    }

    func testOnlyTheOwnerOrASeniorManagerWritesThePolicyAndItsSignerSignsIt() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let sam = try await person("Sam Okafor", app), riley = try await person("Riley Nguyen", app)
            let policy: [String: Any] = ["kind": "safetyPolicy", "occurredOn": CalendarDay.today.iso, "occurredTime": "09:00",
                                         "safetyPolicy": ["version": "6", "signerPersonId": sam, "text": "Safety first, every shift."]]
            for email in ["worker@secor.test", "supervisor@secor.test"] {
                let refused = try await APIClient(app, as: email).send(.POST, "/api/v1/employers/\(employer)/records", json: policy)
                XCTAssertEqual(refused.status, .forbidden, email)
            }
            let owner = try await APIClient(app, as: "owner@secor.test")
            var workerSigns = policy
            workerSigns["safetyPolicy"] = ["version": "6", "signerPersonId": riley, "text": "Safety first."]
            let notSenior = try await owner.send(.POST, "/api/v1/employers/\(employer)/records", json: workerSigns)
            XCTAssertEqual(notSenior.json["field"].string, "content.signerPersonId")
            let created = try await owner.send(.POST, "/api/v1/employers/\(employer)/records", json: policy)
            XCTAssertEqual(created.status, .created)
            let id = try XCTUnwrap(created.json["id"].string)
            // A worker cannot amend it either.
            var amend = policy
            amend["reason"] = "Typo"
            let amendByWorker = try await APIClient(app, as: "worker@secor.test").send(.POST, "/api/v1/employers/\(employer)/records/\(id)/amendments", json: amend)
            XCTAssertEqual(amendByWorker.status, .forbidden)
            // Its signer signs it from his own account; nobody signs it on his behalf.
            let onBehalf = try await APIClient(app, as: "supervisor@secor.test").send(.POST, "/api/v1/employers/\(employer)/records/\(id)/signoffs",
                                                                                     json: ["role": "signer", "method": "attested", "personId": sam, "signaturePng": Self.png])
            XCTAssertEqual(onBehalf.status, .forbidden)
            XCTAssertEqual(onBehalf.json["field"].string, "method")
            let signed = try await owner.send(.POST, "/api/v1/employers/\(employer)/records/\(id)/signoffs", json: ["role": "signer", "method": "self"])
            XCTAssertEqual(signed.status, .created)
            XCTAssertEqual(signed.json["role"].string, "signer")
        }
    }

    /// A 4×4 PNG drawing.
    static let png = "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAAAAACMmsGiAAAAEklEQVR42mNgYGD4z8DAwMDAAAAMBAEBm8VYPQAAAABJRU5ErkJggg=="
}
