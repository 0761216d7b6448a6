import Fluent
import Foundation
import SECORCore
import Vapor

/// V3: anyone may sign a prime contractor up. The organisation and its first account are
/// made only when the link emailed to the address is used (once, within a day), so an
/// account always has an address its owner reads. Asking answers the same whether or not
/// the address has an account already (that address is told by email instead).
struct ContractorSignUpService {
    let db: Database
    let passwords: BoundedPasswords
    var now: Date = Date()

    static let lifetime: TimeInterval = 24 * 3600

    struct Input: Sendable {
        var company: String?
        var name: String?
        var email: String?
        var password: String?
        var confirmPassword: String?
    }

    /// Checks the form and emails the link; returns the address written to.
    func request(_ input: Input, linkBase: String) async throws -> String {
        var problems: [(field: String, message: String)] = []
        var onlyRefusals = true
        func check<T>(_ body: () throws -> T) -> T? {
            do { return try body() } catch let error as AppError {
                problems.append((error.field ?? "", error.message))
                onlyRefusals = onlyRefusals && error.status == .unprocessableEntity
                return nil
            } catch { return nil }
        }
        let company = check { try Validate.text(input.company, "company", "The company's name", max: 160) }
        let name = check { try Validate.text(input.name, "name", "Your name", max: 120) }
        let email = check { try Validate.email(input.email) }
        let password = input.password ?? ""
        _ = check { try PasswordPolicy.check(password, field: "password", email: email) }
        if input.confirmPassword != nil && input.confirmPassword != password {
            problems.append(("confirmPassword", "The two passwords are not the same."))
            onlyRefusals = false
        }
        guard problems.isEmpty, let company, let name, let email else {
            // 400 when the input breaks the form; 422 when only a rule refuses it (a common password).
            var error = AppError.invalid(problems)
            if onlyRefusals { error.status = .unprocessableEntity }
            throw error
        }
        let now = self.now
        if try await UserModel.query(on: db).filter(\.$email == email).first() != nil {
            try await db.writeTransaction { db in
                try await EmailOutbox.queue(key: UUID(), to: email, subject: "You have a SECOR account already",
                    body: "Someone (we hope you) tried to sign \(company) up to SECOR with this address, which has an account already.\n\n"
                        + "Sign in here: \(linkBase)/sign-in\nForgot the password? \(linkBase)/password-reset\n", on: db)
            }
            return email
        }
        let token = SecretToken.make()
        let hash = try await passwords.hash(password)
        try await db.writeTransaction { db in
            let row = ContractorSignUpModel()
            row.tokenHash = AccountService.hash(token: token)
            row.company = company
            row.name = name
            row.email = email
            row.passwordHash = hash
            row.expiresAt = now.addingTimeInterval(Self.lifetime)
            try await row.create(on: db)
            try await EmailOutbox.queue(key: try row.requireID(), to: email, subject: "Confirm your email",
                body: "\(name), confirm your email to open \(company)'s SECOR account and watch your subcontractors' certificates:\n\n"
                    + "\(linkBase)/contractors/confirm/\(token)\n\nThe link works once, for 24 hours. If it was not you, ignore this email.\n", on: db)
            try await AuditLog.append(on: db, actor: nil, action: "contractor.sign-up.request", entity: "contractor-sign-up",
                                      entityId: try row.requireID().uuidString, detail: company, at: now)
        }
        return email
    }

    /// The unused, unexpired sign-up behind a link.
    func pending(token: String) async throws -> ContractorSignUpModel {
        guard token.count <= 200, let row = try await ContractorSignUpModel.query(on: db)
            .filter(\.$tokenHash == AccountService.hash(token: token)).first() else {
            throw AppError(status: .notFound, message: "This confirmation link is not known. Sign up again to get a new one.")
        }
        if row.usedAt != nil { throw AppError(status: .gone, message: "This link was used already: your account is open. Sign in.") }
        if row.expiresAt <= now { throw AppError(status: .gone, message: "This link expired (after 24 hours). Sign up again to get a new one.") }
        return row
    }

    /// Opens the contractor's organisation and account.
    func confirm(token: String) async throws -> UserModel {
        let row = try await pending(token: token)
        let rowId = try row.requireID()
        let now = self.now
        return try await db.writeTransaction { db in
            try await db.lockRow("contractor_sign_ups", rowId)
            guard let fresh = try await ContractorSignUpModel.find(rowId, on: db), fresh.usedAt == nil else {
                throw AppError(status: .gone, message: "This link was used a moment ago: your account is open. Sign in.")
            }
            fresh.usedAt = now
            try await fresh.save(on: db)
            if try await UserModel.query(on: db).filter(\.$email == fresh.email).first() != nil {
                throw AppError(status: .conflict, message: "\(fresh.email) has an account already. Sign in with it.")
            }
            let organisation = OrganisationModel(kind: .contractor, name: fresh.company)
            try await organisation.create(on: db)
            let user = UserModel(organisationId: try organisation.requireID(), email: fresh.email, name: fresh.name,
                                 passwordHash: fresh.passwordHash, role: .contractor)
            user.passwordChangedAt = now
            try await user.create(on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "contractor.sign-up.confirm", entity: "organisation",
                                      entityId: try organisation.requireID().uuidString, detail: fresh.company, at: now)
            return user
        }
    }
}

extension Request {
    var contractorSignUps: ContractorSignUpService { ContractorSignUpService(db: db, passwords: boundedPasswords) }
}
