import Fluent
import Foundation
@testable import SECORCore
@testable import SECORServer
import Vapor
import XCTest
import XCTVapor

/// Issue 15: real organisations from an empty database — partner set-up, invitations,
/// roles, deactivation, password reset, safe sign-in.
final class AccountLifecycleTests: XCTestCase {
    static let goodPassword = "a long crew password 42"

    /// A roster person of Northern Rig with no account, for an invitation.
    func newPerson(_ app: Application, name: String = "Terry Newhand", end: String? = nil) async throws -> PersonModel {
        let person = PersonModel()
        person.$employer.id = try await app.organisationId(named: "Northern Rig Services Ltd.")
        person.name = name
        person.category = PersonCategory.worker.rawValue
        person.fullTime = true
        person.familiarWithOperation = false
        person.jobRole = "Operator"
        person.startDate = CalendarDay.today.adding(years: -1).iso
        person.endDate = end
        try await person.create(on: app.db)
        return person
    }

    /// The token at the end of a link.
    func token(of link: String) -> String { String(link.split(separator: "/").last ?? "") }

    func testAnOwnerInvitesAWorkerWithoutEmailWhoAcceptsAndRecords() async throws {
        try await withApp { app in
            let person = try await newPerson(app)
            let owner = try await APIClient(app, as: "owner@secor.test")
            let created = try await owner.send(.POST, "/api/v1/invitations", json: ["role": "worker", "personId": person.id!.uuidString])
            XCTAssertEqual(created.status, .created)
            let link = try XCTUnwrap(created.json["link"].string)
            // Stored hashed: the token is nowhere in the database.
            let row = try await InvitationModel.query(on: app.db).first()!
            XCTAssertEqual(row.tokenHash, AccountService.hash(token: token(of: link)))
            XCTAssertFalse(row.tokenHash.contains(token(of: link)))
            // The invitation had no email: accepting asks for one.
            let noEmail = try await APIClient(app, as: nil).send(.POST, "/api/v1/invitations/\(token(of: link))/acceptance",
                                                                 json: ["password": Self.goodPassword])
            XCTAssertEqual(noEmail.status, .badRequest)
            XCTAssertEqual(noEmail.json["field"].string, "email")
            let accepted = try await APIClient(app, as: nil).send(.POST, "/api/v1/invitations/\(token(of: link))/acceptance",
                                                                  json: ["password": Self.goodPassword, "email": "terry@crew.test"])
            XCTAssertEqual(accepted.status, .created)
            XCTAssertEqual(accepted.json["user"]["role"].string, "worker")
            // The account is the roster person's, and can record field work.
            let linked = try await PersonModel.find(person.id, on: app.db)
            XCTAssertNotNil(linked?.userId)
            let worker = try await APIClient(app, as: "terry@crew.test", password: Self.goodPassword)
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let record = try await worker.send(.POST, "/api/v1/employers/\(employer)/records", json: AccessMatrixTests.flha)
            XCTAssertEqual(record.status, .created)
            // Used: the link works once.
            let again = try await APIClient(app, as: nil).send(.POST, "/api/v1/invitations/\(token(of: link))/acceptance",
                                                               json: ["password": Self.goodPassword, "email": "other@crew.test"])
            XCTAssertEqual(again.status, .gone)
            // The owner sees it accepted and is told.
            let list = try await owner.send(.GET, "/api/v1/invitations")
            XCTAssertEqual((list.json.array.first as? [String: Any])?["state"] as? String, "accepted")
        }
    }

    func testExpiredAndWithdrawnInvitationsAreRefused() async throws {
        try await withApp { app in
            let owner = try await APIClient(app, as: "owner@secor.test")
            let first = try await newPerson(app, name: "Expiring Person")
            let second = try await newPerson(app, name: "Withdrawn Person")
            let expiring = try await owner.send(.POST, "/api/v1/invitations", json: ["role": "worker", "personId": first.id!.uuidString])
            try await InvitationModel.query(on: app.db).filter(\.$personId == first.id).set(\.$expiresAt, to: Date().addingTimeInterval(-1)).update()
            let expired = try await APIClient(app, as: nil).send(.POST, "/api/v1/invitations/\(token(of: expiring.json["link"].string!))/acceptance",
                                                                 json: ["password": Self.goodPassword, "email": "late@crew.test"])
            XCTAssertEqual(expired.status, .gone)
            XCTAssertTrue(expired.json["message"].string?.contains("expired") == true)

            let withdrawn = try await owner.send(.POST, "/api/v1/invitations", json: ["role": "supervisor", "personId": second.id!.uuidString,
                                                                                  "email": "sup2@crew.test"])
            let id = try XCTUnwrap(withdrawn.json["id"].string)
            let deleted = try await owner.send(.DELETE, "/api/v1/invitations/\(id)")
            XCTAssertEqual(deleted.status, .noContent)
            let refused = try await APIClient(app, as: nil).send(.POST, "/api/v1/invitations/\(token(of: withdrawn.json["link"].string!))/acceptance",
                                                                 json: ["password": Self.goodPassword])
            XCTAssertEqual(refused.status, .gone)
            XCTAssertTrue(refused.json["message"].string?.contains("withdrawn") == true)
            // A withdrawn invitation cannot be withdrawn again; an unknown link is 404.
            let twice = try await owner.send(.DELETE, "/api/v1/invitations/\(id)")
            XCTAssertEqual(twice.status, .conflict)
            let unknown = try await APIClient(app, as: nil).send(.POST, "/api/v1/invitations/not-a-token/acceptance", json: ["password": Self.goodPassword])
            XCTAssertEqual(unknown.status, .notFound)
            // The email went to the outbox, with the link.
            let mail = try await EmailOutboxModel.query(on: app.db).filter(\.$recipient == "sup2@crew.test").first()
            XCTAssertTrue(mail?.body.contains(withdrawn.json["link"].string!) == true)
        }
    }

