import Fluent
import SECORCore
import Vapor

/// One audit's page: stage, deadlines, live score, questions by element, and the actions
/// the signed-in user may take on it.
enum AuditOverview {
    struct QuestionRow: Encodable {
        var id: String
        var text: String
        var status: String
        var done: Bool
        var href: String
    }

    struct ElementRow: Encodable {
        var number: Int
        var title: String
        var score: String
        var questions: [QuestionRow]
    }

    struct DeadlineRow: Encodable {
        var rule: String
        var title: String
        /// "due by 5 December 2026", or "submitted on 2 December 2026" once done.
        var due: String
        var status: String
        var late: Bool
        /// done / due / late / open: the status colour.
        var tone: String
    }

    /// Q7: one sending back, its items linked to the questions they name.
    struct FeedbackRow: Encodable {
        var sentOn: String
        var revision: Int
        var message: String
        var items: [FeedbackItem]
    }

    struct FeedbackItem: Encodable {
        var text: String
        var href: String?
    }

    struct ExtensionRow: Encodable {
        var id: String
        var deadline: String
        var days: Int
        var reason: String
        var requestedOn: String
        var status: String
        var decision: String
        var open: Bool
    }

    struct Line: Encodable {
        var when: String
        var who: String
        var text: String
        /// For a revision line: its number, for the link to the revision.
        var revisionNumber: Int? = nil
    }

    struct Context: Encodable {
        var layout: LayoutContext
        var id: String
        var title: String
        var number: String
        var stage: String
        var stageKey: String
        var type: String
        var employerName: String
        var employerHref: String
        var auditor: String
        var protocolTitle: String
        var plannedStart: String
        var lastDayOnSite: String
        var worksites: String
        var wcbAccounts: String
        var decisionReason: String?
        /// R2: the typed reasons of a rejection.
        var rejectionReasons: [String]
        var reasonOptions: [SelectOption]
        var typed: Typed
        /// R1: the planned start has passed; approval needs a new start date.
        var startPassed: Bool
        var todayISO: String
        var deadlines: [DeadlineRow]
        /// D4 and D5 while QA's corrections are open, and every feedback sent.
        var clocks: [DeadlineRow]
        var feedback: [FeedbackRow]
        var overall: String
        var passLine: String
        var passed: Bool
        var passReasons: [String]
        var showScore: Bool
        var elements: [ElementRow]
        var canWork: Bool
        var canSignForEmployer: Bool
        var canDecide: Bool
        var registrationRefusals: [String]
        var hasRefusals: Bool
        var feesTracked: Bool
        var fee: String
        var feePaidOn: String
        var feeHeld: Bool
        var canAdminister: Bool
        var extensions: [ExtensionRow]
        var hasExtensions: Bool
        var canChange: Bool
        var changes: [Line]
        var hasChanges: Bool
        var binderAllowed: Bool
        var signoffs: [Line]
        var hasSignoffs: Bool
        var revisions: [Line]
        var hasRevisions: Bool
        var isApproved: Bool
        var certificate: String?
        var decided: Bool
        /// Q9: the deficiencies QA added, and the employer's items for them.
        var addedDeficiencies: [SelectOption]
        var hasAddedDeficiencies: Bool
        var employerItems: [Line]
        var canReviseActionPlan: Bool
        /// Scope and sampling: "owner 1, worker 4", "4 planned (the rule calls for 4)", ...
        var breakdown: String
        var sample: String
        var sampleShort: Bool
        /// Carry-over in a maintenance year: the questions that qualify, and the limit.
        var carryOver: [CarryOverRow]
        var carryOverNote: String
        var canCarryOver: Bool
        var error: FormError?
    }

    struct CarryOverRow: Encodable {
        var id: String
        var text: String
        var carried: Bool
    }

    /// Q7: what QA sent back, newest as given, each item linked to the question it names
    /// (or to the pre-submission check). One view for the audit page and the QA page.
    static func feedbackRows(_ sent: [QAFeedbackModel], _ loaded: LoadedAudit) -> [FeedbackRow] {
        let questionIds = loaded.auditProtocol.questions.map(\.id)
        return sent.map { f in
            FeedbackRow(sentOn: (try? CalendarDay(iso: f.sentOn).readable) ?? f.sentOn, revision: f.revision, message: f.message,
                        items: ((JSONText.decode(f.deficiencies) as [String]?) ?? []).map { text in
                            let q = questionIds.first { text.contains(" on \($0):") || text.contains("Question \($0)") }
                            return FeedbackItem(text: text, href: q.map { "\(loaded.link)/questions/\($0)" } ?? "\(loaded.link)/check")
                        })
        }
    }

