import Crypto
import Fluent
import Foundation
import SECORCore
import Vapor

/// The audit tool: answers, the action plan, the report, the pre-submission check,
/// sign-offs and submission (A2-A10, S1-S4). Any change voids the signatures.
struct AuditWorkService {
    let db: Database

    // MARK: Reading

    struct Work: Sendable {
        var answers: [String: AuditAnswerModel]
        var actionItems: [AuditActionItemModel]
        var signoffs: [AuditSignoffModel]
        var facts: ReportFacts
        var strengths: [String]
        var recommendations: [String]
        var sheets: [AuditSheetRowModel] = []
    }

    func work(_ loaded: LoadedAudit) async throws -> Work {
        let answers = try await AuditAnswerModel.query(on: db).filter(\.$audit.$id == loaded.id).all()
        let items = try await AuditActionItemModel.query(on: db).filter(\.$audit.$id == loaded.id).sort(\.$createdAt).all()
        let signoffs = try await AuditSignoffModel.query(on: db).filter(\.$audit.$id == loaded.id).all()
        return Work(answers: Dictionary(answers.map { ($0.questionId, $0) }, uniquingKeysWith: { a, _ in a }), actionItems: items,
                    signoffs: signoffs, facts: JSONText.decode(loaded.audit.reportFacts) ?? ReportFacts(),
                    strengths: JSONText.decode(loaded.audit.strengths) ?? [], recommendations: JSONText.decode(loaded.audit.recommendations) ?? [],
                    sheets: try await sheetRows(loaded))
    }

    /// The rules' view of the answers.
    func questionWork(_ work: Work, records: [UUID: CalendarDay]) -> [String: QuestionWork] {
        var out: [String: QuestionWork] = [:]
        for (id, row) in work.answers {
            let documents: [UUID] = JSONText.decode(row.documents) ?? []
            out[id] = QuestionWork(answer: row.answer.flatMap { JSONText.decode($0, as: Answer.self) },
                                   methods: JSONText.decode(row.methods) ?? [], notes: row.notes, recommendation: row.recommendation,
                                   documentDays: documents.compactMap { records[$0] },
                                   actionItems: work.actionItems.filter { $0.questionId == id }.count)
        }
        return out
    }

    /// A7: from 12 months before the start to the last day on site (or today, until known).
    func window(_ loaded: LoadedAudit, today: CalendarDay = .today) -> (from: CalendarDay, to: CalendarDay) {
        let to = loaded.lastDayOnSite ?? max(today, loaded.plannedStart)
        return (AuditFile.windowStart(months: loaded.ref.profile.evidenceWindowMonths, today: loaded.plannedStart), to)
    }

    /// The score so far, per element and overall, with the pass rule of this audit type.
    func score(_ loaded: LoadedAudit, _ work: Work) -> (score: AuditScore, decision: PassDecision)? {
        var answers: [String: Answer] = [:]
        for (id, row) in work.answers { if let a = row.answer.flatMap({ JSONText.decode($0, as: Answer.self) }) { answers[id] = a } }
        guard let score = try? ScoreCalculator.score(loaded.auditProtocol, answers: answers, breakdown: loaded.breakdown) else { return nil }
        return (score, score.decision(for: loaded.type, marks: loaded.ref.profile.passMarks))
    }

    // MARK: Editing

    struct AnswerInput: Sendable {
        var answer: Answer?
        var methods: [ValidationMethod]
        var notes: String
        var recommendation: String
        var documents: [UUID]
    }

    func requireEditable(_ loaded: LoadedAudit) throws {
        switch loaded.stage {
        case .approved, .corrections: return
        case .submitted, .passed, .invalid:
            throw AppError(status: .conflict, message: "Revision \(loaded.audit.revision) was submitted and is frozen (S4); it cannot be edited.")
        case .registered: throw AppError(status: .conflict, message: "The registration is not approved yet (R1): the audit cannot start.")
        default: throw AppError(status: .conflict, message: "A \(loaded.stage.label.lowercased()) audit cannot be edited.")
        }
    }