    func testAnOwnerCannotInviteIntoAnotherEmployerOrGiveAPartnerRole() async throws {
        try await withApp { app in
            let owner = try await APIClient(app, as: "owner@secor.test")
            let prairie = try await app.organisationId(named: "Prairie Roofing Co.")
            let theirs = try await PersonModel.query(on: app.db).filter(\.$employer.$id == prairie).first()!
            let other = try await owner.send(.POST, "/api/v1/invitations", json: ["role": "worker", "personId": theirs.id!.uuidString])
            XCTAssertEqual(other.status, .badRequest)
            XCTAssertEqual(other.json["field"].string, "personId")
            let mine = try await newPerson(app)
            for role in ["partnerAdmin", "qaReviewer"] {
                let partnerRole = try await owner.send(.POST, "/api/v1/invitations", json: ["role": role, "personId": mine.id!.uuidString])
                XCTAssertEqual(partnerRole.status, .forbidden, role)
            }
            // A worker invites nobody; a supervisor invites workers only.
            let worker = try await APIClient(app, as: "worker@secor.test")
            let byWorker = try await worker.send(.POST, "/api/v1/invitations", json: ["role": "worker", "personId": mine.id!.uuidString])
            XCTAssertEqual(byWorker.status, .forbidden)
            let supervisor = try await APIClient(app, as: "supervisor@secor.test")
            let supervisorRole = try await supervisor.send(.POST, "/api/v1/invitations", json: ["role": "supervisor", "personId": mine.id!.uuidString])
            XCTAssertEqual(supervisorRole.status, .forbidden)
            // Someone who has left cannot be invited.
            let gone = try await newPerson(app, name: "Left Already", end: CalendarDay.today.adding(days: -1).iso)
            let left = try await owner.send(.POST, "/api/v1/invitations", json: ["role": "worker", "personId": gone.id!.uuidString])
            XCTAssertEqual(left.status, .conflict)  // the person's state, not the request's form
            // A partner admin invites staff, not crew.
            let admin = try await APIClient(app, as: "esc-admin@secor.test")
            let crew = try await admin.send(.POST, "/api/v1/invitations", json: ["role": "worker", "email": "x@y.test", "name": "X"])
            XCTAssertEqual(crew.status, .forbidden)
            let staff = try await admin.send(.POST, "/api/v1/invitations", json: ["role": "qaReviewer", "email": "qa2@esc.test", "name": "Second Reviewer"])
            XCTAssertEqual(staff.status, .created)
        }
    }

    // A common password is refused with a message that says why.
    func testACommonPasswordIsRefusedWithTheReason() async throws {
        try await withApp { app in
            let person = try await newPerson(app)
            let owner = try await APIClient(app, as: "owner@secor.test")
            let link = try await owner.send(.POST, "/api/v1/invitations", json: ["role": "worker", "personId": person.id!.uuidString]).json["link"].string!
            for weak in ["password1234", "qwertyuiop123", "iloveyou1234", "dragon2024!!"] {
                let answer = try await APIClient(app, as: nil).send(.POST, "/api/v1/invitations/\(token(of: link))/acceptance",
                                                                    json: ["password": weak, "email": "weak@crew.test"])
                XCTAssertEqual(answer.status, .unprocessableEntity)  // a well-formed password the policy refuses
                XCTAssertEqual(answer.json["field"].string, "password")
                XCTAssertTrue(answer.json["message"].string?.contains("most common passwords") == true, weak)
            }
            XCTAssertGreaterThanOrEqual(PasswordPolicy.common.count, 9_900)
            XCTAssertThrowsError(try PasswordPolicy.check("short", field: "password"))
            XCTAssertThrowsError(try PasswordPolicy.check("elevenchars", field: "password"))  // 11
            XCTAssertNoThrow(try PasswordPolicy.check("twelve chars", field: "password"))      // 12
            XCTAssertNoThrow(try PasswordPolicy.check("mysecretpass123", field: "password"))
            XCTAssertThrowsError(try PasswordPolicy.check("aaaaaaaaaaaaaaaa", field: "password"))
        }
    }

