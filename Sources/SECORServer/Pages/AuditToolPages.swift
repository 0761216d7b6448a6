import Fluent
import SECORCore
import Vapor

/// The audit tool: a question at a time, the report details and summary, the
/// pre-submission check, sign-offs and submission (A2-A10, S1-S4).
struct AuditToolPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("audits", ":auditId", "questions", ":questionId", use: showQuestion)
        routes.post("audits", ":auditId", "questions", ":questionId", use: saveQuestion)
        routes.post("audits", ":auditId", "questions", ":questionId", "actions", use: addAction)
        routes.post("audits", ":auditId", "questions", ":questionId", "tidy", use: dropRecommendationAndItems)
        routes.post("audits", ":auditId", "actions", ":itemId", "delete", use: removeAction)
        routes.post("audits", ":auditId", "questions", ":questionId", "sheet", use: addSheetRow)
        routes.post("audits", ":auditId", "sheet", ":rowId", "delete", use: removeSheetRow)
        routes.get("audits", ":auditId", "report", use: showReport)
        routes.post("audits", ":auditId", "report", use: saveReport)
        routes.on(.POST, "audits", ":auditId", "attachments", body: .collect(maxSize: "11mb"), use: attach)
        routes.get("audits", ":auditId", "check", use: showCheck)
        routes.post("audits", ":auditId", "sign", use: sign)
        routes.post("audits", ":auditId", "carry-over", ":questionId", use: carryOver)
        routes.post("audits", ":auditId", "submit", use: submit)
    }

    // MARK: A question

    struct QuestionForm: Content {
        var answer: String?
        var points: String?
        var positive: String?
        var total: String?
        var found: String?
        var naReason: String?
        var methods: [String]?
        var notes: String?
        var recommendation: String?
        var documents: [String]?
        /// An action item typed with the answer ("Add to the action plan" keeps both).
        var action: String?
        var owner: String?
        var targetOn: String?
        /// "next" (save and go on), "stay", "addItem"; autosave sends "autosave".
        var intent: String?
    }

    struct DocumentOption: Encodable {
        var id: String
        var label: String
        var checked: Bool
        var href: String
        /// The readiness findings about this record ("2 of 3 workers did not sign").
        var findings: [String]
    }

    struct ItemRow: Encodable {
        var id: String
        var action: String
        var owner: String
        var targetOn: String
    }

    struct QuestionContext: Encodable {
        var layout: LayoutContext
        var auditId: String
        var auditTitle: String
        var elementTitle: String
        var question: ProtocolQuestion
        var scoring: String
        var bands: String
        var answer: String
        var points: String
        var positive: String
        var total: String
        var naReason: String
        var naReasons: [SelectOption]
        var naAllowed: Bool
        var methods: [SelectOption]
        var notes: String
        var recommendation: String
        var documents: [DocumentOption]
        var noDocuments: Bool
        var recordedKinds: Bool
        var evidenceKinds: String
        var items: [ItemRow]
        var hasItems: Bool
        var editable: Bool
        var previous: String?
        var next: String?
        var minimumNotes: Int
        var error: FormError?
        /// "12 of 27 answered".
        var answered: Int
        var totalQuestions: Int
        /// Full marks with a recommendation or action items left: ask whether to drop them.
        var askFullMarks: Bool
        var action: String
        var owner: String
        var targetOn: String
        var found: String
        /// A sheet question: "3 of 4 positive — 2 of 3 points".
        var sheetScore: String
        var capExplanation: String
        var carriedFrom: String
        /// The reader may see the rows (auditor, partner staff); others see the counts only,
        /// since site, role and day alone can say who was interviewed.
        var confidential: Bool
        var sheetSummary: String
        /// Rows on the sheet now: the page's script tells a saved row from one still to send.
        var sheetCount: Int
        var rows: [SheetRowView]
        var hasRows: Bool
        var sites: [SelectOption]
        var roles: [SelectOption]
        var sheetOn: String
        var sampleHint: String
    }

    struct SheetRowView: Encodable {
        var id: String
        var site: String
        var role: String
        var on: String
        var positive: Bool
        var subject: String
        var note: String
    }

    private func question(_ req: Request, _ loaded: LoadedAudit) throws -> ProtocolQuestion {
        guard let id = req.parameters.get("questionId"), let q = loaded.auditProtocol.question(id) else { throw AppError.notFound("question") }
        return q
    }

    func showQuestion(req: Request) async throws -> View {
        let loaded = try await req.loadedAudit(.view)
        return try await renderQuestion(req, loaded, try question(req, loaded), form: nil, error: nil)
    }

    private func renderQuestion(_ req: Request, _ loaded: LoadedAudit, _ q: ProtocolQuestion, form: QuestionForm?, error: FormError?) async throws -> View {
        let user = try req.requireUser()
        let service = AuditWorkService(db: req.db)
        let work = try await service.work(loaded)
        let row = work.answers[q.id]
        let stored = AnswerParsing.parts(row?.answer.flatMap { JSONText.decode($0, as: Answer.self) })
        let storedMethods: [String] = row.flatMap { JSONText.decode($0.methods) } ?? []
        let storedDocuments: [UUID] = row.flatMap { JSONText.decode($0.documents) } ?? []
        let chosenDocuments = form?.documents ?? storedDocuments.map(\.uuidString)
        var proposals = try await service.proposals(loaded, question: q)
        let missing = storedDocuments.filter { id in !proposals.contains { $0.id == id } }
        if !missing.isEmpty { proposals += try await FieldRecordModel.query(on: req.db).filter(\.$id ~~ missing).all() }
        let questions = loaded.auditProtocol.questions
        let index = questions.firstIndex { $0.id == q.id } ?? 0
        let base = "/audits/\(loaded.id.uuidString)/questions/"
        let scoring = Self.formKind(q)
        let bands = q.scoring.summary + (q.perSite ? ", averaged over the sites (\(q.rounding == .down ? "rounded down" : "rounded half up"))" : "")
            + (q.cappedBy.map { ", never above question \($0) (cascade)" } ?? "")
        // An employer's owner may follow the audit, but the sheet's who and notes are confidential.
        let confidential = Policy.decide(user, .audit(loaded.scope, .readConfidential)) == .allow
        let rows = work.sheets.filter { $0.questionId == q.id }
        let score = service.score(loaded, work)?.score.question(q.id)
        let storedAnswer = row?.answer.flatMap { JSONText.decode($0, as: Answer.self) }
        let chosenMethods = form?.methods ?? storedMethods
        // Evidence opens in place, with what readiness found about each record.
        let readiness = try await ReadinessService(db: req.db).report(loaded.ref, on: .today)
        var findings: [String: [String]] = [:]
        for deduction in readiness.deductions { for f in deduction.findings { if let id = f.recordId { findings[id, default: []].append(f.reason) } } }
        let progress = service.progress(loaded, work)
        let items = work.actionItems.filter { $0.questionId == q.id }
        let earned = storedAnswer.flatMap { try? q.points(for: $0, breakdown: loaded.breakdown) }
        let leftovers = earned == q.maxPoints && (!(row?.recommendation ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || !items.isEmpty)
        return try await req.view.render("audit-question", QuestionContext(
            layout: req.layoutContext(title: "Question \(q.id)"), auditId: loaded.id.uuidString, auditTitle: loaded.title,
            elementTitle: loaded.auditProtocol.elements.first { $0.questions.contains { $0.id == q.id } }.map { "\($0.number). \($0.title)" } ?? "",
            question: q, scoring: scoring, bands: bands,
            answer: form?.answer ?? stored.kind, points: form?.points ?? stored.points.map(String.init) ?? "",
            positive: form?.positive ?? stored.positive.map(String.init) ?? "", total: form?.total ?? stored.total.map(String.init) ?? "",
            naReason: form?.naReason ?? stored.reason ?? "",
            naReasons: Self.naOptions(q, loaded, chosen: form?.naReason ?? stored.reason),
            naAllowed: !q.notApplicableReasons.isEmpty || q.notApplicableByRole != nil,
            methods: q.methods.map { SelectOption(value: $0.rawValue, label: $0.rawValue.capitalized, selected: chosenMethods.contains($0.rawValue)) },
            notes: form?.notes ?? row?.notes ?? "", recommendation: form?.recommendation ?? row?.recommendation ?? "",
            documents: proposals.map { r in
                DocumentOption(id: r.id!.uuidString,
                               label: "\(FieldRecordKind(rawValue: r.kind)?.title ?? r.kind) · \((try? CalendarDay(iso: r.occurredOn).readable) ?? r.occurredOn)\(r.site.isEmpty ? "" : " · \(r.site)")",
                               checked: chosenDocuments.contains(r.id!.uuidString),
                               href: "/employers/\(loaded.ref.id.uuidString)/records/\(r.id!.uuidString)",
                               findings: findings[r.id!.uuidString] ?? [])
            },
            noDocuments: proposals.isEmpty, recordedKinds: q.evidenceKinds.contains(where: \.isRecorded),
            evidenceKinds: q.evidenceKinds.map(\.title).joined(separator: ", "),
            items: work.actionItems.filter { $0.questionId == q.id }.map {
                ItemRow(id: $0.id!.uuidString, action: $0.action, owner: $0.owner, targetOn: (try? CalendarDay(iso: $0.targetOn).readable) ?? $0.targetOn)
            },
            hasItems: work.actionItems.contains { $0.questionId == q.id },
            editable: loaded.stage.isEditable && Policy.decide(user, .audit(loaded.scope, .work)) == .allow,
            previous: index > 0 ? base + questions[index - 1].id : nil,
            next: index + 1 < questions.count ? base + questions[index + 1].id : nil,
            minimumNotes: loaded.ref.profile.minimumNoteCharacters, error: error,
            answered: progress.answered, totalQuestions: progress.total,
            askFullMarks: leftovers,
            action: form?.action ?? "", owner: form?.owner ?? "", targetOn: form?.targetOn ?? "",
            found: form?.found ?? stored.found.map(String.init) ?? "",
            sheetScore: rows.isEmpty ? "No row yet: the score comes from the rows you record." : QAPages.describe(storedAnswer, q, earned: score.map(\.earned)),
            capExplanation: score?.capExplanation ?? "", carriedFrom: row?.carriedFrom ?? "",
            confidential: confidential,
            sheetSummary: "\(rows.count) \(q.sheet?.rawValue ?? "row")(s) recorded, \(rows.filter(\.positive).count) positive.",
            sheetCount: rows.count,
            rows: !confidential ? [] : rows.map { SheetRowView(id: $0.id?.uuidString ?? "", site: $0.site, role: $0.role.capitalized,
                                          on: (try? CalendarDay(iso: $0.onDay).readable) ?? $0.onDay, positive: $0.positive,
                                          subject: confidential ? $0.subject : "", note: confidential ? $0.note : "") },
            hasRows: !rows.isEmpty,
            sites: loaded.worksites.map { SelectOption(value: $0, label: $0 + (loaded.visitedSites.contains($0) ? "" : " (not in the sample)"), selected: $0 == rows.last?.site) },
            roles: StaffRole.allCases.map { SelectOption(value: $0.rawValue, label: $0.rawValue.capitalized, selected: $0 == (rows.last.map(\.core.role) ?? .worker)) },
            sheetOn: min(CalendarDay.today, loaded.lastDayOnSite ?? .today).iso,
            sampleHint: q.sheet == .interview ? loaded.requiredSample.map { "The sample calls for at least \($0.interviews) interview(s); \(rows.count) recorded." } ?? "" : ""))
    }

    /// The N/A reasons a question allows; N/A by role only while the breakdown has nobody in
    /// its roles, and then proposed first.
    static func naOptions(_ q: ProtocolQuestion, _ loaded: LoadedAudit, chosen: String?) -> [SelectOption] {
        var options = q.notApplicableReasons.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == chosen) }
        if let exemption = q.notApplicableByRole,
           loaded.breakdown.map({ b in exemption.roles.allSatisfy { b.count($0) == 0 } }) ?? true {
            options.insert(SelectOption(value: NotApplicableReason.noneInRole.rawValue, label: exemption.reason,
                                        selected: chosen == NotApplicableReason.noneInRole.rawValue), at: 0)
        }
        return options
    }

    /// The answer boxes a question's form shows.
    static func formKind(_ q: ProtocolQuestion) -> String {
        switch q.answerKind {
        case .yesNo: return "yesNo"
        case .points: return "range"
        case .share: return "proportion"
        case .criteria: return "criteria"
        case .sheet: return "sheet"
        }
    }

    static func answerInput(_ form: QuestionForm) throws -> AuditWorkService.AnswerInput {
        func number(_ text: String?, _ field: String) throws -> Int? {
            let t = (text ?? "").trimmingCharacters(in: .whitespaces)
            if t.isEmpty { return nil }
            guard let n = Int(t) else { throw AppError.invalid(field, "'\(t)' is not a whole number.") }
            return n
        }
        // Numbers typed without ticking their radio still say what kind of answer it is:
        // typed points are never dropped behind "Saved".
        var kind = form.answer ?? ""
        // "Scored from the sheet": the service takes the sheet's answer.
        if kind == "sheet" { kind = "" }
        if kind.isEmpty, !(form.points ?? "").trimmingCharacters(in: .whitespaces).isEmpty { kind = "points" }
        if kind.isEmpty, !((form.positive ?? "") + (form.total ?? "")).trimmingCharacters(in: .whitespaces).isEmpty { kind = "proportion" }
        if kind.isEmpty, !(form.found ?? "").trimmingCharacters(in: .whitespaces).isEmpty { kind = "criteria" }
        let answer = try AnswerParsing.answer(kind: kind, points: try number(form.points, "points"),
                                              positive: try number(form.positive, "positive"), total: try number(form.total, "total"),
                                              found: try number(form.found, "found"),
                                              reason: form.naReason)
        let methods = try (form.methods ?? []).map { try Validate.choice($0, "methods", "Method", as: ValidationMethod.self) }
        let documents = try (form.documents ?? []).map { try Validate.uuid($0, "documents", "Document") }
        return .init(answer: answer, methods: methods, notes: form.notes ?? "", recommendation: form.recommendation ?? "", documents: documents)
    }

    /// What the question page's autosave hears back.
    struct SavedAnswer: Content {
        var saved: Bool
        var answered: Int
        var total: Int
        /// Full marks with a recommendation or action items left: the page asks.
        var askFullMarks: Bool
    }

    func saveQuestion(req: Request) async throws -> Response {
        try await save(req, intent: nil)
    }

    /// One save for every button of the question form and for autosave: the answer, notes
    /// and recommendation first, then the action item typed with them (never on autosave),
    /// so nothing typed is lost whichever button is pressed.
    private func save(_ req: Request, intent forced: String?) async throws -> Response {
        let user = try req.requireUser()
        let loaded = try await req.loadedAudit(.work)
        let q = try question(req, loaded)
        let form = try req.content.decode(QuestionForm.self)
        let intent = forced ?? form.intent ?? "next"
        return try await req.submitForm({
            let service = AuditWorkService(db: req.db)
            try await service.saveAnswer(loaded, questionId: q.id, try Self.answerInput(form), by: user)
            let action = (form.action ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if intent != "autosave" && (intent == "addItem" || !action.isEmpty) {
                try await service.addActionItem(loaded, questionId: q.id, action: action, owner: form.owner ?? "",
                                                targetOn: try Validate.day(form.targetOn, "targetOn", "Target date"), by: user)
            }
            let work = try await service.work(loaded)
            let progress = service.progress(loaded, work)
            let earned = (try? Self.answerInput(form).answer.flatMap { try q.points(for: $0) }) ?? nil
            let leftovers = earned == q.maxPoints
                && (!(form.recommendation ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || work.actionItems.contains { $0.questionId == q.id })
            if req.wantsJSON {
                return try await SavedAnswer(saved: true, answered: progress.answered, total: progress.total, askFullMarks: leftovers).encodeResponse(for: req)
            }
            let here = "\(loaded.link)/questions/\(q.id)"
            if leftovers {
                req.flash("Saved. Question \(q.id) now has full marks: drop its recommendation and action items?")
                return req.redirect(to: here + "?ask=fullMarks#full-marks")
            }
            if intent == "addItem" {
                req.flash("Saved, and added to the action plan.")
                return req.redirect(to: here + "#actions")
            }
            if intent == "stay" { return req.redirect(to: here) }
            let questions = loaded.auditProtocol.questions
            let index = questions.firstIndex { $0.id == q.id } ?? 0
            req.flash("Question \(q.id) is saved · \(progress.answered) of \(progress.total) answered.")
            // Saved: on to the next question, or back to the audit after the last.
            return req.redirect(to: index + 1 < questions.count ? "\(loaded.link)/questions/\(questions[index + 1].id)" : loaded.link)
        }, orRender: { error in try await renderQuestion(req, loaded, q, form: form, error: error) })
    }

    func dropRecommendationAndItems(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let loaded = try await req.loadedAudit(.work)
        let q = try question(req, loaded)
        return try await req.submitForm({
            try await AuditWorkService(db: req.db).dropRecommendationAndItems(loaded, questionId: q.id, by: user)
            req.flash("The recommendation and action items of question \(q.id) are dropped.")
            return req.redirect(to: "\(loaded.link)/questions/\(q.id)")
        }, orRender: { error in try await renderQuestion(req, loaded, q, form: nil, error: error) })
    }

    /// "Add to the action plan": saves the answer typed with it too (the same form).
    func addAction(req: Request) async throws -> Response {
        try await save(req, intent: "addItem")
    }

    func removeAction(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let loaded = try await req.loadedAudit(.work)
        guard let itemId = req.parameters.get("itemId", as: UUID.self),
              let item = try await AuditActionItemModel.query(on: req.db).filter(\.$id == itemId).filter(\.$audit.$id == loaded.id).first() else {
            throw AppError.notFound("action item")
        }
        try await AuditWorkService(db: req.db).removeActionItem(loaded, itemId: itemId, by: user)
        req.flash("The action item is removed from the plan.")
        return req.redirect(to: "\(loaded.link)/questions/\(item.questionId)#actions")
    }

    // MARK: Sampling sheets (A2)

    struct SheetForm: Content {
        var site: String?
        var role: String?
        var on: String?
        var positive: String?
        var subject: String?
        var note: String?
    }

    static func sheetInput(_ form: SheetForm) throws -> AuditWorkService.SheetInput {
        .init(site: form.site ?? "", role: try Validate.choice(form.role, "role", "Role", as: StaffRole.self),
              on: try Validate.day(form.on, "on", "Day"), positive: Validate.flag(form.positive),
              subject: form.subject ?? "", note: form.note ?? "")
    }

    func addSheetRow(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let loaded = try await req.loadedAudit(.work)
        let q = try question(req, loaded)
        let form = try req.content.decode(SheetForm.self)
        return try await req.submitForm({
            try await AuditWorkService(db: req.db).addSheetRow(loaded, questionId: q.id, try Self.sheetInput(form), by: user)
            req.flash("Recorded on the sheet of question \(q.id); its score is recomputed.")
            return req.redirect(to: "\(loaded.link)/questions/\(q.id)#sheet")
        }, orRender: { error in try await renderQuestion(req, loaded, q, form: nil, error: error) })
    }

    func removeSheetRow(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let loaded = try await req.loadedAudit(.work)
        guard let rowId = req.parameters.get("rowId", as: UUID.self) else { throw AppError.notFound("sheet row") }
        let question = try await AuditSheetRowModel.query(on: req.db).filter(\.$id == rowId).filter(\.$audit.$id == loaded.id).first()?.questionId
        try await AuditWorkService(db: req.db).removeSheetRow(loaded, rowId: rowId, by: user)
        req.flash("The row is removed; the score is recomputed.")
        return req.redirect(to: "\(loaded.link)/questions/\(question ?? "")#sheet")
    }

    // MARK: Carry-over (profile carryOver)

    func carryOver(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let loaded = try await req.loadedAudit(.work)
        let q = try question(req, loaded)
        return try await req.submitForm({
            try await AuditWorkService(db: req.db).confirmCarryOver(loaded, questionId: q.id, programs: req.programs, by: user)
            req.flash("Question \(q.id) is carried over from the certification audit.")
            return req.redirect(to: loaded.link + "#carry-over")
        }, orRender: { error in try await AuditOverview.render(req, loaded, error: error) })
    }

    // MARK: Report details, summary, attachments (S1, A4, A9, A10)

    struct ReportForm: Content {
        var employerName: String?
        var employerAddress: String?
        var contactName: String?
        var contactPhone: String?
        var contactFax: String?
        /// The "no fax" box (S1).
        var noFax: String?
        var contactEmail: String?
        var assessorName: String?
        var assessorPhone: String?
        var assessorEmail: String?
        var wcbAccounts: String?
        var industryCodes: String?
        var dataGatheringStart: String?
        var dataGatheringEnd: String?
        var employerProfile: String?
        var owner: String?
        var manager: String?
        var supervisor: String?
        var worker: String?
        var contractor: String?
        var lastDayOnSite: String?
        var strengths: String?
        var recommendations: String?
    }

    static func reportInput(_ f: ReportForm) throws -> AuditWorkService.ReportInput {
        var facts = ReportFacts()
        facts.employerName = f.employerName ?? ""
        facts.employerAddress = f.employerAddress ?? ""
        facts.contactName = f.contactName ?? ""
        facts.contactPhone = f.contactPhone ?? ""
        facts.contactFax = f.contactFax ?? ""
        facts.noFax = f.noFax != nil
        facts.contactEmail = f.contactEmail ?? ""
        facts.assessorName = f.assessorName ?? ""
        facts.assessorPhone = f.assessorPhone ?? ""
        facts.assessorEmail = f.assessorEmail ?? ""
        let list = { (text: String?) in (text ?? "").split(whereSeparator: { $0 == "," || $0.isNewline }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        facts.wcbAccounts = list(f.wcbAccounts)
        facts.industryCodes = list(f.industryCodes)
        facts.dataGatheringStart = try Validate.optionalDay(f.dataGatheringStart, "dataGatheringStart", "Start of data gathering")
        facts.dataGatheringEnd = try Validate.optionalDay(f.dataGatheringEnd, "dataGatheringEnd", "End of data gathering")
        facts.employerProfile = f.employerProfile ?? ""
        let counts = [f.owner, f.manager, f.supervisor, f.worker, f.contractor]
        for (role, text) in zip(AuditWorkService.roles, counts) {
            let t = (text ?? "").trimmingCharacters(in: .whitespaces)
            guard !t.isEmpty else { continue }
            guard let n = Int(t) else { throw AppError.invalid(role, "Give the number of people in the role \(role) (0 or more).") }
            facts.employeesByRole[role] = n
        }
        // Summary points are one per line (they may hold commas).
        let lines = { (text: String?) in (text ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        return .init(facts: facts, strengths: lines(f.strengths), recommendations: lines(f.recommendations),
                     lastDayOnSite: try Validate.optionalDay(f.lastDayOnSite, "lastDayOnSite", "Last day on site"))
    }

    struct ReportContext: Encodable {
        var layout: LayoutContext
        var auditId: String
        var auditTitle: String
        var form: ReportForm
        var editable: Bool
        var legislationRequired: Bool
        var safetyManual: String?
        var legislationList: String?
        var error: FormError?
    }

    func showReport(req: Request) async throws -> View {
        let loaded = try await req.loadedAudit(.view)
        return try await renderReport(req, loaded, form: nil, error: nil)
    }

    private func renderReport(_ req: Request, _ loaded: LoadedAudit, form: ReportForm?, error: FormError?) async throws -> View {
        let user = try req.requireUser()
        let work = try await AuditWorkService(db: req.db).work(loaded)
        let f = work.facts
        let current = ReportForm(
            employerName: f.employerName, employerAddress: f.employerAddress, contactName: f.contactName, contactPhone: f.contactPhone,
            contactFax: f.contactFax, noFax: f.noFax == true ? "on" : nil, contactEmail: f.contactEmail, assessorName: f.assessorName, assessorPhone: f.assessorPhone,
            assessorEmail: f.assessorEmail, wcbAccounts: f.wcbAccounts.joined(separator: ", "), industryCodes: f.industryCodes.joined(separator: ", "),
            dataGatheringStart: f.dataGatheringStart?.iso, dataGatheringEnd: f.dataGatheringEnd?.iso, employerProfile: f.employerProfile,
            owner: f.employeesByRole["owner"].map(String.init), manager: f.employeesByRole["manager"].map(String.init),
            supervisor: f.employeesByRole["supervisor"].map(String.init), worker: f.employeesByRole["worker"].map(String.init),
            contractor: f.employeesByRole["contractor"].map(String.init), lastDayOnSite: loaded.lastDayOnSite?.iso,
            strengths: work.strengths.joined(separator: "\n"), recommendations: work.recommendations.joined(separator: "\n"))
        let files = try await StoredFileModel.query(on: req.db).filter(\.$id ~~ [loaded.audit.safetyManualFile, loaded.audit.legislationFile].compactMap { $0 }).all()
        return try await req.view.render("audit-report", ReportContext(
            layout: req.layoutContext(title: "Report details"), auditId: loaded.id.uuidString, auditTitle: loaded.title, form: form ?? current,
            editable: loaded.stage.isEditable && Policy.decide(user, .audit(loaded.scope, .work)) == .allow,
            legislationRequired: loaded.ref.profile.legislationListRequired,
            safetyManual: files.first { $0.id == loaded.audit.safetyManualFile }?.originalName,
            legislationList: files.first { $0.id == loaded.audit.legislationFile }?.originalName, error: error))
    }

    func saveReport(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let loaded = try await req.loadedAudit(.work)
        let form = try req.content.decode(ReportForm.self)
        return try await req.submitForm({
            let flags = try await AuditWorkService(db: req.db).saveReport(loaded, try Self.reportInput(form), by: user)
            req.flash("The report details are saved.", warnings: flags)
            return req.redirect(to: "\(loaded.link)/check")
        }, orRender: { error in try await renderReport(req, loaded, form: form, error: error) })
    }

    struct AttachForm: Content {
        var kind: String?
        var file: File?
    }

    func attach(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let loaded = try await req.loadedAudit(.work)
        let form = try req.content.decode(AttachForm.self)
        return try await req.submitForm({
            guard let kind = form.kind.flatMap(AuditWorkService.Attachment.init(rawValue:)) else {
                throw AppError.invalid("kind", "Attach the safety manual or the legislation list.")
            }
            guard let file = form.file, file.data.readableBytes > 0 else { throw AppError.invalid(kind.rawValue, "Choose a file to attach.") }
            try await AuditWorkService(db: req.db).attach(loaded, kind, bytes: Array(file.data.readableBytesView), filename: file.filename,
                                                          store: req.files, by: user)
            return req.redirect(to: "\(loaded.link)/report#attachments")
        }, orRender: { error in try await renderReport(req, loaded, form: nil, error: error) })
    }

    // MARK: The check, sign-offs, submission

    struct FindingRow: Encodable {
        var rule: String
        var message: String
        var href: String
    }

    struct CheckContext: Encodable {
        var layout: LayoutContext
        var auditId: String
        var auditTitle: String
        var findings: [FindingRow]
        var clean: Bool
        var holds: [String]
        var hasHolds: Bool
        var contentHash: String
        var signatures: [SignatureRow]
        var canSubmit: Bool
        var submitted: Bool
        /// The revision a submission makes: 1 first, the next one after QA sent it back.
        var nextRevision: Int
        var error: FormError?
    }

    struct SignatureRow: Encodable {
        var role: String
        var label: String
        var signedBy: String?
        var canSign: Bool
    }

    func showCheck(req: Request) async throws -> View {
        let loaded = try await req.loadedAudit(.view)
        return try await renderCheck(req, loaded, error: nil)
    }

    static func href(_ place: FixPlace, _ loaded: LoadedAudit) -> String {
        switch place {
        case .question(let id): return "\(loaded.link)/questions/\(id)"
        case .actionPlan(let id): return "\(loaded.link)/questions/\(id)#actions"
        case .reportDetails(let field): return "\(loaded.link)/report#\(field)"
        case .summary: return "\(loaded.link)/report#strengths"
        case .attachments: return "\(loaded.link)/report#attachments"
        case .extensions: return "\(loaded.link)#extensions"
        case .training: return "/employers/\(loaded.ref.id.uuidString)/training"
        }
    }

    private func renderCheck(_ req: Request, _ loaded: LoadedAudit, error: FormError?) async throws -> View {
        let user = try req.requireUser()
        let service = AuditWorkService(db: req.db)
        let check = try await service.check(loaded)
        let signoffs = check.signoffs
        let approved = loaded.stage.isEditable
        let signatures = check.requiredSignatures.map { role -> SignatureRow in
            let current = signoffs.first { $0.role == role && $0.contentHash == check.contentHash }
            let may = role == "auditor" ? Policy.decide(user, .audit(loaded.scope, .work)) == .allow
                                        : Policy.decide(user, .audit(loaded.scope, .signForEmployer)) == .allow
            return SignatureRow(role: role, label: role == "auditor" ? "Auditor" : "Employer's trained representative (S2)",
                                signedBy: current.map { "\($0.name), \($0.signedAt.map { CalendarDay($0).readable } ?? "")" },
                                canSign: may && approved && current == nil && check.findings.isEmpty)
        }
        return try await req.view.render("audit-check", CheckContext(
            layout: req.layoutContext(title: "Pre-submission check"), auditId: loaded.id.uuidString, auditTitle: loaded.title,
            findings: check.findings.map { FindingRow(rule: $0.rule, message: $0.message, href: Self.href($0.place, loaded)) },
            clean: check.findings.isEmpty, holds: check.holds, hasHolds: !check.holds.isEmpty, contentHash: check.contentHash,
            signatures: signatures,
            canSubmit: approved && check.findings.isEmpty && check.holds.isEmpty && Policy.decide(user, .audit(loaded.scope, .work)) == .allow,
            submitted: !loaded.stage.isEditable && loaded.audit.revision > 0, nextRevision: loaded.audit.revision + 1, error: error))
    }

    struct SignForm: Content {
        var role: String?
    }

    func sign(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(SignForm.self)
        let role = form.role ?? ""
        let loaded = try await req.loadedAudit(role == "employer" ? .signForEmployer : .work)
        return try await req.submitForm({
            try await AuditWorkService(db: req.db).sign(loaded, role: role, by: user)
            return req.redirect(to: "\(loaded.link)/check")
        }, orRender: { error in try await renderCheck(req, loaded, error: error) })
    }

    func submit(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let loaded = try await req.loadedAudit(.work)
        return try await req.submitForm({
            try await AuditWorkService(db: req.db).submit(loaded, by: user)
            return req.redirect(to: loaded.link)
        }, orRender: { error in try await renderCheck(req, loaded, error: error) })
    }
}
