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
        var submittedOn: CalendarDay?
        var reviewerName: String?
        /// The clock that governs it: D5 once feedback was sent (a resubmission), D4 while a
        /// correction is with the auditor; nil for a first submission.
        var due: Deadline?
    }

    /// The partner's audits in QA: submitted (waiting for a reviewer) and sent back
    /// (waiting for the auditor), the most urgent first: by due date, then oldest first.
    func queue(partnerId: UUID, programs: ProgramCatalog, today: CalendarDay = .today) async throws -> [QueueItem] {
        let audits = try await AuditModel.query(on: db).filter(\.$partnerId == partnerId)
            .filter(\.$stage ~~ [AuditStage.submitted.rawValue, AuditStage.corrections.rawValue]).sort(\.$submittedAt).all()
        let names = try await AuditQueries(db: db).employerNames(audits)
        let reviews = try await QAReviewModel.query(on: db).filter(\.$audit.$id ~~ audits.compactMap(\.id)).all()
        let reviewerIds = Array(Set(audits.compactMap(\.qaReviewerId)))
        let reviewers = try await UserModel.query(on: db).filter(\.$id ~~ reviewerIds).all()
        let partner = try await OrganisationModel.find(partnerId, on: db)
        let timelines = programs.profile(partner?.profileId)?.timelines
        let items = audits.map { a -> QueueItem in
            let review = reviews.first { $0.$audit.id == a.id }
            var due: Deadline?
            if let timelines, let first = review?.firstFeedbackOn.flatMap({ try? CalendarDay(iso: $0) }) {
                let timeline = AuditTimeline(timelines)
                if a.stage == AuditStage.corrections.rawValue, let open = review?.openFeedbackOn.flatMap({ try? CalendarDay(iso: $0) }) {
                    due = timeline.corrections(firstFeedbackOn: first, openFeedbackOn: open).correction
                } else {
                    due = timeline.qaProcess(firstFeedbackOn: first)
                }
            }
            let submitted = a.submittedAt.map { CalendarDay($0) }
            return QueueItem(audit: a, employerName: names[a.$employer.id] ?? "", daysWaiting: submitted.map { $0.days(until: today) } ?? 0,
                             submittedOn: submitted, reviewerName: reviewers.first { $0.id == a.qaReviewerId }?.name, due: due)
        }
        return items.sorted { x, y in
            switch (x.due?.due, y.due?.due) {
            case let (a?, b?) where a != b: return a < b
            case (.some, nil): return true
            case (nil, .some): return false
            default: return (x.submittedOn ?? .today) < (y.submittedOn ?? .today)
            }
        }
    }

    /// The partner's staff who may review: QA reviewers and admins, active today.
    func reviewers(partnerId: UUID) async throws -> [UserModel] {
        try await UserModel.query(on: db).filter(\.$organisation.$id == partnerId)
            .filter(\.$role ~~ [Role.qaReviewer.rawValue, Role.partnerAdmin.rawValue]).sort(\.$name).all()
            .filter { $0.isActive(on: .today) }
    }

    /// Assigns (or reassigns) the review: partner admins assign anyone of the partner's
    /// reviewers; a reviewer may take an audit for themself. Every assignment is kept.
    func assign(_ loaded: LoadedAudit, reviewerId: UUID, note: String, by user: CurrentUser) async throws {
        guard loaded.stage == .submitted || loaded.stage == .corrections else {
            throw AppError(status: .conflict, message: "Only an audit in QA is assigned; this one is \(loaded.stage.label.lowercased()).")
        }
        let note = try Validate.text(note, "note", "Note", max: 500, optional: true)
        guard let reviewer = try await reviewers(partnerId: loaded.audit.partnerId).first(where: { $0.id == reviewerId }) else {
            throw AppError.invalid("reviewerId", "Choose one of \(loaded.ref.profile.partnerShortName)'s QA reviewers.")
        }
        let isAdmin = Policy.decide(user, .partnerAdmin(partnerId: loaded.audit.partnerId)) == .allow
        guard isAdmin || reviewerId == user.id else {
            throw AppError(status: .forbidden, message: "A QA reviewer may take an audit for themself; a partner administrator assigns others.")
        }
        guard loaded.audit.qaReviewerId != reviewerId else { throw AppError.invalid("reviewerId", "\(reviewer.name) already reviews this audit.") }
        let row = QAAssignmentModel()
        row.$audit.id = loaded.id
        row.reviewerId = reviewerId
        row.reviewerName = reviewer.name
        row.assignedBy = user.id
        row.assignedByName = user.name
        row.note = note
        let audit = loaded.audit
        let before = audit.qaReviewerId
        audit.qaReviewerId = reviewerId
        try await db.writeTransaction { db in
            // Compare-and-set: still assigned as this page saw it.
            try await db.lockAudit(loaded.id, expecting: { $0 == .submitted || $0 == .corrections }, otherwise: { "This audit left QA (\($0.label.lowercased()))." })
            guard let fresh = try await AuditModel.find(loaded.id, on: db), fresh.qaReviewerId == before else {
                throw AppError(status: .conflict, message: "Someone else assigned this audit since you opened it.")
            }
            try await audit.save(on: db)
            try await row.create(on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "qa.assign", entity: "audit", entityId: loaded.id.uuidString,
                                      detail: "to \(reviewer.name)\(note.isEmpty ? "" : ": \(note)")")
            try await Notices.send(.reviewerAssigned, .audit(audit), title: "QA review assigned to you: audit \(audit.number ?? "")",
                                   body: "\(loaded.ref.organisation.name), revision \(audit.revision). Assigned by \(user.name).\(note.isEmpty ? "" : " \(note)")",
                                   link: loaded.link + "/qa", except: user.id, on: db)
        }
    }

    func assignments(_ loaded: LoadedAudit) async throws -> [QAAssignmentModel] {
        try await QAAssignmentModel.query(on: db).filter(\.$audit.$id == loaded.id).sort(\.$createdAt).all()
    }

    /// Where QA stands, in one line for the QA page, the report and the letter.
    static func outcome(_ stage: AuditStage, _ row: QAReviewModel) -> String {
        switch stage {
        case .passed: return "Passed QA on \((row.decidedOn.flatMap { try? CalendarDay(iso: $0) })?.readable ?? "")\(row.reviewerName.map { ", reviewed by \($0)" } ?? "")."
        case .invalid: return "Invalid: " + (row.outcomeReason ?? "the report was not accepted (Q11).")
        case .corrections: return "Sent back for corrections."
        case .submitted: return "In QA review."
        default: return "Not submitted yet."
        }
    }

    /// The reviewer's working form is partner staff's until it is sent (as feedback) or
    /// decided: the employer and the auditor never read a draft.
    static func mayReadDraft(_ user: CurrentUser, _ loaded: LoadedAudit) -> Bool {
        Policy.decide(user, .audit(loaded.scope, .review)) == .allow || [.passed, .invalid].contains(loaded.stage)
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
            try await Notices.send(.qaFeedback, .audit(audit), title: "Corrections asked: audit \(audit.number ?? "")",
                                   body: "Return the corrected report by \(due.readable) (D4). \(review.result.blocking.joined(separator: " "))",
                                   link: loaded.link, except: reviewer.id, on: db)
        }
    }

    /// Q10, C2, C5: passes; a certification audit gets its certificate.
    func pass(_ loaded: LoadedAudit, by reviewer: CurrentUser, today: CalendarDay = .today) async throws {
        try requireInReview(loaded)
        if let refusal = AuditDates.passRefusal(lastDayOnSite: loaded.lastDayOnSite, today: today) {
            throw AppError(status: .unprocessableEntity, message: "It cannot pass yet: \(refusal)")
        }
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
            // Profile shortCertificate: fewer months of records than a full term gives a shorter certificate.
            let firstRecord = try await EmployerRecords.load(employers: [loaded.ref.id], on: db)[loaded.ref.id]?.firstFieldRecord
            let years = CertificateTerm.years(loaded.ref.profile, firstRecord: firstRecord, auditEnd: end)
            c.termYears = years < loaded.ref.profile.certificateValidityYears ? years : nil
            c.expiresOn = CertificateCycle(profile: loaded.ref.profile).expiry(certificationEndDate: end, termYears: c.termYears).iso
            certificate = c
        }
        let score = review.result.score.overall
        try await db.writeTransaction { [certificate] db in
            try await db.lockAudit(loaded.id, expecting: { $0 == .submitted }, otherwise: { "This audit was already decided (\($0.label.lowercased()))." })
            try await row.save(on: db)
            try await audit.save(on: db)
            try await certificate?.create(on: db)
            try await AuditLog.append(on: db, actor: reviewer.id, action: "qa.pass", entity: "audit", entityId: loaded.id.uuidString,
                                      detail: "\(score.earned)/\(score.possible)\(certificate.map { " certificate \($0.number) expires \($0.expiresOn)" } ?? " maintenance year recorded")")
            let body = certificate.map { "Certificate \($0.number), valid until \((try? CalendarDay(iso: $0.expiresOn).readable) ?? $0.expiresOn)." }
                ?? "The maintenance audit is recorded for this year of the cycle (C5)."
            try await Notices.send(.qaPassed, .audit(audit), title: "Audit \(audit.number ?? "") of \(loaded.ref.organisation.name) passed QA",
                                   body: body, link: loaded.link, except: reviewer.id, on: db)
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
        audit.stage = AuditStage.invalid.rawValue
        try await db.writeTransaction { db in
            try await db.lockAudit(loaded.id, expecting: { $0 == .submitted }, otherwise: { "This audit was already decided (\($0.label.lowercased()))." })
            try await row.save(on: db)
            try await audit.save(on: db)
            try await AuditLog.append(on: db, actor: reviewer.id, action: "qa.fail", entity: "audit", entityId: loaded.id.uuidString, detail: reason)
            try await Notices.send(.qaFailed, .audit(audit), title: "Audit \(audit.number ?? "") failed QA",
                                   body: "The report was not accepted and is invalid (Q11): \(reason)", link: loaded.link, except: reviewer.id, on: db)
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