    func testAResetTokenWorksOnceAndEndsEverySessionAndToken() async throws {
        try await withApp { app in
            let before = try await app.token("supervisor@secor.test")
            let browser = Browser(app)
            _ = try await browser.signIn("supervisor@secor.test")
            do { let value = try await browser.get("/home").status; XCTAssertEqual(value, .ok) }
            // 202 whatever the email.
            let anonymous = try await APIClient(app, as: nil)
            for email in ["supervisor@secor.test", "nobody@nowhere.test"] {
                let asked = try await anonymous.send(.POST, "/api/v1/password-resets", json: ["email": email])
                XCTAssertEqual(asked.status, .accepted)
            }
            let mails = try await EmailOutboxModel.query(on: app.db).filter(\.$subject == "SECOR: Reset your password").all()
            XCTAssertEqual(mails.map(\.recipient), ["supervisor@secor.test"])
            let body = mails[0].body
            let link = try XCTUnwrap(body.split(separator: "\n").first { $0.contains("/password-reset/") }).trimmingCharacters(in: .whitespaces)
            let token = self.token(of: link)
            let reset = try await anonymous.send(.POST, "/api/v1/password-resets/\(token)", json: ["password": Self.goodPassword])
            XCTAssertEqual(reset.status, .noContent)
            let twice = try await anonymous.send(.POST, "/api/v1/password-resets/\(token)", json: ["password": "another long password 9"])
            XCTAssertEqual(twice.status, .gone)
            // The old token and the page session ended; the new password signs in, the old does not.
            try await app.test(.GET, "/api/v1/me", headers: ["Authorization": "Bearer \(before)"]) { res async in
                XCTAssertEqual(res.status, .unauthorized)
            }
            let home = try await browser.get("/home")
            XCTAssertEqual(home.status, .seeOther)
            XCTAssertTrue(home.headers.first(name: .location)?.hasPrefix("/sign-in") == true)
            _ = try await app.token("supervisor@secor.test", password: Self.goodPassword)
            let old = try await anonymous.send(.POST, "/api/v1/sessions", json: ["email": "supervisor@secor.test", "password": TestAccounts.password])
            XCTAssertEqual(old.status, .unauthorized)
        }
    }

    func testAnExpiredResetTokenIsRefused() async throws {
        try await withApp { app in
            let user = try await UserModel.query(on: app.db).filter(\.$email == "worker@secor.test").first()!
            let row = PasswordResetModel()
            row.userId = try user.requireID()
            row.tokenHash = AccountService.hash(token: "expired-token")
            row.expiresAt = Date().addingTimeInterval(-1)
            try await row.create(on: app.db)
            let answer = try await APIClient(app, as: nil).send(.POST, "/api/v1/password-resets/expired-token", json: ["password": Self.goodPassword])
            XCTAssertEqual(answer.status, .gone)
        }
    }

    func testChangingThePasswordEndsEveryOtherSessionButThisOne() async throws {
        try await withApp { app in
            let here = Browser(app), elsewhere = Browser(app)
            _ = try await here.signIn("worker@secor.test")
            _ = try await elsewhere.signIn("worker@secor.test")
            let token = try await app.token("worker@secor.test")
            let feed = try await CalendarFeed(db: app.db, programs: app.programs).renew(for: try CurrentUser(
                try await UserModel.query(on: app.db).filter(\.$email == "worker@secor.test").first()!))
            let changed = try await here.post("/account/password", form: ["currentPassword": TestAccounts.password,
                                                                       "newPassword": Self.goodPassword, "confirmPassword": Self.goodPassword])
            XCTAssertEqual(changed.status, .seeOther)
            do { let value = try await here.get("/home").status; XCTAssertEqual(value, .ok) }
            do { let value = try await elsewhere.get("/home").status; XCTAssertEqual(value, .seeOther) }
            try await app.test(.GET, "/api/v1/me", headers: ["Authorization": "Bearer \(token)"]) { res async in
                XCTAssertEqual(res.status, .unauthorized)
            }
            try await app.test(.GET, "/calendar/\(feed).ics") { res async in XCTAssertEqual(res.status, .notFound) }
        }
    }

    // CR/LF, //host, a scheme or a backslash in `next` never reaches the Location header.
    func testNextIsOnlyAPlainLocalPath() async throws {
        for bad in ["//evil.test", "/\\evil.test", "https://evil.test", "/x\r\nSet-Cookie: a=b", "/x\nLocation: //evil.test",
                    "/a b", "/tab\there", "javascript:alert(1)", "", "/ok\u{0}"] {
            XCTAssertEqual(SignInPages.safeNext(bad), "/home", bad.debugDescription)
        }
        XCTAssertEqual(SignInPages.safeNext("/employers/1/records?kind=flha"), "/employers/1/records?kind=flha")
        try await withApp { app in
            let browser = Browser(app)
            let res = try await browser.post("/sign-in", form: ["email": "worker@secor.test", "password": TestAccounts.password,
                                                                "next": "/home\r\nSet-Cookie: planted=1"])
            XCTAssertEqual(res.status, .seeOther)
            XCTAssertEqual(res.headers.first(name: .location), "/home")
            XCTAssertNil(res.headers.first(name: "planted"))
            XCTAssertFalse(res.headers.setCookie?.all.keys.contains("planted") ?? false)
        }
    }

