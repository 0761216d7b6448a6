import Fluent
import Foundation
import SECORCore
import Vapor

/// Audits: registration, decisions, the audit tool, the check, sign-offs and submission.
/// Each operation calls the same service as its page.
extension APIHandler {
    static func auditId(_ raw: String) throws -> UUID {
        guard let id = UUID(uuidString: raw) else { throw AppError.invalid("auditId", "'\(raw)' is not an id (a UUID).") }
        return id
    }

    /// The request, the user and the audit the policy lets them reach for `action`.
    static func audit(_ raw: String, _ action: Policy.AuditAction) async throws -> (Request, CurrentUser, LoadedAudit) {
        let request = try RequestContext.request()
        let user = try request.requireUser()
        return (request, user, try await request.loadedAudit(try auditId(raw), action))
    }

    func listAudits(_ input: Operations.ListAudits.Input) async throws -> Operations.ListAudits.Output {
        let request = try RequestContext.request()
        let user = try request.requireUser()
        try Policy.authorize(user, .auditList)
        let queries = AuditQueries(db: request.db)
        let audits = try await queries.visible(to: user)
        let names = try await queries.employerNames(audits)
        return .ok(.init(body: .json(try audits.map { a in
            .init(id: try a.requireID().uuidString, number: a.number, stage: .init(rawValue: a.stage) ?? .registered, _type: .init(rawValue: a.auditType) ?? .certification,
                  employerId: a.$employer.id.uuidString, employerName: names[a.$employer.id] ?? "", auditorName: a.auditorName, plannedStart: a.plannedStart)
        })))
    }

    func findAuditByNumber(_ input: Operations.FindAuditByNumber.Input) async throws -> Operations.FindAuditByNumber.Output {
        let request = try RequestContext.request()
        let user = try request.requireUser()
        // Not a number any audit can have: no such audit (404), as for an unknown one.
        guard AuditNumber.isValid(input.path.number, digits: 9) else { throw AppError(status: .notFound, message: "No audit has that number: an audit number has 9 digits.", field: "number") }
        guard let audit = try await AuditQueries(db: request.db).visible(to: user).first(where: { $0.number == input.path.number }) else {
            throw AppError.notFound("audit")
        }
        return .ok(.init(body: .json(try await Self.auditBody(request, try await request.loadedAudit(try audit.requireID(), .view)))))
    }

    func registerAudit(_ input: Operations.RegisterAudit.Input) async throws -> Operations.RegisterAudit.Output {
        let (request, user, ref) = try await Self.context(input.path.employerId, .registerAudit)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the registration as JSON.") }
        let id = try await AuditService(db: request.db).register(ref, .init(
            type: try Validate.choice(body._type.rawValue, "type", "Audit type", as: AuditType.self),
            plannedStart: try Validate.day(body.plannedStart, "plannedStart", "Planned start"),
            worksites: body.worksites, wcbAccounts: body.wcbAccounts, breakdown: body.employeesByRole?.domain,
            visitedSites: body.visitedSites, plannedInterviews: body.plannedInterviews), by: user)
        return .created(.init(body: .json(try await Self.auditBody(request, try await request.loadedAudit(id, .view)))))
    }

    func getAudit(_ input: Operations.GetAudit.Input) async throws -> Operations.GetAudit.Output {
        let (request, _, loaded) = try await Self.audit(input.path.auditId, .view)
        return .ok(.init(body: .json(try await Self.auditBody(request, loaded))))
    }

    func decideAudit(_ input: Operations.DecideAudit.Input) async throws -> Operations.DecideAudit.Output {
        let (request, user, loaded) = try await Self.audit(input.path.auditId, .administer)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the decision as JSON.") }
        let decision = AuditService.Decision(
            approve: body.decision == .approve, reason: body.reason,
            reasons: (body.reasons ?? []).compactMap { RejectionReason(rawValue: $0.rawValue) },
            newStart: try Validate.optionalDay(body.newStart, "newStart", "New start date"))
        try await AuditService(db: request.db).decide(loaded, decision, by: user)
        return .ok(.init(body: .json(try await Self.reloaded(request, loaded))))
    }

    func changeAudit(_ input: Operations.ChangeAudit.Input) async throws -> Operations.ChangeAudit.Output {
        let (request, user, loaded) = try await Self.audit(input.path.auditId, .changeRegistration)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the change as JSON.") }
        try await AuditService(db: request.db).change(loaded, plannedStart: try Validate.optionalDay(body.plannedStart, "plannedStart", "Planned start"),
                                                      worksites: body.worksites, why: body.why, by: user)
        return .ok(.init(body: .json(try await Self.reloaded(request, loaded))))
    }

