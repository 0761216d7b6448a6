import Fluent
import SECORCore
import Vapor

/// P1 portal, registration (R1-R5), and one audit's page with the partner's decisions
/// (R2, R3, R7, D3, S3).
struct AuditPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("audits", use: portal)
        routes.get("audits", "find", use: find)
        routes.get("employers", ":employerId", "audits", "new", use: showRegister)
        routes.post("employers", ":employerId", "audits", "new", use: register)
        routes.get("audits", ":auditId", use: show)
        routes.post("audits", ":auditId", "decision", use: decide)
        routes.post("audits", ":auditId", "fee", use: fee)
        routes.post("audits", ":auditId", "change", use: change)
        routes.post("audits", ":auditId", "cancel", use: cancel)
        routes.post("audits", ":auditId", "extensions", use: requestExtension)
        routes.post("audits", ":auditId", "extensions", ":extensionId", "decision", use: decideExtension)
        routes.post("audits", ":auditId", "binder", use: binder)
        routes.post("audits", ":auditId", "employer-actions", use: addEmployerAction)
    }

    // MARK: Portal (P1)

    struct Row: Encodable {
        var href: String
        var number: String
        var employer: String
        var type: String
        var start: String
        var stage: String
        var auditor: String
    }

    struct PortalContext: Encodable {
        var layout: LayoutContext
        var heading: String
        var active: [Row]
        var closed: [Row]
        var noActive: Bool
        var noClosed: Bool
        var activePager: Pager
        var closedPager: Pager
        var registerLinks: [SelectOption]
        /// The employer's certificates (C2) with their state today (C6).
        var certificates: [SelectOption]
        var error: FormError?
    }

    func portal(req: Request) async throws -> View {
        try await renderPortal(req, error: nil)
    }

    private func renderPortal(_ req: Request, error: FormError?) async throws -> View {
        let user = try req.requireUser()
        try Policy.authorize(user, .auditList)
        let audits = try await AuditQueries(db: req.db).visible(to: user)
        let names = try await AuditQueries(db: req.db).employerNames(audits)
        let rows = audits.map { a in
            Row(href: "/audits/\(a.id!.uuidString)", number: a.number ?? "—", employer: names[a.$employer.id] ?? "",
                type: AuditType(rawValue: a.auditType)?.label ?? a.auditType, start: (try? CalendarDay(iso: a.plannedStart).readable) ?? a.plannedStart,
                stage: AuditStage(rawValue: a.stage)?.label ?? a.stage, auditor: a.auditorName)
        }
        let open = Set(audits.filter { AuditStage(rawValue: $0.stage)?.isOpen ?? false }.map { "/audits/\($0.id!.uuidString)" })
        // Where this user may register: their own employer as its assessor, or every
        // employer that designated them as external auditor.
        var registerLinks: [SelectOption] = []
        if user.role == .employerOwner && user.isAssessor {
            registerLinks.append(.init(value: "/employers/\(user.organisationId.uuidString)/audits/new", label: "Register an audit", selected: false))
        }
        if user.role == .externalAuditor {
            let mine = try await AuditorModel.query(on: req.db).filter(\.$user.$id == user.id).all().compactMap(\.id)
            if !mine.isEmpty {
                let employers = try await EmployerModel.query(on: req.db).filter(\.$assessorAuditorId ~~ mine).sort(\.$legalName).all()
                registerLinks += employers.map { .init(value: "/employers/\($0.id!.uuidString)/audits/new", label: "Register an audit of \($0.legalName)", selected: false) }
            }
        }
        var certificates: [SelectOption] = []
        if user.role.isEmployerSide {
            let rows = try await CertificateModel.query(on: req.db).filter(\.$employer.$id == user.organisationId).sort(\.$issuedOn, .descending).all()
            certificates = rows.map { c in
                let expiry = try? CalendarDay(iso: c.expiresOn)
                let status = CertificateStatus.of(expiry: expiry, cancelled: c.cancelledOn != nil, today: .today)
                return SelectOption(value: "/audits/\(c.$audit.id.uuidString)/print/certificate",
                                    label: "\(c.number) · valid until \(expiry?.readable ?? c.expiresOn) · \(status.label)", selected: false)
            }
        }
        let heading = user.role.isPartnerStaff ? "Audits" : user.role == .externalAuditor ? "My audits" : "Our audits"
        let active = rows.filter { open.contains($0.href) }, closed = rows.filter { !open.contains($0.href) }
        let activePage = try Pager.page(req, param: "active"), closedPage = try Pager.page(req, param: "closed")
        let activeShown = Array(Pager.slice(active, page: activePage)), closedShown = Array(Pager.slice(closed, page: closedPage))
        return try await req.view.render("audits", PortalContext(
            layout: req.layoutContext(title: heading), heading: heading,
            active: activeShown, closed: closedShown, noActive: active.isEmpty, noClosed: closed.isEmpty,
            activePager: Pager(path: "/audits", filters: [("closed", closedPage > 1 ? String(closedPage) : "")], param: "active", page: activePage,
                               shown: activeShown.count, total: active.count, noun: "Audits"),
            closedPager: Pager(path: "/audits", filters: [("active", activePage > 1 ? String(activePage) : "")], param: "closed", page: closedPage,
                               shown: closedShown.count, total: closed.count, noun: "Audits"),
            registerLinks: registerLinks, certificates: certificates, error: error))
    }

    /// R6: any audit the user may see, by its 9-digit number.
    func find(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try Policy.authorize(user, .auditList)
        let number = (try? req.query.get(String.self, at: "number"))?.trimmingCharacters(in: .whitespaces) ?? ""
        let audits = try await AuditQueries(db: req.db).visible(to: user)
        if let audit = audits.first(where: { $0.number == number }) { return req.redirect(to: "/audits/\(audit.id!.uuidString)") }
        let message = AuditNumber.isValid(number, digits: 9) ? "No audit of yours has the number \(number)." : "An audit number has 9 digits."
        let response = try await renderPortal(req, error: FormError(AppError.invalid("number", message))).encodeResponse(for: req)
        response.status = AuditNumber.isValid(number, digits: 9) ? .notFound : .badRequest
        return response
    }

    // MARK: Registration (R1-R5)

    struct RegisterForm: Content {
        var type: String?
        var plannedStart: String?
        var worksites: String?
        var wcbAccounts: [String]?
        /// The employee breakdown, one box per role: `employees_owner`, `employees_worker`, ...
        var employees_owner: String?
        var employees_manager: String?
        var employees_supervisor: String?
        var employees_worker: String?
        var employees_contractor: String?
        var visitedSites: String?
        var plannedInterviews: String?

        func count(_ role: StaffRole) -> String? {
            switch role {
            case .owner: return employees_owner
            case .manager: return employees_manager
            case .supervisor: return employees_supervisor
            case .worker: return employees_worker
            case .contractor: return employees_contractor
            }
        }
    }

    struct RoleCount: Encodable {
        var role: String
        var label: String
        var value: String
    }

    struct RegisterContext: Encodable {
        var layout: LayoutContext
        var employerName: String
        var action: String
        var types: [SelectOption]
        var proposal: String
        var plannedStart: String
        var worksites: String
        var accounts: [SelectOption]
        var protocolTitle: String
        var roles: [RoleCount]
        var visitedSites: String
        var plannedInterviews: String
        /// "The sampling rule proposes 4 interviews for 5 employees ..."
        var sampleHint: String
        var error: FormError?
    }

    func showRegister(req: Request) async throws -> View {
        let ref = try await req.employerRef(.registerAudit)
        return try await renderRegister(req, ref, RegisterForm(), error: nil)
    }

    private func renderRegister(_ req: Request, _ ref: EmployerRef, _ form: RegisterForm, error: FormError?) async throws -> View {
        let proposal = try await AuditService(db: req.db).proposal(ref)
        let accounts = try await WCBAccountModel.query(on: req.db).filter(\.$employer.$id == ref.id).filter(\.$active == true).sort(\.$number).all()
        let chosenType = form.type ?? proposal.type.rawValue
        let chosenAccounts = form.wcbAccounts ?? accounts.map(\.number)
        let version = try await ProtocolService(db: req.db).current(partner: ref.profile.id).value
        let roster = try await EmployerRecords.load(employers: [ref.id], on: req.db)[ref.id]?.people ?? []
        let start = (try? CalendarDay(iso: form.plannedStart ?? "")) ?? CalendarDay.today.adding(days: 7)
        let typedSites = (form.worksites ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let proposed = SamplingScope.proposed(roster: roster, worksites: typedSites, start: start, profile: ref.profile)
        return try await req.view.render("audit-register", RegisterContext(
            layout: req.layoutContext(title: "Register an audit"), employerName: ref.organisation.name,
            action: "/employers/\(ref.id.uuidString)/audits/new",
            types: AuditType.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == chosenType) },
            proposal: "\(proposal.type.label) (year \(proposal.cycleYear) of the cycle): \(proposal.reason)",
            plannedStart: form.plannedStart ?? CalendarDay.today.adding(days: 7).iso, worksites: form.worksites ?? "",
            accounts: accounts.map { SelectOption(value: $0.number, label: "\($0.number) · industry \($0.industryCode)", selected: chosenAccounts.contains($0.number)) },
            protocolTitle: "\(version.title), version \(version.version)",
            roles: StaffRole.allCases.map { RoleCount(role: $0.rawValue, label: $0.rawValue.capitalized, value: form.count($0) ?? String(proposed.breakdown.count($0))) },
            visitedSites: form.visitedSites ?? "", plannedInterviews: form.plannedInterviews ?? "",
            sampleHint: Self.sampleHint(ref.profile.sampling, proposed), error: error))
    }

    /// The sampling rule in words, for the form's help.
    static func sampleHint(_ rule: SamplingRule?, _ proposed: SamplingScope) -> String {
        guard rule != nil else { return "The partner's profile sets no sampling rule: interview everyone and visit every site." }
        return "For \(proposed.breakdown.employees) employees (contractors are not counted) the sampling rule proposes at least \(proposed.plannedInterviews) interview(s). Leave the boxes below empty to take the proposal; you may plan more."
    }

    func register(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let ref = try await req.employerRef(.registerAudit)
        let form = try req.content.decode(RegisterForm.self)
        return try await req.submitForm({
            let id = try await AuditService(db: req.db).register(ref, try Self.registration(form), by: user)
            return req.redirect(to: "/audits/\(id.uuidString)")
        }, orRender: { error in try await renderRegister(req, ref, form, error: error) })
    }

    static func registration(_ form: RegisterForm) throws -> AuditService.Registration {
        AuditService.Registration(
            type: try Validate.choice(form.type, "type", "Audit type", as: AuditType.self),
            plannedStart: try Validate.day(form.plannedStart, "plannedStart", "Planned start"),
            worksites: (form.worksites ?? "").split(whereSeparator: \.isNewline).map(String.init),
            wcbAccounts: form.wcbAccounts ?? [],
            breakdown: EmployeeBreakdown(Dictionary(uniqueKeysWithValues: try StaffRole.allCases.map { role in
                (role.rawValue, try Validate.count(form.count(role), "employees_\(role.rawValue)", "\(role.rawValue.capitalized)s") ?? 0)
            })),
            visitedSites: (form.visitedSites ?? "").split(whereSeparator: \.isNewline).map(String.init),
            plannedInterviews: try Validate.count(form.plannedInterviews, "plannedInterviews", "Interviews planned"))
    }

    // MARK: One audit

    func show(req: Request) async throws -> View {
        try await AuditOverview.render(req, try await req.loadedAudit(.view), error: nil)
    }

    /// Runs a partner or auditor action on the audit page; bad input re-renders it.
    /// Runs a decision of the audit page; on bad input the page comes back with what was
    /// typed (`typed`) still in its boxes.
    private func act(_ req: Request, _ action: Policy.AuditAction, typed: AuditOverview.Typed = .init(),
                     _ body: @escaping (LoadedAudit, CurrentUser) async throws -> Void) async throws -> Response {
        let user = try req.requireUser()
        let loaded = try await req.loadedAudit(action)
        return try await req.submitForm({
            try await body(loaded, user)
            return req.redirect(to: loaded.link)
        }, orRender: { error in try await AuditOverview.render(req, try await req.loadedAudit(.view), error: error, typed: typed) })
    }

    struct DecisionForm: Content {
        var decision: String?
        var reason: String?
        /// R2: the ticked reasons of a rejection.
        var reasons: [String]?
        var newStart: String?
    }

    func decide(req: Request) async throws -> Response {
        let form = try req.content.decode(DecisionForm.self)
        let typed = AuditOverview.Typed(decision: form.decision, reason: form.reason, reasons: form.reasons ?? [], newStart: form.newStart)
        return try await act(req, .administer, typed: typed) { loaded, user in
            guard let d = form.decision, ["approve", "reject"].contains(d) else { throw AppError.invalid("decision", "Choose approve or reject.") }
            let reasons = try (form.reasons ?? []).map { raw in
                guard let reason = RejectionReason(rawValue: raw) else { throw AppError.invalid("reasons", "'\(raw)' is not a reason for rejecting.") }
                return reason
            }
            try await AuditService(db: req.db).decide(loaded, .init(approve: d == "approve", reason: form.reason, reasons: reasons,
                                                                    newStart: try Validate.optionalDay(form.newStart, "newStart", "New start date")), by: user)
            req.flash(d == "approve" ? "The registration is approved." : "The registration is rejected; the auditor and the owner are told why.")
        }
    }

    struct FeeForm: Content {
        var fee: String?
        var paidOn: String?
    }

    func fee(req: Request) async throws -> Response {
        let form = try req.content.decode(FeeForm.self)
        return try await act(req, .administer, typed: .init(fee: form.fee, paidOn: form.paidOn)) { loaded, user in
            let cents: Int?
            do { cents = try ReviewFee.cents(fromDollars: form.fee ?? "") } catch let problem as FieldRefusal { throw AppError.invalid(problem.field, problem.message) }
            try await AuditService(db: req.db).setFee(loaded, cents: cents, paidOn: try Validate.optionalDay(form.paidOn, "paidOn", "Paid on"), by: user)
        }
    }

    struct ChangeForm: Content {
        var plannedStart: String?
        var worksites: String?
        var why: String?
    }

    func change(req: Request) async throws -> Response {
        let form = try req.content.decode(ChangeForm.self)
        return try await act(req, .changeRegistration) { loaded, user in
            try await AuditService(db: req.db).change(loaded, plannedStart: try Validate.optionalDay(form.plannedStart, "plannedStart", "Planned start"),
                                                      worksites: form.worksites.map { $0.split(whereSeparator: \.isNewline).map(String.init) },
                                                      why: form.why ?? "", by: user)
        }
    }

    func cancel(req: Request) async throws -> Response {
        let form = try req.content.decode(ChangeForm.self)
        return try await act(req, .changeRegistration) { loaded, user in
            try await AuditService(db: req.db).cancel(loaded, why: form.why ?? "", by: user)
        }
    }

    struct ExtensionForm: Content {
        var deadline: String?
        var days: String?
        var reason: String?
        var decision: String?
    }

    func requestExtension(req: Request) async throws -> Response {
        let form = try req.content.decode(ExtensionForm.self)
        return try await act(req, .work) { loaded, user in
            guard let days = Int(form.days ?? "") else { throw AppError.invalid("days", "Give the number of days.") }
            try await AuditService(db: req.db).requestExtension(loaded, deadline: form.deadline ?? "", days: days, reason: form.reason ?? "", by: user)
        }
    }

    func decideExtension(req: Request) async throws -> Response {
        let form = try req.content.decode(ExtensionForm.self)
        guard let extensionId = req.parameters.get("extensionId", as: UUID.self) else { throw AppError.notFound("extension request") }
        return try await act(req, .administer) { loaded, user in
            guard let d = form.decision, ["approve", "refuse"].contains(d) else { throw AppError.invalid("decision", "Choose approve or refuse.") }
            try await AuditService(db: req.db).decideExtension(loaded, extensionId: extensionId, approve: d == "approve", reason: form.reason, by: user)
        }
    }

    struct EmployerActionForm: Content {
        var deficiency: String?
        var action: String?
        var owner: String?
        var targetOn: String?
    }

    /// Q9: the owner answers a deficiency the QA review added.
    func addEmployerAction(req: Request) async throws -> Response {
        let form = try req.content.decode(EmployerActionForm.self)
        return try await act(req, .signForEmployer) { loaded, user in
            try await QAService(db: req.db).addEmployerAction(loaded, deficiency: form.deficiency ?? "", action: form.action ?? "",
                                                              owner: form.owner ?? "", targetOn: try Validate.day(form.targetOn, "targetOn", "Target date"), by: user)
        }
    }

    struct BinderForm: Content {
        var receivedOn: String?
    }

    func binder(req: Request) async throws -> Response {
        let form = try req.content.decode(BinderForm.self)
        return try await act(req, .administer) { loaded, user in
            try await AuditWorkService(db: req.db).recordBinder(loaded, receivedOn: try Validate.day(form.receivedOn, "receivedOn", "Received on"), by: user)
        }
    }
}

/// Which audits a user sees (P1): the auditor's own, the employer's, the partner's.
struct AuditQueries {
    let db: Database

    func visible(to user: CurrentUser) async throws -> [AuditModel] {
        // Deny by default: a role with no part in audits sees none.
        guard Policy.decide(user, .auditList) == .allow else { return [] }
        let query = AuditModel.query(on: db)
        if user.role.isPartnerStaff {
            query.filter(\.$partnerId == user.organisationId)
        } else if user.role.isEmployerSide {
            query.group(.or) { $0.filter(\.$employer.$id == user.organisationId).filter(\.$auditorUserId == user.id) }
        } else {
            query.filter(\.$auditorUserId == user.id)
        }
        return try await query.sort(\.$plannedStart, .descending).all()
    }

    func employerNames(_ audits: [AuditModel]) async throws -> [UUID: String] {
        let ids = Array(Set(audits.map(\.$employer.id)))
        guard !ids.isEmpty else { return [:] }
        let orgs = try await OrganisationModel.query(on: db).filter(\.$id ~~ ids).all()
        return Dictionary(uniqueKeysWithValues: orgs.map { ($0.id!, $0.name) })
    }
}