    // Five bad passwords from one address do not stop the right password from another.
    func testFailuresLockTheAccountAndAddressPairOnly() async throws {
        try await withApp(rateLimitMultiplier: 1) { app in
            app.secorConfig.trustedProxies = ["local"]
            func signIn(_ password: String, from address: String) async throws -> HTTPStatus {
                var status = HTTPStatus.internalServerError
                try await app.test(.POST, "/api/v1/sessions", headers: ["X-Forwarded-For": address], beforeRequest: { req in
                    try req.content.encode(["email": "owner@secor.test", "password": password], as: .json)
                }, afterResponse: { res async in status = res.status })
                return status
            }
            for _ in 0..<AccountService.lockAfterFailures {
                let status = try await signIn("wrong guess", from: "203.0.113.9")
                XCTAssertEqual(status, .unauthorized)
            }
            let attacker = try await signIn(TestAccounts.password, from: "203.0.113.9")
            XCTAssertEqual(attacker, .tooManyRequests)
            let victim = try await signIn(TestAccounts.password, from: "198.51.100.20")
            XCTAssertEqual(victim, .created)
            // X-Forwarded-For from a peer that is not a trusted proxy is ignored.
            app.secorConfig.trustedProxies = []
            do { let value = try await signIn(TestAccounts.password, from: "198.51.100.21"); XCTAssertEqual(value, .created) }
        }
    }

    func testThePerAddressBudgetAnswers429() async throws {
        try await withApp(rateLimitMultiplier: 1) { app in
            let anonymous = try await APIClient(app, as: nil)
            for _ in 0..<RateLimit.passwordReset.budget.count {
                let status = try await anonymous.send(.POST, "/api/v1/password-resets", json: ["email": "someone@x.test"]).status
                XCTAssertEqual(status, .accepted)
            }
            try await app.test(.POST, "/api/v1/password-resets", beforeRequest: { req in
                try req.content.encode(["email": "someone@x.test"], as: .json)
            }) { res async in
                XCTAssertEqual(res.status, .tooManyRequests)
                XCTAssertNotNil(res.headers.first(name: .retryAfter))
            }
        }
    }

    func testDeactivationAndARosterEndDateStopSignInAndEveryToken() async throws {
        try await withApp { app in
            let owner = try await APIClient(app, as: "owner@secor.test")
            let workerToken = try await app.token("worker@secor.test")
            let workerId = try await UserModel.query(on: app.db).filter(\.$email == "worker@secor.test").first()!.requireID()
            let browser = Browser(app)
            _ = try await browser.signIn("worker@secor.test")
            let off = try await owner.send(.POST, "/api/v1/users/\(workerId)/deactivation")
            XCTAssertEqual(off.status, .ok)
            XCTAssertEqual(off.json["active"] as? Bool, false)
            try await app.test(.GET, "/api/v1/me", headers: ["Authorization": "Bearer \(workerToken)"]) { res async in
                XCTAssertEqual(res.status, .unauthorized)
            }
            do { let value = try await browser.get("/home").status; XCTAssertEqual(value, .seeOther) }
            let refused = try await APIClient(app, as: nil).send(.POST, "/api/v1/sessions", json: ["email": "worker@secor.test", "password": TestAccounts.password])
            XCTAssertEqual(refused.status, .unauthorized)
            let on = try await owner.send(.DELETE, "/api/v1/users/\(workerId)/deactivation")
            XCTAssertEqual(on.json["active"] as? Bool, true)
            _ = try await app.token("worker@secor.test")

            // The roster end date passes: the same, at once.
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let person = try await PersonModel.query(on: app.db).filter(\.$userId == workerId).first()!
            let token = try await app.token("worker@secor.test")
            let ended = try await owner.send(.PUT, "/api/v1/employers/\(employer)/people/\(person.id!)", json: [
                "name": person.name, "category": person.category, "fullTime": true, "familiarWithOperation": false, "jobRole": person.jobRole,
                "startDate": person.startDate, "endDate": CalendarDay.today.adding(days: -1).iso])
            XCTAssertEqual(ended.status, .ok)
            try await app.test(.GET, "/api/v1/me", headers: ["Authorization": "Bearer \(token)"]) { res async in
                XCTAssertEqual(res.status, .unauthorized)
            }
            let gone = try await APIClient(app, as: nil).send(.POST, "/api/v1/sessions", json: ["email": "worker@secor.test", "password": TestAccounts.password])
            XCTAssertEqual(gone.status, .unauthorized)
            // The last day on the roster still works.
            _ = try await owner.send(.PUT, "/api/v1/employers/\(employer)/people/\(person.id!)", json: [
                "name": person.name, "category": person.category, "fullTime": true, "familiarWithOperation": false, "jobRole": person.jobRole,
                "startDate": person.startDate, "endDate": CalendarDay.today.iso])
            _ = try await app.token("worker@secor.test")
        }
    }

