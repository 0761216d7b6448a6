import Fluent
import Foundation
import SECORCore
import Vapor

/// The QA review (Q1-Q11): the queue, the standard form, sending back, passing (with the
/// certificate, C2) and failing.
struct QAService {
    let db: Database

    struct QueueItem: Sendable {
        var audit: AuditModel
        var employerName: String
        var daysWaiting: Int
    }

    /// Submitted audits of the reviewer's partner, oldest first.
    func queue(partnerId: UUID, today: CalendarDay = .today) async throws -> [QueueItem] {
        let audits = try await AuditModel.query(on: db).filter(\.$partnerId == partnerId)
            .filter(\.$stage == AuditStage.submitted.rawValue).sort(\.$submittedAt).all()
        let names = try await AuditQueries(db: db).employerNames(audits)
        return audits.map { a in
            QueueItem(audit: a, employerName: names[a.$employer.id] ?? "",
                      daysWaiting: a.submittedAt.map { CalendarDay($0).days(until: today) } ?? 0)
        }
    }

    struct Review: Sendable {
        var row: QAReviewModel
        var checks: [QACheckResult]
        var answers: [String: Answer]
        var deficiencies: [QADeficiency]
        var result: QAResult
    }

    func review(_ loaded: LoadedAudit) async throws -> Review {
        let row = try await QAReviewModel.query(on: db).filter(\.$audit.$id == loaded.id).first() ?? {
            let row = QAReviewModel()
            row.$audit.id = loaded.id
            row.checks = "[]"
            row.answers = "{}"
            row.deficiencies = "[]"
            return row
        }()
        let checks: [QACheckResult] = JSONText.decode(row.checks) ?? []
        let answers: [String: Answer] = JSONText.decode(row.answers) ?? [:]
        let deficiencies: [QADeficiency] = JSONText.decode(row.deficiencies) ?? []
        let work = try await AuditWorkService(db: db).work(loaded)
        var auditor: [String: Answer] = [:]
        for (id, a) in work.answers { if let answer = a.answer.flatMap({ JSONText.decode($0, as: Answer.self) }) { auditor[id] = answer } }
        let result = try QAReview.result(loaded.auditProtocol, auditor: auditor, reviewer: answers, checks: checks, deficiencies: deficiencies,
                                         type: loaded.type, marks: loaded.ref.profile.passMarks)
        return Review(row: row, checks: checks, answers: answers, deficiencies: deficiencies, result: result)
    }

    private func requireInReview(_ loaded: LoadedAudit) throws {
        guard loaded.stage == .submitted else {
            throw AppError(status: .conflict, message: "Only a submitted audit is reviewed; this one is \(loaded.stage.label.lowercased()).")
        }
    }

    /// Saves the form: checks, the reviewer's scores and the deficiencies.
    func save(_ loaded: LoadedAudit, checks: [QACheckResult], answers: [String: Answer], deficiencies: [QADeficiency], by reviewer: CurrentUser) async throws {
        try requireInReview(loaded)
        for (id, answer) in answers {
            guard let question = loaded.auditProtocol.question(id) else { throw AppError.invalid("answers", "No question \(id) in this protocol.") }
            do { _ = try question.points(for: answer) } catch { throw AppError.invalid("answers", "\(error)") }
        }
        for d in deficiencies {
            guard !d.text.trimmingCharacters(in: .whitespaces).isEmpty else { throw AppError.invalid("deficiencies", "Describe each deficiency.") }
            if let q = d.questionId, loaded.auditProtocol.question(q) == nil { throw AppError.invalid("deficiencies", "No question \(q) in this protocol.") }
        }
        let row = try await review(loaded).row
        row.reviewerId = reviewer.id
        row.reviewerName = reviewer.name
        row.checks = JSONText.encode(checks)
        row.answers = JSONText.encode(answers)
        row.deficiencies = JSONText.encode(deficiencies)
        try await db.writeTransaction { db in
            try await row.save(on: db)
            try await AuditLog.append(on: db, actor: reviewer.id, action: "qa.save", entity: "audit", entityId: loaded.id.uuidString,
                                      detail: "\(checks.filter { !$0.met }.count) check(s) not met, \(answers.count) rescored, \(deficiencies.count) deficiencies")
        }
    }