    func saveAnswer(_ loaded: LoadedAudit, questionId: String, _ input: AnswerInput, by user: CurrentUser) async throws {
        try requireEditable(loaded)
        guard let question = loaded.auditProtocol.question(questionId) else { throw AppError.notFound("question") }
        var input = input
        if question.sheet != nil, input.answer.map({ if case .notApplicable = $0 { return false } else { return true } }) ?? true {
            // A sheet question's answer is its sheet's: what the form or client sent is ignored.
            let rows = try await sheetRows(loaded, questionId: questionId)
            input.answer = SamplingSheet.answer(question, rows: rows.map(\.core))
        }
        if let answer = input.answer {
            do { _ = try question.points(for: answer, breakdown: loaded.breakdown) } catch { throw AppError.invalid("answer", "\(error)") }
            if case .sites(let sites) = answer, let stray = sites.first(where: { !loaded.worksites.contains($0.site) }) {
                throw AppError.refused("sites", "\"\(stray.site.prefix(60))\" is not one of the audit's worksites.")
            }
        }
        for method in input.methods where !question.methods.contains(method) {
            throw AppError.invalid("methods", "Question \(question.id) is validated by \(question.methods.map(\.rawValue).joined(separator: ", ")), not \(method.rawValue) (A2).")
        }
        let notes = try Validate.text(input.notes, "notes", "Notes", max: 5000, optional: true)
        let recommendation = try Validate.text(input.recommendation, "recommendation", "Recommendation", max: 2000, optional: true)
        guard input.documents.count <= 50 else { throw AppError.invalid("documents", "At most 50 documents per question.") }
        if !input.documents.isEmpty {
            let found = try await FieldRecordModel.query(on: db).filter(\.$id ~~ input.documents).filter(\.$employer.$id == loaded.ref.id).count()
            guard found == Set(input.documents).count else { throw AppError.invalid("documents", "A document is not one of this employer's records.") }
        }
        let existing = try await AuditAnswerModel.query(on: db).filter(\.$audit.$id == loaded.id).filter(\.$questionId == questionId).first()
        let row = existing ?? AuditAnswerModel()
        row.$audit.id = loaded.id
        row.questionId = questionId
        // Another answer than the one carried over is this year's own.
        if row.answer != input.answer.map(JSONText.encode) { row.carriedFrom = nil }
        row.answer = input.answer.map(JSONText.encode)
        row.methods = JSONText.encode(input.methods)
        row.notes = notes
        row.recommendation = recommendation
        row.documents = JSONText.encode(input.documents)
        row.updatedBy = user.id
        try await changed(loaded, by: user, what: "answered question \(questionId)") { db in try await row.save(on: db) }
    }

    /// A question raised to full marks needs no recommendation (A5) and no action item
    /// (A6): the auditor chose to drop them.
    func dropRecommendationAndItems(_ loaded: LoadedAudit, questionId: String, by user: CurrentUser) async throws {
        try requireEditable(loaded)
        guard loaded.auditProtocol.question(questionId) != nil else { throw AppError.notFound("question") }
        let id = loaded.id
        try await changed(loaded, by: user, what: "dropped the recommendation and action items of \(questionId) (full marks)") { db in
            try await AuditAnswerModel.query(on: db).filter(\.$audit.$id == id).filter(\.$questionId == questionId).set(\.$recommendation, to: "").update()
            try await AuditActionItemModel.query(on: db).filter(\.$audit.$id == id).filter(\.$questionId == questionId).delete()
        }
    }

    /// The audit tool's progress: questions answered of all.
    func progress(_ loaded: LoadedAudit, _ work: Work) -> (answered: Int, total: Int) {
        let answered = loaded.auditProtocol.questions.filter { work.answers[$0.id]?.answer != nil }.count
        return (answered, loaded.auditProtocol.questions.count)
    }

    func addActionItem(_ loaded: LoadedAudit, questionId: String, action: String, owner: String, targetOn: CalendarDay, by user: CurrentUser) async throws {
        try requireEditable(loaded)
        guard loaded.auditProtocol.question(questionId) != nil else { throw AppError.notFound("question") }
        let item = AuditActionItemModel()
        item.$audit.id = loaded.id
        item.questionId = questionId
        item.action = try Validate.text(action, "action", "Action", max: 1000)
        item.owner = try Validate.text(owner, "owner", "Owner")
        // An action plan looks forward: its target is on or after the audit's start.
        guard targetOn >= loaded.plannedStart else {
            throw AppError.invalid("targetOn", "The target date \(targetOn.readable) is before the audit started (\(loaded.plannedStart.readable)); an action item is done after the audit.")
        }
        item.targetOn = targetOn.iso
        try await changed(loaded, by: user, what: "added an action item to \(questionId)") { db in try await item.create(on: db) }
    }