    func testNobodyRemovesTheLastOwnerOrTheLastPartnerAdmin() async throws {
        try await withApp { app in
            let owner = try await APIClient(app, as: "owner@secor.test")
            let ownerId = try await UserModel.query(on: app.db).filter(\.$email == "owner@secor.test").first()!.requireID()
            let demote = try await owner.send(.PUT, "/api/v1/users/\(ownerId)/roles", json: ["roles": ["worker"]])
            XCTAssertEqual(demote.status, .conflict)
            let admin = try await APIClient(app, as: "esc-admin@secor.test")
            let adminId = try await UserModel.query(on: app.db).filter(\.$email == "esc-admin@secor.test").first()!.requireID()
            let demoteAdmin = try await admin.send(.PUT, "/api/v1/users/\(adminId)/roles", json: ["roles": ["qaReviewer"]])
            XCTAssertEqual(demoteAdmin.status, .conflict)
            // The owner promotes the supervisor to owner; then the first owner may step down.
            let supervisorId = try await UserModel.query(on: app.db).filter(\.$email == "supervisor@secor.test").first()!.requireID()
            let promoted = try await owner.send(.PUT, "/api/v1/users/\(supervisorId)/roles", json: ["roles": ["employerOwner"]])
            XCTAssertEqual(promoted.json["role"].string, "employerOwner")
            let stepDown = try await owner.send(.PUT, "/api/v1/users/\(ownerId)/roles", json: ["roles": ["supervisor", "assessor"]])
            XCTAssertEqual(stepDown.status, .ok)
            // A QA reviewer's role is not an owner's to give.
            let qaRole = try await owner.send(.PUT, "/api/v1/users/\(supervisorId)/roles", json: ["roles": ["qaReviewer"]])
            XCTAssertEqual(qaRole.status, .forbidden)
        }
    }

    // Rule T4: an owner who enrolled online designates himself assessor and may register his audit.
    func testAnOnlineOwnerDesignatedAssessorMayRegister() async throws {
        try await withApp { app in
            let anonymous = try await APIClient(app, as: nil)
            let created = try await anonymous.send(.POST, "/api/v1/applications", json: applicationBody(email: "newowner@test.test"))
            let employer = try XCTUnwrap(created.json["id"].string)
            let owner = try await APIClient(app, as: "newowner@test.test", password: applicantPassword)
            let me = try await owner.send(.POST, "/api/v1/employers/\(employer)/people", json: [
                "name": "Ada Applicant", "category": "owner", "fullTime": true, "familiarWithOperation": true, "jobRole": "Owner",
                "startDate": CalendarDay.today.adding(years: -3).iso, "isMe": true])
            XCTAssertEqual(me.status, .created)
            let designated = try await owner.send(.PUT, "/api/v1/employers/\(employer)/assessor", json: ["personId": me.json["id"].string!])
            XCTAssertEqual(designated.status, .ok)
            let profile = try await owner.send(.GET, "/api/v1/me")
            XCTAssertEqual(profile.json["isAssessor"] as? Bool, true)
            let ownerUser = try await UserModel.query(on: app.db).filter(\.$email == "newowner@test.test").first()!
            let scope = Policy.EmployerScope(employerId: UUID(uuidString: employer)!, partnerId: try await app.organisationId(named: "Energy Safety Canada"))
            XCTAssertEqual(Policy.decide(try CurrentUser(ownerUser), .employer(scope, .registerAudit)), .allow)
            // Registering now fails on the program's rules (pending, no training), not on the role.
            let registered = try await owner.send(.POST, "/api/v1/employers/\(employer)/audits", json: [
                "type": "certification", "plannedStart": CalendarDay.today.iso, "worksites": ["Yard"], "wcbAccounts": ["1234567"]])
            XCTAssertNotEqual(registered.status, .forbidden)
            // Designating someone else takes the assessor role away.
            let other = try await owner.send(.POST, "/api/v1/employers/\(employer)/people", json: [
                "name": "Second Person", "category": "supervisor", "fullTime": true, "familiarWithOperation": true, "jobRole": "Lead",
                "startDate": CalendarDay.today.adding(years: -1).iso])
            _ = try await owner.send(.PUT, "/api/v1/employers/\(employer)/assessor", json: ["personId": other.json["id"].string!])
            do { let value = try await owner.send(.GET, "/api/v1/me").json["isAssessor"] as? Bool; XCTAssertEqual(value, false) }
        }
    }