    func cancelAudit(_ input: Operations.CancelAudit.Input) async throws -> Operations.CancelAudit.Output {
        let (request, user, loaded) = try await Self.audit(input.path.auditId, .changeRegistration)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send why as JSON.") }
        try await AuditService(db: request.db).cancel(loaded, why: body.why, by: user)
        return .ok(.init(body: .json(try await Self.reloaded(request, loaded))))
    }

    func setAuditFee(_ input: Operations.SetAuditFee.Input) async throws -> Operations.SetAuditFee.Output {
        let (request, user, loaded) = try await Self.audit(input.path.auditId, .administer)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the fee as JSON.") }
        try await AuditService(db: request.db).setFee(loaded, cents: body.cents, paidOn: try Validate.optionalDay(body.paidOn, "paidOn", "Paid on"), by: user)
        return .ok(.init(body: .json(try await Self.reloaded(request, loaded))))
    }

    func requestExtension(_ input: Operations.RequestExtension.Input) async throws -> Operations.RequestExtension.Output {
        let (request, user, loaded) = try await Self.audit(input.path.auditId, .work)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the request as JSON.") }
        try await AuditService(db: request.db).requestExtension(loaded, deadline: body.deadline.rawValue, days: body.days, reason: body.reason, by: user)
        return .ok(.init(body: .json(try await Self.reloaded(request, loaded))))
    }

    func decideExtension(_ input: Operations.DecideExtension.Input) async throws -> Operations.DecideExtension.Output {
        let (request, user, loaded) = try await Self.audit(input.path.auditId, .administer)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the decision as JSON.") }
        guard let extensionId = UUID(uuidString: input.path.extensionId) else { throw AppError.notFound("extension request") }
        guard body.decision != .reject else { throw AppError.invalid("decision", "An extension is approved or refused.") }
        try await AuditService(db: request.db).decideExtension(loaded, extensionId: extensionId, approve: body.decision == .approve, reason: body.reason, by: user)
        return .ok(.init(body: .json(try await Self.reloaded(request, loaded))))
    }

    func saveAnswer(_ input: Operations.SaveAnswer.Input) async throws -> Operations.SaveAnswer.Output {
        let (request, user, loaded) = try await Self.audit(input.path.auditId, .work)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the answer as JSON.") }
        let a = body.answer
        let answer = try a.map { try AnswerParsing.answer($0.parts) } ?? nil
        let methods = try (body.methods ?? []).map { try Validate.choice($0.rawValue, "methods", "Method", as: ValidationMethod.self) }
        let documents = try (body.documents ?? []).map { try Validate.uuid($0, "documents", "Document") }
        try await AuditWorkService(db: request.db).saveAnswer(loaded, questionId: input.path.questionId, .init(
            answer: answer, methods: methods, notes: body.notes ?? "", recommendation: body.recommendation ?? "", documents: documents), by: user)
        return .ok(.init(body: .json(try await Self.reloaded(request, loaded))))
    }

    func proposeEvidence(_ input: Operations.ProposeEvidence.Input) async throws -> Operations.ProposeEvidence.Output {
        let (request, _, loaded) = try await Self.audit(input.path.auditId, .view)
        guard let question = loaded.auditProtocol.question(input.path.questionId) else { throw AppError.notFound("question") }
        let records = try await AuditWorkService(db: request.db).proposals(loaded, question: question)
        return .ok(.init(body: .json(try records.map {
            .init(id: try $0.requireID().uuidString, kind: $0.kind, occurredOn: $0.occurredOn, occurredTime: $0.occurredTime, site: $0.site, version: $0.currentVersion)
        })))
    }

    func addActionItem(_ input: Operations.AddActionItem.Input) async throws -> Operations.AddActionItem.Output {
        let (request, user, loaded) = try await Self.audit(input.path.auditId, .work)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the action item as JSON.") }
        try await AuditWorkService(db: request.db).addActionItem(loaded, questionId: body.questionId, action: body.action, owner: body.owner,
                                                                 targetOn: try Validate.day(body.targetOn, "targetOn", "Target date"), by: user)
        return .created(.init(body: .json(try await Self.reloaded(request, loaded))))
    }

    func removeActionItem(_ input: Operations.RemoveActionItem.Input) async throws -> Operations.RemoveActionItem.Output {
        let (request, user, loaded) = try await Self.audit(input.path.auditId, .work)
        guard let itemId = UUID(uuidString: input.path.itemId) else { throw AppError.notFound("action item") }
        try await AuditWorkService(db: request.db).removeActionItem(loaded, itemId: itemId, by: user)
        return .ok(.init(body: .json(try await Self.reloaded(request, loaded))))
    }