    /// A deadline as a line: "due by …", its days left while it runs, and its colour.
    static func row(_ d: Deadline, today: CalendarDay, running: Bool) -> DeadlineRow {
        let left = d.daysLeft(on: today)
        return DeadlineRow(rule: d.rule, title: d.title, due: "due by \(d.due.readable)", status: running ? d.status(on: today) : "",
                           late: running && left < 0, tone: !running ? "open" : left < 0 ? "late" : left <= 7 ? "due" : "open")
    }

    /// What was typed into a refused decision or fee form, put back into its boxes.
    struct Typed: Encodable, Sendable {
        var decision: String?
        var reason: String?
        var reasons: [String] = []
        var newStart: String?
        var fee: String?
        var paidOn: String?
    }

    static func render(_ req: Request, _ loaded: LoadedAudit, error: FormError?, typed: Typed = .init()) async throws -> View {
        let user = try req.requireUser()
        let allowed = { (action: Policy.AuditAction) in Policy.decide(user, .audit(loaded.scope, action)) == .allow }
        let workService = AuditWorkService(db: req.db)
        let work = try await workService.work(loaded)
        let scored = workService.score(loaded, work)
        let today = CalendarDay.today
        let deadlines = try await AuditDeadlines(db: req.db).compute(loaded)
        var deadlineRows = [deadlines.onSite] + [deadlines.submission].compactMap { $0 }
        if deadlines.submission == nil {
            deadlineRows.append(AuditTimeline(loaded.ref.profile.timelines).submission(lastDayOnSite: deadlines.onSite.due))
        }
        let base = loaded.link
        let elements = loaded.auditProtocol.elements.map { element -> ElementRow in
            let points = scored?.score.elements.first { $0.number == element.number }?.points
            return ElementRow(number: element.number, title: element.title,
                              score: points.map { "\($0.earned) / \($0.possible) (\($0.percentText)%)" } ?? "",
                              questions: element.questions.map { q in
                                  let answer = work.answers[q.id]?.answer.flatMap { JSONText.decode($0, as: Answer.self) }
                                  let status: String
                                  // The score's own points: after a cascade cap, as the element total counts them.
                                  if answer != nil, let earned = scored?.score.question(q.id)?.earned { status = "\(earned) / \(q.maxPoints)" }
                                  else if let answer, let earned = try? q.points(for: answer, breakdown: loaded.breakdown) { status = "\(earned) / \(q.maxPoints)" }
                                  else if answer != nil { status = "N/A" }
                                  else { status = "not answered" }
                                  return QuestionRow(id: q.id, text: q.text, status: status, done: answer != nil, href: "\(base)/questions/\(q.id)")
                              })
        }
        let refusals = loaded.stage == .registered && (allowed(.administer) || allowed(.work))
            ? try await AuditService(db: req.db).refusals(loaded.ref, .init(type: loaded.type, plannedStart: loaded.plannedStart,
                                                                               worksites: loaded.worksites, wcbAccounts: loaded.wcbAccounts), today: today)
                .filter { !$0.hasPrefix("Another audit") }
            : []
        let users = try await UserModel.query(on: req.db).filter(\.$id ~~ deadlines.extensions.map(\.requestedBy)).all()
        let changes = try await AuditChangeModel.query(on: req.db).filter(\.$audit.$id == loaded.id).sort(\.$createdAt).all()
        let revisions = try await AuditRevisionModel.query(on: req.db).filter(\.$audit.$id == loaded.id).sort(\.$revision).all()
        let a = loaded.audit
        let certificate = try await CertificateModel.query(on: req.db).filter(\.$audit.$id == loaded.id).first()
        let added = try await QAService(db: req.db).addedDeficiencies(loaded)
        let employerItems = try await EmployerActionItemModel.query(on: req.db).filter(\.$audit.$id == loaded.id).sort(\.$createdAt).all()
        // Q7, D4, D5: what QA sent back, and the clocks it started.
        let review = try await QAReviewModel.query(on: req.db).filter(\.$audit.$id == loaded.id).first()
        let sentBack = try await QAFeedbackModel.query(on: req.db).filter(\.$audit.$id == loaded.id).sort(\.$createdAt).all()
        var clocks: [DeadlineRow] = []
        if let first = review?.firstFeedbackOn.flatMap({ try? CalendarDay(iso: $0) }), [.corrections, .submitted].contains(loaded.stage) {
            let timeline = AuditTimeline(loaded.ref.profile.timelines)
            var open: [Deadline] = [timeline.qaProcess(firstFeedbackOn: first)]
            if let last = review?.openFeedbackOn.flatMap({ try? CalendarDay(iso: $0) }) { open.insert(timeline.correction(feedbackOn: last), at: 0) }
            clocks = open.map { Self.row($0, today: today, running: true) }
        }
        let feedback = Self.feedbackRows(sentBack.reversed(), loaded)
        let typedReasons: [RejectionReason] = a.rejectionReasons.flatMap { JSONText.decode($0) } ?? []
        let submittedOn = a.submittedAt.map { CalendarDay($0) }
        let carry = try await workService.carryOver(loaded, programs: req.programs)
        let required = loaded.requiredSample
        let planned = a.plannedInterviews ?? 0
        return try await req.view.render("audit", Context(
            layout: req.layoutContext(title: loaded.title), id: loaded.id.uuidString, title: loaded.title,
            number: a.number ?? "not yet (given on approval)", stage: loaded.stage.label, stageKey: loaded.stage.rawValue,
            type: loaded.type.label, employerName: loaded.ref.organisation.name, employerHref: "/employers/\(loaded.ref.id.uuidString)",
            auditor: "\(a.auditorName) (\(loaded.isExternal ? "external auditor" : "the employer's assessor"))",
            protocolTitle: "\(loaded.auditProtocol.title), version \(loaded.auditProtocol.version)",
            plannedStart: loaded.plannedStart.readable, lastDayOnSite: loaded.lastDayOnSite?.readable ?? "not recorded yet",
            worksites: loaded.worksites.joined(separator: "; "), wcbAccounts: loaded.wcbAccounts.joined(separator: ", "),
            decisionReason: a.decisionReason,
            rejectionReasons: typedReasons.map(\.label),
            reasonOptions: RejectionReason.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: typed.reasons.contains($0.rawValue)) },
            typed: typed,
            startPassed: loaded.plannedStart < today, todayISO: today.iso,
            deadlines: deadlineRows.map { d in
                var row = Self.row(d, today: today, running: loaded.stage == .approved)
                row.title += d.rule == "D2" && deadlines.submission == nil ? " (at the latest; counts from the last day on site)" : ""
                // A date done reads as done: the last day on site, the first submission.
                if d.rule == "D1", let last = loaded.lastDayOnSite, loaded.stage != .approved || last <= today {
                    row.due = "last day on site \(last.readable) (due by \(d.due.readable))"
                    row.tone = d.isMet(by: last) ? "done" : "late"
                }
                if d.rule == "D2", let first = revisions.first?.submittedAt.map({ CalendarDay($0) }) ?? submittedOn {
                    row.due = "submitted on \(first.readable) (due by \(d.due.readable))"
                    row.tone = d.isMet(by: first) ? "done" : "late"
                    row.status = ""
                }
                return row
            },
            clocks: clocks, feedback: Array(feedback),
            overall: scored.map { "\($0.score.overall.earned) of \($0.score.overall.possible) (\($0.score.overall.percentText)%)" } ?? "",
            passLine: loaded.type == .certification
                ? "A certification audit passes with \(loaded.ref.profile.passMarks.certification.overallPercent)% overall\(loaded.ref.profile.passMarks.certification.elementPercent.map { " and \($0)% in every element" } ?? "") (Q6)."
                : "A maintenance audit passes with \(loaded.ref.profile.passMarks.maintenance.overallPercent)% overall (Q6).",
            passed: scored?.decision.passed ?? false, passReasons: scored?.decision.reasons ?? [],
            showScore: loaded.stage != .registered && loaded.stage != .rejected && loaded.stage != .cancelled, elements: elements,
            canWork: allowed(.work) && loaded.stage.isEditable,
            canSignForEmployer: !allowed(.work) && allowed(.signForEmployer) && loaded.stage.isEditable
                && workService.requiredSignatures(loaded).contains("employer"),
            canDecide: allowed(.administer) && loaded.stage == .registered,
            registrationRefusals: refusals, hasRefusals: !refusals.isEmpty,
            feesTracked: loaded.ref.profile.reviewFeesTracked,
            fee: a.feeCents.map { ReviewFee.text($0).dropFirst().replacingOccurrences(of: ",", with: "") } ?? "", feePaidOn: a.feePaidOn ?? "",
            feeHeld: a.feeCents != nil && a.feePaidOn == nil, canAdminister: allowed(.administer),
            extensions: deadlines.extensions.map { e in
                ExtensionRow(id: e.id!.uuidString, deadline: e.deadline, days: e.days,
                             reason: e.reason + " — " + (users.first { $0.id == e.requestedBy }?.name ?? ""),
                             requestedOn: (try? CalendarDay(iso: e.requestedOn).readable) ?? e.requestedOn, status: e.status,
                             decision: e.decisionReason ?? "", open: e.status == "requested")
            },
            hasExtensions: !deadlines.extensions.isEmpty,
            canChange: allowed(.changeRegistration) && loaded.stage.registrationChangeable,
            changes: changes.map { Line(when: $0.createdAt.map { CalendarDay($0).readable } ?? "", who: $0.userName, text: "\($0.what) — \($0.why)") },
            hasChanges: !changes.isEmpty,
            binderAllowed: loaded.ref.profile.binderSubmissionAllowed && allowed(.administer) && loaded.stage == .approved,
            signoffs: work.signoffs.map { Line(when: $0.signedAt.map { CalendarDay($0).readable } ?? "", who: $0.name, text: "\($0.role) · content \($0.contentHash.prefix(12))…") },
            hasSignoffs: !work.signoffs.isEmpty,
            revisions: revisions.map { Line(when: $0.submittedAt.map { CalendarDay($0).readable } ?? "", who: "Revision \($0.revision)",
                                            text: "\($0.submittedVia) · content \($0.contentHash.prefix(12))…", revisionNumber: $0.revision) },
            hasRevisions: !revisions.isEmpty, isApproved: loaded.stage == .approved,
            certificate: certificate.map { "Certificate \($0.number), issued \((try? CalendarDay(iso: $0.issuedOn).readable) ?? $0.issuedOn), valid until \((try? CalendarDay(iso: $0.expiresOn).readable) ?? $0.expiresOn)" },
            decided: [.passed, .invalid].contains(loaded.stage),
            addedDeficiencies: added.map { SelectOption(value: $0, label: $0, selected: false) }, hasAddedDeficiencies: !added.isEmpty,
            employerItems: employerItems.map { Line(when: (try? CalendarDay(iso: $0.targetOn).readable) ?? $0.targetOn, who: $0.owner, text: "\($0.action) — for: \($0.deficiency)") },
            canReviseActionPlan: allowed(.signForEmployer) && !added.isEmpty,
            breakdown: loaded.breakdown.map { b in StaffRole.allCases.filter { b.count($0) > 0 }.map { "\($0.rawValue) \(b.count($0))" }.joined(separator: ", ") } ?? "not recorded (registered before scope and sampling)",
            sample: required.map { r in
                "\(planned) interview(s) planned (the sampling rule calls for at least \(r.interviews)); \(loaded.visitedSites.count) of \(loaded.worksites.count) worksite(s) to visit (at least \(r.visits)): \(loaded.visitedSites.joined(separator: "; "))"
            } ?? "",
            sampleShort: required.map { planned < $0.interviews || loaded.visitedSites.count < $0.visits } ?? false,
            carryOver: carry.candidates.map { CarryOverRow(id: $0.id, text: $0.text, carried: carry.carried.contains($0.id)) },
            carryOverNote: carry.source.map { "From certification audit \($0.number ?? ""): \(carry.carried.count) of at most \(carry.limit) questions carried over (\(loaded.ref.profile.carryOver?.maxShare.text ?? "") of the protocol; full marks, validated by documentation only)." } ?? "",
            canCarryOver: allowed(.work) && loaded.stage.isEditable && carry.carried.count < carry.limit, error: error))
    }
}
