import Fluent
import SECORCore
import Vapor

/// `/users`: the organisation's accounts and invitations. The owner invites the crew
/// (each a person on the roster), sets roles and deactivates; a supervisor invites
/// workers; a partner admin invites partner staff.
struct UserPages: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("users", use: show)
        routes.post("users", "invitations", use: invite)
        routes.post("users", "invitations", ":invitationId", "withdraw", use: withdraw)
        routes.post("users", ":userId", "roles", use: setRoles)
        routes.post("users", ":userId", "deactivate", use: deactivate)
        routes.post("users", ":userId", "reactivate", use: reactivate)
    }

    struct AccountRow: Encodable {
        var id: String
        var name: String
        var email: String
        var role: String
        var roleLabel: String
        var isAssessor: Bool
        var active: Bool
        var state: String
        /// The pill's look: active, pending (password not chosen yet) or inactive.
        var pill: String
        var isSelf: Bool
        var roleOptions: [SelectOption]
    }

    struct InvitationRow: Encodable {
        var id: String
        var name: String
        var email: String
        var role: String
        var state: String
        var expires: String
        var canWithdraw: Bool
    }

    struct Context: Encodable {
        var layout: LayoutContext
        var organisation: String
        var accounts: [AccountRow]
        var invitations: [InvitationRow]
        var noInvitations: Bool
        var canChange: Bool
        var isEmployer: Bool
        /// Partner staff: their external auditors come from the auditor register.
        var isPartner: Bool
        var roles: [SelectOption]
        /// Roster people without an account, who can be invited.
        var people: [SelectOption]
        var noPeople: Bool
        var peopleLink: String
        var assessorLink: String
        var form: Form
        var error: FormError?
        var invitation: ShownInvitation?
        var notice: String?
    }

    struct Form: Content {
        var email: String?
        var role: String?
        var personId: String?
        var name: String?
    }

    func show(req: Request) async throws -> View {
        let notice = (try? req.query.get(String.self, at: "done")).flatMap { ["deactivated": "The account is deactivated: it can no longer sign in, and its sessions, tokens and calendar link have ended.",
                                                                          "reactivated": "The account can sign in again.", "roles": "Roles saved. A new assessor replaces the previous one: the Assessor page says whether they are qualified.",
                                                                          "withdrawn": "The invitation is withdrawn: its link no longer works."][$0] }
        return try await render(req, form: Form(), error: nil, notice: notice)
    }

    func invite(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(Form.self)
        return try await req.submitForm({
            try await req.spend(.invitation)
            let issued = try await req.invitations.create(.init(email: form.email, role: form.role, personId: form.personId, name: form.name),
                                                          by: user, linkBase: req.linkBase)
            req.showOnce(invitationLink: issued.link, email: issued.invitation.email, name: issued.invitation.name)
            return req.redirect(to: "/users#invitation-title")
        }, orRender: { error in try await render(req, form: form, error: error) })
    }

    func withdraw(req: Request) async throws -> Response {
        let user = try req.requireUser()
        return try await req.submitForm({
            try await req.invitations.withdraw(req.parameters.get("invitationId", as: UUID.self), by: user)
            return req.redirect(to: "/users?done=withdrawn")
        }, orRender: { error in try await render(req, form: Form(), error: error) })
    }

    struct RolesForm: Content {
        var role: String?
        var assessor: String?
    }

    func setRoles(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(RolesForm.self)
        return try await req.submitForm({
            let roles = [form.role ?? ""] + (Validate.flag(form.assessor) ? ["assessor"] : [])
            _ = try await req.users.setRoles(req.parameters.get("userId", as: UUID.self), roles: roles, by: user)
            return req.redirect(to: "/users?done=roles")
        }, orRender: { error in try await render(req, form: Form(), error: error) })
    }

    func deactivate(req: Request) async throws -> Response {
        let user = try req.requireUser()
        return try await req.submitForm({
            _ = try await req.users.deactivate(req.parameters.get("userId", as: UUID.self), by: user)
            return req.redirect(to: "/users?done=deactivated")
        }, orRender: { error in try await render(req, form: Form(), error: error) })
    }

    func reactivate(req: Request) async throws -> Response {
        let user = try req.requireUser()
        return try await req.submitForm({
            _ = try await req.users.reactivate(req.parameters.get("userId", as: UUID.self), by: user)
            return req.redirect(to: "/users?done=reactivated")
        }, orRender: { error in try await render(req, form: Form(), error: error) })
    }

    private func render(_ req: Request, form: Form, error: FormError?, notice: String? = nil) async throws -> View {
        let user = try req.requireUser()
        let accounts = try await req.users.list(by: user)
        let invitations = try await req.invitations.list(by: user)
        let canChange = Policy.decide(user, .users(organisationId: user.organisationId, change: true)) == .allow
        let grantable = Policy.grantableRoles(by: user.role)
        let now = Date()
        var people: [PersonModel] = []
        var invitedPeople = Set<UUID>()
        if user.role.isEmployerSide {
            let pending = Set(invitations.filter { $0.state(at: now) == .pending }.compactMap(\.personId))
            people = try await PersonModel.query(on: req.db).filter(\.$employer.$id == user.organisationId).filter(\.$userId == nil)
                .sort(\.$name).all().filter { !$0.hasLeft(by: .today) }
            people.sort { (pending.contains($0.id!) ? 1 : 0, $0.name) < (pending.contains($1.id!) ? 1 : 0, $1.name) }
            invitedPeople = pending
        }
        let organisation = try await OrganisationModel.find(user.organisationId, on: req.db)?.name ?? ""
        let rows = accounts.map { account -> AccountRow in
            let role = account.role
            let unset = !account.user.hasPassword
            return AccountRow(
                id: account.user.id!.uuidString, name: account.user.name, email: account.user.email, role: account.user.role,
                roleLabel: role?.label ?? account.user.role, isAssessor: account.user.isAssessor, active: account.active,
                state: account.user.deactivatedAt != nil ? "deactivated" : (!account.active ? "left the roster" : (unset ? "password not set yet" : "active")),
                pill: !account.active ? "inactive" : (unset ? "pending" : "active"),
                isSelf: account.user.id == user.id,
                roleOptions: role.map { grantable.contains($0) } == true
                    ? grantable.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0 == role) } : [])
        }
        let invitationRows = invitations.map { row in
            InvitationRow(id: row.id!.uuidString, name: row.name.isEmpty ? (row.email ?? "") : row.name, email: row.email ?? "no email (link or QR code)",
                          role: Role(rawValue: row.role)?.label ?? row.role, state: row.state(at: now).rawValue,
                          expires: CalendarDay(row.expiresAt).iso,
                          canWithdraw: row.state(at: now) == .pending
                            && Role(rawValue: row.role).map { Policy.invitableRoles(by: user.role).contains($0) } == true)
        }
        let invitable = Policy.invitableRoles(by: user.role)
        // The role the roster says, for the person listed first (a supervisor on the roster is invited as one).
        let suggested = form.role ?? people.first.flatMap { person in invitable.first { $0.rawValue == person.category } }?.rawValue
            ?? invitable.last?.rawValue
        return try await req.view.render("accounts/users", Context(
            layout: req.layoutContext(title: "People and accounts"), organisation: organisation, accounts: rows,
            invitations: invitationRows, noInvitations: invitationRows.isEmpty, canChange: canChange, isEmployer: user.role.isEmployerSide,
            isPartner: user.role.isPartnerStaff,
            roles: invitable.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == suggested) },
            people: people.map { SelectOption(value: $0.id!.uuidString,
                                              label: "\($0.name) · \($0.jobRole.isEmpty ? $0.category : $0.jobRole)" + (invitedPeople.contains($0.id!) ? " · invited (a new one replaces it)" : ""),
                                              selected: $0.id?.uuidString == form.personId) },
            noPeople: people.isEmpty, peopleLink: "/employers/\(user.organisationId.uuidString)/people",
            assessorLink: "/employers/\(user.organisationId.uuidString)/assessor", form: form, error: error, invitation: await req.takeShownInvitation(), notice: notice))
    }
}