    func saveAuditReport(_ input: Operations.SaveAuditReport.Input) async throws -> Operations.SaveAuditReport.Output {
        let (request, user, loaded) = try await Self.audit(input.path.auditId, .work)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the report as JSON.") }
        let f = body.facts
        var facts = ReportFacts()
        facts.employerName = f.employerName ?? ""
        facts.employerAddress = f.employerAddress ?? ""
        facts.contactName = f.contactName ?? ""
        facts.contactPhone = f.contactPhone ?? ""
        facts.contactFax = f.contactFax ?? ""
        facts.noFax = f.noFax
        facts.contactEmail = f.contactEmail ?? ""
        facts.assessorName = f.assessorName ?? ""
        facts.assessorPhone = f.assessorPhone ?? ""
        facts.assessorEmail = f.assessorEmail ?? ""
        facts.wcbAccounts = f.wcbAccounts ?? []
        facts.industryCodes = f.industryCodes ?? []
        facts.dataGatheringStart = try Validate.optionalDay(f.dataGatheringStart, "dataGatheringStart", "Start of data gathering")
        facts.dataGatheringEnd = try Validate.optionalDay(f.dataGatheringEnd, "dataGatheringEnd", "End of data gathering")
        facts.employerProfile = f.employerProfile ?? ""
        facts.employeesByRole = f.employeesByRole?.additionalProperties ?? [:]
        try await AuditWorkService(db: request.db).saveReport(loaded, .init(
            facts: facts, strengths: body.strengths, recommendations: body.recommendations,
            lastDayOnSite: try Validate.optionalDay(body.lastDayOnSite, "lastDayOnSite", "Last day on site")), by: user)
        return .ok(.init(body: .json(try await Self.reloaded(request, loaded))))
    }

    func attachToAudit(_ input: Operations.AttachToAudit.Input) async throws -> Operations.AttachToAudit.Output {
        let (request, user, loaded) = try await Self.audit(input.path.auditId, .work)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the file id as JSON.") }
        let fileId = try Validate.uuid(body.fileId, "fileId", "File")
        let kind: AuditWorkService.Attachment = input.path.kind == .safetyManual ? .safetyManual : .legislationList
        try await AuditWorkService(db: request.db).attach(loaded, kind, fileId: fileId, by: user)
        return .ok(.init(body: .json(try await Self.reloaded(request, loaded))))
    }

    func checkAudit(_ input: Operations.CheckAudit.Input) async throws -> Operations.CheckAudit.Output {
        let (request, _, loaded) = try await Self.audit(input.path.auditId, .view)
        let check = try await AuditWorkService(db: request.db).check(loaded)
        return .ok(.init(body: .json(.init(
            findings: check.findings.map { .init(rule: $0.rule, message: $0.message, link: AuditToolPages.href($0.place, loaded)) },
            holds: check.holds, contentHash: check.contentHash, requiredSignatures: check.requiredSignatures))))
    }

    func signAudit(_ input: Operations.SignAudit.Input) async throws -> Operations.SignAudit.Output {
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the role as JSON.") }
        let (request, user, loaded) = try await Self.audit(input.path.auditId, body.role == .employer ? .signForEmployer : .work)
        try await AuditWorkService(db: request.db).sign(loaded, role: body.role.rawValue, by: user)
        return .ok(.init(body: .json(try await Self.reloaded(request, loaded))))
    }

    func submitAudit(_ input: Operations.SubmitAudit.Input) async throws -> Operations.SubmitAudit.Output {
        let (request, user, loaded) = try await Self.audit(input.path.auditId, .work)
        try await AuditWorkService(db: request.db).submit(loaded, by: user)
        return .ok(.init(body: .json(try await Self.reloaded(request, loaded))))
    }

    func recordBinder(_ input: Operations.RecordBinder.Input) async throws -> Operations.RecordBinder.Output {
        let (request, user, loaded) = try await Self.audit(input.path.auditId, .administer)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the day received as JSON.") }
        try await AuditWorkService(db: request.db).recordBinder(loaded, receivedOn: try Validate.day(body.receivedOn, "receivedOn", "Received on"), by: user)
        return .ok(.init(body: .json(try await Self.reloaded(request, loaded))))
    }

    // MARK: The audit as the API shows it

    static func reloaded(_ request: Request, _ loaded: LoadedAudit) async throws -> Components.Schemas.Audit {
        try await auditBody(request, try await AuditService(db: request.db).load(loaded.id, programs: request.programs))
    }

