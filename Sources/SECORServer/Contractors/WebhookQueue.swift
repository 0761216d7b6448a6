import Fluent
import Foundation
import SECORCore

/// V3: the body of a webhook delivery. `type` is `certificate.<WatchEvent>` or `ping`.
struct WebhookEvent: Codable, Sendable {
    struct Watch: Codable, Sendable {
        var id: UUID
        var kind: String
        var value: String
        var label: String
    }

    struct Previous: Codable, Sendable {
        var certificateNumber: String?
        var state: String?
    }

    var id: UUID = UUID()
    var type: String
    var createdAt: Date
    var watch: Watch?
    var previous: Previous?
    /// The public facts today (V1); nil when no certificate can be seen any more.
    var certificate: PublicCertificate?

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

enum WebhookQueue {
    /// Puts a delivery in the caller's transaction: the event and its delivery are kept
    /// together, and `key` makes it once-only.
    @discardableResult
    static func enqueue(_ event: WebhookEvent, key: String, to endpoint: WebhookEndpointModel, contractorId: UUID, now: Date,
                        on db: Database) async throws -> WebhookDeliveryModel {
        let delivery = WebhookDeliveryModel()
        delivery.id = event.id
        delivery.contractorId = contractorId
        delivery.eventKey = key
        delivery.event = event.type
        delivery.url = endpoint.url
        delivery.body = try event.json()
        delivery.attempts = 0
        delivery.nextAttemptAt = now
        try await delivery.create(on: db)
        return delivery
    }
}
