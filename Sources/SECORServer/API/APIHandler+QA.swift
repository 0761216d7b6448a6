import Fluent
import OpenAPIRuntime
import Foundation
import SECORCore
import Vapor

/// QA review, the cycle and the dashboard; the same services as the pages.
extension APIHandler {
    func qaQueue(_ input: Operations.QaQueue.Input) async throws -> Operations.QaQueue.Output {
        let request = try RequestContext.request()
        let user = try request.requireUser()
        try Policy.authorize(user, .partnerArea)
        let items = try await QAService(db: request.db).queue(partnerId: user.organisationId, programs: request.programs)
        return .ok(.init(body: .json(try items.map {
            .init(auditId: try $0.audit.requireID().uuidString, number: $0.audit.number, employerName: $0.employerName, _type: $0.audit.auditType,
                  stage: .init(rawValue: $0.audit.stage) ?? .submitted, revision: $0.audit.revision, daysWaiting: $0.daysWaiting, submittedOn: $0.submittedOn?.iso,
                  reviewerId: $0.audit.qaReviewerId?.uuidString, reviewerName: $0.reviewerName,
                  due: $0.due.map { .init(rule: $0.rule, title: $0.title, due: $0.due.iso) })
        })))
    }

    func getQAReview(_ input: Operations.GetQAReview.Input) async throws -> Operations.GetQAReview.Output {
        let (request, _, loaded) = try await Self.audit(input.path.auditId, .view)
        return .ok(.init(body: .json(try await Self.qaBody(request, loaded))))
    }

    func assignQAReviewer(_ input: Operations.AssignQAReviewer.Input) async throws -> Operations.AssignQAReviewer.Output {
        let (request, user, loaded) = try await Self.audit(input.path.auditId, .review)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the reviewer as JSON.") }
        try await QAService(db: request.db).assign(loaded, reviewerId: try Validate.uuid(body.reviewerId, "reviewerId", "Reviewer"),
                                                   note: body.note ?? "", by: user)
        return .ok(.init(body: .json(try await Self.qaBody(request, try await request.loadedAudit(loaded.id, .view)))))
    }

    func saveQAReview(_ input: Operations.SaveQAReview.Input) async throws -> Operations.SaveQAReview.Output {
        let (request, user, loaded) = try await Self.audit(input.path.auditId, .review)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the review as JSON.") }
        let checks = try body.checks.map { c in
            QACheckResult(item: try Validate.choice(c.item.rawValue, "checks", "Check", as: QACheckItem.self), met: c.met, comment: c.comment ?? "")
        }
        var answers: [String: Answer] = [:]
        for score in body.scores {
            let a = score.answer
            answers[score.questionId] = try AnswerParsing.answer(a.parts)
        }
        let deficiencies = body.deficiencies.map { QADeficiency(questionId: $0.questionId, text: $0.text, actionable: $0.actionable) }
        try await QAService(db: request.db).save(loaded, checks: checks, answers: answers, deficiencies: deficiencies, by: user)
        return .ok(.init(body: .json(try await Self.qaBody(request, try await request.loadedAudit(loaded.id, .view)))))
    }

    func decideQA(_ input: Operations.DecideQA.Input) async throws -> Operations.DecideQA.Output {
        let (request, user, loaded) = try await Self.audit(input.path.auditId, .review)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the decision as JSON.") }
        let service = QAService(db: request.db)
        switch body.decision {
        case .sendBack: try await service.sendBack(loaded, message: body.message ?? "", by: user)
        case .pass: try await service.pass(loaded, by: user)
        case .fail: try await service.fail(loaded, reason: body.message ?? "", by: user)
        }
        return .ok(.init(body: .json(try await Self.qaBody(request, try await request.loadedAudit(loaded.id, .view)))))
    }

    static func qaBody(_ request: Request, _ loaded: LoadedAudit) async throws -> Components.Schemas.QAReview {
        var review = try await QAService(db: request.db).review(loaded)
        let feedback = try await QAFeedbackModel.query(on: request.db).filter(\.$audit.$id == loaded.id).sort(\.$createdAt).all()
        // The working form is partner staff's until it is sent or decided.
        if !QAService.mayReadDraft(try request.requireUser(), loaded) {
            review.checks = []
            review.answers = [:]
            review.deficiencies = []
            // The result is the auditor's own score under the pass rule: nothing of the draft.
            review.result.blocking = []
            review.result.differences = []
            review.result.proposed = .corrections
            let work = AuditWorkService(db: request.db)
            if let own = work.score(loaded, try await work.work(loaded)) {
                review.result.score = own.score
                review.result.decision = own.decision
            }
        }
        let r = review.result
        return .init(
            stage: loaded.stage.rawValue, revision: loaded.audit.revision, reviewerName: review.row.reviewerName,
            checks: review.checks.map { .init(item: .init($0.item), met: $0.met, comment: $0.comment) },
            scores: review.answers.sorted { $0.key < $1.key }.map { id, answer in
                .init(questionId: id, answer: .init(answer))
            },
            deficiencies: review.deficiencies.map { .init(questionId: $0.questionId, text: $0.text, actionable: $0.actionable) },
            result: .init(earned: r.score.overall.earned, possible: r.score.overall.possible, passed: r.decision.passed, reasons: r.decision.reasons,
                          blocking: r.blocking, differences: r.differences, proposed: .init(rawValue: r.proposed.rawValue) ?? .corrections),
            firstFeedbackOn: review.row.firstFeedbackOn, openFeedbackOn: review.row.openFeedbackOn,
            feedback: feedback.map { .init(sentOn: $0.sentOn, revision: $0.revision, message: $0.message, items: JSONText.decode($0.deficiencies) ?? []) })
    }

