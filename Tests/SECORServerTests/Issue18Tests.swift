import Crypto
import Fluent
import SQLKit
@testable import SECORServer
import SECORCore
import XCTVapor

/// Issue 18: headers that cannot be injected, state changes that act once, idempotency
/// keys that refuse another body, a keyed audit log with a checkpoint, and a calendar link
/// that never follows the Host header.
final class Issue18Tests: XCTestCase {
    // MARK: Email (headers hold no line break; MIME body)

    func testAnEmployerNameCannotAddAHeader() throws {
        let message = EmailMessage(to: "owner@secor.test", subject: "SECOR: Application from Acme\r\nBcc: victim@elsewhere.test\r\n\r\nHi",
                                   body: "Line one\r\n.\r\nBcc: not a header\n")
        let text = String(decoding: try message.rendered(), as: UTF8.self)
        let headerPart = String(text[..<text.range(of: "\r\n\r\n")!.lowerBound])
        let headerNames = headerPart.components(separatedBy: "\r\n").filter { !$0.hasPrefix(" ") }.map { $0.prefix(while: { $0 != ":" }) }
        XCTAssertEqual(headerNames, ["To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"])
        XCTAssertTrue(headerPart.contains("Subject: SECOR: Application from Acme Bcc: victim@elsewhere.test Hi"), headerPart)
        // The body is base64: none of its lines can be read as a header or a message end.
        let body = text[text.range(of: "\r\n\r\n")!.upperBound...].replacingOccurrences(of: "\r\n", with: "")
        XCTAssertEqual(Data(base64Encoded: body).map { String(decoding: $0, as: UTF8.self) }, "Line one\r\n.\r\nBcc: not a header\n")
        XCTAssertFalse(text.contains("\nBcc:"))
        // A recipient that is more than one address is refused, not sent.
        XCTAssertThrowsError(try EmailMessage(to: "a@b.test\r\nBcc: c@d.test", subject: "x", body: "y").rendered())
        XCTAssertThrowsError(try EmailMessage(to: "a@b.test, c@d.test", subject: "x", body: "y").rendered())
    }

