import Fluent
import SECORCore
import Vapor

/// P1, Q10, Q13: the audit report, the certificate, the QA letter and the action plan,
/// each a print-ready page and the same page as a PDF.
struct ReportPages: RouteCollection {
    enum Document: String, CaseIterable {
        case report, certificate, letter, actionPlan = "action-plan"
        /// The report for the employer to share: no sampling-sheet notes, no interviewee.
        case customerCopy = "customer-copy"
        /// The report, the action plan and every cited record, in question order.
        case binder

        var title: String {
            switch self {
            case .report: return "Audit report"
            case .customerCopy: return "Audit report — customer copy"
            case .binder: return "Evidence binder"
            case .certificate: return "Certificate of Recognition"
            case .letter: return "QA letter"
            case .actionPlan: return "Action plan"
            }
        }
    }

    func boot(routes: RoutesBuilder) throws {
        routes.get("audits", ":auditId", "print", ":document", use: print)
        routes.get("reports", ":number", use: byNumber)
    }

    struct QuestionBlock: Encodable {
        var id: String
        var text: String
        var result: String
        var methods: String
        var notes: String
        var recommendation: String
        var evidence: [String]
        var hasEvidence: Bool
        /// The sampling sheet, only where the reader may see it (auditor, partner staff).
        var sheet: [SheetLine]
        var hasSheet: Bool
        var carriedFrom: String
        /// Binder: the exhibits this question cites, by their numbers.
        var exhibits: String
    }

    struct SheetLine: Encodable {
        var site: String
        var role: String
        var on: String
        var result: String
        var subject: String
        var note: String
    }

    /// Binder: one cited record, its content as lines and its sign-offs.
    struct Exhibit: Encodable {
        var number: Int
        var title: String
        var questions: String
        var lines: [String]
        var signOffs: [String]
    }

    struct ElementBlock: Encodable {
        var number: Int
        var title: String
        var score: String
        var questions: [QuestionBlock]
    }

    struct Item: Encodable {
        var question: String
        var action: String
        var owner: String
        var target: String
    }

    struct Fact: Encodable {
        var label: String
        var value: String
    }

    struct Context: Encodable {
        var document: String
        var title: String
        var partner: String
        var program: String
        var employer: String
        var address: String
        var number: String
        var type: String
        var protocolTitle: String
        var auditor: String
        var dates: String
        var revision: Int
        var draft: Bool
        var stage: String
        var facts: [Fact]
        var strengths: [String]
        var recommendations: [String]
        var overall: String
        var passLine: String
        var elements: [ElementBlock]
        var items: [Item]
        var hasItems: Bool
        var signoffs: [String]
        var qaOutcome: String
        var feedback: [String]
        var hasFeedback: Bool
        var certificateNumber: String
        var certificateIssued: String
        var certificateExpires: String
        var hasCertificate: Bool
        var pdfHref: String
        var pdfAvailable: Bool
        var pdfHint: String
        var today: String
        var isReport: Bool
        var copyNote: String
        var exhibits: [Exhibit]
        var hasExhibits: Bool
        /// V1: where anyone checks the certificate, and its QR code (a data: URL).
        var verifyAddress: String
        var verifyQR: String?
    }

    func print(req: Request) async throws -> Response {
        let loaded = try await req.loadedAudit(.view)
        guard let raw = req.parameters.get("document") else { throw AppError.notFound("document") }
        let wantsPDF = raw.hasSuffix(".pdf")
        guard let document = Document(rawValue: wantsPDF ? String(raw.dropLast(4)) : raw) else { throw AppError.notFound("document") }
        return try await respond(req, loaded, document, pdf: wantsPDF)
    }

    /// R6, P1: the report by its 9-digit number, as a PDF, once the audit is complete.
    func byNumber(req: Request) async throws -> Response {
        let raw = req.parameters.get("number") ?? ""
        let loaded = try await Self.completed(req, number: raw.hasSuffix(".pdf") ? String(raw.dropLast(4)) : raw)
        return try await respond(req, loaded, .report, pdf: true)
    }