    func getCycle(_ input: Operations.GetCycle.Input) async throws -> Operations.GetCycle.Output {
        let (request, _, ref) = try await Self.context(input.path.employerId, .view)
        let org = try await OrganisationModel.query(on: request.db).filter(\.$id == ref.id).with(\.$partner).first()!
        guard let status = try await CycleService(db: request.db).statuses([org], profiles: request.programs).first else { throw AppError.notFound("employer") }
        return .ok(.init(body: .json(Self.cycleEntry(status))))
    }

    func listCycle(_ input: Operations.ListCycle.Input) async throws -> Operations.ListCycle.Output {
        let request = try RequestContext.request()
        let user = try request.requireUser()
        try Policy.authorize(user, .partnerArea)
        let statuses = try await CycleService(db: request.db).partnerStatuses(user, profiles: request.programs,
                                                                             filter: input.query.status?.rawValue ?? "")
        return .ok(.init(body: .json(statuses.map(Self.cycleEntry))))
    }

    func getDashboard(_ input: Operations.GetDashboard.Input) async throws -> Operations.GetDashboard.Output {
        let request = try RequestContext.request()
        let user = try request.requireUser()
        try Policy.authorize(user, .partnerArea)
        let d = try await PartnerDashboard(db: request.db, programs: request.programs).compute(partnerId: user.organisationId)
        return .ok(.init(body: .json(.init(
            stages: d.stages.map { .init(stage: $0.stage.rawValue, count: $0.count) }, turnaroundDays: d.turnaroundDays,
            decided: d.decided, passed: d.passed, deficiencies: d.deficiencies.map { .init(label: $0.label, count: $0.count) },
            lapsing: d.lapsing.map(Self.cycleEntry)))))
    }

    static func cycleEntry(_ s: CycleService.Status) -> Components.Schemas.CycleEntry {
        .init(employerId: s.employerId.uuidString, employerName: s.employerName, status: Components.Schemas.CycleEntry.StatusPayload(rawValue: s.status.rawValue) ?? .none,
              certificate: s.certificate.map { .init(number: $0.number, issuedOn: $0.issuedOn, expiresOn: $0.expiresOn) },
              nextAudit: .init(_type: .init(rawValue: s.next.type.rawValue) ?? .certification, dueBy: s.next.dueBy?.iso, cycleYear: s.next.cycleYear, reason: s.next.reason),
              warnings: s.warnings)
    }
}

extension APIHandler {
    /// P1, Q13: the same PDF the report page offers.
    func getReportPDF(_ input: Operations.GetReportPDF.Input) async throws -> Operations.GetReportPDF.Output {
        let request = try RequestContext.request()
        let loaded = try await ReportPages.completed(request, number: input.path.number)
        let document = ReportPages.Document(rawValue: input.query.document?.rawValue ?? "report") ?? .report
        let bytes = try await ReportPages().pdf(request, loaded, document)
        return .ok(.init(body: .pdf(.init(bytes))))
    }
}

// MARK: Revisions (S4, Q12)

extension APIHandler {
    func listAuditRevisions(_ input: Operations.ListAuditRevisions.Input) async throws -> Operations.ListAuditRevisions.Output {
        let (request, _, loaded) = try await Self.audit(input.path.auditId, .view)
        let revisions = try await AuditRevisions(db: request.db).list(loaded)
        return .ok(.init(body: .json(revisions.map {
            .init(revision: $0.number, submittedAt: $0.submittedAt, submittedVia: $0.submittedVia, submittedBy: $0.submittedBy, contentHash: $0.contentHash)
        })))
    }

    func getAuditRevision(_ input: Operations.GetAuditRevision.Input) async throws -> Operations.GetAuditRevision.Output {
        let (request, user, loaded) = try await Self.audit(input.path.auditId, .view)
        let r = try await AuditRevisions(db: request.db).revision(loaded, input.path.n)
        let confidential = Policy.decide(user, .audit(loaded.scope, .readConfidential)) == .allow
        let json = confidential ? r.json : AuditRevisions.withoutConfidential(r.json)
        let content = try JSONDecoder().decode(OpenAPIObjectContainer.self, from: Data(json.utf8))
        return .ok(.init(body: .json(.init(revision: r.number, submittedAt: r.submittedAt, submittedVia: r.submittedVia, submittedBy: r.submittedBy,
                                           contentHash: r.contentHash, content: .init(additionalProperties: content)))))
    }
}
