import Fluent
import SECORCore
import Vapor

/// E2-E4: an employer applies to a program; the partner's admins approve or decline.
struct EnrollmentService {
    let db: Database
    let programs: ProgramCatalog
    let passwords: BoundedPasswords

    struct WCBInput: Codable, Sendable {
        var number: String?
        var industryCode: String?
        var active: Bool?
    }

    /// The application form, online or taken by phone.
    struct Application: Codable, Sendable {
        var programId: String?
        var legalName: String?
        var tradeName: String?
        var address: String?
        var contactName: String?
        var phone: String?
        var fax: String?
        var email: String?
        var password: String?
        var wcbAccounts: [WCBInput]?
        var associatePaidUntil: String?
    }

    struct Details: Sendable {
        var legalName, tradeName, address, contactName, phone, fax, email: String
        var wcbAccounts: [WCBAccount]
        var associatePaidUntil: CalendarDay?
    }

    /// Checks every field; the first problem is thrown with its field.
    func validateDetails(_ a: Application, profile: ProgramProfile) throws -> Details {
        let legal = try Validate.text(a.legalName, "legalName", "Legal name")
        let trade = try Validate.text(a.tradeName, "tradeName", "Trade name", optional: true)
        let address = try Validate.text(a.address, "address", "Address", max: 400)
        let contact = try Validate.text(a.contactName, "contactName", "Contact name", max: 120)
        let phone = try Self.phone(a.phone, "phone", "Phone", optional: false)
        let fax = try Self.phone(a.fax, "fax", "Fax", optional: true)
        let email = try Validate.email(a.email)
        let rows = (a.wcbAccounts ?? []).filter { !($0.number ?? "").trimmingCharacters(in: .whitespaces).isEmpty || !($0.industryCode ?? "").isEmpty }
        guard !rows.isEmpty else { throw AppError.invalid("wcbAccounts[0].number", "Enter the employer's Alberta WCB account number (E2).") }
        var accounts: [WCBAccount] = []
        for (i, row) in rows.enumerated() {
            let number = (row.number ?? "").filter { $0 != " " }
            guard Contract.holds(number, Contract.wcbNumber) else {
                throw AppError.invalid("wcbAccounts[\(i)].number", "A WCB account number is 4 to 12 digits.")
            }
            let code = (row.industryCode ?? "").filter { $0 != " " }
            guard Contract.holds(code, Contract.industryCode) else {
                throw AppError.invalid("wcbAccounts[\(i)].industryCode", "A WCB industry code is 5 digits.")
            }
            guard !accounts.contains(where: { $0.number == number }) else {
                throw AppError.refused("wcbAccounts[\(i)].number", "WCB account \(number) is listed twice.")
            }
            accounts.append(WCBAccount(number: number, industryCode: code, active: row.active ?? true))
        }
        let paid = try Validate.optionalDay(a.associatePaidUntil, "associatePaidUntil", "Associate membership paid until")
        if paid != nil && !profile.membership.associateMembershipAllowed {
            throw AppError.invalid("associatePaidUntil", "\(profile.partnerShortName) has no associate membership.")
        }
        return Details(legalName: legal, tradeName: trade, address: address, contactName: contact, phone: phone, fax: fax,
                       email: email, wcbAccounts: accounts, associatePaidUntil: paid)
    }

    static func phone(_ value: String?, _ field: String, _ label: String, optional: Bool) throws -> String {
        let text = try Validate.text(value, field, label, max: 30, optional: optional)
        if !text.isEmpty && !Contract.holds(text, Contract.phone) {
            throw AppError.invalid(field, "\(label) '\(text)' is not a phone number (10 to 15 digits).")
        }
        return text
    }