    /// The audit the user may see with this number, once QA passed it (Q13).
    static func completed(_ req: Request, number: String) async throws -> LoadedAudit {
        let user = try req.requireUser()
        // Not a number any audit can have: no such audit (404), as for an unknown one.
        guard AuditNumber.isValid(number, digits: 9) else { throw AppError(status: .notFound, message: "No audit has that number: an audit number has 9 digits.", field: "number") }
        guard let audit = try await AuditQueries(db: req.db).visible(to: user).first(where: { $0.number == number }) else {
            throw AppError.notFound("audit")
        }
        let loaded = try await req.loadedAudit(audit.id!, .view)
        guard loaded.stage == .passed else {
            throw AppError(status: .conflict, message: "Audit \(number) is not complete (\(loaded.stage.label.lowercased())); its report is final once QA passes it (Q13).")
        }
        return loaded
    }

    /// The PDF of `document`, rendered from its print page.
    func pdf(_ req: Request, _ loaded: LoadedAudit, _ document: Document) async throws -> Data {
        let context = try await build(req, loaded, document)
        if document == .certificate && !context.hasCertificate { throw AppError.notFound("certificate") }
        let view = try await req.view.render("print", context)
        return try await PDFRenderer.render(html: String(buffer: view.data))
    }

    private func respond(_ req: Request, _ loaded: LoadedAudit, _ document: Document, pdf wantsPDF: Bool) async throws -> Response {
        guard wantsPDF else {
            let context = try await build(req, loaded, document)
            if document == .certificate && !context.hasCertificate { throw AppError.notFound("certificate") }
            return try await req.view.render("print", context).encodeResponse(for: req)
        }
        let bytes = try await pdf(req, loaded, document)
        let response = Response(status: .ok, body: .init(data: bytes))
        response.headers.contentType = .init(type: "application", subType: "pdf")
        let name = "\(document.rawValue)-\(loaded.audit.number ?? loaded.id.uuidString).pdf"
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        return response
    }