    func removeActionItem(_ loaded: LoadedAudit, itemId: UUID, by user: CurrentUser) async throws {
        try requireEditable(loaded)
        guard let item = try await AuditActionItemModel.query(on: db).filter(\.$id == itemId).filter(\.$audit.$id == loaded.id).first() else {
            throw AppError.notFound("action item")
        }
        try await changed(loaded, by: user, what: "removed an action item from \(item.questionId)") { db in try await item.delete(on: db) }
    }

    struct ReportInput: Sendable {
        var facts: ReportFacts
        var strengths: [String]
        var recommendations: [String]
        var lastDayOnSite: CalendarDay?
    }

    /// S1: the roles whose headcount a report gives.
    static let roles = ["owner", "manager", "supervisor", "worker", "contractor"]

    /// Checks and trims what the page or the API sent; each failure names its field.
    static func validated(_ f: ReportFacts) throws -> ReportFacts {
        var v = ReportFacts()
        v.employerName = try Validate.text(f.employerName, "employerName", "Employer name", optional: true)
        v.employerAddress = try Validate.text(f.employerAddress, "employerAddress", "Employer address", max: 500, optional: true)
        v.contactName = try Validate.text(f.contactName, "contactName", "Contact name", optional: true)
        v.contactPhone = try Validate.text(f.contactPhone, "contactPhone", "Contact phone", max: 40, optional: true)
        v.contactFax = try Validate.text(f.contactFax, "contactFax", "Fax", max: 40, optional: true)
        v.noFax = v.contactFax.isEmpty && (f.noFax ?? false) ? true : nil
        v.contactEmail = try Validate.email(f.contactEmail, "contactEmail", optional: true)
        v.assessorName = try Validate.text(f.assessorName, "assessorName", "Assessor name", optional: true)
        v.assessorPhone = try Validate.text(f.assessorPhone, "assessorPhone", "Assessor phone", max: 40, optional: true)
        v.assessorEmail = try Validate.email(f.assessorEmail, "assessorEmail", optional: true)
        for (field, list) in [("wcbAccounts", f.wcbAccounts), ("industryCodes", f.industryCodes)] {
            guard list.count <= 20, list.allSatisfy({ $0.count <= 20 }) else { throw AppError.invalid(field, "At most 20 entries of up to 20 characters.") }
        }
        v.wcbAccounts = f.wcbAccounts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        v.industryCodes = f.industryCodes.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        v.dataGatheringStart = f.dataGatheringStart
        v.dataGatheringEnd = f.dataGatheringEnd
        v.employerProfile = try Validate.text(f.employerProfile, "employerProfile", "Employer profile", max: 4000, optional: true)
        for (role, count) in f.employeesByRole {
            guard roles.contains(role) else {
                throw AppError.invalid("employeesByRole", "'\(role)' is not a role; use \(roles.joined(separator: ", ")).")
            }
            guard (0...1000).contains(count) else { throw AppError.invalid(role, "Give the number of people in the role \(role) (0 or more).") }
        }
        v.employeesByRole = f.employeesByRole.filter { $0.value > 0 }
        return v
    }

    /// Saves the report details; answers what to look at (dates outside D1), which is
    /// flagged now rather than only at the pre-submission check.
    @discardableResult
    func saveReport(_ loaded: LoadedAudit, _ input: ReportInput, by user: CurrentUser) async throws -> [String] {
        try requireEditable(loaded)
        let facts = try Self.validated(input.facts)
        if let last = input.lastDayOnSite, last < loaded.plannedStart {
            throw AppError.invalid("lastDayOnSite", "The last day on site cannot be before the start (\(loaded.plannedStart.readable)).")
        }
        guard input.strengths.count <= 20, input.recommendations.count <= 20 else {
            throw AppError.invalid("strengths", "Keep the summary to 20 points of each kind.")
        }
        for line in input.strengths + input.recommendations where line.count > 500 {
            throw AppError.invalid("strengths", "Keep each summary line under 500 characters.")
        }
        let audit = loaded.audit
        audit.reportFacts = JSONText.encode(facts)
        audit.strengths = JSONText.encode(input.strengths)
        audit.recommendations = JSONText.encode(input.recommendations)
        audit.lastDayOnSite = input.lastDayOnSite?.iso
        try await changed(loaded, by: user, what: "edited the report details") { db in try await audit.save(on: db) }
        let deadlines = try await AuditDeadlines(db: db).compute(loaded)
        return AuditDates.onSiteFlags(start: loaded.plannedStart, onSiteDeadline: deadlines.onSite, lastDayOnSite: input.lastDayOnSite,
                                      dataGatheringStart: facts.dataGatheringStart, dataGatheringEnd: facts.dataGatheringEnd)
    }