    /// Creates the pending employer, its WCB accounts and the applicant's owner account. An
    /// online applicant chooses the password; by phone, staff never learn it: the owner
    /// gets an invitation to choose it (`invitationLink`, shown once to staff and emailed).
    func apply(_ a: Application, channel: ApplicationChannel, by staff: CurrentUser?,
               linkBase: String = "") async throws -> (employerId: UUID, user: UserModel, invitationLink: String?) {
        let programId = try Validate.text(a.programId, "programId", "Program")
        guard let profile = programs.profile(programId),
              let partner = try await OrganisationModel.query(on: db).filter(\.$profileId == programId)
                .filter(\.$kind == OrganisationKind.partner.rawValue).first() else {
            throw AppError.refused("programId", "'\(programId)' is not a program (\(programs.all.map(\.id).joined(separator: ", "))).")
        }
        if channel == .phone {
            try Policy.authorize(staff, .partnerAdmin(partnerId: try partner.requireID()), what: "program")
        }
        let details = try validateDetails(a, profile: profile)
        let password = a.password ?? ""
        // Whether a password belongs depends on the channel, which the document cannot say: 422.
        if channel == .online && password.isEmpty {
            throw AppError.refused("password", "An online application chooses the owner's password (at least \(PasswordPolicy.minimumLength) characters).")
        }
        if channel == .online { try PasswordPolicy.check(password, field: "password", email: details.email) }
        if channel == .phone && !password.isEmpty {
            throw AppError.refused("password", "Staff do not choose the owner's password: leave it out, and the owner gets an invitation to choose it.")
        }
        try await requireUnclaimed(details.wcbAccounts, except: nil)
        if try await UserModel.query(on: db).filter(\.$email == details.email).first() != nil {
            throw AppError.invalid("email", "An account with \(details.email) exists already: sign in with it instead.")
        }
        if try await InvitationModel.pending(email: details.email, on: db) != nil {
            throw AppError(status: .conflict, message: "An invitation to SECOR is waiting for \(details.email): open the link in that email, or apply with another email.", field: "email")
        }
        let hash = channel == .online ? try await passwords.hash(password) : UserModel.unusablePasswordHash()
        let partnerId = try partner.requireID()
        return try await db.writeTransaction { db in
            let organisation = OrganisationModel(kind: .employer, name: details.legalName, partnerId: partnerId)
            try await organisation.create(on: db)
            let id = try organisation.requireID()
            let employer = EmployerModel()
            employer.id = id
            employer.status = EnrollmentStatus.pending.rawValue
            employer.channel = channel.rawValue
            Self.apply(details, to: employer)
            try await employer.create(on: db)
            for account in details.wcbAccounts {
                try await WCBAccountModel(employerId: id, number: account.number, industryCode: account.industryCode, active: account.active).create(on: db)
            }
            let user = UserModel(organisationId: id, email: details.email, name: details.contactName, passwordHash: hash, role: .employerOwner)
            try await user.create(on: db)
            try await AuditLog.append(on: db, actor: staff?.id ?? user.id, action: "employer.apply", entity: "employer", entityId: id.uuidString,
                                      detail: "\(channel.rawValue) application to \(profile.id): \(details.legalName)")
            try await Notices.send(.applicationSubmitted, NoticeSubject(partnerId: partnerId), title: "New application: \(details.legalName)",
                                   body: "\(details.legalName) applied to the \(profile.partnerShortName) SECOR program (\(channel.rawValue)).",
                                   link: "/partner/applications", on: db)
            var link: String?
            if channel == .phone {
                link = try await InvitationService.issue(on: db, organisationId: id, role: .employerOwner, email: details.email,
                                                         name: details.contactName, personId: nil, userId: user.id, invitedBy: staff?.id,
                                                         linkBase: linkBase, at: Date()).link
            }
            return (id, user, link)
        }
    }

    /// A WCB account belongs to one employer: an account another employer enrolled with
    /// (and that was not declined) cannot be enrolled again.
    func requireUnclaimed(_ accounts: [WCBAccount], except employerId: UUID?) async throws {
        let numbers = accounts.map(\.number)
        let taken = try await WCBAccountModel.query(on: db).filter(\.$number ~~ numbers).with(\.$employer).all()
            .filter { $0.$employer.id != employerId && $0.employer.status != EnrollmentStatus.declined.rawValue }
        if let first = taken.first, let index = numbers.firstIndex(of: first.number) {
            throw AppError(status: .conflict, message: "WCB account \(first.number) is already enrolled by another employer. Call the certifying partner if this is your account.",
                           field: "wcbAccounts[\(index)].number")
        }
    }

    static func apply(_ details: Details, to employer: EmployerModel) {
        employer.legalName = details.legalName
        employer.tradeName = details.tradeName
        employer.address = details.address
        employer.contactName = details.contactName
        employer.phone = details.phone
        employer.fax = details.fax
        employer.email = details.email
        employer.associatePaidUntil = details.associatePaidUntil?.iso
    }

