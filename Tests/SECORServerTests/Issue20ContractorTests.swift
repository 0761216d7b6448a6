import Fluent
import NIOConcurrencyHelpers
@testable import SECORServer
import SECORCore
import Vapor
import XCTVapor

/// Rule V3: prime contractors sign up (email confirmed), watch their subcontractors and are
/// told of changes in the app, by email and by a signed webhook that is retried.
final class Issue20ContractorTests: XCTestCase {
    /// Signs a contractor up through the pages and confirms it from the emailed link; the browser is signed in.
    private func signedUpContractor(_ app: Application, email: String = "buyer@prime.test") async throws -> Browser {
        let browser = Browser(app)
        let asked = try await browser.post("/contractors/sign-up", form: ["company": "Prime Energy Corp.", "name": "Lee Buyer", "email": email,
                                                                         "password": "a long contractor password", "confirmPassword": "a long contractor password"])
        XCTAssertEqual(asked.status, .ok)
        XCTAssertTrue(asked.body.string.contains("Check your email"))
        let mail = try await EmailOutboxModel.query(on: app.db).filter(\.$recipient == email).first()
        let body = try XCTUnwrap(mail?.body)
        let range = try XCTUnwrap(body.range(of: "/contractors/confirm/"))
        let token = String(body[range.upperBound...].prefix { !$0.isWhitespace })
        // Until the link is used there is no account to sign in with.
        let signInBefore = try await Browser(app).signIn(email, password: "a long contractor password").status
        XCTAssertEqual(signInBefore, .unauthorized)
        let confirmPage = try await browser.get("/contractors/confirm/\(token)").status
        XCTAssertEqual(confirmPage, .ok)
        let confirmed = try await browser.post("/contractors/confirm/\(token)", form: [:])
        XCTAssertEqual(confirmed.headers.first(name: .location), "/watch")
        // Once only.
        let reused = try await Browser(app).post("/contractors/confirm/\(token)", form: [:]).status
        XCTAssertEqual(reused, .gone)
        return browser
    }

    // Rule V3: sign-up confirmed by email; bad input names its field; an address with an account is not revealed.
    func testAContractorSignsUpWithAConfirmedEmail() async throws {
        try await withApp { app in
            let browser = try await signedUpContractor(app)
            let watch = try await browser.get("/watch")
            XCTAssertEqual(watch.status, .ok, watch.body.string)
            XCTAssertTrue(watch.body.string.contains("Prime Energy Corp."))
            let user = try await UserModel.query(on: app.db).filter(\.$email == "buyer@prime.test").first()!
            XCTAssertEqual(user.role, Role.contractor.rawValue)
            let organisationKind = try await OrganisationModel.find(user.$organisation.id, on: app.db)?.kind
            XCTAssertEqual(organisationKind, OrganisationKind.contractor.rawValue)

            let bad = try await Browser(app).post("/contractors/sign-up", form: ["company": "", "name": "X", "email": "not-an-email",
                                                                               "password": "short", "confirmPassword": "other"])
            XCTAssertEqual(bad.status, .badRequest)
            for field in ["company-error", "email-error", "password-error", "confirmPassword-error"] {
                XCTAssertTrue(bad.body.string.contains("id=\"\(field)\""), field)
            }
            XCTAssertTrue(bad.body.string.contains("value=\"X\""), "typed work kept")
            // An address with an account: the same answer, and an email that says to sign in.
            let taken = try await Browser(app).post("/contractors/sign-up", form: ["company": "Someone", "name": "Sam", "email": "owner@secor.test",
                                                                                 "password": "a long contractor password", "confirmPassword": "a long contractor password"])
            XCTAssertEqual(taken.status, .ok)
            XCTAssertTrue(taken.body.string.contains("Check your email"))
            let mail = try await EmailOutboxModel.query(on: app.db).filter(\.$recipient == "owner@secor.test").sort(\.$createdAt, .descending).first()
            XCTAssertTrue(mail?.body.contains("has an account already") ?? false)
            let takenSignUps = try await ContractorSignUpModel.query(on: app.db).filter(\.$email == "owner@secor.test").count()
            XCTAssertEqual(takenSignUps, 0)
        }
    }

