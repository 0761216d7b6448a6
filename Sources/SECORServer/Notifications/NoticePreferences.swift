import Fluent
import Vapor

/// How a person wants their notices by email: one email per notice, or one daily digest.
/// In the app every notice shows at once either way.
struct NoticePreferences {
    let db: Database

    func emailDigest(of user: CurrentUser) async throws -> Bool {
        try await UserModel.find(user.id, on: db)?.emailDigest ?? false
    }

    func setEmailDigest(_ on: Bool, for user: CurrentUser) async throws {
        try Policy.authorize(user, .ownAccount)
        guard let row = try await UserModel.find(user.id, on: db) else { throw AppError.unauthorized }
        row.emailDigest = on
        try await db.writeTransaction { db in
            try await row.save(on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "user.notices", entity: "user", entityId: user.id.uuidString,
                                      detail: on ? "daily email digest" : "one email per notice")
        }
    }
}