    /// Every answered question with its points after any cascade cap.
    static func answers(_ loaded: LoadedAudit, _ work: AuditWorkService.Work, _ score: AuditScore?) -> [Components.Schemas.AuditAnswer] {
        loaded.auditProtocol.questions.compactMap { q -> Components.Schemas.AuditAnswer? in
            guard let row = work.answers[q.id] else { return nil }
            let answer: Answer? = row.answer.flatMap { JSONText.decode($0, as: Answer.self) }
            let scored: QuestionScore? = score?.question(q.id)
            let points: Int? = scored?.earned ?? answer.flatMap { (try? q.points(for: $0)) ?? nil }
            let documents: [UUID] = JSONText.decode(row.documents) ?? []
            return Components.Schemas.AuditAnswer(
                questionId: q.id, answer: answer.map(Components.Schemas.AnswerValue.init), points: points,
                capExplanation: scored?.capExplanation, carriedFrom: row.carriedFrom, methods: JSONText.decode(row.methods) ?? [],
                notes: row.notes, recommendation: row.recommendation, documents: documents.map(\.uuidString))
        }
    }

    static func auditBody(_ request: Request, _ loaded: LoadedAudit) async throws -> Components.Schemas.Audit {
        let service = AuditWorkService(db: request.db)
        let work = try await service.work(loaded)
        let scored = service.score(loaded, work)
        let deadlines = try await AuditDeadlines(db: request.db).compute(loaded)
        let today = CalendarDay.today
        let changes = try await AuditChangeModel.query(on: request.db).filter(\.$audit.$id == loaded.id).sort(\.$createdAt).all()
        let a = loaded.audit
        let f = work.facts
        return .init(
            id: loaded.id.uuidString, number: a.number, stage: .init(rawValue: a.stage) ?? .registered, _type: .init(rawValue: a.auditType) ?? .certification,
            employerId: loaded.ref.id.uuidString, employerName: loaded.ref.organisation.name, auditorName: a.auditorName, auditorKind: a.auditorKind,
            _protocol: .init(id: loaded.auditProtocol.id, version: loaded.auditProtocol.version, title: loaded.auditProtocol.title),
            plannedStart: a.plannedStart, lastDayOnSite: a.lastDayOnSite, worksites: loaded.worksites, wcbAccounts: loaded.wcbAccounts,
            sampling: loaded.breakdown.map { b in
                .init(employeesByRole: .init(b), visitedSites: loaded.visitedSites, plannedInterviews: a.plannedInterviews ?? 0,
                      requiredInterviews: loaded.requiredSample?.interviews ?? 0, requiredVisits: loaded.requiredSample?.visits ?? 0)
            },
            decisionReason: a.decisionReason, feeCents: a.feeCents, feePaidOn: a.feePaidOn,
            deadlines: ([deadlines.onSite] + [deadlines.submission].compactMap { $0 }).map {
                .init(rule: $0.rule, title: $0.title, due: $0.due.iso, daysLeft: $0.daysLeft(on: today))
            },
            score: scored.map { s in
                .init(earned: s.score.overall.earned, possible: s.score.overall.possible, passed: s.decision.passed, reasons: s.decision.reasons,
                      elements: s.score.elements.map { .init(number: $0.number, title: $0.title, earned: $0.points.earned, possible: $0.points.possible) })
            },
            answers: Self.answers(loaded, work, scored?.score),
            actionItems: try work.actionItems.map { .init(id: try $0.requireID().uuidString, questionId: $0.questionId, action: $0.action, owner: $0.owner, targetOn: $0.targetOn) },
            report: .init(employerName: f.employerName, employerAddress: f.employerAddress, contactName: f.contactName, contactPhone: f.contactPhone,
                          contactFax: f.contactFax, noFax: f.noFax, contactEmail: f.contactEmail, assessorName: f.assessorName, assessorPhone: f.assessorPhone,
                          assessorEmail: f.assessorEmail, wcbAccounts: f.wcbAccounts, industryCodes: f.industryCodes,
                          dataGatheringStart: f.dataGatheringStart?.iso, dataGatheringEnd: f.dataGatheringEnd?.iso, employerProfile: f.employerProfile,
                          employeesByRole: .init(additionalProperties: f.employeesByRole)),
            strengths: work.strengths, recommendations: work.recommendations,
            safetyManualFileId: a.safetyManualFile?.uuidString, legislationFileId: a.legislationFile?.uuidString,
            extensions: try deadlines.extensions.map {
                .init(id: try $0.requireID().uuidString, deadline: $0.deadline, days: $0.days, reason: $0.reason, status: .init(rawValue: $0.status) ?? .requested,
                      decisionReason: $0.decisionReason)
            },
            changes: changes.map { .init(at: $0.createdAt, by: $0.userName, what: $0.what, why: $0.why) },
            signatures: work.signoffs.map { .init(role: $0.role, name: $0.name, signedAt: $0.signedAt, contentHash: $0.contentHash) },
            revision: a.revision, submittedAt: a.submittedAt)
    }
}