    /// Approves or declines a pending application; the employer is told either way.
    func decide(_ ref: EmployerRef, approve: Bool, reason: String?, by admin: CurrentUser) async throws {
        try Policy.authorize(admin, .partnerAdmin(partnerId: ref.scope.partnerId), what: "application")
        guard ref.employer.status == EnrollmentStatus.pending.rawValue else {
            throw AppError(status: .conflict, message: "This application was already \(ref.employer.status).", field: "decision")
        }
        let why = try Validate.text(reason, "reason", "The reason", max: 1000, optional: approve)
        if !approve && why.count < 5 { throw AppError.invalid("reason", "Say why the application is declined (at least 5 characters).") }
        let employer = ref.employer
        let name = ref.organisation.name
        try await db.writeTransaction { db in
            // Compare-and-set: of two decisions at once (two admins, two clicks), one acts;
            // the other sees the decided state and gets 409, and the owner is told once.
            try await db.lockRow("employers", ref.id)
            guard let current = try await EmployerModel.find(ref.id, on: db), current.status == EnrollmentStatus.pending.rawValue else {
                throw AppError(status: .conflict, message: "This application was decided a moment ago.", field: "decision")
            }
            employer.status = (approve ? EnrollmentStatus.approved : .declined).rawValue
            employer.declineReason = approve ? nil : why
            employer.decidedAt = Date()
            employer.decidedBy = admin.id
            try await employer.save(on: db)
            try await AuditLog.append(on: db, actor: admin.id, action: approve ? "employer.approve" : "employer.decline",
                                      entity: "employer", entityId: ref.id.uuidString, detail: why)
            try await Notices.send(.applicationDecided, NoticeSubject(employerId: ref.id), title: approve ? "Application approved" : "Application declined",
                body: approve ? "\(name) is enrolled in the \(ref.profile.partnerShortName) SECOR program." + (why.isEmpty ? "" : " \(why)")
                              : "\(ref.profile.partnerShortName) declined the application of \(name): \(why)",
                link: "/employers/\(ref.id.uuidString)", on: db)
        }
    }

    /// Updates the details, WCB accounts and membership (owner or partner admin).
    func update(_ ref: EmployerRef, _ a: Application, by user: CurrentUser) async throws {
        try Policy.authorize(user, .employer(ref.scope, .editSettings), what: "employer")
        let details = try validateDetails(a, profile: ref.profile)
        try await requireUnclaimed(details.wcbAccounts, except: ref.id)
        let employer = ref.employer
        let organisation = ref.organisation
        try await db.writeTransaction { db in
            Self.apply(details, to: employer)
            try await employer.save(on: db)
            organisation.name = details.legalName
            try await organisation.save(on: db)
            try await WCBAccountModel.query(on: db).filter(\.$employer.$id == ref.id).delete()
            for account in details.wcbAccounts {
                try await WCBAccountModel(employerId: ref.id, number: account.number, industryCode: account.industryCode, active: account.active).create(on: db)
            }
            try await AuditLog.append(on: db, actor: user.id, action: "employer.update", entity: "employer", entityId: ref.id.uuidString,
                                      detail: "WCB \(details.wcbAccounts.map { "\($0.number)/\($0.industryCode)\($0.active ? "" : " inactive")" }.joined(separator: ", "))")
        }
    }

    /// The queue of a partner's applications, oldest first.
    func queue(partnerId: UUID, by user: CurrentUser) async throws -> [(organisation: OrganisationModel, employer: EmployerModel)] {
        try Policy.authorize(user, .partnerAdmin(partnerId: partnerId), what: "program")
        let organisations = try await OrganisationModel.query(on: db).filter(\.$partner.$id == partnerId).all()
        let ids = organisations.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        let employers = try await EmployerModel.query(on: db).filter(\.$id ~~ ids)
            .filter(\.$status == EnrollmentStatus.pending.rawValue).sort(\.$createdAt).all()
        return employers.compactMap { e in organisations.first { $0.id == e.id }.map { ($0, e) } }
    }
}

extension Request {
    var enrollment: EnrollmentService { EnrollmentService(db: db, programs: programs, passwords: boundedPasswords) }
}