    enum Attachment: String { case safetyManual, legislationList }

    func attach(_ loaded: LoadedAudit, _ kind: Attachment, bytes: [UInt8], filename: String, store: FileStore, by user: CurrentUser) async throws {
        try requireEditable(loaded)
        let stored = try store.store(bytes, filename: filename, employerId: loaded.ref.id, by: user, field: kind.rawValue)
        let file = StoredFileModel(employerId: loaded.ref.id, uploadedBy: user.id, sha256: stored.sha256, size: bytes.count,
                                   contentType: stored.kind.rawValue, originalName: stored.name)
        let audit = loaded.audit
        try await changed(loaded, by: user, what: "attached the \(kind == .safetyManual ? "safety manual" : "legislation list")") { db in
            try await file.create(on: db)
            if kind == .safetyManual { audit.safetyManualFile = file.id } else { audit.legislationFile = file.id }
            try await audit.save(on: db)
        }
    }

    /// Attaches a file the employer already uploaded (the API's way).
    func attach(_ loaded: LoadedAudit, _ kind: Attachment, fileId: UUID, by user: CurrentUser) async throws {
        try requireEditable(loaded)
        guard try await StoredFileModel.query(on: db).filter(\.$id == fileId).filter(\.$employer.$id == loaded.ref.id).first() != nil else {
            throw AppError.invalid("fileId", "The file is not one of this employer's files.")
        }
        let audit = loaded.audit
        if kind == .safetyManual { audit.safetyManualFile = fileId } else { audit.legislationFile = fileId }
        try await changed(loaded, by: user, what: "attached the \(kind == .safetyManual ? "safety manual" : "legislation list")") { db in
            try await audit.save(on: db)
        }
    }

    /// Every change voids the signatures (S1): the signed hash no longer matches. The audit
    /// row is locked first (as `freeze` does), so a change racing a submission, or two sheet
    /// rows recomputing one answer, or two carry-overs against the limit, wait for each
    /// other on PostgreSQL instead of both acting on what they read before.
    func changed(_ loaded: LoadedAudit, by user: CurrentUser, what: String,
                         _ write: @escaping @Sendable (Database) async throws -> Void) async throws {
        let revision = loaded.audit.revision
        try await db.writeTransaction { db in
            try await db.lockAudit(loaded.id, expecting: { $0.isEditable },
                                   otherwise: { _ in "Revision \(revision) was submitted and is frozen (S4); it cannot be edited." })
            try await write(db)
            let voided = try await AuditSignoffModel.query(on: db).filter(\.$audit.$id == loaded.id).count()
            try await AuditSignoffModel.query(on: db).filter(\.$audit.$id == loaded.id).delete()
            try await AuditLog.append(on: db, actor: user.id, action: "audit.edit", entity: "audit", entityId: loaded.id.uuidString,
                                      detail: what + (voided > 0 ? "; \(voided) signature(s) voided" : ""))
        }
    }

    // MARK: The pre-submission check (Q3, Q4)

    struct Check: Sendable {
        var findings: [SubmissionFinding]
        /// Blocks submission though QA would not list it: R7 fees, missing signatures.
        var holds: [String]
        var contentHash: String
        var requiredSignatures: [String]
        var signoffs: [AuditSignoffModel]
    }

