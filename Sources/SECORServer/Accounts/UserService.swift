import Fluent
import SECORCore
import Vapor

/// The accounts of one organisation: who they are, their roles, deactivation. The owner
/// (or a partner admin, for partner staff) decides; nobody removes the last owner or
/// the last partner admin, so an organisation can never lock itself out.
struct UserService {
    let db: Database
    let programs: ProgramCatalog
    var now: Date = Date()

    /// One account as the users page and the API show it.
    struct Account: Sendable {
        var user: UserModel
        var personId: UUID?
        var active: Bool
        var role: Role? { Role(rawValue: user.role) }
    }

    /// The caller's organisation's accounts, by name (two statements, whatever the size).
    func list(by caller: CurrentUser) async throws -> [Account] {
        try Policy.authorize(caller, .users(organisationId: caller.organisationId, change: false), what: "organisation")
        let users = try await UserModel.query(on: db).filter(\.$organisation.$id == caller.organisationId).sort(\.$name).all()
        let ids = users.compactMap(\.id)
        let people = ids.isEmpty ? [] : try await PersonModel.query(on: db).filter(\.$userId ~~ ids).all()
        let today = CalendarDay(now)
        return users.map { user in
            Account(user: user, personId: people.first { $0.userId == user.id }?.id, active: user.isActive(on: today))
        }
    }

    func find(_ id: UUID?, by caller: CurrentUser, change: Bool) async throws -> UserModel {
        try Policy.authorize(caller, .users(organisationId: caller.organisationId, change: change), what: "organisation")
        guard let id, let user = try await UserModel.query(on: db).filter(\.$id == id)
            .filter(\.$organisation.$id == caller.organisationId).first() else { throw AppError.notFound("user") }
        return user
    }

    /// Sets an account's roles: one of the roles the caller may grant, plus `assessor` for
    /// an employer's account — which designates that person as the employer's own assessor
    /// (T4), the same as the assessor page.
    func setRoles(_ id: UUID?, roles raw: [String], by caller: CurrentUser) async throws -> UserModel {
        let user = try await find(id, by: caller, change: true)
        guard raw.count <= 4 else { throw AppError.invalid("roles", "Give one role, and assessor if it applies.") }
        let wantsAssessor = raw.contains("assessor")
        let base = raw.filter { $0 != "assessor" }
        guard base.count == 1, let role = Role(rawValue: base[0]) else {
            let options = Policy.grantableRoles(by: caller.role).map(\.rawValue).joined(separator: ", ")
            throw AppError.refused("roles", "Give exactly one role (\(options)), and assessor if it applies.")
        }
        guard let current = Role(rawValue: user.role), Policy.grantableRoles(by: caller.role).contains(current) else {
            throw AppError(status: .forbidden, message: "The role of \(user.name) (\(Role(rawValue: user.role)?.label.lowercased() ?? user.role)) is not yours to change.")
        }
        guard Policy.grantableRoles(by: caller.role).contains(role) else {
            throw AppError(status: .forbidden, message: "You may give only these roles: \(Policy.grantableRoles(by: caller.role).map(\.label).joined(separator: ", ")).")
        }
        if wantsAssessor && !role.isEmployerSide {
            throw AppError.invalid("roles", "Only an employer's people can be its assessor.")
        }
        if wantsAssessor && !user.isActive(on: CalendarDay(now)) {
            throw AppError(status: .conflict, message: "\(user.name) cannot sign in (deactivated or off the roster), so cannot be the assessor.", field: "roles")
        }
        let userId = try user.requireID()
        let now = self.now
        try await db.writeTransaction { db in
            try await db.lockRow("organisations", caller.organisationId)
            if current != role { try await Self.requireAnotherActive(current, besides: userId, in: caller.organisationId, on: db, at: now) }
            user.role = role.rawValue
            try await user.save(on: db)
            try await AuditLog.append(on: db, actor: caller.id, action: "user.set-roles", entity: "user", entityId: userId.uuidString,
                                      detail: (base + (wantsAssessor ? ["assessor"] : [])).joined(separator: ","), at: now)
        }
        if role.isEmployerSide && wantsAssessor != user.isAssessor {
            let ref = try await EmployerRef.load(caller.organisationId, on: db, programs: programs)
            let person = try await PersonModel.query(on: db).filter(\.$userId == userId).first()
            if wantsAssessor {
                guard let person else {
                    throw AppError.invalid("roles", "\(user.name) is not linked to a person on the roster, so cannot be the assessor.")
                }
                try await AuditorService(db: db).designate(ref, assessor: "person:\(try person.requireID())", by: caller)
            } else if ref.employer.assessorPersonId == person?.id {
                try await AuditorService(db: db).designate(ref, assessor: "", by: caller)
            }
        }
        return try await UserModel.find(userId, on: db) ?? user
    }

    /// Deactivates an account: it can no longer sign in, and its sessions, tokens and
    /// calendar link stop working at once.
    func deactivate(_ id: UUID?, by caller: CurrentUser) async throws -> UserModel {
        let user = try await find(id, by: caller, change: true)
        let userId = try user.requireID()
        guard userId != caller.id else { throw AppError(status: .conflict, message: "You cannot deactivate your own account.", field: "userId") }
        guard let role = Role(rawValue: user.role), Policy.grantableRoles(by: caller.role).contains(role) || role == .externalAuditor else {
            throw AppError(status: .forbidden, message: "This account is not yours to deactivate.")
        }
        guard user.deactivatedAt == nil else { return user }
        let now = self.now
        try await db.writeTransaction { db in
            try await db.lockRow("organisations", caller.organisationId)
            try await Self.requireAnotherActive(role, besides: userId, in: caller.organisationId, on: db, at: now)
            user.deactivatedAt = now
            try await AccountService.endAccess(of: user, on: db, at: now)
            try await AuditLog.append(on: db, actor: caller.id, action: "user.deactivate", entity: "user", entityId: userId.uuidString, at: now)
        }
        return user
    }

    /// Lets a deactivated account sign in again (with its old password).
    func reactivate(_ id: UUID?, by caller: CurrentUser) async throws -> UserModel {
        let user = try await find(id, by: caller, change: true)
        guard user.deactivatedAt != nil else { return user }
        if let ends = user.accessEndsOn, let last = try? CalendarDay(iso: ends), last < CalendarDay(now) {
            throw AppError(status: .conflict, message: "\(user.name) left the roster on \(ends): change or clear the end date on People first.", field: "userId")
        }
        let now = self.now
        try await db.writeTransaction { db in
            user.deactivatedAt = nil
            try await user.save(on: db)
            try await AuditLog.append(on: db, actor: caller.id, action: "user.reactivate", entity: "user", entityId: try user.requireID().uuidString, at: now)
        }
        return user
    }

    /// Nobody removes the last owner or the last partner admin (role change or deactivation).
    static func requireAnotherActive(_ role: Role, besides userId: UUID, in organisationId: UUID, on db: Database, at now: Date) async throws {
        guard role == .employerOwner || role == .partnerAdmin else { return }
        let others = try await UserModel.query(on: db).filter(\.$organisation.$id == organisationId)
            .filter(\.$role == role.rawValue).filter(\.$id != userId).all()
            .filter { $0.isActive(on: CalendarDay(now)) && $0.hasPassword }
        if others.isEmpty {
            throw AppError(status: .conflict, message: "This is the last active \(role.label.lowercased()) account: give another account that role first.", field: "roles")
        }
    }
}

extension Request {
    var users: UserService { UserService(db: db, programs: programs) }
}
