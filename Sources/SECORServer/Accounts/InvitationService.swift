import Fluent
import SECORCore
import Vapor

/// Invitations to an account: partner admins invite partner staff, an owner invites the
/// crew (each tied to a person on the roster). Single-use, 7 days, stored hashed, sent by
/// email where there is one and shown once to the inviter as a link and a QR code.
struct InvitationService {
    let db: Database
    let passwords: BoundedPasswords
    var now: Date = Date()

    static let lifetime: TimeInterval = 7 * 24 * 3600

    struct Input: Sendable {
        var email: String?
        var role: String?
        var personId: String?
        var name: String?
    }

    /// What the inviter sees once: the row and the link with its secret.
    struct Issued: Sendable {
        var invitation: InvitationModel
        var link: String
    }

    func create(_ input: Input, by user: CurrentUser, linkBase: String) async throws -> Issued {
        try Policy.authorize(user, .users(organisationId: user.organisationId, change: false), what: "organisation")
        let role = try Validate.choice(input.role, "role", "Role", as: Role.self)
        try Policy.authorize(user, .invite(organisationId: user.organisationId, role: role), what: "organisation")
        // Partner staff sign in by email; a crew member may give one on accepting. Which one
        // the invitation is depends on who invites, which the document cannot say: 422.
        if !user.role.isEmployerSide && (input.email ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw AppError.refused("email", "Email is required: partner staff sign in with it.")
        }
        let email = try Validate.email(input.email, optional: user.role.isEmployerSide)
        var name = try Validate.text(input.name, "name", "Name", max: 120, optional: true)
        var personId: UUID?
        if user.role.isEmployerSide {
            // Every crew account belongs to a person on the roster (E1 counts them; their end date ends the account).
            guard let raw = input.personId, !raw.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw AppError.refused("personId", "Choose the person on the roster this account is for.")
            }
            let id = try Validate.uuid(raw, "personId", "Person on the roster")
            guard let person = try await PersonModel.query(on: db).filter(\.$id == id)
                .filter(\.$employer.$id == user.organisationId).first() else {
                throw AppError.invalid("personId", "That person is not on your roster.")
            }
            if person.userId != nil { throw AppError(status: .conflict, message: "\(person.name) has an account already.", field: "personId") }
            if person.hasLeft(by: CalendarDay(now)) {
                throw AppError(status: .conflict, message: "\(person.name) left on \(person.endDate ?? ""): people who have left cannot be invited.", field: "personId")
            }
            personId = id
            name = person.name
        } else if name.isEmpty {
            throw AppError.refused("name", "Name is required: an invitation for no one on the roster names the person.")
        } else if input.personId.map({ !$0.isEmpty }) == true {
            throw AppError.refused("personId", "Partner staff are not on an employer's roster: leave the person out.")
        }
        if !email.isEmpty, try await UserModel.query(on: db).filter(\.$email == email).first() != nil {
            throw AppError(status: .conflict, message: "\(email) has an account already.", field: "email")
        }
        // One pending invitation per email: a new one for the same person (or staff member)
        // replaces it; one for someone else, or elsewhere in SECOR, is refused.
        if !email.isEmpty, let waiting = try await InvitationModel.pending(email: email, on: db, at: now) {
            if waiting.organisationId != user.organisationId {
                throw AppError(status: .conflict, message: "An invitation elsewhere in SECOR is waiting for \(email); use another email.", field: "email")
            }
            if waiting.personId != personId {
                throw AppError(status: .conflict, message: "An invitation for \(waiting.name) is waiting for \(email); withdraw it first or use another email.", field: "email")
            }
        }
        // The pending invitations this one replaces (the same person's, a lost phone; the same
        // email's, a typo): replacing is withdrawing, so only by someone who may send their role.
        let replaced = personId == nil && email.isEmpty ? [] : try await InvitationModel.query(on: db).filter(\.$organisationId == user.organisationId)
            .filter(\.$acceptedAt == nil).filter(\.$withdrawnAt == nil)
            .group(.or) { either in
                if let personId { either.filter(\.$personId == personId) }
                if !email.isEmpty { either.filter(\.$email == email) }
            }.all()
        for waiting in replaced {
            if let waitingRole = Role(rawValue: waiting.role) {
                try Policy.authorize(user, .invite(organisationId: user.organisationId, role: waitingRole), what: "invitation")
            }
        }
        let (inviteeName, inviteeEmail, inviteePerson, now) = (name, email.isEmpty ? nil : email, personId, self.now)
        let replacedIds = replaced.compactMap(\.id)
        return try await db.writeTransaction { db in
            if !replacedIds.isEmpty {
                try await InvitationModel.query(on: db).filter(\.$id ~~ replacedIds).filter(\.$acceptedAt == nil)
                    .set(\.$withdrawnAt, to: now).update()
            }
            return try await Self.issue(on: db, organisationId: user.organisationId, role: role, email: inviteeEmail,
                                        name: inviteeName, personId: inviteePerson, userId: nil, invitedBy: user.id, linkBase: linkBase, at: now)
        }
    }

    /// Writes an invitation and queues its email (inside the caller's transaction). Also
    /// used for accounts made before their owner sets a password (`userId`).
    static func issue(on db: Database, organisationId: UUID, role: Role, email: String?, name: String, personId: UUID?,
                      userId: UUID?, invitedBy: UUID?, linkBase: String, at now: Date) async throws -> Issued {
        let token = SecretToken.make()
        let row = InvitationModel()
        row.organisationId = organisationId
        row.role = role.rawValue
        row.email = email
        row.name = name
        row.personId = personId
        row.userId = userId
        row.invitedBy = invitedBy
        row.tokenHash = AccountService.hash(token: token)
        row.expiresAt = now.addingTimeInterval(lifetime)
        try await row.create(on: db)
        let link = "\(linkBase)/invitations/\(token)"
        let organisation = try await OrganisationModel.find(organisationId, on: db)?.name ?? "SECOR"
        if let email {
            try await EmailOutbox.queue(key: try row.requireID(), to: email, subject: "Your invitation to \(organisation)",
                body: (name.isEmpty ? "Hello," : "\(name),") + " you are invited to SECOR as \(role.label.lowercased()).\n"
                    + "Organisation: \(organisation)\n\n"
                    + "Choose your password here (the link works once, for 7 days):\n\(link)\n", on: db)
        }
        try await AuditLog.append(on: db, actor: invitedBy, action: "invitation.create", entity: "invitation",
                                  entityId: try row.requireID().uuidString,
                                  detail: "\(role.rawValue) \(email ?? "(no email)") \(name)", at: now)
        return Issued(invitation: row, link: link)
    }

    /// The organisation's invitations, newest first (pending and past).
    func list(by user: CurrentUser) async throws -> [InvitationModel] {
        try Policy.authorize(user, .users(organisationId: user.organisationId, change: false), what: "organisation")
        return try await InvitationModel.query(on: db).filter(\.$organisationId == user.organisationId)
            .sort(\.$createdAt, .descending).limit(200).all()
    }

    /// Withdraws a pending invitation: the link stops working at once.
    func withdraw(_ id: UUID?, by user: CurrentUser) async throws {
        try Policy.authorize(user, .users(organisationId: user.organisationId, change: false), what: "organisation")
        guard let id, let row = try await InvitationModel.query(on: db).filter(\.$id == id)
            .filter(\.$organisationId == user.organisationId).first() else { throw AppError.notFound("invitation") }
        // A supervisor withdraws only what they may send (workers' invitations).
        if let role = Role(rawValue: row.role) {
            try Policy.authorize(user, .invite(organisationId: user.organisationId, role: role), what: "invitation")
        }
        guard row.state(at: now) == .pending else {
            throw AppError(status: .conflict, message: "This invitation is \(row.state(at: now).rawValue); only a pending one can be withdrawn.")
        }
        let now = self.now
        try await db.writeTransaction { db in
            // An acceptance racing the withdrawal wins or loses whole.
            try await db.lockRow("invitations", id)
            guard let current = try await InvitationModel.find(id, on: db), current.state(at: now) == .pending else {
                throw AppError(status: .conflict, message: "This invitation was accepted or withdrawn a moment ago.")
            }
            current.withdrawnAt = now
            try await current.save(on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "invitation.withdraw", entity: "invitation", entityId: id.uuidString, at: now)
        }
    }

    /// The pending invitation behind a link, or why it cannot be used (404 unknown, 410 used,
    /// withdrawn or expired).
    func pending(token: String) async throws -> InvitationModel {
        guard token.count <= 200, let row = try await InvitationModel.query(on: db)
            .filter(\.$tokenHash == AccountService.hash(token: token)).first() else {
            throw AppError(status: .notFound, message: "This invitation link is not known. Check that the whole link was copied, or ask for a new invitation.")
        }
        switch row.state(at: now) {
        case .pending: return row
        case .accepted: throw AppError(status: .gone, message: "This invitation was used already: sign in with the account it made.")
        case .withdrawn: throw AppError(status: .gone, message: "This invitation was withdrawn. Ask for a new one.")
        case .expired: throw AppError(status: .gone, message: "This invitation expired (after 7 days). Ask for a new one.")
        }
    }

    struct Acceptance: Sendable {
        var password: String?
        var confirmation: String?
        var email: String?
        var name: String?
    }

    /// Sets the password and makes (or completes) the account; the link then stops working.
    func accept(token: String, _ input: Acceptance) async throws -> UserModel {
        let row = try await pending(token: token)
        guard let role = Role(rawValue: row.role) else { throw AppError.invalid("role", "This invitation's role is not known.") }
        let email = try row.email ?? Validate.email(input.email)
        let name = try Validate.text(input.name ?? row.name, "name", "Name", max: 120)
        let password = input.password ?? ""
        try PasswordPolicy.check(password, field: "password", email: email)
        if let confirmation = input.confirmation, confirmation != password {
            throw AppError.invalid("confirmPassword", "The two passwords are not the same.")
        }
        if row.userId == nil, try await UserModel.query(on: db).filter(\.$email == email).first() != nil {
            throw AppError(status: .conflict, message: "\(email) has an account already: sign in with it, or give another email.", field: "email")
        }
        if row.email == nil, let waiting = try await InvitationModel.pending(email: email, on: db, at: now), waiting.id != row.id {
            throw AppError(status: .conflict, message: "An invitation to SECOR is waiting for \(email) (someone else's): give another email.", field: "email")
        }
        // Someone who left the roster after being invited gets no account: it could not sign in.
        if let personId = row.personId, let person = try await PersonModel.find(personId, on: db), person.hasLeft(by: CalendarDay(now)) {
            throw AppError(status: .gone, message: "This invitation is for \(person.name), who left on \(person.endDate ?? ""). Ask the company for a new invitation if that is wrong.")
        }
        let hash = try await passwords.hash(password)
        let now = self.now
        let rowId = try row.requireID()
        return try await db.writeTransaction { db in
            // Of two acceptances (or an acceptance and a withdrawal) at once, one acts.
            try await db.lockRow("invitations", rowId)
            guard let taken = try await InvitationModel.find(rowId, on: db), taken.state(at: now) == .pending else {
                throw AppError(status: .gone, message: "This invitation was used or withdrawn a moment ago.")
            }
            taken.acceptedAt = now
            let user: UserModel
            if let existingId = row.userId, let existing = try await UserModel.find(existingId, on: db) {
                user = existing
                user.name = name
                user.passwordHash = hash
                user.passwordChangedAt = now
                try await user.save(on: db)
            } else {
                user = UserModel(organisationId: row.organisationId, email: email, name: name, passwordHash: hash, role: role)
                if let personId = row.personId, let person = try await PersonModel.find(personId, on: db) {
                    user.accessEndsOn = person.endDate
                    try await user.create(on: db)
                    person.userId = user.id
                    try await person.save(on: db)
                    // The designated assessor gets what an assessor may do once they have an account (T4).
                    if try await EmployerModel.find(row.organisationId, on: db)?.assessorPersonId == personId {
                        user.isAssessor = true
                        try await user.save(on: db)
                    }
                } else {
                    try await user.create(on: db)
                }
            }
            taken.acceptedUserId = user.id
            try await taken.save(on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "invitation.accept", entity: "invitation",
                                      entityId: rowId.uuidString, detail: "\(email) as \(role.rawValue)", at: now)
            if let inviter = row.invitedBy {
                try await Notices.send(.invitationAccepted, NoticeSubject(namedUserId: inviter), title: "\(name) accepted your invitation",
                                       body: "\(name) (\(email)) now has an account as \(role.label.lowercased()).", link: "/users", on: db)
            }
            return user
        }
    }
}

extension Request {
    var invitations: InvitationService { InvitationService(db: db, passwords: boundedPasswords) }

    /// The start of links in emails and on pages: `SECOR_PUBLIC_URL`, or the address the
    /// server listens on. Never the request's Host header, which the sender chooses: a reset
    /// link pointing at their host would hand them the victim's token.
    var linkBase: String { application.linkBase }
}

extension Application {
    /// `SECOR_PUBLIC_URL`, or the address this server listens on (see `Request.linkBase`).
    var linkBase: String {
        if let url = secorConfig.publicURL { return url }
        let server = http.server.configuration
        return "http://\(server.hostname):\(server.port)"
    }
}