    func testPartnerAddMakesThePartnerAndItsFirstAdminFromAnEmptyDatabase() async throws {
        try await withApp(demo: false) { app in
            let setup = try await Browser(app).get("/sign-in")
            XCTAssertTrue(setup.body.string.contains("Set up SECOR"))
            XCTAssertTrue(setup.body.string.contains("secor partner add"))
            let result = try await PartnerSetup(db: app.db, programs: app.programs)
                .add(profileId: "esc", name: "Energy Safety Canada", adminEmail: "first@esc.test", adminName: "First Admin", linkBase: "https://secor.example.org")
            XCTAssertTrue(result.link.hasPrefix("https://secor.example.org/invitations/"))
            // A second partner on the same profile, an unknown profile, a bad email: clear refusals.
            for (profile, email) in [("esc", "second@esc.test"), ("nope", "x@y.test"), ("acsa", "not-an-email")] {
                do {
                    _ = try await PartnerSetup(db: app.db, programs: app.programs).add(profileId: profile, name: nil, adminEmail: email, adminName: nil, linkBase: "")
                    XCTFail("\(profile) \(email) was accepted")
                } catch let failure as CommandFailure { XCTAssertFalse(failure.description.isEmpty) }
            }
            let mail = try await EmailOutboxModel.query(on: app.db).filter(\.$recipient == "first@esc.test").first()
            XCTAssertTrue(mail?.body.contains(result.link) == true)
            // The admin cannot sign in before choosing a password; the link sets it and signs in.
            let before = try await APIClient(app, as: nil).send(.POST, "/api/v1/sessions", json: ["email": "first@esc.test", "password": "!unset-"])
            XCTAssertEqual(before.status, .unauthorized)
            let browser = Browser(app)
            let page = try await browser.get("/invitations/\(token(of: result.link))")
            XCTAssertEqual(page.status, .ok)
            let accepted = try await browser.post("/invitations/\(token(of: result.link))",
                                                  form: ["name": "First Admin", "password": Self.goodPassword, "confirmPassword": Self.goodPassword])
            XCTAssertEqual(accepted.status, .seeOther)
            let home = try await browser.get("/home")
            XCTAssertEqual(home.status, .ok)
            XCTAssertTrue(home.body.string.contains("Partner administrator"))
            do { let value = try await browser.get("/invitations/\(token(of: result.link))").status; XCTAssertEqual(value, .gone) }
            // The sign-in page is the normal one now, with its way to apply and to reset.
            let signIn = try await Browser(app).get("/sign-in").body.string
            XCTAssertTrue(signIn.contains("href=\"/apply\"") && signIn.contains("href=\"/password-reset\""))
        }
    }

    func testAProfileImportIsValidatedVersionedAndUsed() async throws {
        try await withApp(demo: false) { app in
            let service = ProgramProfileService(db: app.db)
            let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Sources/SECORCore/Profiles/esc.yaml")
            let yaml = try String(contentsOf: source, encoding: .utf8)
            let custom = yaml.replacingOccurrences(of: "id: esc", with: "id: bcsa")
                .replacingOccurrences(of: "partnerName: Energy Safety Canada", with: "partnerName: Borealis Construction Safety")
            let first = try await service.importProfile(yaml: custom, file: "bcsa.yaml", actor: nil)
            XCTAssertEqual(first, .imported(profileId: "bcsa", version: 1))
            do { let value = try await service.importProfile(yaml: custom, file: "bcsa.yaml", actor: nil); XCTAssertEqual(value, .unchanged(profileId: "bcsa", version: 1)) }
            let second = try await service.importProfile(yaml: custom + "\n# v2\n", file: "bcsa.yaml", actor: nil)
            XCTAssertEqual(second, .imported(profileId: "bcsa", version: 2))
            try await app.reloadPrograms()
            XCTAssertEqual(app.programs.profile("bcsa")?.partnerName, "Borealis Construction Safety")
            XCTAssertNotNil(app.programs.profile("acsa"), "the bundled profiles stay")
            // A bad file names the file and the field, and nothing is stored.
            let broken = custom.replacingOccurrences(of: "  limit: 10", with: "  limit: 0")
            do {
                _ = try await service.importProfile(yaml: broken, file: "broken.yaml", actor: nil)
                XCTFail("a zero headcount limit was imported")
            } catch {
                XCTAssertTrue("\(error)".contains("broken.yaml") && "\(error)".contains("headcount.limit"), "\(error)")
            }
            do { let value = try await service.list().count; XCTAssertEqual(value, 2) }
        }
    }

    func testPrivateAnswersAreNotCached() async throws {
        try await withApp { app in
            let token = try await app.token("owner@secor.test")
            try await app.test(.GET, "/api/v1/me", headers: ["Authorization": "Bearer \(token)"]) { res async in
                XCTAssertEqual(res.headers.first(name: .cacheControl), "no-store")
            }
            let browser = Browser(app)
            _ = try await browser.signIn("owner@secor.test")
            do { let value = try await browser.get("/home").headers.first(name: .cacheControl); XCTAssertEqual(value, "no-store") }
            do { let value = try await browser.get("/users").headers.first(name: .cacheControl); XCTAssertEqual(value, "no-store") }
        }
    }

    func testTheSessionAndItsFormTokenAreRenewedAtSignIn() async throws {
        try await withApp { app in
            let browser = Browser(app)
            let before = try await browser.csrfToken()
            _ = try await browser.signIn("owner@secor.test")
            let after = try await browser.csrfToken()
            XCTAssertNotEqual(before, after)
        }
    }

    func testTheUsersPageShowsTheInvitationOnceWithItsLink() async throws {
        try await withApp { app in
            let person = try await newPerson(app)
            let browser = Browser(app)
            _ = try await browser.signIn("owner@secor.test")
            let sent = try await browser.post("/users/invitations", form: ["personId": person.id!.uuidString, "role": "worker", "email": ""])
            XCTAssertEqual(sent.status, .seeOther)
            let page = try await browser.get("/users").body.string
            XCTAssertTrue(page.contains("id=\"invitation-link\""))
            XCTAssertTrue(page.contains("/invitations/"))
            let again = try await browser.get("/users").body.string
            XCTAssertFalse(again.contains("id=\"invitation-link\""), "shown once")
            XCTAssertTrue(again.contains("Terry Newhand"))
        }
    }

