import Fluent
import SECORCore
import Vapor

/// The partner's view of the cycle (C1-C6) and its dashboard.
struct PartnerPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("partner", "cycle", use: cycle)
        routes.get("partner", "cycle.csv", use: cycleCSV)
        routes.get("partner", "dashboard", use: dashboard)
        routes.post("partner", "certificates", ":certificateId", "cancel", use: cancelCertificate)
    }

    struct CycleRow: Encodable {
        var href: String
        var employer: String
        var status: String
        var statusKey: String
        var expiry: String
        var next: String
        var warnings: [String]
        /// For partner admins: the certificate that may be cancelled.
        var cancelId: String? = nil
    }

    struct CycleContext: Encodable {
        var layout: LayoutContext
        var rows: [CycleRow]
        var filters: [SelectOption]
        var empty: Bool
        var pager: Pager
    }

    func cycle(req: Request) async throws -> View {
        let user = try req.requireUser()
        try Policy.authorize(user, .partnerArea)
        let filter = (try? req.query.get(String.self, at: "status")) ?? ""
        let rows = try await CycleService(db: req.db).partnerStatuses(user, profiles: req.programs, filter: filter).map { s in
            CycleRow(href: "/employers/\(s.employerId.uuidString)", employer: s.employerName, status: s.status.label, statusKey: s.status.rawValue,
                     expiry: s.expiry?.readable ?? "—",
                     next: "\(s.next.type.label)\(s.next.dueBy.map { " by \($0.readable)" } ?? " now") — \(s.next.reason)", warnings: s.warnings,
                     cancelId: user.role == .partnerAdmin && s.certificate?.cancelledOn == nil ? s.certificate?.id?.uuidString : nil)
        }
        let options = [("", "Every employer"), ("warned", "With a warning (C6)")] + CertificateStatus.allCases.map { ($0.rawValue, $0.label) }
        let page = try Pager.page(req)
        let shown = Array(Pager.slice(rows, page: page))
        return try await req.view.render("cycle", CycleContext(
            layout: req.layoutContext(title: "Certificates and the cycle"), rows: shown,
            filters: options.map { SelectOption(value: $0.0, label: $0.1, selected: $0.0 == filter) }, empty: rows.isEmpty,
            pager: Pager(path: "/partner/cycle", filters: [("status", filter)], page: page, shown: shown.count, total: rows.count, noun: "Employers")))
    }

    func cycleCSV(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try Policy.authorize(user, .partnerArea)
        return Exports.response(Exports.cycle(try await CycleService(db: req.db).partnerStatuses(user, profiles: req.programs)),
                                filename: "cycle-\(CalendarDay.today.iso).csv")
    }

    struct CancelForm: Content {
        var reason: String?
    }

    func cancelCertificate(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("certificateId", as: UUID.self) else { throw AppError.notFound("certificate") }
        let form = try req.content.decode(CancelForm.self)
        try await CycleService(db: req.db).cancelCertificate(id, reason: form.reason ?? "", by: user)
        return req.redirect(to: "/partner/cycle")
    }

    struct Count: Encodable {
        var label: String
        var count: Int
    }

    struct DashboardContext: Encodable {
        var layout: LayoutContext
        var stages: [Count]
        var turnaround: String
        var passRate: String
        var deficiencies: [Count]
        var noDeficiencies: Bool
        var lapsing: [CycleRow]
        var noLapsing: Bool
    }

    func dashboard(req: Request) async throws -> View {
        let user = try req.requireUser()
        try Policy.authorize(user, .partnerArea)
        let d = try await PartnerDashboard(db: req.db, programs: req.programs).compute(partnerId: user.organisationId)
        let turnaround = d.turnaroundDays.isEmpty ? "No decision yet"
            : "median \(d.turnaroundDays[d.turnaroundDays.count / 2]) days over \(d.turnaroundDays.count) decided review(s)"
        let passRate = d.decided == 0 ? "No decided audit yet" : "\(d.passed * 100 / d.decided)% (\(d.passed) of \(d.decided))"
        let lapsing = d.lapsing.map { s in
            CycleRow(href: "/employers/\(s.employerId.uuidString)", employer: s.employerName, status: s.status.label, statusKey: s.status.rawValue,
                     expiry: s.expiry?.readable ?? "", next: "", warnings: s.warnings)
        }
        return try await req.view.render("dashboard", DashboardContext(
            layout: req.layoutContext(title: "Dashboard"), stages: d.stages.map { Count(label: $0.stage.label, count: $0.count) },
            turnaround: turnaround, passRate: passRate, deficiencies: d.deficiencies.map { Count(label: $0.label, count: $0.count) },
            noDeficiencies: d.deficiencies.isEmpty, lapsing: lapsing, noLapsing: lapsing.isEmpty))
    }
}