    func testANonASCIISubjectIsAnEncodedWord() throws {
        let subject = "SECOR: Évaluation réussie — Énergie Boréale Ltée, chantier nº 7, année 2026 😀"
        let text = String(decoding: try EmailMessage(to: "a@b.test", subject: subject, body: "Bonjour").rendered(), as: UTF8.self)
        let line = text.components(separatedBy: "\r\n\r\n")[0]
        XCTAssertTrue(line.unicodeScalars.allSatisfy { $0.isASCII }, line)
        // RFC 2047: each encoded word is at most 75 characters; decoded back they are the subject.
        let words = line.components(separatedBy: "\r\n").drop { !$0.hasPrefix("Subject:") }.prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") }
            .map { $0.replacingOccurrences(of: "Subject: ", with: "").trimmingCharacters(in: .whitespaces) }
        XCTAssertGreaterThan(words.count, 1)
        XCTAssertTrue(words.allSatisfy { $0.count <= 75 && $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") }, "\(words)")
        let decoded = words.map { String(decoding: Data(base64Encoded: String($0.dropFirst(10).dropLast(2)))!, as: UTF8.self) }.joined()
        XCTAssertEqual(decoded, subject)
    }

    func testTheOutboxSendsMIME() async throws {
        try await withApp { app in
            let owner = try await UserModel.query(on: app.db).filter(\.$email == "owner@secor.test").first()!
            try await NotificationModel(userId: owner.requireID(), title: "Acme\r\nBcc: x@y.test", body: "Hello", link: "/home", event: .qaPassed).create(on: app.db)
            let spool = FileManager.default.temporaryDirectory.appendingPathComponent("secor-mime-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: spool) }
            _ = try await OutboxSender(db: app.db, command: "cat >> '\(spool)'").run()
            let mail = try String(contentsOfFile: spool, encoding: .utf8)
            XCTAssertTrue(mail.contains("Subject: SECOR: Acme Bcc: x@y.test\r\n"))
            XCTAssertFalse(mail.contains("\r\nBcc:"))
            XCTAssertTrue(mail.contains("Content-Transfer-Encoding: base64\r\n"))
            // Found by review: the link was a bare path no mail client can open.
            let queued = try await EmailOutboxModel.query(on: app.db).filter(\.$subject == "SECOR: Acme\r\nBcc: x@y.test").first()
            XCTAssertTrue(queued?.body.contains("Open it in SECOR: http://127.0.0.1:8080/home") == true, queued?.body ?? "")
        }
    }

    // MARK: Compare-and-set transitions: 50 mixed decisions at once, one acts

    func concurrently(_ count: Int, _ body: @escaping @Sendable (Int) async throws -> HTTPStatus) async throws -> [HTTPStatus] {
        try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
            for index in 0..<count { group.addTask { try await body(index) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    static func status(of work: @Sendable () async throws -> Void) async -> HTTPStatus {
        do { try await work(); return .ok } catch let error as AppError { return error.status } catch { return .internalServerError }
    }

    func testFiftyApplicationDecisionsActOnce() async throws {
        try await withApp { app in
            let created = try await APIClient(app, as: nil).send(.POST, "/api/v1/applications", json: applicationBody())
            let id = try XCTUnwrap(created.json["id"].string)
            let admin = try await APIClient(app, as: "esc-admin@secor.test")
            let statuses = try await concurrently(50) { i in
                try await admin.send(.POST, "/api/v1/applications/\(id)/decision",
                                     json: i % 2 == 0 ? ["decision": "decline", "reason": "Not an Alberta employer"] : ["decision": "approve"]).status
            }
            XCTAssertEqual(statuses.filter { $0.code < 300 }.count, 1, "\(statuses)")
            XCTAssertEqual(statuses.filter { $0 == .conflict }.count, 49)
            let told = try await NotificationModel.query(on: app.db).filter(\.$title ~~ ["Application approved", "Application declined"]).count()
            XCTAssertEqual(told, 1)
        }
    }

    func testFiftyRegistrationDecisionsActOnce() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let owner = try await APIClient(app, as: "owner@secor.test")
            let admin = try await APIClient(app, as: "esc-admin@secor.test")
            let registered = try await owner.send(.POST, "/api/v1/employers/\(employer)/audits", json: registration())
            let id = try XCTUnwrap(registered.json["id"].string)
            let statuses = try await concurrently(50) { i in
                try await admin.send(.POST, "/api/v1/audits/\(id)/decision", json: i % 2 == 0 ? ["decision": "approve"]
                    : ["decision": "reject", "reason": "The WCB account is not the employer's", "reasons": ["informationMissing"]]).status
            }
            XCTAssertEqual(statuses.filter { $0.code < 300 }.count, 1, "\(statuses)")
            XCTAssertEqual(statuses.filter { $0 == .conflict }.count, 49, "\(statuses)")
            let decided = try await AuditLogEntryModel.query(on: app.db).filter(\.$entityId == id).filter(\.$action ~~ ["audit.approve", "audit.reject"]).count()
            XCTAssertEqual(decided, 1)
        }
    }

    func testFiftyQADecisionsActOnce() async throws {
        try await withApp { app in
            let (id, _, _) = try await submittedAudit(app)
            let qa = try await APIClient(app, as: "esc-qa@secor.test")
            let reviewer = try CurrentUser(try await UserModel.query(on: app.db).filter(\.$email == "esc-qa@secor.test").first()!)
            let loaded = try await AuditService(db: app.db).load(UUID(uuidString: id)!, programs: app.programs)
            try await QAService(db: app.db).save(loaded, checks: QACheckItem.allCases.map { QACheckResult(item: $0, met: true, comment: "") },
                                                 answers: [:], deficiencies: [], by: reviewer)
            let statuses = try await concurrently(50) { i in
                try await qa.send(.POST, "/api/v1/audits/\(id)/qa/decision", json: i % 2 == 0 ? ["decision": "pass"]
                    : ["decision": "fail", "message": "The auditor's certification had lapsed"]).status
            }
            XCTAssertEqual(statuses.filter { $0.code < 300 }.count, 1, "\(statuses)")
            XCTAssertEqual(statuses.filter { $0 == .conflict }.count, 49, "\(statuses)")
            let certificates = try await CertificateModel.query(on: app.db).filter(\.$audit.$id == UUID(uuidString: id)!).count()
            let stage = try await AuditModel.find(UUID(uuidString: id)!, on: app.db)!.stage
            XCTAssertEqual(certificates, stage == "passed" ? 1 : 0)
        }
    }

    func testFiftyCertificateCancellationsActOnce() async throws {
        try await withApp { app in
            let (id, _, _) = try await submittedAudit(app)
            let reviewer = try CurrentUser(try await UserModel.query(on: app.db).filter(\.$email == "esc-qa@secor.test").first()!)
            let admin = try CurrentUser(try await UserModel.query(on: app.db).filter(\.$email == "esc-admin@secor.test").first()!)
            let service = QAService(db: app.db)
            let loaded = try await AuditService(db: app.db).load(UUID(uuidString: id)!, programs: app.programs)
            try await service.save(loaded, checks: QACheckItem.allCases.map { QACheckResult(item: $0, met: true, comment: "") }, answers: [:], deficiencies: [], by: reviewer)
            try await service.pass(try await AuditService(db: app.db).load(UUID(uuidString: id)!, programs: app.programs), by: reviewer)
            let certificate = try await CertificateModel.query(on: app.db).filter(\.$audit.$id == UUID(uuidString: id)!).first()!.requireID()
            let statuses = try await concurrently(50) { i in
                await Self.status { try await CycleService(db: app.db).cancelCertificate(certificate, reason: "Reason \(i)", by: admin) }
            }
            XCTAssertEqual(statuses.filter { $0 == .ok }.count, 1, "\(statuses)")
            XCTAssertEqual(statuses.filter { $0 == .conflict }.count, 49, "\(statuses)")
            let told = try await NotificationModel.query(on: app.db).filter(\.$event == NoticeEvent.certificateCancelled.rawValue).count()
            let kept = try await CertificateModel.find(certificate, on: app.db)!.cancelReason ?? ""
            let logged = try await AuditLogEntryModel.query(on: app.db).filter(\.$action == "certificate.cancel").all()
            XCTAssertEqual(logged.map(\.detail), [kept])
            XCTAssertGreaterThan(told, 0)
        }
    }

    func testFiftyExtensionDecisionsAndFeePaymentsActOnce() async throws {
        try await withApp { app in
            let (id, owner, admin) = try await approvedAudit(app)
            let asked = try await owner.send(.POST, "/api/v1/audits/\(id)/extensions", json: ["deadline": "D1", "days": 5, "reason": "Rig move delayed the site visit"])
            let extensionId = try XCTUnwrap((asked.json["extensions"] as? [[String: Any]])?.first?["id"] as? String)
            let decisions = try await concurrently(50) { i in
                try await admin.send(.POST, "/api/v1/audits/\(id)/extensions/\(extensionId)/decision",
                                     json: i % 2 == 0 ? ["decision": "approve"] : ["decision": "refuse", "reason": "Plan the rig move first"]).status
            }
            XCTAssertEqual(decisions.filter { $0.code < 300 }.count, 1, "\(decisions)")
            XCTAssertEqual(decisions.filter { $0 == .conflict }.count, 49, "\(decisions)")
            let decidedLog = try await AuditLogEntryModel.query(on: app.db).filter(\.$action ~~ ["audit.extension.approve", "audit.extension.refuse"]).count()
            XCTAssertEqual(decidedLog, 1)

            // A fee recorded paid is the fee's last state: of 50 different payments, one is kept.
            let payments = try await concurrently(50) { i in
                try await admin.send(.PUT, "/api/v1/audits/\(id)/fee", json: ["cents": 25_000 + i, "paidOn": CalendarDay.today.iso]).status
            }
            XCTAssertEqual(payments.filter { $0.code < 300 }.count, 1, "\(payments)")
            XCTAssertEqual(payments.filter { $0 == .conflict }.count, 49, "\(payments)")
            let paidLog = try await AuditLogEntryModel.query(on: app.db).filter(\.$action == "audit.fee").count()
            XCTAssertEqual(paidLog, 1)
            // The same payment sent again is no change and no error.
            let cents = try await AuditModel.find(UUID(uuidString: id)!, on: app.db)!.feeCents!
            let again = try await admin.send(.PUT, "/api/v1/audits/\(id)/fee", json: ["cents": cents, "paidOn": CalendarDay.today.iso])
            XCTAssertEqual(again.status, .ok)
        }
    }

    func testFiftyCorrectiveActionChangesActOnce() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let crew = try await APIClient(app, as: "supervisor@secor.test")
            let inspection = try await crew.send(.POST, "/api/v1/employers/\(employer)/records", json: [
                "kind": "preStartInspection", "occurredOn": CalendarDay.today.iso, "occurredTime": "08:00",
                "preStartInspection": ["equipment": "Truck 3", "site": "Shop", "items": [["item": "Mirror", "result": "fail", "defect": "Cracked"]]]])
            XCTAssertEqual(inspection.status, .created)
            let actions = try await crew.send(.GET, "/api/v1/employers/\(employer)/records?kind=correctiveAction")
            let actionId = try XCTUnwrap((actions.json.array.first as? [String: Any])?["id"] as? String)
            let action = try await crew.send(.GET, "/api/v1/employers/\(employer)/records/\(actionId)")
            nonisolated(unsafe) let content = ((action.json["versions"] as? [[String: Any]])?.last?["correctiveAction"] as? [String: Any]) ?? [:]
            do {
                var probe = content
                probe["status"] = "controlled"
                let answer = try await crew.send(.POST, "/api/v1/employers/\(employer)/records/\(actionId)/amendments", json: [
                    "kind": "correctiveAction", "occurredOn": CalendarDay.today.iso, "occurredTime": "08:00", "expectedVersion": 0,
                    "reason": "Probe", "correctiveAction": probe])
                XCTAssertEqual(answer.status, .conflict, "\(String(describing: answer.json))")
            }
            let statuses = try await concurrently(50) { i in
                var changed = content
                changed["status"] = i % 2 == 0 ? "identified" : "controlled"
                return try await crew.send(.POST, "/api/v1/employers/\(employer)/records/\(actionId)/amendments", json: [
                    "kind": "correctiveAction", "occurredOn": CalendarDay.today.iso, "occurredTime": "08:00", "expectedVersion": 1,
                    "reason": "Status \(i)", "correctiveAction": changed]).status
            }
            XCTAssertEqual(statuses.filter { $0.code < 300 }.count, 1, "\(statuses)")
            XCTAssertEqual(statuses.filter { $0 == .conflict }.count, 49, "\(statuses)")
            let versions = try await FieldRecordVersionModel.query(on: app.db).filter(\.$record.$id == UUID(uuidString: actionId)!).count()
            XCTAssertEqual(versions, 2)
        }
    }

    // MARK: Idempotency keys

    func testARetryWithAnotherBodyUnderTheSameKeyIs409() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let owner = try await APIClient(app, as: "owner@secor.test")
            var body = AccessMatrixTests.flha
            body["idempotencyKey"] = "phone-7-0001"
            let first = try await owner.send(.POST, "/api/v1/employers/\(employer)/records", json: body)
            XCTAssertEqual(first.status, .created)
            // The same body again: the first record, not a second one.
            let retry = try await owner.send(.POST, "/api/v1/employers/\(employer)/records", json: body)
            XCTAssertEqual(retry.status, .ok)
            XCTAssertEqual(retry.json["id"].string, first.json["id"].string)
            // Another body under the key: 409 naming the key, and nothing stored.
            var other = body
            other["occurredTime"] = "07:16"
            let conflict = try await owner.send(.POST, "/api/v1/employers/\(employer)/records", json: other)
            XCTAssertEqual(conflict.status, .conflict)
            XCTAssertEqual(conflict.json["field"].string, "idempotencyKey")
            let stored = try await FieldRecordModel.query(on: app.db).filter(\.$idempotencyKey == "phone-7-0001").count()
            XCTAssertEqual(stored, 1)
        }
    }

