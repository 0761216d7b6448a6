import Fluent
import Foundation

/// A contractor's sign-up waiting for its email to be confirmed: the organisation and the
/// account are made only when the link in the email is used (once, within a day).
final class ContractorSignUpModel: Model, @unchecked Sendable {
    static let schema = "contractor_sign_ups"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "company") var company: String
    @Field(key: "name") var name: String
    /// Lower-cased.
    @Field(key: "email") var email: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}
}

/// V3: one subcontractor a contractor watches, by certificate number or WCB account, with
/// the standing it had at the last look (`WatchedStanding.key`).
final class WatchEntryModel: Model, @unchecked Sendable {
    static let schema = "watch_entries"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "contractor_id") var contractorId: UUID
    /// `WatchKind`: certificate or wcbAccount.
    @Field(key: "kind") var kind: String
    /// The certificate number (capitals) or the WCB account number, as watched.
    @Field(key: "value") var value: String
    /// The contractor's own name for the subcontractor (optional).
    @Field(key: "label") var label: String
    @Field(key: "standing") var standing: String
    @OptionalField(key: "changed_at") var changedAt: Date?

    init() {}
}

/// V3: where a contractor's webhook goes, and the secret its deliveries are signed with.
final class WebhookEndpointModel: Model, @unchecked Sendable {
    static let schema = "webhook_endpoints"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "contractor_id") var contractorId: UUID
    @Field(key: "url") var url: String
    @Field(key: "secret") var secret: String

    init() {}
}

/// V3: one event to send to a contractor's webhook; kept, with every attempt, whether it
/// was delivered or not.
final class WebhookDeliveryModel: Model, @unchecked Sendable {
    static let schema = "webhook_deliveries"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "contractor_id") var contractorId: UUID
    /// Once-only: the watch entry and the change (two instances sweeping at once send once).
    @Field(key: "event_key") var eventKey: String
    @Field(key: "event") var event: String
    @Field(key: "url") var url: String
    @Field(key: "body") var body: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "claim") var claim: UUID?
    @OptionalField(key: "claimed_until") var claimedUntil: Date?
    @OptionalField(key: "delivered_at") var deliveredAt: Date?
    /// Set when the last allowed attempt failed: nothing more is tried.
    @OptionalField(key: "gave_up_at") var gaveUpAt: Date?

    init() {}
}

/// V3: one try at a delivery and what the receiver answered.
final class WebhookAttemptModel: Model, @unchecked Sendable {
    static let schema = "webhook_attempts"

    @ID(key: .id) var id: UUID?
    @Field(key: "delivery_id") var deliveryId: UUID
    @Field(key: "attempted_at") var attemptedAt: Date
    /// The HTTP status the receiver answered; nil when it could not be reached.
    @OptionalField(key: "status_code") var statusCode: Int?
    /// The start of the receiver's answer, or why it could not be reached.
    @Field(key: "response") var response: String
    @Field(key: "milliseconds") var milliseconds: Int

    init() {}
}

enum WatchKind: String, Codable, Sendable, CaseIterable {
    case certificate
    case wcbAccount

    var label: String { self == .certificate ? "Certificate" : "WCB account" }
}