    /// Q7, D4, D5: back to the auditor with what must be fixed.
    func sendBack(_ loaded: LoadedAudit, message: String, by reviewer: CurrentUser, today: CalendarDay = .today) async throws {
        try requireInReview(loaded)
        let review = try await review(loaded)
        guard review.result.proposed != .pass else {
            throw AppError.invalid("decision", "Nothing blocks a pass: name an actionable deficiency, an unmet check or a score below the pass mark to send it back.")
        }
        let row = review.row
        row.firstFeedbackOn = row.firstFeedbackOn ?? today.iso
        row.openFeedbackOn = today.iso
        row.reviewerId = reviewer.id
        row.reviewerName = reviewer.name
        let feedback = QAFeedbackModel()
        feedback.$audit.id = loaded.id
        feedback.revision = loaded.audit.revision
        feedback.sentOn = today.iso
        feedback.message = message.trimmingCharacters(in: .whitespacesAndNewlines)
        feedback.deficiencies = JSONText.encode(review.result.blocking)
        feedback.reviewerId = reviewer.id
        let audit = loaded.audit
        audit.stage = AuditStage.corrections.rawValue
        let due = AuditTimeline(loaded.ref.profile.timelines).correction(feedbackOn: today).due
        try await db.writeTransaction { db in
            try await db.lockAudit(loaded.id, expecting: { $0 == .submitted }, otherwise: { "This audit was already decided (\($0.label.lowercased()))." })
            try await row.save(on: db)
            try await feedback.create(on: db)
            try await audit.save(on: db)
            try await AuditLog.append(on: db, actor: reviewer.id, action: "qa.sendBack", entity: "audit", entityId: loaded.id.uuidString,
                                      detail: review.result.blocking.joined(separator: "; "))
            try await NotificationModel(userId: audit.auditorUserId, title: "Corrections asked: audit \(audit.number ?? "")",
                                        body: "Return the corrected report by \(due.readable) (D4). \(review.result.blocking.joined(separator: " "))",
                                        link: loaded.link + "/qa").create(on: db)
        }
    }

    /// Q10, C2, C5: passes; a certification audit gets its certificate.
    func pass(_ loaded: LoadedAudit, by reviewer: CurrentUser, today: CalendarDay = .today) async throws {
        try requireInReview(loaded)
        let review = try await review(loaded)
        guard review.result.proposed == .pass else {
            throw AppError(status: .unprocessableEntity, message: "It cannot pass yet:\n" + (review.result.decision.reasons + review.result.blocking).map { "• " + $0 }.joined(separator: "\n"))
        }
        let row = review.row
        row.outcome = QAOutcome.pass.rawValue
        row.decidedOn = today.iso
        row.openFeedbackOn = nil
        row.reviewerId = reviewer.id
        row.reviewerName = reviewer.name
        let audit = loaded.audit
        audit.stage = AuditStage.passed.rawValue
        let end = loaded.lastDayOnSite ?? loaded.plannedStart
        var certificate: CertificateModel?
        if loaded.type == .certification {
            let c = CertificateModel()
            c.$employer.id = loaded.ref.id
            c.$audit.id = loaded.id
            c.number = "\(loaded.ref.profile.partnerShortName)-\(end.year)-\(audit.number ?? "")"
            c.issuedOn = today.iso
            c.expiresOn = CertificateCycle(profile: loaded.ref.profile).expiry(certificationEndDate: end).iso
            certificate = c
        }
        let score = review.result.score.overall
        try await db.writeTransaction { db in
            try await db.lockAudit(loaded.id, expecting: { $0 == .submitted }, otherwise: { "This audit was already decided (\($0.label.lowercased()))." })
            try await row.save(on: db)
            try await audit.save(on: db)
            try await certificate?.create(on: db)
            try await AuditLog.append(on: db, actor: reviewer.id, action: "qa.pass", entity: "audit", entityId: loaded.id.uuidString,
                                      detail: "\(score.earned)/\(score.possible)\(certificate.map { " certificate \($0.number) expires \($0.expiresOn)" } ?? " maintenance year recorded")")
            let body = certificate.map { "Certificate \($0.number), valid until \((try? CalendarDay(iso: $0.expiresOn).readable) ?? $0.expiresOn)." }
                ?? "The maintenance audit is recorded for this year of the cycle (C5)."
            try await Notifications.notifyOrganisation(loaded.ref.id, title: "Audit \(audit.number ?? "") passed QA", body: body, link: loaded.link,
                                                       alsoUser: audit.auditorUserId, on: db)
            try await Notifications.notifyPartnerAdmins(audit.partnerId, title: "Passed: \(loaded.ref.organisation.name)", body: body, link: loaded.link, on: db)
            // Q10, C5: the governing bodies are told in writing, through the email outbox.
            for recipient in loaded.ref.profile.governingBodyRecipients {
                let email = EmailOutboxModel()
                email.notificationId = UUID()
                email.recipient = recipient.email
                email.subject = "SECOR \(loaded.type.label.lowercased()) passed: \(loaded.ref.organisation.name), audit \(audit.number ?? "")"
                email.body = "Dear \(recipient.name),\n\n\(loaded.ref.profile.partnerName) reports that \(loaded.ref.organisation.name) passed its \(loaded.type.label.lowercased()) (audit \(audit.number ?? ""), \(score.earned) of \(score.possible) points). \(body)\n"
                email.attempts = 0
                email.nextAttemptAt = Date()
                try await email.create(on: db)
            }
        }
    }