    // MARK: The keyed log, its checkpoint and `secor check`

    func testTheLogKeyIsAFileOnlyTheServerReads() async throws {
        try await withApp { app in
            let path = (app.secorConfig.dataDirectory as NSString).appendingPathComponent(AuditLogSeal.keyFileName)
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
            XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .newlines).count, 64)
            // The same input under another key is another hash.
            let other = AuditLogSeal(key: .init(size: .bits256), checkpointPath: "/dev/null")
            XCTAssertNotEqual(try app.db.logSeal.mac("entry"), other.mac("entry"))
        }
        // SECOR_LOG_KEY wins over the file; a short key is refused with what to do.
        let folder = NSTemporaryDirectory() + "secor-key-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let hex = String(repeating: "ab", count: 32)
        let fromEnvironment = try AuditLogSeal.load(dataDirectory: folder, environmentKey: hex)
        XCTAssertEqual(fromEnvironment.mac("x"), AuditLogSeal(key: .init(data: AuditLogSeal.bytes(hex: hex)!), checkpointPath: "").mac("x"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/" + AuditLogSeal.keyFileName))
        XCTAssertThrowsError(try AuditLogSeal.load(dataDirectory: folder, environmentKey: "abcd"))
    }

    func testDeletingTheNewestEntriesIsDetected() async throws {
        try await withApp { app in
            let before = try await AuditLog.verify(on: app.db)
            XCTAssertNil(before.firstBroken)
            // Every write batch wrote the head it reached.
            let points = try app.db.logSeal.checkpoints().points
            XCTAssertEqual(points.last?.seq, before.entries)
            try await app.db.sql.raw("DELETE FROM audit_log WHERE seq > \(bind: before.entries - 2)").run()
            let after = try await AuditLog.verify(on: app.db)
            XCTAssertEqual(after.brokenSeq, before.entries - 1)
            XCTAssertTrue(after.firstBroken?.contains("were deleted") == true, after.firstBroken ?? "")
            let report = try await IntegrityCheck.run(db: app.db, filesRoot: Backup.filesRoot(app.secorConfig))
            XCTAssertTrue(report.problems.contains { $0.contains("were deleted") }, "\(report.problems)")
        }
    }

    func testAnOldUnkeyedLogIsSealedOnceByItsMigration() async throws {
        try await withApp { app in
            let seal = try app.db.logSeal
            // Make the log look as it was before the key: unkeyed SHA-256 throughout.
            var previous = AuditLog.genesisHash
            for entry in try await AuditLogEntryModel.query(on: app.db).sort(\.$seq).all() {
                entry.previousHash = previous
                let hash = AuditLog.unkeyedHash(of: entry)
                try await app.db.sql.raw("UPDATE audit_log SET prev_hash = \(bind: previous), hash = \(bind: hash) WHERE seq = \(bind: entry.seq)").run()
                previous = hash
            }
            try seal.resetCheckpoint(to: nil)
            do { let broken = try await AuditLog.verify(on: app.db); XCTAssertEqual(broken.brokenSeq, 1) }
            try await KeyAuditLog().prepare(on: app.db)
            let verified = try await AuditLog.verify(on: app.db)
            XCTAssertNil(verified.firstBroken)
        }
    }

    // The tamper table of the note: an edited signed record whose hashes and seal were all
    // recomputed still differs from the keyed log.
    func testAnEditedSignedRecordFailsTheCheckNamingIt() async throws {
        try await withApp { app in
            let employer = try await app.organisationId(named: "Northern Rig Services Ltd.")
            let owner = try await APIClient(app, as: "owner@secor.test")
            let created = try await owner.send(.POST, "/api/v1/employers/\(employer)/records", json: AccessMatrixTests.flha)
            let id = try XCTUnwrap(UUID(uuidString: created.json["id"].string ?? ""))
            let sam = try await PersonModel.query(on: app.db).filter(\.$name == "Sam Okafor").first()!
            _ = sam
            let signed = try await owner.send(.POST, "/api/v1/employers/\(employer)/records/\(id)/signoffs", json: ["role": "reviewer", "method": "self", "note": "Reviewed on site"])
            XCTAssertLessThan(signed.status.code, 300, "\(String(describing: signed.json))")
            do { let r = try await IntegrityCheck.run(db: app.db, filesRoot: Backup.filesRoot(app.secorConfig)); XCTAssertEqual(r.problems, []) }

            // Edit the content and recompute everything that is not keyed: the version hash,
            // the sign-off's hash and its seal.
            let version = try await FieldRecordVersionModel.query(on: app.db).filter(\.$record.$id == id).first()!
            let forged = version.content.replacingOccurrences(of: "Bleed down", with: "Nothing")
            let hash = FieldRecordService.contentHash(when: .init(day: try CalendarDay(iso: version.occurredOn), time: version.occurredTime), json: forged, fileHashes: [])
            try await app.db.sql.raw("UPDATE field_record_versions SET content = \(bind: forged), content_hash = \(bind: hash) WHERE id = \(bind: version.requireID())").run()
            for signOff in try await SignOffModel.query(on: app.db).filter(\.$record.$id == id).all() {
                signOff.contentHash = hash
                let seal = SignOffService.seal(signOff, signatureSHA256: nil)
                try await app.db.sql.raw("UPDATE record_signoffs SET content_hash = \(bind: hash), seal = \(bind: seal) WHERE id = \(bind: signOff.requireID())").run()
            }
            let report = try await IntegrityCheck.run(db: app.db, filesRoot: Backup.filesRoot(app.secorConfig))
            XCTAssertTrue(report.problems.contains { $0.contains("Record \(id) version 1") && $0.contains("audit log") }, "\(report.problems)")
        }
    }

    func testAnEditedAuditRevisionFailsTheCheck() async throws {
        try await withApp { app in
            let (id, _, _) = try await submittedAudit(app)
            do { let r = try await IntegrityCheck.run(db: app.db, filesRoot: Backup.filesRoot(app.secorConfig)); XCTAssertEqual(r.problems, []) }
            let revision = try await AuditRevisionModel.query(on: app.db).filter(\.$audit.$id == UUID(uuidString: id)!).first()!
            let forged = revision.content.replacingOccurrences(of: "Site-specific FLHAs", with: "Nothing at all")
            let hash = SHA256.hash(data: Data(forged.utf8)).hex
            try await app.db.sql.raw("UPDATE audit_revisions SET content = \(bind: forged), content_hash = \(bind: hash) WHERE id = \(bind: revision.requireID())").run()
            let report = try await IntegrityCheck.run(db: app.db, filesRoot: Backup.filesRoot(app.secorConfig))
            XCTAssertTrue(report.problems.contains { $0.contains("Audit \(id.uppercased()) revision 1") && $0.contains("audit log") }, "\(report.problems)")
            XCTAssertTrue(report.problems.contains { $0.contains("does not bind revision 1") }, "\(report.problems)")
        }
    }

    func testABackupManifestCarriesTheLogHead() async throws {
        try await withApp { app in
            let folder = NSTemporaryDirectory() + "secor-manifest-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let manifest = try await Backup.create(app: app, into: folder)
            let newest = try await AuditLogEntryModel.query(on: app.db).sort(\.$seq, .descending).first()!
            XCTAssertEqual(manifest.auditLogHead, .init(seq: newest.seq, hash: newest.hash))
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/" + AuditLogSeal.keyFileName))
        }
    }

    // MARK: The calendar link

    func testTheCalendarLinkComesFromThePublicURL() async throws {
        try await withApp { app in
            app.secorConfig.publicURL = "https://secor.example.org"
            let browser = Browser(app)
            _ = try await browser.signIn("owner@secor.test")
            _ = try await browser.post("/account/calendar", form: [:])
            var page = ""
            try await app.test(.GET, "/account", beforeRequest: { req in
                req.headers.replaceOrAdd(name: .host, value: "attacker.example")
                if let cookie = browser.cookie { req.headers.replaceOrAdd(name: .cookie, value: cookie) }
            }) { res async in page = res.body.string }
            XCTAssertTrue(page.contains("https://secor.example.org/calendar/"), page)
            XCTAssertFalse(page.contains("attacker.example"))
        }
    }
}
