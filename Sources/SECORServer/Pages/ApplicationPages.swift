import Fluent
import SECORCore
import Vapor

/// E4: applying online, staff entering a phone application, and the partner's queue.
struct ApplicationPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("apply", use: showApply)
        routes.post("apply", use: apply)
    }

    /// Routes for signed-in partner admins.
    struct Admin: RouteCollection {
        func boot(routes: RoutesBuilder) throws {
            let pages = ApplicationPages()
            routes.get("partner", "applications", use: pages.queue)
            routes.get("partner", "applications", "new", use: pages.showPhone)
            routes.post("partner", "applications", "new", use: pages.phone)
            routes.post("partner", "applications", ":employerId", "decision", use: pages.decide)
        }
    }

    struct FormContext: Encodable {
        var layout: LayoutContext
        var programs: [ProgramOption]
        var form: EnrollmentService.Application
        var wcbRows: [EnrollmentService.WCBInput]
        var error: FormError?
        var action: String
        var byPhone: Bool
        /// Online, with no partner set up: nothing to apply to.
        var closed: Bool
    }

    struct ProgramOption: Encodable {
        var id: String
        var name: String
        var selected: Bool
    }

    static func formContext(_ req: Request, form: EnrollmentService.Application, error: FormError?, byPhone: Bool) async throws -> FormContext {
        var rows = form.wcbAccounts ?? []
        while rows.count < 3 { rows.append(.init(number: "", industryCode: "", active: true)) }
        // Only programs a partner runs on this installation can be applied to, under the partner's own name.
        let partners = try await OrganisationModel.query(on: req.db).filter(\.$kind == OrganisationKind.partner.rawValue).all()
        let programs = req.programs.all.compactMap { profile -> ProgramOption? in
            guard let partner = partners.first(where: { $0.profileId == profile.id }) else { return nil }
            return ProgramOption(id: profile.id, name: "\(partner.name) (\(profile.partnerShortName))", selected: profile.id == form.programId)
        }
        return FormContext(layout: try await req.layoutContext(title: byPhone ? "Phone application" : "Apply to SECOR"),
                           programs: programs, form: form, wcbRows: rows, error: error,
                           action: byPhone ? "/partner/applications/new" : "/apply", byPhone: byPhone, closed: programs.isEmpty && !byPhone)
    }

    func showApply(req: Request) async throws -> Response {
        if req.auth.has(CurrentUser.self) { return req.redirect(to: "/home") }
        var form = EnrollmentService.Application()
        form.programId = try? req.query.get(String.self, at: "program")
        return try await req.view.render("apply", Self.formContext(req, form: form, error: nil, byPhone: false)).encodeResponse(for: req)
    }

    func apply(req: Request) async throws -> Response {
        let form = try req.content.decode(EnrollmentService.Application.self)
        return try await req.submitForm({
            try await req.spend(.application)
            let (_, user, _) = try await req.enrollment.apply(form, channel: .online, by: nil)
            try await req.startSession(for: user)
            return req.redirect(to: "/home?applied=1")
        }, orRender: { error in
            var kept = form
            kept.password = nil
            return try await req.view.render("apply", Self.formContext(req, form: kept, error: error, byPhone: false))
        })
    }

    struct QueueContext: Encodable {
        struct Item: Encodable {
            var id: String
            var name: String
            var tradeName: String
            var contact: String
            var phone: String
            var email: String
            var address: String
            var channel: String
            var applied: String
            var wcb: [String]
            var membership: String
        }
        var layout: LayoutContext
        var items: [Item]
        var noItems: Bool
        var error: FormError?
        /// The owner's set-password invitation of a phone application just entered, shown once.
        var invitation: ShownInvitation?
    }

    func queue(req: Request) async throws -> View {
        try await renderQueue(req, error: nil)
    }

    private func renderQueue(_ req: Request, error: FormError?) async throws -> View {
        let user = try req.requireUser()
        let queue = try await req.enrollment.queue(partnerId: user.organisationId, by: user)
        let ids = queue.compactMap(\.employer.id)
        let accounts = ids.isEmpty ? [] : try await WCBAccountModel.query(on: req.db).filter(\.$employer.$id ~~ ids).all()
        let profile = try await req.userProfile().program
        let items = queue.map { entry -> QueueContext.Item in
            let e = entry.employer
            let mine = accounts.filter { $0.$employer.id == e.id }
            let automatic = mine.contains { $0.active && (profile?.membership.automaticIndustryCodes.contains($0.industryCode) ?? false) }
            let membership = profile?.membership.required == true
                ? (automatic ? "Member by industry code" : e.associatePaidUntil.map { "Associate member, paid until \($0)" } ?? "Not a member (E3)")
                : "No membership needed"
            return .init(id: e.id!.uuidString, name: e.legalName, tradeName: e.tradeName, contact: e.contactName, phone: e.phone,
                         email: e.email, address: e.address, channel: e.channel,
                         applied: e.createdAt.map { CalendarDay($0).readable } ?? "",
                         wcb: mine.map { "\($0.number) · industry \($0.industryCode)\($0.active ? "" : " · inactive")" },
                         membership: membership)
        }
        return try await req.view.render("applications", QueueContext(layout: req.layoutContext(title: "Applications"),
                                                                       items: items, noItems: items.isEmpty, error: error,
                                                                       invitation: await req.takeShownInvitation()))
    }

    struct Decision: Content {
        var decision: String?
        var reason: String?
    }

    func decide(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(Decision.self)
        let ref = try await req.employerRef(.view)
        return try await req.submitForm({
            guard let decision = form.decision, ["approve", "decline"].contains(decision) else {
                throw AppError.invalid("decision", "Choose approve or decline.")
            }
            try await req.enrollment.decide(ref, approve: decision == "approve", reason: form.reason, by: user)
            return req.redirect(to: "/partner/applications")
        }, orRender: { error in try await renderQueue(req, error: error) })
    }

    func showPhone(req: Request) async throws -> View {
        let user = try req.requireUser()
        try Policy.authorize(user, .partnerAdmin(partnerId: user.organisationId))
        var form = EnrollmentService.Application()
        form.programId = try await req.userProfile().program?.id
        return try await req.view.render("apply", Self.formContext(req, form: form, error: nil, byPhone: true))
    }

    func phone(req: Request) async throws -> Response {
        let user = try req.requireUser()
        // Deny first: the form is checked only for those who may send it.
        try Policy.authorize(user, .partnerAdmin(partnerId: user.organisationId))
        var form = try req.content.decode(EnrollmentService.Application.self)
        form.programId = try await req.userProfile().program?.id
        return try await req.submitForm({
            let (_, _, link) = try await req.enrollment.apply(form, channel: .phone, by: user, linkBase: req.linkBase)
            req.showOnce(invitationLink: link, email: form.email?.lowercased(), name: form.contactName)
            return req.redirect(to: "/partner/applications")
        }, orRender: { error in
            var kept = form
            kept.password = nil
            return try await req.view.render("apply", Self.formContext(req, form: kept, error: error, byPhone: true))
        })
    }
}