    func testTheLastOwnerCannotLockTheCompanyOutWithARosterEndDate() async throws {
        try await withApp { app in
            let owner = try await APIClient(app, as: "owner@secor.test")
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let ownerId = try await UserModel.query(on: app.db).filter(\.$email == "owner@secor.test").first()!.requireID()
            let person = try await PersonModel.query(on: app.db).filter(\.$userId == ownerId).first()!
            let body: [String: Any] = ["name": person.name, "category": person.category, "fullTime": true, "familiarWithOperation": true,
                                       "jobRole": person.jobRole, "startDate": person.startDate, "endDate": CalendarDay.today.adding(days: -1).iso]
            let refused = try await owner.send(.PUT, "/api/v1/employers/\(employer)/people/\(person.id!)", json: body)
            XCTAssertEqual(refused.status, .conflict)
            XCTAssertEqual(refused.json["field"].string, "endDate")
            _ = try await app.token("owner@secor.test")
            // With a second owner, the first may leave.
            let supervisorId = try await UserModel.query(on: app.db).filter(\.$email == "supervisor@secor.test").first()!.requireID()
            _ = try await owner.send(.PUT, "/api/v1/users/\(supervisorId)/roles", json: ["roles": ["employerOwner"]])
            let left = try await owner.send(.PUT, "/api/v1/employers/\(employer)/people/\(person.id!)", json: body)
            XCTAssertEqual(left.status, .ok)
        }
    }

    func testAnApplicationCannotTakeAnEmailThatAnInvitationWaitsFor() async throws {
        try await withApp { app in
            let admin = try await APIClient(app, as: "esc-admin@secor.test")
            let invited = try await admin.send(.POST, "/api/v1/invitations", json: ["role": "qaReviewer", "email": "quinn@esc.test", "name": "Quinn"])
            XCTAssertEqual(invited.status, .created)
            let applied = try await APIClient(app, as: nil).send(.POST, "/api/v1/applications", json: applicationBody(email: "quinn@esc.test"))
            XCTAssertEqual(applied.status, .conflict)
            XCTAssertEqual(applied.json["field"].string, "email")
            // A second invitation to the same email replaces the first.
            let again = try await admin.send(.POST, "/api/v1/invitations", json: ["role": "qaReviewer", "email": "quinn@esc.test", "name": "Quinn"])
            XCTAssertEqual(again.status, .created)
            let pending = try await InvitationModel.query(on: app.db).filter(\.$email == "quinn@esc.test").filter(\.$withdrawnAt == nil).count()
            XCTAssertEqual(pending, 1)
            // Another organisation cannot invite the same email meanwhile.
            let acsa = try await APIClient(app, as: "acsa-admin@secor.test")
            let elsewhere = try await acsa.send(.POST, "/api/v1/invitations", json: ["role": "qaReviewer", "email": "quinn@esc.test", "name": "Quinn"])
            XCTAssertEqual(elsewhere.status, .conflict)
        }
    }

    // The per-address sign-in budget counts failures only: an office signing in all day is never refused.
    func testSuccessfulSignInsDoNotUseTheAddressBudget() async throws {
        try await withApp(rateLimitMultiplier: 1) { app in
            for _ in 0..<(RateLimit.signIn.budget.count + 5) {
                let status = try await APIClient(app, as: nil).send(.POST, "/api/v1/sessions",
                                                                    json: ["email": "worker@secor.test", "password": TestAccounts.password]).status
                XCTAssertEqual(status, .created)
            }
        }
    }

    func testTheAssessorPageSaysWhenTheAssessorHasNoAccount() async throws {
        try await withApp { app in
            let person = try await newPerson(app, name: "Unlinked Assessor")
            try await PersonModel.query(on: app.db).filter(\.$id == person.id!).set(\.$familiarWithOperation, to: true).update()
            let browser = Browser(app)
            _ = try await browser.signIn("owner@secor.test")
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            _ = try await browser.post("/employers/\(employer)/assessor", form: ["assessor": "person:\(person.id!)"])
            let page = try await browser.get("/employers/\(employer)/assessor").body.string
            XCTAssertTrue(page.contains("id=\"assessor-no-account\""), "the page says the assessor has no account")
            // Nobody keeps the assessor role meanwhile.
            let owner = try await UserModel.query(on: app.db).filter(\.$email == "owner@secor.test").first()!
            XCTAssertFalse(owner.isAssessor)
        }
    }

