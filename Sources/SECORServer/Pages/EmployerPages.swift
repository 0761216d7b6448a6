import Fluent
import SECORCore
import Vapor

/// An employer's overview: eligibility at a glance, headcount, details and WCB accounts.
struct EmployerPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("employers", ":employerId", use: show)
        routes.post("employers", ":employerId", "details", use: updateDetails)
        routes.get("partner", "employers", use: list)
    }

    struct ShowContext: Encodable {
        var layout: LayoutContext
        var employer: EmployerSummary
        var details: EnrollmentService.Application
        var wcbRows: [EnrollmentService.WCBInput]
        var enrollment: String
        var declineReason: String?
        var channel: String
        var program: String
        var asOf: String
        var reasons: [EligibilityIssue]
        var warning: String?
        var chart: HeadcountChart
        var membershipNeeded: Bool
        var canEditSettings: Bool
        var canEditRecords: Bool
        var users: [String]
        var error: FormError?
    }

    func show(req: Request) async throws -> View {
        try await render(req, error: nil, details: nil)
    }

    private func render(_ req: Request, error: FormError?, details: EnrollmentService.Application?) async throws -> View {
        let user = try req.requireUser()
        let ref = try await req.employerRef(.view)
        let day = try req.asOfDay()
        let records = try await EmployerRecords.load(employers: [ref.id], on: req.db)[ref.id]!
        let (report, _) = records.eligibility(profile: ref.profile, on: day)
        let summary = try await req.employers.summaries([ref.organisation], on: day)[0]
        let e = ref.employer
        let accounts = records.wcbAccounts.map { EnrollmentService.WCBInput(number: $0.number, industryCode: $0.industryCode, active: $0.active) }
        let form = details ?? EnrollmentService.Application(
            programId: ref.profile.id, legalName: e.legalName, tradeName: e.tradeName, address: e.address, contactName: e.contactName,
            phone: e.phone, fax: e.fax, email: e.email, password: nil, wcbAccounts: accounts, associatePaidUntil: e.associatePaidUntil)
        var rows = form.wcbAccounts ?? []
        while rows.count < max(3, accounts.count + 1) { rows.append(.init(number: "", industryCode: "", active: true)) }
        let users = try await UserModel.query(on: req.db).filter(\.$organisation.$id == ref.id).sort(\.$name).all()
            .map { "\($0.name) — \(Role(rawValue: $0.role)?.label ?? $0.role)" }
        let context = ShowContext(
            layout: try await req.layoutContext(title: ref.organisation.name), employer: summary, details: form, wcbRows: rows,
            enrollment: e.status, declineReason: e.declineReason, channel: e.channel,
            program: "\(ref.profile.partnerName) (\(ref.profile.partnerShortName))", asOf: day.iso,
            reasons: report.issues, warning: report.headcountWarning, chart: HeadcountChart(report.headcount),
            membershipNeeded: ref.profile.membership.required,
            canEditSettings: Policy.decide(user, .employer(ref.scope, .editSettings)) == .allow,
            canEditRecords: Policy.decide(user, .employer(ref.scope, .editRecords)) == .allow,
            users: users, error: error)
        return try await req.view.render("employer", context)
    }

    func updateDetails(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let ref = try await req.employerRef(.editSettings)
        var form = try req.content.decode(EnrollmentService.Application.self)
        form.programId = ref.profile.id
        return try await req.submitForm({
            try await req.enrollment.update(ref, form, by: user)
            return req.redirect(to: "/employers/\(ref.id.uuidString)")
        }, orRender: { error in try await render(req, error: error, details: form) })
    }

    struct ListContext: Encodable {
        struct Filter: Encodable {
            var value: String
            var label: String
            var selected: Bool
        }
        var layout: LayoutContext
        var employers: [EmployerSummary]
        var noEmployers: Bool
        var filters: [Filter]
        var pager: Pager
    }

    func list(req: Request) async throws -> View {
        let user = try req.requireUser()
        try Policy.authorize(user, .partnerArea)
        let status = req.query[String.self, at: "status"] ?? ""
        if !status.isEmpty && !EmployerService.statusFilters.contains(status) {
            throw AppError.invalid("status", "Filter by one of: \(EmployerService.statusFilters.joined(separator: ", ")).")
        }
        let employers = try await req.employers.visibleEmployers(for: user, status: status)
        let labels = ["": "All", "eligible": "Eligible", "ineligible": "Not eligible", "pending": "Application pending",
                      "headcount": "Over the headcount (E1)", "wcbAccount": "WCB account (E2)", "membership": "Membership (E3)",
                      "training": "Training (T)", "recordsHistory": "Records history (E5)"]
        let filters = ([""] + EmployerService.statusFilters).map { ListContext.Filter(value: $0, label: labels[$0] ?? $0, selected: $0 == status) }
        let page = try Pager.page(req)
        let shown = Array(Pager.slice(employers, page: page))
        return try await req.view.render("partner-employers", ListContext(layout: req.layoutContext(title: "Employers"),
                                                                          employers: shown, noEmployers: employers.isEmpty, filters: filters,
                                                                          pager: Pager(path: "/partner/employers", filters: [("status", status)], page: page,
                                                                                       shown: shown.count, total: employers.count, noun: "Employers")))
    }
}
