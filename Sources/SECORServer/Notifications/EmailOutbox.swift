import Fluent
import Foundation
import SQLKit
import Vapor

/// An email waiting to be sent: every in-app notification also goes by email, through
/// this outbox, so a mail failure never loses a message or blocks the workflow.
final class EmailOutboxModel: Model, @unchecked Sendable {
    static let schema = "email_outbox"

    @ID(key: .id) var id: UUID?
    @Field(key: "notification_id") var notificationId: UUID
    @Field(key: "recipient") var recipient: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "claim") var claim: UUID?
    @OptionalField(key: "claimed_until") var claimedUntil: Date?
    @OptionalField(key: "sent_at") var sentAt: Date?
    @OptionalField(key: "last_error") var lastError: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

struct CreateEmailOutbox: AsyncMigration {
    var name: String { "2026-11-22-create-email-outbox" }

    func prepare(on db: Database) async throws {
        try await db.schema("email_outbox")
            .id()
            .field("notification_id", .uuid, .required)
            .field("recipient", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("claim", .uuid)
            .field("claimed_until", .datetime)
            .field("sent_at", .datetime)
            .field("last_error", .string)
            .field("created_at", .datetime)
            .unique(on: "notification_id")
            .create()
    }

    func revert(on db: Database) async throws { try await db.schema("email_outbox").delete() }
}

/// Puts the email of every notification in the outbox, in the notification's own
/// transaction: both are written, or neither.
struct NotificationEmailMiddleware: AsyncModelMiddleware {
    /// Where the app is reached (`SECOR_PUBLIC_URL`, else the address it serves on): a link
    /// in an email must be whole to be clicked. Found by review: they were bare paths.
    let linkBase: @Sendable () -> String

    func create(model: NotificationModel, on db: Database, next: any AnyAsyncModelResponder) async throws {
        try await next.create(model, on: db)
        // Someone who chose the daily digest gets this notice in it (`DigestJob`).
        guard let user = try await UserModel.find(model.$user.id, on: db), user.emailDigest != true else { return }
        let email = EmailOutboxModel()
        email.notificationId = try model.requireID()
        email.recipient = user.email
        email.subject = "SECOR: \(model.title)"
        email.body = "\(model.body)\n\nOpen it in SECOR: \(linkBase())\(model.link)\n"
        email.attempts = 0
        email.nextAttemptAt = Date()
        try await email.create(on: db)
    }
}

enum EmailOutbox {
    /// Queues an email to an address that may have no account yet (an invitation, a
    /// password reset), in the caller's transaction. `key` makes it once-only.
    static func queue(key: UUID, to recipient: String, subject: String, body: String, on db: Database) async throws {
        let email = EmailOutboxModel()
        email.notificationId = key
        email.recipient = recipient
        email.subject = "SECOR: \(subject)"
        email.body = body
        email.attempts = 0
        email.nextAttemptAt = Date()
        try await email.create(on: db)
    }
}

/// Sends what is due through the sendmail command; a failure is kept with its error and
/// tried again later (1, 2, 4 ... minutes, at most an hour apart). Each message is
/// claimed first, so two instances never send it twice.
struct OutboxSender {
    let db: Database
    let command: String
    static let maxAttempts = 20

    struct Result: Equatable, Sendable {
        var sent = 0
        var failed = 0
    }

    func run(now: Date = Date()) async throws -> Result {
        var result = Result()
        let due = try await EmailOutboxModel.query(on: db).filter(\.$sentAt == nil).filter(\.$nextAttemptAt <= now)
            .filter(\.$attempts < Self.maxAttempts).sort(\.$createdAt).limit(100).all()
        for row in due {
            guard let id = row.id, try await claim(id, now: now) else { continue }
            do {
                try await send(row)
                row.sentAt = now
                row.lastError = nil
                result.sent += 1
            } catch {
                row.attempts += 1
                row.lastError = "\(error)"
                row.nextAttemptAt = now.addingTimeInterval(min(3600, 60 * pow(2, Double(row.attempts - 1))))
                result.failed += 1
            }
            row.claim = nil
            row.claimedUntil = nil
            try await row.save(on: db)
        }
        return result
    }

    /// Only one sender gets the row for the next 5 minutes (`OutboxClaim`).
    private func claim(_ id: UUID, now: Date) async throws -> Bool {
        try await OutboxClaim.take("email_outbox", id, doneColumn: "sent_at", now: now, hold: 300, on: db)
    }

    private func send(_ row: EmailOutboxModel) async throws {
        let message = try EmailMessage(to: row.recipient, subject: row.subject, body: row.body).rendered()
        let result = try await Subprocess.run("/bin/sh", ["-c", command], stdin: message)
        guard result.status == 0 else {
            throw SendFailure(message: "sendmail exited \(result.status): \(result.errors.prefix(300))")
        }
    }

    struct SendFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