    func check(_ loaded: LoadedAudit, today: CalendarDay = .today) async throws -> Check {
        let work = try await work(loaded)
        let window = window(loaded, today: today)
        let records = try await FieldRecordModel.query(on: db).filter(\.$employer.$id == loaded.ref.id)
            .filter(\.$occurredOn >= window.from.iso).filter(\.$occurredOn <= window.to.iso).all()
        let cited = Set(work.answers.values.flatMap { (JSONText.decode($0.documents) as [UUID]?) ?? [] })
        let citedRows = try await FieldRecordModel.query(on: db).filter(\.$id ~~ Array(cited)).all()
        // A7 dates the everyday records; a standing policy or register entry is exempt.
        let days = Dictionary(citedRows.filter { !(FieldRecordKind(rawValue: $0.kind)?.isStanding ?? false) }
            .compactMap { r in (try? CalendarDay(iso: r.occurredOn)).map { (r.id!, $0) } }, uniquingKeysWith: { a, _ in a })
        let employer = try await EmployerRecords.load(employers: [loaded.ref.id], on: db)[loaded.ref.id]!
        let training = TrainingRules.status(people: employer.people, completions: employer.completions, profile: loaded.ref.profile, on: today)
        let qualification = try await AssessorCheck(db: db).qualification(loaded.ref, on: today)?.result
        let deadlines = try await AuditDeadlines(db: db).compute(loaded)
        let submission = deadlines.submission
            ?? AuditTimeline(loaded.ref.profile.timelines).submission(lastDayOnSite: deadlines.onSite.due)
        let workers = employer.people.filter { $0.isOnAccount(on: loaded.plannedStart) && $0.category != .owner }.count
        // D2 judges the first submission; a correction QA asked for is judged by D4 and D5.
        var correction: CorrectionDeadlines?
        if loaded.stage == .corrections, let review = try await QAReviewModel.query(on: db).filter(\.$audit.$id == loaded.id).first(),
           let first = review.firstFeedbackOn.flatMap({ try? CalendarDay(iso: $0) }),
           let open = review.openFeedbackOn.flatMap({ try? CalendarDay(iso: $0) }) {
            correction = AuditTimeline(loaded.ref.profile.timelines).corrections(firstFeedbackOn: first, openFeedbackOn: open)
        }
        let facts = SubmissionFacts(
            auditProtocol: loaded.auditProtocol, work: questionWork(work, records: days), report: work.facts,
            strengths: work.strengths, recommendations: work.recommendations,
            legislationListRequired: loaded.ref.profile.legislationListRequired, legislationListAttached: loaded.audit.legislationFile != nil,
            minimumNoteCharacters: loaded.ref.profile.minimumNoteCharacters, windowFrom: window.from, windowTo: window.to,
            incidentReportsInWindow: records.filter { $0.kind == FieldRecordKind.incident.rawValue }.count,
            preStartsInWindow: records.filter { $0.kind == FieldRecordKind.preStartInspection.rawValue }.count,
            workersOnRoster: workers, trainingAtSubmission: training, qualificationAtSubmission: qualification,
            submissionDeadline: submission, today: today, lastDayOnSite: loaded.lastDayOnSite, onSiteDeadline: deadlines.onSite,
            correction: correction)
        var checked = facts
        checked.breakdown = loaded.breakdown
        if let required = loaded.requiredSample {
            let rows = work.sheets
            let interviews = Dictionary(grouping: rows, by: \.questionId).mapValues(\.count)
            checked.sample = SampleCheck(required: required, plannedInterviews: loaded.audit.plannedInterviews ?? required.interviews,
                                         visitedSites: loaded.visitedSites.count, interviewsRecorded: interviews)
        }
        let findings = PreSubmission.findings(checked)
        var holds: [String] = []
        if loaded.audit.feeCents != nil && loaded.audit.feePaidOn == nil {
            holds.append("R7: the review fee invoiced by \(loaded.ref.profile.partnerShortName) is not paid; the audit is on hold until it is.")
        }
        let hash = try contentHash(loaded, work)
        let required = requiredSignatures(loaded)
        for role in required where !work.signoffs.contains(where: { $0.role == role && $0.contentHash == hash }) {
            holds.append(role == "auditor" ? "The auditor has not signed this version of the report." : "The employer's representative has not signed this version of the report (S2).")
        }
        return Check(findings: findings, holds: holds, contentHash: hash, requiredSignatures: required, signoffs: work.signoffs)
    }

    /// S1/S2: the auditor always; the employer too when it is not its own assessor.
    func requiredSignatures(_ loaded: LoadedAudit) -> [String] {
        loaded.isExternal && loaded.ref.profile.auditors.employerSignOffWithExternal ? ["auditor", "employer"] : ["auditor"]
    }

    // MARK: Content, signatures, submission (S1-S4)

