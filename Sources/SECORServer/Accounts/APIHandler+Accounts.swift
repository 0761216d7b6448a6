import Fluent
import Foundation
import SECORCore
import Vapor

/// Invitations, accounts and roles, password resets: the same services as `/users`,
/// `/invitations/{token}` and `/password-reset`.
extension APIHandler {
    func createInvitation(_ input: Operations.CreateInvitation.Input) async throws -> Operations.CreateInvitation.Output {
        let request = try RequestContext.request()
        let user = try request.requireUser()
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the invitation as JSON.") }
        try await request.spend(.invitation)
        let issued = try await request.invitations.create(.init(email: body.email, role: body.role.rawValue, personId: body.personId, name: body.name),
                                                          by: user, linkBase: request.linkBase)
        return .created(.init(body: .json(.init(id: try issued.invitation.requireID().uuidString, link: issued.link, expiresAt: issued.invitation.expiresAt))))
    }

    func listInvitations(_ input: Operations.ListInvitations.Input) async throws -> Operations.ListInvitations.Output {
        let request = try RequestContext.request()
        let rows = try await request.invitations.list(by: try request.requireUser())
        let now = Date()
        return .ok(.init(body: .json(try rows.map { try Self.invitation($0, at: now) })))
    }

    func withdrawInvitation(_ input: Operations.WithdrawInvitation.Input) async throws -> Operations.WithdrawInvitation.Output {
        let request = try RequestContext.request()
        let user = try request.requireUser()
        try await request.invitations.withdraw(try Validate.uuid(input.path.invitationId, "invitationId", "Invitation"), by: user)
        return .noContent(.init())
    }

    func acceptInvitation(_ input: Operations.AcceptInvitation.Input) async throws -> Operations.AcceptInvitation.Output {
        let request = try RequestContext.request()
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the password as JSON.") }
        try await request.spend(.invitationAcceptance)
        let user = try await request.invitations.accept(token: input.path.token, .init(password: body.password, email: body.email, name: body.name))
        let (token, model) = try await request.accounts.issueToken(for: user)
        request.auth.login(try CurrentUser(user, tokenId: model.id))
        return .created(.init(body: .json(.init(token: token, expiresAt: model.expiresAt, user: try await me(request)))))
    }

    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        let request = try RequestContext.request()
        let accounts = try await request.users.list(by: try request.requireUser())
        return .ok(.init(body: .json(try accounts.map(Self.user))))
    }

    func setUserRoles(_ input: Operations.SetUserRoles.Input) async throws -> Operations.SetUserRoles.Output {
        let request = try RequestContext.request()
        let caller = try request.requireUser()
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the roles as JSON.") }
        let id = try Validate.uuid(input.path.userId, "userId", "User")
        let user = try await request.users.setRoles(id, roles: body.roles.map(\.rawValue), by: caller)
        return .ok(.init(body: .json(try await Self.user(request, user))))
    }

    func deactivateUser(_ input: Operations.DeactivateUser.Input) async throws -> Operations.DeactivateUser.Output {
        let request = try RequestContext.request()
        let user = try await request.users.deactivate(try Validate.uuid(input.path.userId, "userId", "User"), by: try request.requireUser())
        return .ok(.init(body: .json(try await Self.user(request, user))))
    }

    func reactivateUser(_ input: Operations.ReactivateUser.Input) async throws -> Operations.ReactivateUser.Output {
        let request = try RequestContext.request()
        let user = try await request.users.reactivate(try Validate.uuid(input.path.userId, "userId", "User"), by: try request.requireUser())
        return .ok(.init(body: .json(try await Self.user(request, user))))
    }

    func requestPasswordReset(_ input: Operations.RequestPasswordReset.Input) async throws -> Operations.RequestPasswordReset.Output {
        let request = try RequestContext.request()
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the email as JSON.") }
        try await request.spend(.passwordReset)
        try await request.passwordResets.request(email: body.email, linkBase: request.linkBase)
        return .accepted(.init())
    }

    func resetPassword(_ input: Operations.ResetPassword.Input) async throws -> Operations.ResetPassword.Output {
        let request = try RequestContext.request()
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the new password as JSON.") }
        try await request.spend(.passwordReset)
        _ = try await request.passwordResets.reset(token: input.path.token, password: body.password, client: request.clientAddress)
        return .noContent(.init())
    }

    // MARK: mapping

    static func role(_ raw: String) throws -> Components.Schemas.User.RolePayload {
        guard let role = Components.Schemas.User.RolePayload(rawValue: raw) else {
            throw AppError(status: .internalServerError, message: "The role '\(raw)' is missing from the API document.")
        }
        return role
    }

    static func invitation(_ row: InvitationModel, at now: Date) throws -> Components.Schemas.Invitation {
        guard let role = Components.Schemas.Invitation.RolePayload(rawValue: row.role),
              let state = Components.Schemas.Invitation.StatePayload(rawValue: row.state(at: now).rawValue) else {
            throw AppError(status: .internalServerError, message: "An invitation's role or state is missing from the API document.")
        }
        return .init(id: try row.requireID().uuidString, role: role, name: row.name, email: row.email, personId: row.personId?.uuidString,
                     state: state, expiresAt: row.expiresAt, createdAt: row.createdAt ?? row.expiresAt)
    }

    static func user(_ account: UserService.Account) throws -> Components.Schemas.User {
        let u = account.user
        return .init(id: try u.requireID().uuidString, email: u.email, name: u.name, role: try role(u.role), isAssessor: u.isAssessor,
                     active: account.active, deactivatedAt: u.deactivatedAt, accessEndsOn: u.accessEndsOn,
                     personId: account.personId?.uuidString, passwordSet: u.hasPassword)
    }

    static func user(_ request: Request, _ user: UserModel) async throws -> Components.Schemas.User {
        let person = try await PersonModel.query(on: request.db).filter(\.$userId == user.requireID()).first()
        return try Self.user(.init(user: user, personId: person?.id, active: user.isActive(on: .today)))
    }
}
