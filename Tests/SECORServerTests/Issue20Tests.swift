import Fluent
import JWTKit
@testable import SECORServer
import SECORCore
import XCTVapor

/// Rules V1, V2: a certificate anyone can check by number, in the registry, and as a signed
/// answer that verifies with the published keys.
final class Issue20Tests: XCTestCase {
    // Rule V1: the page by number, signed out: public facts only; an unknown number says so.
    func testTheVerificationPageShowsPublicFactsOnly() async throws {
        try await withApp { app in
            let number = try await certified(app)
            let page = Browser(app)
            let known = try await page.get("/verify/\(number)")
            XCTAssertEqual(known.status, .ok)
            let html = known.body.string
            for fact in ["Northern Rig Services Ltd.", "Energy Safety Canada", number, "Active", "year 1 passed"] {
                XCTAssertTrue(html.contains(fact), "\(fact) missing")
            }
            for secret in ["Sam Okafor", "points", "Reviewed twelve months", "8812345", "Drayton Valley"] {
                XCTAssertFalse(html.contains(secret), "\(secret) shown to the public")
            }
            let unknown = try await page.get("/verify/ESC-2099-000000000")
            XCTAssertEqual(unknown.status, .notFound)
            XCTAssertTrue(unknown.body.string.contains("No SECOR certificate has the number"))
            // Cancelled: the state and its date, never the reason.
            let certificate = try await CertificateModel.query(on: app.db).first()!
            certificate.cancelledOn = CalendarDay.today.iso
            certificate.cancelReason = "Fraudulent records found"
            try await certificate.save(on: app.db)
            let cancelled = try await page.get("/verify/\(number)").body.string
            XCTAssertTrue(cancelled.contains("Cancelled") && cancelled.contains("cancelled on \(CalendarDay.today.readable)"))
            XCTAssertFalse(cancelled.contains("Fraudulent"))
        }
    }

    // Rule V2: the JWS verifies with the published key and fails when one byte of its payload changes; old keys stay published.
    func testTheSignedAnswerVerifiesWithThePublishedKeys() async throws {
        try await withApp { app in
            let number = try await certified(app)
            let anonymous = try await APIClient(app, as: nil)
            let answer = try await anonymous.send(.GET, "/api/v1/public/certificates/\(number)")
            XCTAssertEqual(answer.status, .ok, "\(String(describing: answer.json))")
            let jws = try XCTUnwrap(answer.json["jws"] as? String)
            XCTAssertEqual((answer.json["certificate"] as? [String: Any])?["state"] as? String, "active")
            var jwksText = ""
            try await app.test(.GET, "/.well-known/jwks.json") { res async in
                jwksText = res.body.string
                // A contractor's own web page may read the keys, and the facts (below).
                XCTAssertEqual(res.headers.first(name: "Access-Control-Allow-Origin"), "*")
            }
            try await app.test(.GET, "/api/v1/public/certificates/\(number)") { res async in
                XCTAssertEqual(res.headers.first(name: "Access-Control-Allow-Origin"), "*")
            }
            try await app.test(.GET, "/api/v1/me") { res async in XCTAssertNil(res.headers.first(name: "Access-Control-Allow-Origin")) }
            let keys = try await JWTKeyCollection().add(jwksJSON: jwksText)
            let verified = try await keys.verify(jws, as: PublicCertificate.self)
            XCTAssertEqual(verified.certificateNumber, number)
            XCTAssertEqual(verified.legalName, "Northern Rig Services Ltd.")
            // One byte of the payload changed: the signature no longer holds.
            let parts = jws.split(separator: ".").map(String.init)
            var payload = Array(parts[1])
            payload[10] = payload[10] == "A" ? "B" : "A"
            let tampered = [parts[0], String(payload), parts[2]].joined(separator: ".")
            do { _ = try await keys.verify(tampered, as: PublicCertificate.self); XCTFail("a tampered answer verified") } catch {}
            // secor keys rotate: the new key signs; the old proof still verifies.
            let newKid = try await VerificationKeys.rotate(on: app.db)
            let again = try await anonymous.send(.GET, "/api/v1/public/certificates/\(number)")
            let newJWS = try XCTUnwrap(again.json["jws"] as? String)
            var rotatedText = ""
            try await app.test(.GET, "/.well-known/jwks.json") { res async in rotatedText = res.body.string }
            let rotated = try await JWTKeyCollection().add(jwksJSON: rotatedText)
            _ = try await rotated.verify(jws, as: PublicCertificate.self)
            _ = try await rotated.verify(newJWS, as: PublicCertificate.self)
            let header = try JSONSerialization.jsonObject(with: Data(base64URL: String(newJWS.split(separator: ".")[0]))!) as? [String: Any]
            XCTAssertEqual(header?["kid"] as? String, newKid)
            XCTAssertEqual(header?["alg"] as? String, "EdDSA")
            let missing = try await anonymous.send(.GET, "/api/v1/public/certificates/ESC-2099-000000000")
            XCTAssertEqual(missing.status, .notFound)
        }
    }