    struct ReportContent: Codable {
        struct Question: Codable {
            var id: String
            var answer: Answer?
            var methods: [ValidationMethod]
            var notes: String
            var recommendation: String
            var documents: [UUID]
            /// Carry-over: the certification audit's number.
            var carriedFrom: String?
        }
        /// A sampling-sheet row, frozen with the report (confidential: see `ReportPages`).
        struct SheetEntry: Codable {
            var questionId: String
            var site: String
            var role: String
            var on: String
            var positive: Bool
            var subject: String
            var note: String
        }
        struct Item: Codable {
            var questionId: String
            var action: String
            var owner: String
            var targetOn: String
        }
        var auditId: UUID
        var number: String?
        var protocolId: String
        var protocolVersion: String
        var auditType: String
        var plannedStart: String
        var lastDayOnSite: String?
        var worksites: [String]
        var facts: ReportFacts
        var strengths: [String]
        var recommendations: [String]
        var questions: [Question]
        var actionItems: [Item]
        var safetyManualFile: UUID?
        var legislationFile: UUID?
        /// Scope and sampling; nil in revisions frozen before they were recorded.
        var employeesByRole: [String: Int]?
        var visitedSites: [String]?
        var plannedInterviews: Int?
        var sheets: [SheetEntry]?
    }

    func content(_ loaded: LoadedAudit, _ work: Work) -> ReportContent {
        var content = ReportContent(
            auditId: loaded.id, number: loaded.audit.number, protocolId: loaded.auditProtocol.id, protocolVersion: loaded.auditProtocol.version,
            auditType: loaded.audit.auditType, plannedStart: loaded.audit.plannedStart, lastDayOnSite: loaded.audit.lastDayOnSite,
            worksites: loaded.worksites, facts: work.facts, strengths: work.strengths, recommendations: work.recommendations,
            questions: loaded.auditProtocol.questions.compactMap { q in
                work.answers[q.id].map { row in
                    .init(id: q.id, answer: row.answer.flatMap { JSONText.decode($0, as: Answer.self) }, methods: JSONText.decode(row.methods) ?? [],
                          notes: row.notes, recommendation: row.recommendation, documents: JSONText.decode(row.documents) ?? [],
                          carriedFrom: row.carriedFrom)
                }
            },
            actionItems: work.actionItems.map { .init(questionId: $0.questionId, action: $0.action, owner: $0.owner, targetOn: $0.targetOn) },
            safetyManualFile: loaded.audit.safetyManualFile, legislationFile: loaded.audit.legislationFile)
        if let breakdown = loaded.breakdown {
            content.employeesByRole = breakdown.byRole
            content.visitedSites = loaded.visitedSites
            content.plannedInterviews = loaded.audit.plannedInterviews
        }
        if !work.sheets.isEmpty {
            content.sheets = work.sheets.map { .init(questionId: $0.questionId, site: $0.site, role: $0.role, on: $0.onDay, positive: $0.positive,
                                                     subject: $0.subject, note: $0.note) }
        }
        return content
    }

    func contentHash(_ loaded: LoadedAudit, _ work: Work) throws -> String {
        SHA256.hash(data: Data(JSONText.encode(content(loaded, work)).utf8)).hex
    }

    /// Signs the report as it is now; the check must be clean first.
    func sign(_ loaded: LoadedAudit, role: String, by user: CurrentUser) async throws {
        try requireEditable(loaded)
        guard requiredSignatures(loaded).contains(role) else {
            throw AppError.invalid("role", "This report needs no \(role) signature.")
        }
        let check = try await check(loaded)
        guard check.findings.isEmpty else {
            throw AppError(status: .unprocessableEntity, message: "Fix the \(check.findings.count) item(s) of the pre-submission check before signing.")
        }
        let row = AuditSignoffModel()
        row.$audit.id = loaded.id
        row.role = role
        row.userId = user.id
        row.name = user.name
        row.contentHash = check.contentHash
        try await db.writeTransaction { db in
            try await AuditSignoffModel.query(on: db).filter(\.$audit.$id == loaded.id).filter(\.$role == role).delete()
            try await row.create(on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "audit.sign", entity: "audit", entityId: loaded.id.uuidString,
                                      detail: "\(role) signed \(check.contentHash)")
            if role == "auditor" && check.requiredSignatures.contains("employer") {
                try await Notices.send(.reportSignatureNeeded, .audit(loaded.audit), title: "Sign the audit report",
                                       body: "\(user.name) signed the report of audit \(loaded.audit.number ?? ""); the employer's representative signs next (S2).",
                                       link: loaded.link + "/check", except: user.id, on: db)
            }
        }
    }

