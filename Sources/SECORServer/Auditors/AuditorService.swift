import Fluent
import SECORCore
import Vapor

/// The partner's register of certified external auditors (T3), and the employer's
/// designated assessor with its qualification check (T4, T7, T8).
struct AuditorService {
    let db: Database

    struct Input: Codable, Sendable {
        var name: String?
        var email: String?
        var certificationNumber: String?
        var standing: String?
        var validUntil: String?
        /// Assessor courses held (`courseId` → completion day), e.g. PHSM for ACSA (T7).
        var courses: [String: String]?
    }

    func register(partnerId: UUID, by user: CurrentUser) async throws -> [AuditorModel] {
        try Policy.authorize(user, .partnerAdmin(partnerId: partnerId), what: "register")
        return try await AuditorModel.query(on: db).filter(\.$partner.$id == partnerId).with(\.$user)
            .sort(\.$certificationNumber).all()
    }

    /// Adds an auditor and their account (or links the existing account of that email). A
    /// new account gets an invitation to choose its password (`link`, shown once): nobody
    /// but the auditor ever knows it, so nobody else can act as them.
    func create(partnerId: UUID, profile: ProgramProfile, _ input: Input, by admin: CurrentUser,
                linkBase: String) async throws -> (auditor: AuditorModel, link: String?) {
        try Policy.authorize(admin, .partnerAdmin(partnerId: partnerId), what: "register")
        let name = try Validate.text(input.name, "name", "Name", max: 120)
        let email = try Validate.email(input.email)
        let (number, standing, validUntil, courses) = try validateEntry(input, profile: profile)
        if try await AuditorModel.query(on: db).filter(\.$partner.$id == partnerId).filter(\.$certificationNumber == number).first() != nil {
            throw AppError(status: .conflict, message: "Certification number \(number) is on the register already.", field: "certificationNumber")
        }
        let account = try await UserModel.query(on: db).filter(\.$email == email).first()
        if let existing = account, existing.role != Role.externalAuditor.rawValue || existing.$organisation.id != partnerId {
            throw AppError(status: .conflict, message: "\(email) is the account of someone who is not an auditor of this program.", field: "email")
        }
        if let existing = account, try await AuditorModel.query(on: db).filter(\.$partner.$id == partnerId)
            .filter(\.$user.$id == existing.requireID()).first() != nil {
            throw AppError(status: .conflict, message: "\(email) is on the register already; change that entry instead.", field: "email")
        }
        let auditor = AuditorModel()
        let now = Date()
        let link: String? = try await db.writeTransaction { db in
            var link: String?
            var account = account
            if account == nil {
                let user = UserModel(organisationId: partnerId, email: email, name: name,
                                     passwordHash: UserModel.unusablePasswordHash(), role: .externalAuditor)
                try await user.create(on: db)
                try await AuditLog.append(on: db, actor: admin.id, action: "user.create", entity: "user", entityId: user.id!.uuidString,
                                          detail: "\(email) as externalAuditor")
                link = try await InvitationService.issue(on: db, organisationId: partnerId, role: .externalAuditor, email: email, name: name,
                                                         personId: nil, userId: user.id, invitedBy: admin.id, linkBase: linkBase, at: now).link
                account = user
            }
            auditor.$partner.id = partnerId
            auditor.$user.id = try account!.requireID()
            auditor.certificationNumber = number
            auditor.standing = standing.rawValue
            auditor.validUntil = validUntil.iso
            auditor.courses = courses
            try await auditor.create(on: db)
            try await AuditLog.append(on: db, actor: admin.id, action: "auditor.register", entity: "auditor", entityId: auditor.id!.uuidString,
                                      detail: "\(number) \(standing.rawValue) until \(validUntil.iso)")
            return link
        }
        return (auditor, link)
    }

    func update(partnerId: UUID, profile: ProgramProfile, _ id: UUID?, _ input: Input, by admin: CurrentUser) async throws -> AuditorModel {
        try Policy.authorize(admin, .partnerAdmin(partnerId: partnerId), what: "register")
        guard let id, let auditor = try await AuditorModel.query(on: db).filter(\.$id == id)
            .filter(\.$partner.$id == partnerId).first() else { throw AppError.notFound("auditor") }
        let (number, standing, validUntil, courses) = try validateEntry(input, profile: profile)
        try await db.writeTransaction { db in
            auditor.certificationNumber = number
            auditor.standing = standing.rawValue
            auditor.validUntil = validUntil.iso
            auditor.courses = courses
            try await auditor.save(on: db)
            try await AuditLog.append(on: db, actor: admin.id, action: "auditor.update", entity: "auditor", entityId: id.uuidString,
                                      detail: "\(number) \(standing.rawValue) until \(validUntil.iso)")
        }
        return auditor
    }