    func testANewAdminLinkReplacesALostOne() async throws {
        try await withApp(demo: false) { app in
            let setup = PartnerSetup(db: app.db, programs: app.programs)
            let first = try await setup.add(profileId: "acsa", name: nil, adminEmail: "lost@acsa.test", adminName: nil, linkBase: "http://x")
            let second = try await setup.newAdminLink(email: "lost@acsa.test", linkBase: "http://x")
            let old = try await APIClient(app, as: nil).send(.POST, "/api/v1/invitations/\(token(of: first.link))/acceptance",
                                                             json: ["password": Self.goodPassword, "name": "Lee"])
            XCTAssertEqual(old.status, .gone)
            let new = try await APIClient(app, as: nil).send(.POST, "/api/v1/invitations/\(token(of: second))/acceptance",
                                                             json: ["password": Self.goodPassword, "name": "Lee"])
            XCTAssertEqual(new.status, .created)
            XCTAssertEqual(new.json["user"]["name"].string, "Lee")
            do {
                _ = try await setup.newAdminLink(email: "lost@acsa.test", linkBase: "http://x")
                XCTFail("a link for an admin with a password")
            } catch is CommandFailure {}
        }
    }

    func testAcceptanceRefusesAnInvitedEmailAndAPersonWhoLeft() async throws {
        try await withApp { app in
            let owner = try await APIClient(app, as: "owner@secor.test")
            let admin = try await APIClient(app, as: "esc-admin@secor.test")
            _ = try await admin.send(.POST, "/api/v1/invitations", json: ["role": "qaReviewer", "email": "q2@esc.test", "name": "Q Two"])
            let crew = try await newPerson(app, name: "Crew Member")
            let link = try await owner.send(.POST, "/api/v1/invitations", json: ["role": "worker", "personId": crew.id!.uuidString]).json["link"].string!
            let taken = try await APIClient(app, as: nil).send(.POST, "/api/v1/invitations/\(token(of: link))/acceptance",
                                                               json: ["password": Self.goodPassword, "email": "q2@esc.test"])
            XCTAssertEqual(taken.status, .conflict)
            XCTAssertEqual(taken.json["field"].string, "email")
            // The person leaves before accepting: no account that could never sign in.
            try await PersonModel.query(on: app.db).filter(\.$id == crew.id!).set(\.$endDate, to: CalendarDay.today.adding(days: -2).iso).update()
            let left = try await APIClient(app, as: nil).send(.POST, "/api/v1/invitations/\(token(of: link))/acceptance",
                                                              json: ["password": Self.goodPassword, "email": "crew@crew.test"])
            XCTAssertEqual(left.status, .gone)
            // Two people cannot share an email; a supervisor cannot replace the owner's supervisor invitation.
            let first = try await newPerson(app, name: "First Person")
            let second = try await newPerson(app, name: "Second Person")
            _ = try await owner.send(.POST, "/api/v1/invitations", json: ["role": "supervisor", "personId": first.id!.uuidString, "email": "shared@crew.test"])
            let shared = try await owner.send(.POST, "/api/v1/invitations", json: ["role": "worker", "personId": second.id!.uuidString, "email": "shared@crew.test"])
            XCTAssertEqual(shared.status, .conflict)
            let supervisor = try await APIClient(app, as: "supervisor@secor.test")
            let replace = try await supervisor.send(.POST, "/api/v1/invitations", json: ["role": "worker", "personId": first.id!.uuidString])
            XCTAssertEqual(replace.status, .forbidden)
        }
    }

    func testAResetForgivesTheFailedSignInsOfItsAddressAndLongAddressesAre414() async throws {
        try await withApp { app in
            let anonymous = try await APIClient(app, as: nil)
            for _ in 0..<AccountService.lockAfterFailures {
                _ = try await anonymous.send(.POST, "/api/v1/sessions", json: ["email": "worker@secor.test", "password": "wrong guess"])
            }
            let locked = try await anonymous.send(.POST, "/api/v1/sessions", json: ["email": "worker@secor.test", "password": TestAccounts.password])
            XCTAssertEqual(locked.status, .tooManyRequests)
            _ = try await anonymous.send(.POST, "/api/v1/password-resets", json: ["email": "worker@secor.test"])
            let mail = try await EmailOutboxModel.query(on: app.db).filter(\.$recipient == "worker@secor.test").first()!
            let link = mail.body.split(separator: "\n").first { $0.contains("/password-reset/") }!
            let reset = try await anonymous.send(.POST, "/api/v1/password-resets/\(link.split(separator: "/").last!)", json: ["password": Self.goodPassword])
            XCTAssertEqual(reset.status, .noContent)
            _ = try await app.token("worker@secor.test", password: Self.goodPassword)
            try await app.test(.GET, "/invitations/" + String(repeating: "x", count: 5000)) { res async in
                XCTAssertEqual(res.status, .uriTooLong)
            }
        }
    }

    func testAnAccountThatCannotSignInCannotBeTheAssessor() async throws {
        try await withApp { app in
            let owner = try await APIClient(app, as: "owner@secor.test")
            let workerId = try await UserModel.query(on: app.db).filter(\.$email == "worker@secor.test").first()!.requireID()
            _ = try await owner.send(.POST, "/api/v1/users/\(workerId)/deactivation")
            let assessor = try await owner.send(.PUT, "/api/v1/users/\(workerId)/roles", json: ["roles": ["worker", "assessor"]])
            XCTAssertEqual(assessor.status, .conflict)  // the state of that account, not the request's form
            do { let value = try await owner.send(.GET, "/api/v1/me").json["isAssessor"] as? Bool; XCTAssertEqual(value, true) }
        }
    }
}
