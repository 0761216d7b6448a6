import Crypto
import Fluent
import Foundation
import Vapor

/// Sign-in, tokens and passwords. Pages and the API both call these.
struct AccountService {
    let db: Database
    let passwords: AsyncPasswordHasher
    var now: Date = Date()

    /// Failures that lock an address, and for how long.
    static let lockAfterFailures = 5
    static let lockWindow: TimeInterval = 15 * 60
    static let tokenLifetime: TimeInterval = 30 * 24 * 3600
    static let minimumPasswordLength = 12

    enum SignInResult {
        case signedIn(UserModel)
        case wrongCredentials
        case locked(retryAfterSeconds: Int)
    }

    /// Checks the lock first, so even the right password waits out a lock.
    func signIn(email rawEmail: String, password: String) async throws -> SignInResult {
        let email = rawEmail.trimmingCharacters(in: .whitespaces).lowercased()
        guard !email.isEmpty else { throw AppError.invalid("email", "Enter your email address.") }
        guard email.count <= 320, email.contains("@") else {
            throw AppError.invalid("email", "Enter an email address (at most 320 characters, with an @).")
        }
        guard !password.isEmpty else { throw AppError.invalid("password", "Enter your password.") }
        guard password.count <= 1024 else { throw AppError.invalid("password", "A password has at most 1024 characters.") }
        if let retry = try await lockedFor(email: email) { return .locked(retryAfterSeconds: retry) }
        let user = try await UserModel.query(on: db).filter(\.$email == email).first()
        // Verify against a fixed hash when the user is unknown, so timing does not reveal accounts.
        let hash = user?.passwordHash ?? Self.unknownUserHash
        let matches = (try? await passwords.verify(password, created: hash)) ?? false
        let succeeded = matches && user != nil
        try await db.writeTransaction { db in
            try await SignInAttemptModel(email: email, succeeded: succeeded, at: now).create(on: db)
            if succeeded, let user {
                try await AuditLog.append(on: db, actor: user.id, action: "user.sign-in", entity: "user", entityId: user.id!.uuidString, at: now)
            }
        }
        if succeeded, let user { return .signedIn(user) }
        return .wrongCredentials
    }

    /// Seconds until the address may try again, when it has failed too often lately.
    func lockedFor(email: String) async throws -> Int? {
        let since = now.addingTimeInterval(-Self.lockWindow)
        let recent = try await SignInAttemptModel.query(on: db)
            .filter(\.$email == email).filter(\.$attemptedAt > since)
            .sort(\.$attemptedAt, .descending).limit(50).all()
        // Only failures since the last success count.
        let failures = recent.prefix { !$0.succeeded }
        guard failures.count >= Self.lockAfterFailures else { return nil }
        let oldestCounted = failures[failures.index(failures.startIndex, offsetBy: Self.lockAfterFailures - 1)]
        let until = oldestCounted.attemptedAt.addingTimeInterval(Self.lockWindow)
        return max(1, Int(until.timeIntervalSince(now).rounded(.up)))
    }

    /// Issues a bearer token; only its hash is stored.
    func issueToken(for user: UserModel) async throws -> (token: String, model: APITokenModel) {
        let token = "secor_" + Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64URLEncoded()
        let model = APITokenModel(userId: try user.requireID(), tokenHash: Self.hash(token: token),
                                  expiresAt: now.addingTimeInterval(Self.tokenLifetime))
        try await db.writeTransaction { db in
            try await model.create(on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "token.issue", entity: "api_token", entityId: model.id!.uuidString, at: now)
        }
        return (token, model)
    }

    /// The user behind a bearer token, if it is known, unexpired and not revoked.
    func user(forToken token: String) async throws -> CurrentUser? {
        guard let model = try await APITokenModel.query(on: db).filter(\.$tokenHash == Self.hash(token: token))
            .with(\.$user).first(), model.revokedAt == nil, model.expiresAt > now else { return nil }
        return try CurrentUser(model.user, tokenId: model.id)
    }

    func revokeToken(id: UUID, by user: CurrentUser) async throws {
        try await db.writeTransaction { db in
            guard let model = try await APITokenModel.find(id, on: db), model.$user.id == user.id else {
                throw AppError.notFound("token")
            }
            guard model.revokedAt == nil else { return }
            model.revokedAt = now
            try await model.save(on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "token.revoke", entity: "api_token", entityId: id.uuidString, at: now)
        }
    }

    func changePassword(user: CurrentUser, current: String, new: String, confirmation: String) async throws {
        guard let model = try await UserModel.find(user.id, on: db) else { throw AppError.unauthorized }
        guard (try? await passwords.verify(current, created: model.passwordHash)) == true else {
            throw AppError.invalid("currentPassword", "The current password is not right.")
        }
        guard new.count >= Self.minimumPasswordLength else {
            throw AppError.invalid("newPassword", "The new password needs at least \(Self.minimumPasswordLength) characters.")
        }
        guard new == confirmation else {
            throw AppError.invalid("confirmPassword", "The two new passwords are not the same.")
        }
        guard new != current else { throw AppError.invalid("newPassword", "The new password must differ from the current one.") }
        let hash = try await passwords.hash(new)
        try await db.writeTransaction { db in
            model.passwordHash = hash
            model.passwordChangedAt = now
            try await model.save(on: db)
            // A changed password ends every API token of the user.
            try await APITokenModel.query(on: db).filter(\.$user.$id == user.id).filter(\.$revokedAt == nil)
                .set(\.$revokedAt, to: now).update()
            try await AuditLog.append(on: db, actor: user.id, action: "user.change-password", entity: "user", entityId: user.id.uuidString, at: now)
        }
    }

    static func hash(token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hex
    }

    /// A bcrypt hash of a random string, for comparing against when no user matches.
    static let unknownUserHash = try! Bcrypt.hash(UUID().uuidString, cost: 12)
}

extension Data {
    func base64URLEncoded() -> String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

extension Request {
    var accounts: AccountService { AccountService(db: db, passwords: password.async) }
}