    // The proof pack: the certificate, its state and what the employer chose; its own address.
    func testTheProofPackHoldsWhatTheEmployerChose() async throws {
        try await withApp { app in
            let number = try await certified(app)
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let ref = try await EmployerRef.load(employer, on: app.db, programs: app.programs)
            let pack = try await ProofPack.context(ref, .init(accounts: true, headline: false), linkBase: "https://secor.example", on: app.db, programs: app.programs)
            XCTAssertEqual(pack?.certificate.certificateNumber, number)
            XCTAssertEqual(pack?.address, "https://secor.example/verify/\(number)")
            XCTAssertEqual(pack?.showHeadline, false)
            XCTAssertTrue(pack?.accounts.first?.contains("8812345") ?? false)
            let withHeadline = try await ProofPack.context(ref, .init(accounts: false, headline: true), linkBase: "", on: app.db, programs: app.programs)
            XCTAssertTrue(withHeadline?.headline.contains("certification audit: passed QA") ?? false, withHeadline?.headline ?? "")
            let browser = Browser(app)
            _ = try await browser.signIn("owner@secor.test")
            let page = try await browser.get("/employers/\(employer)/proof-pack")
            XCTAssertTrue(page.body.string.contains("Download the proof pack"))
            let home = try await browser.get("/home").body.string
            XCTAssertTrue(home.contains("/verify/\(number)") && home.contains("proof-pack"), home)
            if PDFRenderer.executable() != nil {
                let pdf = try await browser.get("/employers/\(employer)/proof-pack.pdf?chosen=1&headline=on")
                XCTAssertEqual(pdf.headers.contentType?.subType, "pdf")
                XCTAssertTrue(pdf.body.string.hasPrefix("%PDF"))
            }
        }
    }

    // Rule V1: the registry by name, WCB account or number; refused past its rate.
    func testTheRegistrySearchAndItsRate() async throws {
        try await withApp(rateLimitMultiplier: 1) { app in
            let number = try await certified(app)
            let anonymous = try await APIClient(app, as: nil)
            for q in ["northern rig", "8812345", number] {
                let found = try await anonymous.send(.GET, "/api/v1/public/certificates?q=\(q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
                XCTAssertEqual(found.json.array.count, 1, "\(q): \(String(describing: found.json))")
            }
            let short = try await anonymous.send(.GET, "/api/v1/public/certificates?q=no")
            XCTAssertEqual(short.status, .badRequest)
            // Wildcards do not make a short search long enough, nor list the whole registry.
            for q in ["%25%25%25", "___", "%20%20%20", "Ri_"] {
                let wild = try await anonymous.send(.GET, "/api/v1/public/certificates?q=\(q)")
                XCTAssertEqual(wild.status, .badRequest, q)
                XCTAssertEqual(wild.json["field"] as? String, "q")
            }
            let lower = try await anonymous.send(.GET, "/api/v1/public/certificates/\(number.lowercased())")
            XCTAssertEqual(lower.status, .ok)
            let page = try await Browser(app).get("/verify?q=Northern")
            XCTAssertTrue(page.body.string.contains("/verify/\(number)"), page.body.string)
            // A partner that does not list its holders: absent from the search, still found by number.
            let esc = try await OrganisationModel.query(on: app.db).filter(\.$profileId == "esc").first()!
            esc.profileId = "acsa"
            try await esc.save(on: app.db)
            let hidden = try await anonymous.send(.GET, "/api/v1/public/certificates?q=northern")
            XCTAssertEqual(hidden.json.array.count, 0)
            let byNumber = try await anonymous.send(.GET, "/api/v1/public/certificates/\(number)")
            XCTAssertEqual(byNumber.status, .ok)
            var last = HTTPStatus.ok
            for _ in 0..<70 { last = try await anonymous.send(.GET, "/api/v1/public/certificates?q=northern").status }
            XCTAssertEqual(last, .tooManyRequests)
        }
    }
}

extension Data {
    init?(base64URL text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }
}

extension XCTestCase {
    /// Northern Rig passes a certification audit and holds a certificate; its number.
    func certified(_ app: Application) async throws -> String {
        try await backdateFirstRecord(app, employer: "Northern Rig Services Ltd.", toDaysAgo: 400)
        let (id, _, _) = try await submittedAudit(app)
        let qa = try await reviewer(app)
        try await QAService(db: app.db).save(try await loaded(app, id), checks: allMet(), answers: [:], deficiencies: [], by: qa)
        try await QAService(db: app.db).pass(try await loaded(app, id), by: qa)
        return try await CertificateModel.query(on: app.db).first()!.number
    }
}
