import Fluent
import SECORCore
import Vapor

/// Password reset by email: a single-use link for one hour, stored hashed. Asking never
/// says whether the email has an account; using it ends every session and token.
struct PasswordResetService {
    let db: Database
    let passwords: BoundedPasswords
    var now: Date = Date()

    static let lifetime: TimeInterval = 3600

    /// Sends a reset link when the email belongs to an active account; does nothing
    /// visible otherwise. The caller answers the same either way.
    func request(email raw: String?, linkBase: String) async throws {
        let email = try Validate.email(raw)
        guard let user = try await UserModel.query(on: db).filter(\.$email == email).first(),
              user.isActive(on: CalendarDay(now)) else { return }
        let token = SecretToken.make()
        let now = self.now
        try await db.writeTransaction { db in
            let row = PasswordResetModel()
            row.userId = try user.requireID()
            row.tokenHash = AccountService.hash(token: token)
            row.expiresAt = now.addingTimeInterval(Self.lifetime)
            try await row.create(on: db)
            try await EmailOutbox.queue(key: try row.requireID(), to: user.email, subject: "Reset your password",
                body: "\(user.name), someone (we hope you) asked to reset your SECOR password.\n\n"
                    + "Choose a new password here (the link works once, for one hour):\n\(linkBase)/password-reset/\(token)\n\n"
                    + "If it was not you, ignore this email: your password stays as it is.\n", on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "password-reset.request", entity: "user",
                                      entityId: try user.requireID().uuidString, at: now)
        }
    }

    /// The unused, unexpired reset behind a link.
    func pending(token: String) async throws -> PasswordResetModel {
        guard token.count <= 200, let row = try await PasswordResetModel.query(on: db)
            .filter(\.$tokenHash == AccountService.hash(token: token)).first() else {
            throw AppError(status: .notFound, message: "This reset link is not known. Ask for a new one.")
        }
        if row.usedAt != nil { throw AppError(status: .gone, message: "This reset link was used already, or a newer link replaced it. Ask for a new one if you need it.") }
        if row.expiresAt <= now { throw AppError(status: .gone, message: "This reset link expired (after one hour). Ask for a new one.") }
        return row
    }

    /// Sets the new password; every page session, API token and calendar link of the user ends.
    /// `client`: the address the reset came from; the failed sign-ins it locked are forgiven
    /// there, so the new password works at once.
    func reset(token: String, password: String?, confirmation: String? = nil, client: String? = nil) async throws -> UserModel {
        let row = try await pending(token: token)
        guard let user = try await UserModel.find(row.userId, on: db), user.isActive(on: CalendarDay(now)) else {
            throw AppError(status: .gone, message: "This account can no longer sign in.")
        }
        let password = password ?? ""
        try PasswordPolicy.check(password, field: "password", email: user.email)
        if let confirmation, confirmation != password {
            throw AppError.invalid("confirmPassword", "The two passwords are not the same.")
        }
        let hash = try await passwords.hash(password)
        let now = self.now
        let rowId = try row.requireID()
        try await db.writeTransaction { db in
            // Single use even when two requests race: the row is locked and read again.
            try await db.lockRow("password_resets", rowId)
            guard let taken = try await PasswordResetModel.find(rowId, on: db), taken.usedAt == nil else {
                throw AppError(status: .gone, message: "This reset link was used a moment ago.")
            }
            // Every other reset link of the user dies with this one.
            try await PasswordResetModel.query(on: db).filter(\.$userId == user.requireID()).filter(\.$usedAt == nil)
                .set(\.$usedAt, to: now).update()
            user.passwordHash = hash
            user.passwordChangedAt = now
            try await AccountService.endAccess(of: user, on: db, at: now)
            if let client { try await SignInAttemptModel(email: user.email, client: client, succeeded: true, at: now).create(on: db) }
            try await AuditLog.append(on: db, actor: user.id, action: "password-reset.use", entity: "user",
                                      entityId: try user.requireID().uuidString, at: now)
        }
        return user
    }
}

extension Request {
    var passwordResets: PasswordResetService { PasswordResetService(db: db, passwords: boundedPasswords) }
}
