import Fluent
import SECORCore
import Vapor

/// The QA queue, the standard QA form (Q1-Q9), the decision (Q7, Q10, Q11) and the
/// revision comparison.
struct QAPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("qa", use: queue)
        routes.get("audits", ":auditId", "qa", use: show)
        routes.post("audits", ":auditId", "qa", use: save)
        routes.post("audits", ":auditId", "qa", "decision", use: decide)
        routes.post("audits", ":auditId", "qa", "assignment", use: assign)
        routes.get("audits", ":auditId", "revisions", use: compare)
        routes.get("audits", ":auditId", "revisions", ":n", use: revision)
    }

    // MARK: Queue

    struct QueueRow: Encodable {
        var href: String
        var number: String
        var employer: String
        var type: String
        var revision: Int
        var submittedOn: String
        var daysWaiting: Int
        var reviewer: String?
        var mine: Bool
        var due: String?
        /// done / due / late, for the status colour.
        var tone: String
    }

    struct QueueContext: Encodable {
        var layout: LayoutContext
        var toReview: [QueueRow]
        var withAuditor: [QueueRow]
        var mineCount: Int
        var unassigned: Int
    }

    func queue(req: Request) async throws -> View {
        let user = try req.requireUser()
        try Policy.authorize(user, .partnerArea)
        let items = try await QAService(db: req.db).queue(partnerId: user.organisationId, programs: req.programs)
        let today = CalendarDay.today
        let rows = items.map { item -> (AuditStage?, QueueRow) in
            let a = item.audit
            let left = item.due?.daysLeft(on: today)
            return (AuditStage(rawValue: a.stage), QueueRow(
                href: "/audits/\(a.id!.uuidString)/qa", number: a.number ?? "", employer: item.employerName,
                type: AuditType(rawValue: a.auditType)?.label ?? "", revision: a.revision, submittedOn: item.submittedOn?.readable ?? "",
                daysWaiting: item.daysWaiting, reviewer: item.reviewerName, mine: a.qaReviewerId == user.id,
                due: item.due.map { "\($0.rule): due by \($0.due.readable) (\($0.status(on: today)))" },
                tone: left.map { $0 < 0 ? "late" : $0 <= 7 ? "due" : "open" } ?? "open"))
        }
        let toReview = rows.filter { $0.0 == .submitted }.map(\.1)
        return try await req.view.render("qa-queue", QueueContext(
            layout: req.layoutContext(title: "QA queue"), toReview: toReview, withAuditor: rows.filter { $0.0 == .corrections }.map(\.1),
            mineCount: toReview.filter(\.mine).count, unassigned: toReview.filter { $0.reviewer == nil }.count))
    }

    // MARK: The form

    struct CheckRow: Encodable {
        var key: String
        var title: String
        var met: Bool
        var notMet: Bool
        var comment: String
    }

    struct QuestionRow: Encodable {
        var id: String
        var text: String
        var scoring: String
        var maxPoints: Int
        var auditor: String
        var notes: String
        var reviewerKind: String
        var reviewerPoints: String
        var reviewerPositive: String
        var reviewerTotal: String
        var reviewerFound: String
        var criteria: Int
        var differs: Bool
    }

    struct ElementRow: Encodable {
        var number: Int
        var title: String
        var questions: [QuestionRow]
    }

    struct DeficiencyRow: Encodable {
        var index: Int
        var question: String
        var text: String
        var actionable: Bool
    }

    struct Context: Encodable {
        var layout: LayoutContext
        var auditId: String
        var title: String
        var stage: String
        var revision: Int
        var canReview: Bool
        var checks: [CheckRow]
        var elements: [ElementRow]
        var deficiencies: [DeficiencyRow]
        var hasDeficiencies: Bool
        var questionOptions: [SelectOption]
        var score: String
        var passLine: String
        var passes: Bool
        var reasons: [String]
        var blocking: [String]
        var proposedPass: Bool
        var feedback: [AuditOverview.FeedbackRow]
        var hasFeedback: Bool
        var clocks: [String]
        var compareHref: String?
        var error: FormError?
        /// Partner staff see the working form; the employer and the auditor see what was
        /// sent or decided.
        var showDraft: Bool
        var decided: Bool
        var outcome: String?
        var reviewer: String?
        var canAssign: Bool
        var reviewerOptions: [SelectOption]
        var assignments: [AssignmentRow]
        var typed: Typed
    }

    struct AssignmentRow: Encodable {
        var when: String
        var reviewer: String
        var by: String
        var note: String
    }

    func show(req: Request) async throws -> View {
        try await render(req, try await req.loadedAudit(.view), error: nil)
    }

    /// What was typed into a refused decision or assignment, put back into its box.
    struct Typed: Encodable, Sendable {
        var decision: String?
        var message: String?
        var failReason: String?
        var note: String?
    }

    func render(_ req: Request, _ loaded: LoadedAudit, error: FormError?, typed: Typed = .init()) async throws -> View {
        let user = try req.requireUser()
        let review = try await QAService(db: req.db).review(loaded)
        let work = try await AuditWorkService(db: req.db).work(loaded)
        let canReview = Policy.decide(user, .audit(loaded.scope, .review)) == .allow && loaded.stage == .submitted
        let elements = loaded.auditProtocol.elements.map { element in
            ElementRow(number: element.number, title: element.title, questions: element.questions.map { q in
                let row = work.answers[q.id]
                let mine = row?.answer.flatMap { JSONText.decode($0, as: Answer.self) }
                let theirs = review.answers[q.id]
                let parts = AnswerParsing.parts(theirs)
                let scoring = Self.reviewerInput(q)
                return QuestionRow(id: q.id, text: q.text, scoring: scoring, maxPoints: q.maxPoints,
                                   auditor: Self.describe(mine, q), notes: row?.notes ?? "",
                                   reviewerKind: parts.kind, reviewerPoints: parts.points.map(String.init) ?? "",
                                   reviewerPositive: parts.positive.map(String.init) ?? "", reviewerTotal: parts.total.map(String.init) ?? "",
                                   reviewerFound: parts.found.map(String.init) ?? "", criteria: q.criteria ?? 0,
                                   differs: review.result.differences.contains(q.id))
            })
        }
        let feedback = try await QAFeedbackModel.query(on: req.db).filter(\.$audit.$id == loaded.id).sort(\.$createdAt).all()
        var clocks: [String] = []
        if let first = review.row.firstFeedbackOn.flatMap({ try? CalendarDay(iso: $0) }), [.submitted, .corrections].contains(loaded.stage) {
            let timeline = AuditTimeline(loaded.ref.profile.timelines)
            if let open = review.row.openFeedbackOn.flatMap({ try? CalendarDay(iso: $0) }) {
                let d4 = timeline.correction(feedbackOn: open)
                clocks.append("D4: the correction is due by \(d4.due.readable) — \(d4.status(on: .today)).")
            }
            let d5 = timeline.qaProcess(firstFeedbackOn: first)
            clocks.append("D5: the whole correction process ends by \(d5.due.readable) — \(d5.status(on: .today)).")
        }
        let marks = loaded.ref.profile.passMarks.mark(for: loaded.type)
        let overall = review.result.score.overall
        let service = QAService(db: req.db)
        let isStaff = Policy.decide(user, .audit(loaded.scope, .review)) == .allow
        let reviewers = isStaff ? try await service.reviewers(partnerId: loaded.audit.partnerId) : []
        let isAdmin = Policy.decide(user, .partnerAdmin(partnerId: loaded.audit.partnerId)) == .allow
        let inQA = loaded.stage == .submitted || loaded.stage == .corrections
        let assignments = isStaff ? try await service.assignments(loaded) : []
        let decided = [AuditStage.passed, .invalid].contains(loaded.stage)
        let outcome: String? = decided ? QAService.outcome(loaded.stage, review.row) : nil
        return try await req.view.render("qa", Context(
            layout: req.layoutContext(title: "QA review"), auditId: loaded.id.uuidString, title: loaded.title, stage: loaded.stage.label,
            revision: loaded.audit.revision, canReview: canReview,
            checks: QACheckItem.allCases.map { item in
                let c = review.checks.first { $0.item == item }
                return CheckRow(key: item.rawValue, title: item.title, met: c?.met == true, notMet: c?.met == false, comment: c?.comment ?? "")
            },
            elements: elements,
            deficiencies: review.deficiencies.enumerated().map { DeficiencyRow(index: $0.offset, question: $0.element.questionId ?? "—", text: $0.element.text, actionable: $0.element.actionable) },
            hasDeficiencies: !review.deficiencies.isEmpty,
            questionOptions: [SelectOption(value: "", label: "The whole report", selected: true)]
                + loaded.auditProtocol.questions.map { SelectOption(value: $0.id, label: $0.id, selected: false) },
            score: "\(overall.earned) of \(overall.possible) (\(overall.percentText)%)",
            passLine: "\(loaded.type.label) passes at \(marks.overallPercent)% overall\(marks.elementPercent.map { " and \($0)% in every element" } ?? "") (Q6); the reviewer's scores stand (Q5).",
            passes: review.result.decision.passed, reasons: review.result.decision.reasons, blocking: review.result.blocking,
            proposedPass: review.result.proposed == .pass,
            feedback: AuditOverview.feedbackRows(feedback, loaded),
            hasFeedback: !feedback.isEmpty, clocks: clocks,
            compareHref: loaded.audit.revision > 1 ? "\(loaded.link)/revisions?from=\(loaded.audit.revision - 1)&to=\(loaded.audit.revision)" : nil,
            error: error, showDraft: QAService.mayReadDraft(user, loaded), decided: decided, outcome: outcome,
            // The assigned reviewer; once decided, whoever decided it.
            reviewer: reviewers.first { $0.id == loaded.audit.qaReviewerId }?.name ?? (decided ? review.row.reviewerName : nil),
            canAssign: inQA && isStaff && (isAdmin || loaded.audit.qaReviewerId != user.id),
            reviewerOptions: reviewers.filter { isAdmin || $0.id == user.id }.map {
                SelectOption(value: $0.id!.uuidString, label: $0.name + ($0.role == Role.partnerAdmin.rawValue ? " (administrator)" : ""), selected: $0.id == user.id)
            },
            assignments: assignments.map { AssignmentRow(when: $0.createdAt.map { CalendarDay($0).readable } ?? "", reviewer: $0.reviewerName,
                                                         by: $0.assignedByName, note: $0.note) },
            typed: typed))
    }

    /// The reviewer's boxes for a question: a per-site score keeps the auditor's site answers.
    static func reviewerInput(_ q: ProtocolQuestion) -> String {
        if q.perSite { return "perSite" }
        switch q.answerKind {
        case .yesNo: return "yesNo"
        case .points: return "range"
        case .share, .sheet: return "proportion"
        case .criteria: return "criteria"
        }
    }

    /// An answer in words with its points ("3 of 4 — 2/3"); `earned` is the score after a
    /// cascade cap when the caller has it.
    static func describe(_ answer: Answer?, _ q: ProtocolQuestion, earned: Int?? = nil) -> String {
        guard let answer else { return "not answered" }
        let computed: Int? = (try? q.points(for: answer)) ?? nil
        let points: Int? = earned ?? computed
        switch answer {
        case .yes: return "Yes — \(points ?? 0)/\(q.maxPoints)"
        case .no: return "No — 0/\(q.maxPoints)"
        case .points(let p): return p == points ? "\(p)/\(q.maxPoints)" : "\(p) → \(points ?? 0)/\(q.maxPoints)"
        case .proportion(let pos, let total): return "\(pos) of \(total) — \(points ?? 0)/\(q.maxPoints)"
        case .criteria(let found): return "\(found) of \(q.criteria ?? 0) criteria — \(points ?? 0)/\(q.maxPoints)"
        case .notApplicable(let r): return "N/A (\(r == .noneInRole ? q.notApplicableByRole?.reason ?? r.label : r.label))"
        case .sites(let sites):
            let one = Self.oneSite(q)
            let each: [String] = sites.map { site in site.site + ": " + describe(site.answer, one) }
            let average: String = points.map { String($0) } ?? "N/A"
            return each.joined(separator: "; ") + " — average " + average + "/\(q.maxPoints)"
        }
    }

    /// The question as scored at one site (to describe a site's answer).
    private static func oneSite(_ q: ProtocolQuestion) -> ProtocolQuestion {
        var one = q
        one.perSite = false
        return one
    }

    /// Reads the form: checks, the reviewer's scores, deficiencies kept, removed and added.
    static func formInput(_ form: [String: String], _ loaded: LoadedAudit, current: [QADeficiency]) throws
        -> (checks: [QACheckResult], answers: [String: Answer], deficiencies: [QADeficiency]) {
        var checks: [QACheckResult] = []
        for item in QACheckItem.allCases {
            guard let value = form["check_\(item.rawValue)"], !value.isEmpty else { continue }
            guard value == "met" || value == "notMet" else { throw AppError.invalid("check_\(item.rawValue)", "\(item.title): choose met or not met.") }
            checks.append(QACheckResult(item: item, met: value == "met", comment: form["comment_\(item.rawValue)"] ?? ""))
        }
        var answers: [String: Answer] = [:]
        for q in loaded.auditProtocol.questions {
            let kind = form["r_\(q.id)"] ?? ""
            let filled = { (key: String) in !(form[key] ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
            // Empty boxes keep the auditor's score.
            guard !kind.isEmpty, kind != "points" || filled("rp_\(q.id)"), kind != "criteria" || filled("rfound_\(q.id)"),
                  kind != "proportion" || filled("rpos_\(q.id)") || filled("rtot_\(q.id)") else { continue }
            let number = { (key: String) -> Int? in Int((form[key] ?? "").trimmingCharacters(in: .whitespaces)) }
            do {
                if let answer = try AnswerParsing.answer(kind: kind, points: number("rp_\(q.id)"), positive: number("rpos_\(q.id)"),
                                                         total: number("rtot_\(q.id)"), found: number("rfound_\(q.id)"), reason: form["rna_\(q.id)"]) {
                    answers[q.id] = answer
                }
            } catch let error as AppError {
                throw AppError.invalid("answers", "Question \(q.id): \(error.message)")
            }
        }
        var deficiencies = current.enumerated().filter { form["remove_\($0.offset)"] == nil }.map(\.element)
        let text = (form["newDeficiency"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if !text.isEmpty {
            let question = form["newQuestion"].flatMap { $0.isEmpty ? nil : $0 }
            deficiencies.append(QADeficiency(questionId: question, text: text, actionable: form["newActionable"] == "actionable"))
        }
        return (checks, answers, deficiencies)
    }

    func save(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let loaded = try await req.loadedAudit(.review)
        let form = try req.content.decode([String: String].self)
        return try await req.submitForm({
            let current = try await QAService(db: req.db).review(loaded).deficiencies
            let input = try Self.formInput(form, loaded, current: current)
            try await QAService(db: req.db).save(loaded, checks: input.checks, answers: input.answers, deficiencies: input.deficiencies, by: user)
            return req.redirect(to: "\(loaded.link)/qa#result")
        }, orRender: { error in try await render(req, loaded, error: error) })
    }

    struct DecisionForm: Content {
        var decision: String?
        var message: String?
        /// Fail has its own reason box (confirmed apart from the feedback message).
        var failReason: String?
    }

    struct AssignForm: Content {
        var reviewerId: String?
        var note: String?
    }

    func assign(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let loaded = try await req.loadedAudit(.review)
        let form = try req.content.decode(AssignForm.self)
        return try await req.submitForm({
            try await QAService(db: req.db).assign(loaded, reviewerId: try Validate.uuid(form.reviewerId, "reviewerId", "Reviewer"), note: form.note ?? "", by: user)
            req.flash("The review is assigned.")
            return req.redirect(to: "\(loaded.link)/qa")
        }, orRender: { error in try await render(req, loaded, error: error, typed: .init(note: form.note)) })
    }

    func decide(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let loaded = try await req.loadedAudit(.review)
        let form = try req.content.decode(DecisionForm.self)
        return try await req.submitForm({
            let service = QAService(db: req.db)
            switch form.decision ?? "" {
            case "sendBack":
                try await service.sendBack(loaded, message: form.message ?? "", by: user)
                req.flash("Sent back for corrections; the auditor and the owner are told.")
            case "pass":
                try await service.pass(loaded, by: user)
                req.flash("The audit passed QA.")
            case "fail":
                try await service.fail(loaded, reason: form.failReason ?? "", by: user)
                req.flash("The audit failed QA and is invalid; the auditor and the owner are told why.")
            default: throw AppError.invalid("decision", "Choose send back, pass or fail.")
            }
            return req.redirect(to: "\(loaded.link)/qa")
        }, orRender: { error in
            try await render(req, loaded, error: error, typed: .init(decision: form.decision, message: form.message, failReason: form.failReason))
        })
    }

    // MARK: One revision as frozen (S4, Q12)

    struct RevisionQuestion: Encodable {
        var id: String
        var text: String
        var answer: String
        var methods: String
        var notes: String
        var recommendation: String
        var documents: Int
    }

    struct RevisionContext: Encodable {
        var layout: LayoutContext
        var auditId: String
        var title: String
        var number: Int
        var latest: Int
        var submitted: String
        var via: String
        var by: String
        var hash: String
        var facts: [LabelValue]
        var strengths: [String]
        var recommendations: [String]
        var elements: [RevisionElement]
        var actionItems: [String]
        var others: [Int]
        var compareHref: String?
    }

    struct RevisionElement: Encodable {
        var number: Int
        var title: String
        var questions: [RevisionQuestion]
    }

    struct LabelValue: Encodable {
        var label: String
        var value: String
    }

    func revision(req: Request) async throws -> View {
        let loaded = try await req.loadedAudit(.view)
        let all = try await AuditRevisions(db: req.db).list(loaded)
        let r = try await AuditRevisions(db: req.db).revision(loaded, req.parameters.get("n", as: Int.self))
        guard let c = r.content else { throw AppError.notFound("revision") }
        let f = c.facts
        let facts: [LabelValue] = [
            .init(label: "Employer", value: f.employerName), .init(label: "Address", value: f.employerAddress),
            .init(label: "Contact", value: [f.contactName, f.contactPhone, f.contactEmail].filter { !$0.isEmpty }.joined(separator: " · ")),
            .init(label: "Fax", value: f.contactFax.isEmpty ? (f.noFax == true ? "No fax" : "—") : f.contactFax),
            .init(label: "Assessor", value: [f.assessorName, f.assessorPhone, f.assessorEmail].filter { !$0.isEmpty }.joined(separator: " · ")),
            .init(label: "WCB accounts", value: f.wcbAccounts.joined(separator: ", ")), .init(label: "Industry codes", value: f.industryCodes.joined(separator: ", ")),
            .init(label: "Data gathering", value: [f.dataGatheringStart?.readable, f.dataGatheringEnd?.readable].compactMap { $0 }.joined(separator: " – ")),
            .init(label: "Last day on site", value: c.lastDayOnSite.flatMap { try? CalendarDay(iso: $0).readable } ?? "—"),
            .init(label: "Employees by role", value: AuditWorkService.roles.compactMap { role in f.employeesByRole[role].map { "\(role) \($0)" } }.joined(separator: ", ")),
            .init(label: "Employer profile", value: f.employerProfile),
        ]
        let elements = loaded.auditProtocol.elements.map { element in
            RevisionElement(number: element.number, title: element.title, questions: element.questions.map { q in
                let work = c.questions.first { $0.id == q.id }
                return RevisionQuestion(id: q.id, text: q.text, answer: Self.describe(work?.answer, q),
                                        methods: (work?.methods ?? []).map(\.rawValue).joined(separator: ", "), notes: work?.notes ?? "",
                                        recommendation: work?.recommendation ?? "", documents: work?.documents.count ?? 0)
            })
        }
        return try await req.view.render("audit-revision", RevisionContext(
            layout: req.layoutContext(title: "Revision \(r.number)"), auditId: loaded.id.uuidString, title: loaded.title,
            number: r.number, latest: all.last?.number ?? r.number,
            submitted: r.submittedAt.map { CalendarDay($0).readable } ?? "", via: r.submittedVia, by: r.submittedBy, hash: r.contentHash,
            facts: facts, strengths: c.strengths, recommendations: c.recommendations, elements: elements,
            actionItems: c.actionItems.map { "\($0.questionId): \($0.action) — \($0.owner), by \((try? CalendarDay(iso: $0.targetOn).readable) ?? $0.targetOn)" },
            others: all.map(\.number).filter { $0 != r.number },
            compareHref: r.number > 1 ? "\(loaded.link)/revisions?from=\(r.number - 1)&to=\(r.number)" : nil))
    }

    // MARK: Revision against revision

    struct DiffRow: Encodable {
        var id: String
        var text: String
        var before: String
        var after: String
        var notesBefore: String
        var notesAfter: String
        var changed: Bool
    }

    struct CompareContext: Encodable {
        var layout: LayoutContext
        var auditId: String
        var title: String
        var from: Int
        var to: Int
        var rows: [DiffRow]
        var changedCount: Int
        var summaryBefore: [String]
        var summaryAfter: [String]
    }

    func compare(req: Request) async throws -> View {
        let loaded = try await req.loadedAudit(.view)
        let to = (try? req.query.get(Int.self, at: "to")) ?? loaded.audit.revision
        let from = (try? req.query.get(Int.self, at: "from")) ?? max(1, to - 1)
        let revisions = try await AuditRevisionModel.query(on: req.db).filter(\.$audit.$id == loaded.id).filter(\.$revision ~~ [from, to]).all()
        guard let a = revisions.first(where: { $0.revision == from }).flatMap({ JSONText.decode($0.content, as: AuditWorkService.ReportContent.self) }),
              let b = revisions.first(where: { $0.revision == to }).flatMap({ JSONText.decode($0.content, as: AuditWorkService.ReportContent.self) }) else {
            throw AppError.notFound("revision")
        }
        let rows = loaded.auditProtocol.questions.map { q -> DiffRow in
            let x = a.questions.first { $0.id == q.id }
            let y = b.questions.first { $0.id == q.id }
            // The action plan is part of the correction: its items count as a change.
            let itemsBefore = a.actionItems.filter { $0.questionId == q.id }.map { "\($0.action) — \($0.owner), by \($0.targetOn)" }
            let itemsAfter = b.actionItems.filter { $0.questionId == q.id }.map { "\($0.action) — \($0.owner), by \($0.targetOn)" }
            let before = Self.describe(x?.answer, q) + (itemsBefore.isEmpty ? "" : " · action items: " + itemsBefore.joined(separator: "; "))
            let after = Self.describe(y?.answer, q) + (itemsAfter.isEmpty ? "" : " · action items: " + itemsAfter.joined(separator: "; "))
            return DiffRow(id: q.id, text: q.text, before: before, after: after, notesBefore: x?.notes ?? "", notesAfter: y?.notes ?? "",
                           changed: before != after || x?.notes != y?.notes || x?.recommendation != y?.recommendation)
        }
        return try await req.view.render("qa-compare", CompareContext(
            layout: req.layoutContext(title: "Revision \(from) against \(to)"), auditId: loaded.id.uuidString, title: loaded.title,
            from: from, to: to, rows: rows, changedCount: rows.filter(\.changed).count,
            summaryBefore: a.recommendations, summaryAfter: b.recommendations))
    }
}