    private func validateEntry(_ input: Input, profile: ProgramProfile) throws -> (String, AuditorStanding, CalendarDay, String) {
        let number = try Validate.text(input.certificationNumber, "certificationNumber", "Certification number", max: 40)
        let standing = try Validate.choice(input.standing, "standing", "Standing", as: AuditorStanding.self)
        let validUntil = try Validate.day(input.validUntil, "validUntil", "Valid until")
        var lines: [String] = []
        for (courseId, day) in (input.courses ?? [:]).sorted(by: { $0.key < $1.key }) where !day.isEmpty {
            guard profile.auditors.assessorCourses.contains(courseId) else {
                throw AppError.refused("courses.\(courseId)", "'\(courseId)' is not an assessor course of \(profile.partnerShortName).")
            }
            lines.append("\(courseId)=\(try Validate.day(day, "courses.\(courseId)", "Course date").iso)")
        }
        return (number, standing, validUntil, lines.joined(separator: "\n"))
    }

    // MARK: the employer's assessor

    /// Designates a person on the roster (`person:<id>`) or a registered auditor
    /// (`auditor:<id>`) as the employer's assessor.
    func designate(_ ref: EmployerRef, assessor: String?, by user: CurrentUser) async throws {
        try Policy.authorize(user, .employer(ref.scope, .editSettings), what: "employer")
        let value = (assessor ?? "").trimmingCharacters(in: .whitespaces)
        let employer = ref.employer
        var detail = "none"
        if value.hasPrefix("person:") {
            let person = try await PeopleService(db: db).find(ref, UUID(uuidString: String(value.dropFirst(7))))
            guard ref.profile.auditors.allowedKinds.contains(.internalAssessor) else {
                throw AppError.invalid("assessor", "\(ref.profile.partnerShortName) does not accept the employer's own assessor.")
            }
            employer.assessorPersonId = person.id
            employer.assessorAuditorId = nil
            detail = "person \(person.name)"
        } else if value.hasPrefix("auditor:") {
            guard let id = UUID(uuidString: String(value.dropFirst(8))),
                  let auditor = try await AuditorModel.query(on: db).filter(\.$id == id)
                    .filter(\.$partner.$id == ref.scope.partnerId).with(\.$user).first() else {
                throw AppError.invalid("assessor", "That auditor is not on the \(ref.profile.partnerShortName) register.")
            }
            employer.assessorAuditorId = auditor.id
            employer.assessorPersonId = nil
            detail = "auditor \(auditor.certificationNumber) \(auditor.user.name)"
        } else if value.isEmpty {
            employer.assessorAuditorId = nil
            employer.assessorPersonId = nil
        } else {
            throw AppError.invalid("assessor", "Choose a person on the roster or an auditor on the register.")
        }
        let personId = employer.assessorPersonId
        try await db.writeTransaction { [detail] db in
            try await employer.save(on: db)
            // The account of the designated person gets what an assessor may do (T4): register,
            // conduct and submit the employer's own audit. Nobody else of the employer keeps it.
            var linked: UUID?
            if let personId { linked = try await PersonModel.find(personId, on: db)?.userId }
            try await UserModel.query(on: db).filter(\.$organisation.$id == ref.id).set(\.$isAssessor, to: false).update()
            if let linked {
                try await UserModel.query(on: db).filter(\.$id == linked).set(\.$isAssessor, to: true).update()
            }
            try await AuditLog.append(on: db, actor: user.id, action: "employer.designate-assessor", entity: "employer",
                                      entityId: ref.id.uuidString, detail: detail)
        }
    }

    /// Whether the designated assessor may audit this employer on `day` (T3, T4, T7, T8).
    func qualification(_ ref: EmployerRef, on day: CalendarDay) async throws -> AssessorCheck.Designation? {
        try await AssessorCheck(db: db).qualification(ref, on: day)
    }
}

extension Request {
    var auditors: AuditorService { AuditorService(db: db) }
}