    // Rule V3: a contractor sees public facts only, and only its own list; others cannot see or touch it.
    func testAContractorSeesPublicFactsOnly() async throws {
        try await withApp { app in
            let number = try await certified(app)
            let contractor = try await APIClient(app, as: "contractor@secor.test")
            let added = try await contractor.send(.POST, "/api/v1/watch", json: ["kind": "certificate", "value": number.lowercased(), "label": "Rig crew"])
            XCTAssertEqual(added.status, .created, "\(String(describing: added.json))")
            XCTAssertEqual((added.json["certificate"] as? [String: Any])?["state"] as? String, "active")
            let duplicate = try await contractor.send(.POST, "/api/v1/watch", json: ["kind": "certificate", "value": number]).status
            XCTAssertEqual(duplicate, .conflict)
            let unknown = try await contractor.send(.POST, "/api/v1/watch", json: ["kind": "certificate", "value": "ESC-2099-0000"])
            XCTAssertEqual(unknown.status, .unprocessableEntity)
            XCTAssertEqual(unknown.json["field"] as? String, "value")
            // The list, its CSV and the employer's data.
            let list = try await contractor.send(.GET, "/api/v1/watch")
            let text = String(describing: list.json)
            XCTAssertTrue(text.contains(number) && text.contains("Northern Rig Services Ltd."))
            for secret in ["Sam Okafor", "8812345 ", "points", "Drayton Valley"] { XCTAssertFalse(text.contains(secret), secret) }
            var csv = ""
            try await app.test(.GET, "/api/v1/watch/export", beforeRequest: { req in req.headers.bearerAuthorization = .init(token: contractor.token!) },
                               afterResponse: { res async in csv = res.body.string })
            XCTAssertTrue(csv.hasPrefix("Your name for them,Watched by"))
            XCTAssertTrue(csv.contains("Rig crew,Certificate,\(number),Northern Rig Services Ltd."))
            XCTAssertTrue(csv.contains(",active,Active,"))
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            for path in ["/api/v1/employers/\(employer)", "/api/v1/employers/\(employer)/people", "/api/v1/employers/\(employer)/records"] {
                let employerData = try await contractor.send(.GET, path).status
                XCTAssertEqual(employerData, .notFound, path)
            }
            // Another contractor neither sees nor removes the entry; employer people are refused the list.
            _ = try await signedUpContractor(app, email: "rival@prime.test")
            let rival = try await APIClient(app, as: "rival@prime.test", password: "a long contractor password")
            let rivalList = try await rival.send(.GET, "/api/v1/watch").json
            XCTAssertEqual(String(describing: rivalList).contains(number), false)
            let entryId = try XCTUnwrap(added.json["id"] as? String)
            let rivalRemoves = try await rival.send(.DELETE, "/api/v1/watch/entries/\(entryId)").status
            XCTAssertEqual(rivalRemoves, .notFound)
            let ownerAsks = try await APIClient(app, as: "owner@secor.test").send(.GET, "/api/v1/watch").status
            XCTAssertEqual(ownerAsks, .forbidden)
            let removed = try await contractor.send(.DELETE, "/api/v1/watch/entries/\(entryId)").status
            XCTAssertEqual(removed, .noContent)
        }
    }

    // Rule V3: a certification and a cancellation today are told within the half-minute job, not at the next full sweep.
    func testTodaysCertificationAndCancellationAreToldAtOnce() async throws {
        try await withApp { app in
            // The demo contractor watches Northern Rig by its WCB account, before it is certified.
            let number = try await certified(app)
            let sweep = WatchSweep(db: app.db, programs: app.programs)
            let certifiedNow = try await sweep.runForCertificatesChangedToday()
            XCTAssertEqual(certifiedNow, 1)
            let admin = try CurrentUser(try await UserModel.query(on: app.db).filter(\.$email == "esc-admin@secor.test").first()!)
            let certificate = try await CertificateModel.query(on: app.db).filter(\.$number == number).first()!
            try await CycleService(db: app.db).cancelCertificate(try certificate.requireID(), reason: "Records falsified", by: admin)
            let cancelledNow = try await sweep.runForCertificatesChangedToday()
            XCTAssertEqual(cancelledNow, 1)
            let again = try await sweep.runForCertificatesChangedToday()
            XCTAssertEqual(again, 0, "told once")
            let contractor = try await UserModel.query(on: app.db).filter(\.$email == "contractor@secor.test").first()!
            let titles = try await NotificationModel.query(on: app.db).filter(\.$user.$id == contractor.requireID()).sort(\.$createdAt).all().map(\.title)
            XCTAssertEqual(titles, ["Northern Rig Services Ltd.: Certified", "Northern Rig Services Ltd.: Cancelled"])
            // The reason stays with the partner: the contractor is told the state and nothing more.
            let bodies = try await NotificationModel.query(on: app.db).filter(\.$user.$id == contractor.requireID()).all().map(\.body).joined()
            XCTAssertFalse(bodies.contains("falsified"))
        }
    }

