import Fluent
import SECORCore
import Vapor

/// The roster of people on the WCB account (E1). Adding an 11th person is allowed: it
/// is a fact, and the eligibility status says what it means.
struct PeopleService {
    let db: Database

    struct Input: Codable, Sendable {
        var name: String?
        var category: String?
        var fullTime: String?
        var familiarWithOperation: String?
        var jobRole: String?
        var startDate: String?
        var endDate: String?
        /// "This person is me": links the new roster person to the caller's own account, so
        /// an owner who enrolled online can be designated the employer's assessor (T4).
        var isMe: String? = nil
    }

    struct Valid {
        var name: String
        var category: PersonCategory
        var fullTime: Bool
        var familiar: Bool
        var jobRole: String
        var start: CalendarDay
        var end: CalendarDay?
    }

    func validate(_ input: Input) throws -> Valid {
        let name = try Validate.text(input.name, "name", "Name", max: 120)
        let category = try Validate.choice(input.category, "category", "Category", as: PersonCategory.self)
        let role = try Validate.text(input.jobRole, "jobRole", "Job role", max: 80, optional: true)
        let start = try Validate.day(input.startDate, "startDate", "Start date")
        let end = try Validate.optionalDay(input.endDate, "endDate", "End date")
        if let end, end < start { throw AppError.invalid("endDate", "The end date \(end.readable) is before the start date \(start.readable).") }
        return Valid(name: name, category: category, fullTime: Validate.flag(input.fullTime),
                     familiar: Validate.flag(input.familiarWithOperation), jobRole: role, start: start, end: end)
    }

    func list(_ ref: EmployerRef) async throws -> [PersonModel] {
        try await PersonModel.query(on: db).filter(\.$employer.$id == ref.id).sort(\.$name).all()
    }

    func find(_ ref: EmployerRef, _ id: UUID?) async throws -> PersonModel {
        guard let id, let person = try await PersonModel.query(on: db).filter(\.$id == id)
            .filter(\.$employer.$id == ref.id).first() else { throw AppError.notFound("person") }
        return person
    }

    func create(_ ref: EmployerRef, _ input: Input, by user: CurrentUser) async throws -> PersonModel {
        try Policy.authorize(user, .employer(ref.scope, .editRecords), what: "employer")
        let valid = try validate(input)
        let person = PersonModel()
        person.$employer.id = ref.id
        Self.apply(valid, to: person)
        try await linkSelf(input, person, ref, user)
        try await db.writeTransaction { db in
            try await person.create(on: db)
            try await Self.syncAccount(of: person, ref, on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "person.create", entity: "person", entityId: person.id!.uuidString,
                                      detail: "\(valid.name), \(valid.category.rawValue), from \(valid.start.iso)")
        }
        return person
    }

    func update(_ ref: EmployerRef, _ id: UUID?, _ input: Input, by user: CurrentUser) async throws -> PersonModel {
        try Policy.authorize(user, .employer(ref.scope, .editRecords), what: "employer")
        let person = try await find(ref, id)
        let valid = try validate(input)
        Self.apply(valid, to: person)
        try await linkSelf(input, person, ref, user)
        try await db.writeTransaction { db in
            try await Self.keepAnOwner(person, ref, on: db)
            try await person.save(on: db)
            try await Self.syncAccount(of: person, ref, on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "person.update", entity: "person", entityId: person.id!.uuidString,
                                      detail: "\(valid.name), \(valid.category.rawValue), \(valid.start.iso) to \(valid.end?.iso ?? "now")")
        }
        return person
    }

    /// "This person is me": the caller's account becomes this roster person's, so an owner
    /// who enrolled online can be the employer's own assessor (T4) and his account ends with
    /// his roster end date.
    private func linkSelf(_ input: Input, _ person: PersonModel, _ ref: EmployerRef, _ user: CurrentUser) async throws {
        guard Validate.flag(input.isMe), person.userId != user.id else { return }
        guard user.role.isEmployerSide, user.organisationId == ref.id else {
            throw AppError.invalid("isMe", "Only the employer's own people are on its roster.")
        }
        if person.userId != nil { throw AppError(status: .conflict, message: "\(person.name) has an account of their own.", field: "isMe") }
        if try await PersonModel.query(on: db).filter(\.$userId == user.id).first() != nil {
            throw AppError(status: .conflict, message: "Your account is linked to another person on the roster already.", field: "isMe")
        }
        person.userId = user.id
    }

    /// The person's account signs in until their last day on the roster, and not after; the
    /// designated assessor's account gets what an assessor may do.
    static func syncAccount(of person: PersonModel, _ ref: EmployerRef, on db: Database) async throws {
        guard let account = person.userId else { return }
        try await UserModel.query(on: db).filter(\.$id == account).set(\.$accessEndsOn, to: person.endDate).update()
        if ref.employer.assessorPersonId != nil, ref.employer.assessorPersonId == person.id {
            try await UserModel.query(on: db).filter(\.$id == account).set(\.$isAssessor, to: true).update()
        }
    }

    /// An end date on the last owner who can sign in would lock the employer out of its own
    /// account once it passes: refused, as removing the last owner is.
    static func keepAnOwner(_ person: PersonModel, _ ref: EmployerRef, on db: Database) async throws {
        guard let account = person.userId, let end = person.endDate,
              let user = try await UserModel.find(account, on: db), user.role == Role.employerOwner.rawValue, user.isActive(on: .today) else { return }
        do {
            try await UserService.requireAnotherActive(.employerOwner, besides: account, in: ref.id, on: db, at: Date())
        } catch is AppError {
            throw AppError(status: .conflict, message: "\(person.name) is the last owner who can sign in: an end date (\(end)) would lock the company out of SECOR once it passes. Make another account an owner first (Accounts).", field: "endDate")
        }
    }

    static func apply(_ v: Valid, to person: PersonModel) {
        person.name = v.name
        person.category = v.category.rawValue
        person.fullTime = v.fullTime
        person.familiarWithOperation = v.familiar
        person.jobRole = v.jobRole
        person.startDate = v.start.iso
        person.endDate = v.end?.iso
    }
}

extension Request {
    var people: PeopleService { PeopleService(db: db) }
}