    /// S4: freezes the report as the next revision (1 on first submission).
    func submit(_ loaded: LoadedAudit, by user: CurrentUser, via: String = "online") async throws {
        try requireEditable(loaded)
        let check = try await check(loaded)
        guard check.findings.isEmpty, check.holds.isEmpty else {
            let items = check.findings.map { "\($0.rule): \($0.message)" } + check.holds
            throw AppError(status: .unprocessableEntity, message: "The report cannot be submitted yet:\n" + items.map { "• " + $0 }.joined(separator: "\n"))
        }
        try await freeze(loaded, by: user, via: via)
    }

    /// S3: staff record a binder received by mail; it stands as the submission.
    func recordBinder(_ loaded: LoadedAudit, receivedOn: CalendarDay, by admin: CurrentUser) async throws {
        guard loaded.ref.profile.binderSubmissionAllowed else {
            throw AppError(status: .conflict, message: "\(loaded.ref.profile.partnerShortName) accepts online submissions only (S3).")
        }
        try requireEditable(loaded)
        try await freeze(loaded, by: admin, via: "binder received \(receivedOn.iso)")
    }

    private func freeze(_ loaded: LoadedAudit, by user: CurrentUser, via: String) async throws {
        let work = try await work(loaded)
        let content = JSONText.encode(content(loaded, work))
        let audit = loaded.audit
        try await db.writeTransaction { db in
            try await db.lockAudit(loaded.id, expecting: { $0.isEditable }, otherwise: { _ in "This audit was already submitted." })
            audit.revision += 1
            audit.stage = AuditStage.submitted.rawValue
            audit.submittedAt = Date()
            audit.submittedVia = via
            try await audit.save(on: db)
            let revision = AuditRevisionModel()
            revision.$audit.id = loaded.id
            revision.revision = audit.revision
            revision.content = content
            revision.contentHash = SHA256.hash(data: Data(content.utf8)).hex
            revision.submittedBy = user.id
            revision.submittedVia = via
            try await revision.create(on: db)
            // A correction returned (D4): its clock stops; D5 runs on.
            try await QAReviewModel.query(on: db).filter(\.$audit.$id == loaded.id).set(\.$openFeedbackOn, to: nil).update()
            try await AuditLog.append(on: db, actor: user.id, action: "audit.submit", entity: "audit", entityId: loaded.id.uuidString,
                                      detail: "revision \(audit.revision) \(via) \(revision.contentHash)")
            let what = audit.revision > 1 ? "resubmitted as revision \(audit.revision)" : "submitted"
            try await Notices.send(.auditSubmitted, .audit(audit), title: "Audit \(audit.number ?? "") \(what): \(loaded.ref.organisation.name)",
                                   body: "Revision \(audit.revision) (\(via)) went to \(loaded.ref.profile.partnerShortName) for QA review.",
                                   link: loaded.link, except: user.id, on: db)
        }
    }

    // MARK: Evidence the tool proposes (A7, F1)

    /// The employer's records of the window whose kind the question names, newest first.
    func proposals(_ loaded: LoadedAudit, question: ProtocolQuestion, today: CalendarDay = .today) async throws -> [FieldRecordModel] {
        let kinds = FieldRecordKind.allCases.filter { !Set($0.evidenceKinds).isDisjoint(with: question.evidenceKinds) }
        guard !kinds.isEmpty else { return [] }
        let window = window(loaded, today: today)
        let dated = kinds.filter { !$0.isStanding }.map(\.rawValue)
        let standing = kinds.filter(\.isStanding).map(\.rawValue)
        var records = try await FieldRecordModel.query(on: db).filter(\.$employer.$id == loaded.ref.id).filter(\.$kind ~~ dated)
            .filter(\.$occurredOn >= window.from.iso).filter(\.$occurredOn <= window.to.iso)
            .sort(\.$occurredOn, .descending).limit(40).all()
        // The policy and register in force count however old they are.
        if !standing.isEmpty {
            records += try await FieldRecordModel.query(on: db).filter(\.$employer.$id == loaded.ref.id).filter(\.$kind ~~ standing)
                .filter(\.$occurredOn <= window.to.iso).sort(\.$occurredOn, .descending).limit(20).all()
        }
        return records
    }
}