    // Rule V3: a watched number has one spelling; what could never match is refused, naming the field.
    func testWatchedNumbersHaveOneSpelling() throws {
        XCTAssertEqual(try WatchListService.number("１２３４ ５６７", .wcbAccount), "1234567")
        XCTAssertEqual(try WatchListService.number("12-345-67", .wcbAccount), "1234567")
        XCTAssertEqual(try WatchListService.number("esc-2026-405127854", .certificate), "ESC-2026-405127854")
        for bad in ["1234\u{200B}567", "abc-def!@#", "=1+1", "<script>", "123", String(repeating: "1", count: 16)] {
            XCTAssertThrowsError(try WatchListService.number(bad, .wcbAccount), bad) { XCTAssertEqual(($0 as? AppError)?.status, .unprocessableEntity) }
        }
        for bad in ["ESC 2026", "ESC‮-1", "ab", "=HYPERLINK(1)"] {
            XCTAssertThrowsError(try WatchListService.number(bad, .certificate), bad) { XCTAssertEqual(($0 as? AppError)?.field, "value") }
        }
    }

    // Rule V3: webhooks go to public https addresses only, unless the server allows local receivers.
    func testWebhookAddresses() throws {
        for bad in ["http://hooks.example.com/x", "https://127.0.0.1/x", "https://10.1.2.3/x", "https://192.168.0.5/x", "https://172.20.0.1/x",
                    "https://169.254.169.254/latest", "https://localhost/x", "https://[::1]/x", "https://intranet/x", "https://user:pw@hooks.example.com/x",
                    "ftp://hooks.example.com/x", "hooks.example.com"] {
            XCTAssertThrowsError(try WebhookAddress.check(bad, allowLocal: false), bad) { XCTAssertEqual(($0 as? AppError)?.field, "url") }
        }
        XCTAssertEqual(try WebhookAddress.check("https://hooks.example.com/secor?x=1", allowLocal: false), "https://hooks.example.com/secor?x=1")
        XCTAssertNoThrow(try WebhookAddress.check("http://127.0.0.1:9000/hook", allowLocal: true))
        // Other spellings of loopback, and ranges a receiver never is on.
        for bad in ["https://127.1/x", "https://0177.0.0.1/x", "https://0x7f.0.0.1/x", "https://[0:0:0:0:0:0:0:1]/x", "https://[::127.0.0.1]/x",
                    "https://[::ffff:127.0.0.1]/x", "https://198.18.0.1/", "https://224.0.0.1/", "https://100.64.0.1/", "https://hooks.example.com:99999/x"] {
            XCTAssertThrowsError(try WebhookAddress.check(bad, allowLocal: false), bad)
        }
        // A name is judged by what it resolves to.
        XCTAssertTrue(WebhookAddress.isLocal(host: "127.1"))
        XCTAssertFalse(WebhookAddress.isLocal(address: "203.0.114.9"))
    }