    /// From the latest frozen revision (S4) when there is one, else the work so far.
    func build(_ req: Request, _ loaded: LoadedAudit, _ document: Document) async throws -> Context {
        let service = AuditWorkService(db: req.db)
        let work = try await service.work(loaded)
        let latest = try await AuditRevisionModel.query(on: req.db).filter(\.$audit.$id == loaded.id).sort(\.$revision, .descending).first()
        let content = latest.flatMap { JSONText.decode($0.content, as: AuditWorkService.ReportContent.self) } ?? service.content(loaded, work)
        let recordIds = content.questions.flatMap(\.documents)
        let records = recordIds.isEmpty ? [] : try await FieldRecordModel.query(on: req.db).filter(\.$id ~~ recordIds).all()
        var answers: [String: Answer] = [:]
        for q in content.questions { if let a = q.answer { answers[q.id] = a } }
        let review = try await QAService(db: req.db).review(loaded)
        let user = try req.requireUser()
        // Confidential: the auditor and partner staff see sheet notes and who; the customer copy never.
        let confidential = document != .customerCopy && Policy.decide(user, .audit(loaded.scope, .readConfidential)) == .allow
        let sheets = content.sheets ?? []
        let exhibits = document == .binder ? try await Self.exhibits(content, records: records, on: req.db) : []
        // Q5: once reviewed, the reviewer's scores stand in the report.
        let scored = QAReview.combined(auditor: answers, reviewer: review.answers)
        let score = try? ScoreCalculator.score(loaded.auditProtocol, answers: scored, breakdown: loaded.breakdown)
        let decision = score?.decision(for: loaded.type, marks: loaded.ref.profile.passMarks)
        let elements = loaded.auditProtocol.elements.map { element -> ElementBlock in
            let points = score?.elements.first { $0.number == element.number }?.points
            return ElementBlock(number: element.number, title: element.title,
                                score: points.map { "\($0.earned) / \($0.possible) (\($0.percentText)%)" } ?? "",
                                questions: element.questions.map { q in
                                    let entry = content.questions.first { $0.id == q.id }
                                    let evidence = (entry?.documents ?? []).compactMap { id in records.first { $0.id == id } }.map {
                                        "\(FieldRecordKind(rawValue: $0.kind)?.title ?? $0.kind), \((try? CalendarDay(iso: $0.occurredOn).readable) ?? $0.occurredOn)\($0.site.isEmpty ? "" : ", \($0.site)")"
                                    }
                                    var result = QAPages.describe(entry?.answer, q, earned: score?.question(q.id).map(\.earned))
                                    if let cap = score?.question(q.id)?.capExplanation { result += " · " + cap }
                                    if let theirs = review.answers[q.id], theirs != entry?.answer { result += " · QA: " + QAPages.describe(theirs, q) }
                                    return QuestionBlock(id: q.id, text: q.text, result: result,
                                                         methods: (entry?.methods ?? []).map(\.rawValue).joined(separator: ", "),
                                                         notes: entry?.notes ?? "", recommendation: entry?.recommendation ?? "",
                                                         evidence: evidence, hasEvidence: !evidence.isEmpty,
                                                         sheet: confidential ? sheets.filter { $0.questionId == q.id }.map {
                                                             SheetLine(site: $0.site, role: $0.role, on: (try? CalendarDay(iso: $0.on).readable) ?? $0.on,
                                                                       result: $0.positive ? "positive" : "not positive", subject: $0.subject, note: $0.note)
                                                         } : [],
                                                         hasSheet: confidential && sheets.contains { $0.questionId == q.id },
                                                         carriedFrom: entry?.carriedFrom ?? "",
                                                         exhibits: exhibits.filter { $0.questions.split(separator: " ").contains(Substring(q.id)) }.map { "E\($0.number)" }.joined(separator: ", "))
                                })
        }
        let f = content.facts
        let facts: [Fact] = [
            .init(label: "Employer", value: "\(f.employerName), \(f.employerAddress)"),
            .init(label: "Contact", value: "\(f.contactName) · \(f.contactPhone) · \(f.contactFax.isEmpty ? "no fax" : "fax \(f.contactFax)") · \(f.contactEmail)"),
            .init(label: "Assessor", value: "\(f.assessorName) · \(f.assessorPhone) · \(f.assessorEmail)"),
            .init(label: "WCB account(s) · industry code(s)", value: "\(f.wcbAccounts.joined(separator: ", ")) · \(f.industryCodes.joined(separator: ", "))"),
            .init(label: "Data gathering", value: "\(f.dataGatheringStart?.readable ?? "—") to \(f.dataGatheringEnd?.readable ?? "—")"),
            .init(label: "Employees by role", value: f.employeesByRole.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")),
            .init(label: "Sample", value: Self.sampleLine(content, sheets: sheets, loaded.auditProtocol)),
            .init(label: "Employer profile", value: f.employerProfile),
        ]
        let feedback = try await QAFeedbackModel.query(on: req.db).filter(\.$audit.$id == loaded.id).sort(\.$createdAt).all()
        let employerItems = try await EmployerActionItemModel.query(on: req.db).filter(\.$audit.$id == loaded.id).sort(\.$createdAt).all()
        let certificate = try await CertificateModel.query(on: req.db).filter(\.$audit.$id == loaded.id).first()
        let marks = loaded.ref.profile.passMarks.mark(for: loaded.type)
        let verifyAddress = certificate.map { req.linkBase + "/verify/" + $0.number } ?? ""
        let verifyQR = document == .certificate && !verifyAddress.isEmpty ? await QRCode.svgDataURL(for: verifyAddress, public: true) : nil
        let outcome = QAService.outcome(loaded.stage, review.row)
        let pdfName = document.rawValue + ".pdf"
        return Context(
            document: document.rawValue, title: document.title, partner: loaded.ref.profile.partnerName, program: loaded.ref.profile.programName,
            employer: loaded.ref.organisation.name, address: f.employerAddress, number: loaded.audit.number ?? "—", type: loaded.type.label,
            protocolTitle: "\(loaded.auditProtocol.title), version \(loaded.auditProtocol.version)", auditor: loaded.audit.auditorName,
            dates: "\(loaded.plannedStart.readable) to \(loaded.lastDayOnSite?.readable ?? "—")", revision: latest?.revision ?? 0,
            draft: loaded.stage != .passed, stage: loaded.stage.label, facts: facts,
            strengths: content.strengths, recommendations: content.recommendations,
            overall: score.map { "\($0.overall.earned) of \($0.overall.possible) (\($0.overall.percentText)%)" } ?? "",
            passLine: "\(decision?.passed == true ? "Meets" : "Does not meet") the \(loaded.type.label.lowercased()) pass mark of \(marks.overallPercent)% overall\(marks.elementPercent.map { " and \($0)% per element" } ?? "") (Q6).",
            elements: elements,
            items: content.actionItems.map { Item(question: $0.questionId, action: $0.action, owner: $0.owner, target: (try? CalendarDay(iso: $0.targetOn).readable) ?? $0.targetOn) }
                + employerItems.map { Item(question: "QA: \($0.deficiency)", action: $0.action, owner: $0.owner, target: (try? CalendarDay(iso: $0.targetOn).readable) ?? $0.targetOn) },
            hasItems: !content.actionItems.isEmpty || !employerItems.isEmpty,
            signoffs: work.signoffs.map { "\($0.role == "auditor" ? "Auditor" : "Employer representative"): \($0.name), \($0.signedAt.map { CalendarDay($0).readable } ?? "") — content \($0.contentHash.prefix(16))…" },
            qaOutcome: outcome,
            feedback: feedback.flatMap { f in (JSONText.decode(f.deficiencies) as [String]? ?? []).map { "\((try? CalendarDay(iso: f.sentOn).readable) ?? f.sentOn) (revision \(f.revision)): \($0)" } },
            hasFeedback: !feedback.isEmpty,
            certificateNumber: certificate?.number ?? "", certificateIssued: certificate.flatMap { try? CalendarDay(iso: $0.issuedOn).readable } ?? "",
            certificateExpires: certificate.flatMap { try? CalendarDay(iso: $0.expiresOn).readable } ?? "", hasCertificate: certificate != nil,
            pdfHref: "\(loaded.link)/print/\(pdfName)", pdfAvailable: PDFRenderer.executable() != nil, pdfHint: PDFRenderer.installHint,
            today: CalendarDay.today.readable,
            isReport: [.report, .customerCopy, .binder].contains(document),
            copyNote: document == .customerCopy
                ? "Customer copy: the auditor's confidential interview and observation notes and the people interviewed are left out."
                : confidential ? "Confidential: this copy holds the sampling sheets' notes; share the customer copy instead." : "",
            exhibits: exhibits, hasExhibits: !exhibits.isEmpty, verifyAddress: verifyAddress, verifyQR: verifyQR)
    }

    /// "4 interviews planned; 2 of 3 worksites visited: Yard, Pad 7" (the registration's sample).
    static func sampleLine(_ content: AuditWorkService.ReportContent, sheets: [AuditWorkService.ReportContent.SheetEntry], _ p: AuditProtocol) -> String {
        guard let visited = content.visitedSites else { return "—" }
        let interviews = Set(sheets.filter { p.question($0.questionId)?.sheet == .interview }.map(\.questionId))
            .map { q in sheets.filter { $0.questionId == q }.count }.max() ?? 0
        return "\(content.plannedInterviews ?? 0) interview(s) planned, \(interviews) recorded on the fullest sheet; \(visited.count) of \(content.worksites.count) worksite(s) visited: \(visited.joined(separator: ", "))"
    }

    /// Binder: every record the report cites, once, in the order of the first question citing it.
    static func exhibits(_ content: AuditWorkService.ReportContent, records: [FieldRecordModel], on db: Database) async throws -> [Exhibit] {
        var order: [UUID] = []
        var citedBy: [UUID: [String]] = [:]
        for q in content.questions {
            for id in q.documents {
                if citedBy[id] == nil { order.append(id) }
                citedBy[id, default: []].append(q.id)
            }
        }
        guard !order.isEmpty else { return [] }
        // Three statements whatever the number of records: records (given), versions, sign-offs.
        let current = try await CurrentVersions.of(records.filter { citedBy[$0.id ?? UUID()] != nil }, on: db)
        return order.enumerated().compactMap { index, id -> Exhibit? in
            guard let record = records.first(where: { $0.id == id }), let kind = FieldRecordKind(rawValue: record.kind),
                  let now = current[id], let body = now.content else { return nil }
            let signed = now.signOffs.map { "\($0.signerName) (\($0.signOffRole.label)), \(CalendarDay($0.signedAt).readable)" }
            return Exhibit(number: index + 1,
                           title: "\(kind.title) · \((try? CalendarDay(iso: record.occurredOn).readable) ?? record.occurredOn)\(record.site.isEmpty ? "" : " · \(record.site)") · version \(record.currentVersion)",
                           questions: (citedBy[id] ?? []).joined(separator: " "), lines: body.lines, signOffs: signed)
        }
    }
}