    /// Q11: fails; the report is not accepted and is marked invalid; the employer is told.
    func fail(_ loaded: LoadedAudit, reason: String, by reviewer: CurrentUser, today: CalendarDay = .today) async throws {
        try requireInReview(loaded)
        let reason = try Validate.text(reason, "reason", "Reason", max: 2000)
        let row = try await review(loaded).row
        row.outcome = QAOutcome.fail.rawValue
        row.outcomeReason = reason
        row.decidedOn = today.iso
        row.reviewerId = reviewer.id
        row.reviewerName = reviewer.name
        let audit = loaded.audit
        audit.stage = AuditStage.failed.rawValue
        try await db.writeTransaction { db in
            try await db.lockAudit(loaded.id, expecting: { $0 == .submitted }, otherwise: { "This audit was already decided (\($0.label.lowercased()))." })
            try await row.save(on: db)
            try await audit.save(on: db)
            try await AuditLog.append(on: db, actor: reviewer.id, action: "qa.fail", entity: "audit", entityId: loaded.id.uuidString, detail: reason)
            try await Notifications.notifyOrganisation(loaded.ref.id, title: "Audit \(audit.number ?? "") failed QA",
                                                       body: "The report was not accepted and is invalid (Q11): \(reason)", link: loaded.link,
                                                       alsoUser: audit.auditorUserId, on: db)
        }
    }

    /// Q9: the deficiencies the review added, which the employer answers in its action plan.
    func addedDeficiencies(_ loaded: LoadedAudit) async throws -> [String] {
        let feedback = try await QAFeedbackModel.query(on: db).filter(\.$audit.$id == loaded.id).sort(\.$createdAt).all()
        var seen = Set<String>()
        return feedback.flatMap { (JSONText.decode($0.deficiencies) as [String]?) ?? [] }.filter { seen.insert($0).inserted }
    }

    /// Q9: the employer adds its own action item for a deficiency the review added.
    func addEmployerAction(_ loaded: LoadedAudit, deficiency: String, action: String, owner: String, targetOn: CalendarDay,
                           by user: CurrentUser) async throws {
        guard try await addedDeficiencies(loaded).contains(deficiency) else {
            throw AppError.invalid("deficiency", "Choose one of the deficiencies the QA review added.")
        }
        let item = EmployerActionItemModel()
        item.$audit.id = loaded.id
        item.deficiency = deficiency
        item.action = try Validate.text(action, "action", "Action", max: 1000)
        item.owner = try Validate.text(owner, "owner", "Owner")
        item.targetOn = targetOn.iso
        item.createdBy = user.id
        try await db.writeTransaction { db in
            try await item.create(on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "actionPlan.add", entity: "audit", entityId: loaded.id.uuidString,
                                      detail: "\(item.action) — for: \(deficiency)")
        }
    }
}