    // Rule V3: a watched certificate that lapses in a sweep sends exactly one signed webhook;
    // a failing receiver is retried after the back-off, and every try is logged with its answer.
    func testALapseInTheSweepSendsOneSignedWebhookAndAFailingReceiverIsRetried() async throws {
        let receiver = try await Receiver.start(failing: 1)
        do {
            try await withApp { app in
                let number = try await certified(app)
                _ = try await signedUpContractor(app)
                let contractor = try await APIClient(app, as: "buyer@prime.test", password: "a long contractor password")
                let watched = try await contractor.send(.POST, "/api/v1/watch", json: ["kind": "certificate", "value": number]).status
                XCTAssertEqual(watched, .created)
                let hook = try await contractor.send(.PUT, "/api/v1/watch/webhook", json: ["url": receiver.url])
                XCTAssertEqual(hook.status, .ok, "\(String(describing: hook.json))")
                let secret = try XCTUnwrap(hook.json["secret"] as? String)

                // The day after the first maintenance month's grace ends.
                let profile = try XCTUnwrap(app.programs.profile("esc"))
                let certificate = try await CertificateModel.query(on: app.db).filter(\.$number == number).first()!
                let due = CertificateCycle(profile: profile).maintenanceDue(expiry: try CalendarDay(iso: certificate.expiresOn))[0]
                let lapseDay = due.adding(days: (profile.maintenanceGraceDays ?? 0) + 1)
                let sweep = try await DeadlineSweep(db: app.db, programs: app.programs).run(today: lapseDay)
                XCTAssertGreaterThanOrEqual(sweep.watchChanges, 1)
                let start = Date()
                let sender = WebhookSender(db: app.db, client: app.client, allowLocal: true)
                // The receiver fails the first try: kept, with its answer, for a minute later.
                let firstTry = try await sender.run(now: start)
                XCTAssertEqual(firstTry, .init(delivered: 0, failed: 1))
                let beforeBackOff = try await sender.run(now: start.addingTimeInterval(30))
                XCTAssertEqual(beforeBackOff, .init(), "not before the back-off")
                let retried = try await sender.run(now: start.addingTimeInterval(61))
                XCTAssertEqual(retried, .init(delivered: 1, failed: 0))
                // A second sweep finds nothing new: still exactly one delivery.
                _ = try await DeadlineSweep(db: app.db, programs: app.programs).run(today: lapseDay.adding(days: 1))
                let afterSecondSweep = try await sender.run(now: start.addingTimeInterval(3600))
                XCTAssertEqual(afterSecondSweep, .init())

                let got = receiver.requests
                XCTAssertEqual(got.count, 2, "one failed try and one delivery")
                XCTAssertEqual(Set(got.map(\.delivery)).count, 1, "the same delivery both times")
                for request in got {
                    XCTAssertTrue(WebhookSignature.verify(header: request.signature, body: request.body, secret: secret), request.signature)
                    XCTAssertFalse(WebhookSignature.verify(header: request.signature, body: request.body + " ", secret: secret))
                    XCTAssertEqual(request.event, "certificate.lapsed")
                }
                let payload = try JSONSerialization.jsonObject(with: Data(got[0].body.utf8)) as? [String: Any]
                XCTAssertEqual((payload?["certificate"] as? [String: Any])?["state"] as? String, "lapsed")
                XCTAssertEqual((payload?["previous"] as? [String: Any])?["state"] as? String, "active")

                let log = try await contractor.send(.GET, "/api/v1/watch/webhook/deliveries")
                let delivery = try XCTUnwrap((log.json as? [[String: Any]])?.first)
                XCTAssertEqual(delivery["state"] as? String, "delivered")
                XCTAssertEqual((delivery["attempts"] as? [[String: Any]])?.compactMap { $0["statusCode"] as? Int }, [500, 200])
                // In the app (and so by email) too, once.
                let user = try await UserModel.query(on: app.db).filter(\.$email == "buyer@prime.test").first()!
                let notices = try await NotificationModel.query(on: app.db).filter(\.$user.$id == user.requireID()).all()
                XCTAssertEqual(notices.map(\.title), ["Northern Rig Services Ltd.: Lapsed"])
                let emails = try await EmailOutboxModel.query(on: app.db).filter(\.$recipient == "buyer@prime.test")
                    .filter(\.$subject == "SECOR: Northern Rig Services Ltd.: Lapsed").count()
                XCTAssertEqual(emails, 1)
                // A redirect is the receiver's answer: logged and retried, never followed.
                _ = try await contractor.send(.PUT, "/api/v1/watch/webhook", json: ["url": receiver.url.replacingOccurrences(of: "/hook", with: "/moved")])
                let ping = try await WatchListService(db: app.db, programs: app.programs)
                    .sendTest(by: CurrentUser(try await UserModel.query(on: app.db).filter(\.$email == "buyer@prime.test").first()!))
                let redirected = try await sender.run(now: start.addingTimeInterval(7200))
                XCTAssertEqual(redirected, .init(delivered: 0, failed: 1))
                let pingTries = try await WebhookAttemptModel.query(on: app.db).filter(\.$deliveryId == ping.requireID()).all()
                XCTAssertEqual(pingTries.map(\.statusCode), [307])
                XCTAssertEqual(receiver.requests.count, 2, "the redirect was not followed")
            }
        } catch {
            try await receiver.stop()
            throw error
        }
        try await receiver.stop()
    }
}

/// A webhook receiver on a loopback port: answers 500 to its first `failing` requests, then 200.
final class Receiver: Sendable {
    struct Got: Sendable {
        var signature: String
        var delivery: String
        var event: String
        var body: String
    }

    let app: Application
    let url: String
    private let got: NIOLockedValueBox<[Got]>
    var requests: [Got] { got.withLockedValue { $0 } }

    private init(app: Application, url: String, got: NIOLockedValueBox<[Got]>) {
        self.app = app
        self.url = url
        self.got = got
    }

    static func start(failing: Int) async throws -> Receiver {
        let app = try await Application.make(.testing)
        let got = NIOLockedValueBox<[Got]>([])
        app.post("hook") { req -> Response in
            let body = req.body.string ?? ""
            let count = got.withLockedValue {
                $0.append(Got(signature: req.headers.first(name: WebhookSignature.header) ?? "", delivery: req.headers.first(name: "X-SECOR-Delivery") ?? "",
                              event: req.headers.first(name: "X-SECOR-Event") ?? "", body: body))
                return $0.count
            }
            return Response(status: count <= failing ? .internalServerError : .ok, body: .init(string: count <= failing ? "down for maintenance" : "ok"))
        }
        // A receiver that sends the delivery elsewhere: the server must not follow.
        app.post("moved") { _ -> Response in
            Response(status: .temporaryRedirect, headers: ["Location": "/hook"])
        }
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = 0
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = try XCTUnwrap(app.http.server.shared.localAddress?.port)
        return Receiver(app: app, url: "http://127.0.0.1:\(port)/hook", got: got)
    }

    func stop() async throws {
        await app.server.shutdown()
        try await app.asyncShutdown()
    }
}
