import Crypto
import Fluent
import Foundation
import SECORCore
import Vapor

/// Sign-in, tokens and passwords. Pages and the API both call these.
struct AccountService {
    let db: Database
    let passwords: BoundedPasswords
    var now: Date = Date()

    /// Failures that lock an (account, address) pair, and for how long.
    static let lockAfterFailures = 5
    static let lockWindow: TimeInterval = 15 * 60
    static let tokenLifetime: TimeInterval = 30 * 24 * 3600
    static let minimumPasswordLength = PasswordPolicy.minimumLength

    enum SignInResult {
        case signedIn(UserModel)
        case wrongCredentials
        case locked(retryAfterSeconds: Int)
    }

    /// Checks the lock first, so even the right password waits out a lock — but only from
    /// the address that failed: an attacker elsewhere cannot lock the owner out.
    func signIn(email rawEmail: String, password: String, client: String) async throws -> SignInResult {
        let email = rawEmail.trimmingCharacters(in: .whitespaces).lowercased()
        guard !email.isEmpty else { throw AppError.invalid("email", "Enter your email address.") }
        guard email.count <= 320, Contract.holds(email, Contract.email) else {
            throw AppError.invalid("email", "Enter an email address (at most 320 characters, with an @).")
        }
        guard !password.isEmpty else { throw AppError.invalid("password", "Enter your password.") }
        guard password.count <= PasswordPolicy.maximumLength else { throw AppError.invalid("password", "A password has at most 1024 characters.") }
        if let retry = try await lockedFor(email: email, client: client) { return .locked(retryAfterSeconds: retry) }
        let user = try await UserModel.query(on: db).filter(\.$email == email).first()
        // Verify against a fixed hash when the user is unknown, so timing does not reveal accounts.
        let matches = await passwords.verify(password, created: user?.passwordHash ?? Self.unknownUserHash)
        // A deactivated account, or one whose person has left the roster, is refused like a
        // wrong password: the answer does not tell a stranger the account exists.
        let succeeded = matches && user?.isActive(on: CalendarDay(now)) == true
        try await db.writeTransaction { db in
            try await SignInAttemptModel(email: email, client: client, succeeded: succeeded, at: now).create(on: db)
            if succeeded, let user {
                try await AuditLog.append(on: db, actor: user.id, action: "user.sign-in", entity: "user", entityId: user.id!.uuidString, at: now)
            }
        }
        if succeeded, let user { return .signedIn(user) }
        return .wrongCredentials
    }

    /// Seconds until the pair may try again, when it has failed too often lately.
    func lockedFor(email: String, client: String) async throws -> Int? {
        let since = now.addingTimeInterval(-Self.lockWindow)
        let recent = try await SignInAttemptModel.query(on: db)
            .filter(\.$email == email).filter(\.$client == client).filter(\.$attemptedAt > since)
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
        let token = SecretToken.make(prefix: "secor_")
        let model = APITokenModel(userId: try user.requireID(), tokenHash: Self.hash(token: token),
                                  expiresAt: now.addingTimeInterval(Self.tokenLifetime))
        try await db.writeTransaction { db in
            try await model.create(on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "token.issue", entity: "api_token", entityId: model.id!.uuidString, at: now)
        }
        return (token, model)
    }

    /// The user behind a bearer token, if it is known, unexpired, not revoked and its
    /// account still active.
    func user(forToken token: String) async throws -> CurrentUser? {
        // The token and its user in one statement: every API request starts here (issue 21).
        guard let model = try await APITokenModel.query(on: db).filter(\.$tokenHash == Self.hash(token: token))
            .join(UserModel.self, on: \APITokenModel.$user.$id == \UserModel.$id).first(),
              let user = try? model.joined(UserModel.self), model.revokedAt == nil, model.expiresAt > now,
              user.isActive(on: CalendarDay(now)) else { return nil }
        return try CurrentUser(user, tokenId: model.id)
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

    /// Changes the password; every other page session, API token and calendar link of the
    /// user stops working. Returns the moment the caller's own session must be re-stamped with.
    @discardableResult
    func changePassword(user: CurrentUser, current: String, new: String, confirmation: String) async throws -> Date {
        guard let model = try await UserModel.find(user.id, on: db) else { throw AppError.unauthorized }
        guard await passwords.verify(current, created: model.passwordHash) else {
            throw AppError.invalid("currentPassword", "The current password is not right.")
        }
        try PasswordPolicy.check(new, field: "newPassword", email: model.email)
        guard new == confirmation else {
            throw AppError.invalid("confirmPassword", "The two new passwords are not the same.")
        }
        guard new != current else { throw AppError.invalid("newPassword", "The new password must differ from the current one.") }
        let hash = try await passwords.hash(new)
        let now = self.now
        try await db.writeTransaction { db in
            model.passwordHash = hash
            model.passwordChangedAt = now
            try await Self.endAccess(of: model, keepingToken: user.tokenId, on: db, at: now)
            try await AuditLog.append(on: db, actor: user.id, action: "user.change-password", entity: "user", entityId: user.id.uuidString, at: now)
        }
        return now
    }

    /// Ends every page session, API token (but `keepingToken`) and calendar link of a user:
    /// after a password change or reset, and on deactivation. Saves the user.
    static func endAccess(of user: UserModel, keepingToken: UUID? = nil, on db: Database, at now: Date) async throws {
        user.sessionsValidAfter = now
        try await user.save(on: db)
        let userId = try user.requireID()
        var tokens = APITokenModel.query(on: db).filter(\.$user.$id == userId).filter(\.$revokedAt == nil)
        if let keepingToken { tokens = tokens.filter(\.$id != keepingToken) }
        try await tokens.set(\.$revokedAt, to: now).update()
        try await CalendarFeedModel.query(on: db).filter(\.$userId == userId).delete()
    }

    static func hash(token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hex
    }

    /// A bcrypt hash of a random string, for comparing against when no user matches.
    static let unknownUserHash = try! Bcrypt.hash(UUID().uuidString, cost: 12)
}

/// Random secrets for links and tokens: 32 bytes, URL-safe. Only their SHA-256 is stored.
enum SecretToken {
    static func make(prefix: String = "") -> String {
        prefix + Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64URLEncoded()
    }
}

extension Data {
    func base64URLEncoded() -> String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The bytes of a base64url text (padding optional); nil when it is not one.
    init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}

extension Request {
    var boundedPasswords: BoundedPasswords { BoundedPasswords(hasher: password.async) }
    var accounts: AccountService { AccountService(db: db, passwords: boundedPasswords) }

    /// Sign-in: every attempt is checked against the address's budget, only failures use it,
    /// so an office of people signing in correctly from one address never runs out.
    func signIn(email: String, password: String) async throws -> AccountService.SignInResult {
        try await RateLimit.signIn.check(client: clientAddress, on: db, multiplier: application.secorConfig.rateLimitMultiplier)
        let result = try await accounts.signIn(email: email, password: password, client: clientAddress)
        if case .wrongCredentials = result { try await RateLimit.signIn.record(client: clientAddress, on: db) }
        return result
    }
}
