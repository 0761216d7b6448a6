import Fluent
import Foundation
import SQLKit
import Vapor

/// V3: sends what is due to contractors' webhooks, signed (`WebhookSignature`). A 2xx
/// answer delivers it; anything else is logged with the answer and tried again after 1, 5
/// and 30 minutes, 2, 6 and 12 hours, then daily, eight tries in all. Each delivery is
/// claimed first, so two instances never send it at once.
struct WebhookSender {
    let db: Database
    let client: any Client
    /// Local receivers allowed (`SECOR_WEBHOOK_ALLOW_LOCAL`); otherwise the address is
    /// judged again by what it resolves to now, before anything is sent.
    var allowLocal = false

    /// The wait after each failed try; after the last, the delivery is given up.
    static let retryDelays: [TimeInterval] = [60, 300, 1800, 7200, 21_600, 43_200, 86_400]
    static var maxAttempts: Int { retryDelays.count + 1 }
    static let timeout: Int64 = 10
    /// Deliveries sent at once: one slow receiver does not hold up everyone else's.
    static let parallel = 8

    struct Result: Equatable, Sendable {
        var delivered = 0
        var failed = 0
    }

    func run(now: Date = Date()) async throws -> Result {
        var result = Result()
        let due = try await WebhookDeliveryModel.query(on: db).filter(\.$deliveredAt == nil).filter(\.$gaveUpAt == nil)
            .filter(\.$nextAttemptAt <= now).sort(\.$nextAttemptAt).limit(100).all()
        var claimed: [WebhookDeliveryModel] = []
        for delivery in due { if let id = delivery.id, try await claim(id, now: now) { claimed.append(delivery) } }
        for start in stride(from: 0, to: claimed.count, by: Self.parallel) {
            let batch = Array(claimed[start..<min(start + Self.parallel, claimed.count)])
            let delivered = try await withThrowingTaskGroup(of: Bool.self) { group in
                for delivery in batch { group.addTask { try await deliver(delivery, now: now) } }
                var outcomes: [Bool] = []
                for try await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            result.delivered += delivered.filter { $0 }.count
            result.failed += delivered.filter { !$0 }.count
        }
        return result
    }

    /// One try: sent, logged, and scheduled again or given up. True when delivered.
    private func deliver(_ delivery: WebhookDeliveryModel, now: Date) async throws -> Bool {
        let id = try delivery.requireID()
        let endpoint = try await WebhookEndpointModel.query(on: db).filter(\.$contractorId == delivery.contractorId).first()
        let started = Date()
        let answer = await send(delivery, to: endpoint)
        let attempt = WebhookAttemptModel()
        attempt.deliveryId = id
        attempt.attemptedAt = started
        attempt.statusCode = answer.status
        attempt.response = String(answer.text.prefix(500))
        attempt.milliseconds = Int(Date().timeIntervalSince(started) * 1000)
        delivery.attempts += 1
        let ok = answer.status.map { (200..<300).contains($0) } ?? false
        if ok {
            delivery.deliveredAt = now
        } else if endpoint == nil || delivery.attempts >= Self.maxAttempts {
            delivery.gaveUpAt = now
        } else {
            delivery.nextAttemptAt = now.addingTimeInterval(Self.retryDelays[delivery.attempts - 1])
        }
        delivery.claim = nil
        delivery.claimedUntil = nil
        try await db.writeTransaction { [delivery] db in
            try await attempt.create(on: db)
            try await delivery.save(on: db)
        }
        return ok
    }

    /// The receiver's status and the start of its answer, or nil and why it was not reached.
    /// Signed at the moment it is sent, so the timestamp is fresh on every try.
    private func send(_ delivery: WebhookDeliveryModel, to endpoint: WebhookEndpointModel?) async -> (status: Int?, text: String) {
        guard let endpoint else { return (nil, "The webhook was removed; nothing was sent.") }
        delivery.url = endpoint.url
        if !allowLocal, let host = URL(string: endpoint.url)?.host, WebhookAddress.isLocal(host: host) {
            return (nil, "Not sent: \(host) resolves to a local or private address.")
        }
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: .userAgent, value: "SECOR-Webhooks/1")
        headers.replaceOrAdd(name: "X-SECOR-Event", value: delivery.event)
        headers.replaceOrAdd(name: "X-SECOR-Delivery", value: delivery.id?.uuidString ?? "")
        headers.replaceOrAdd(name: WebhookSignature.header,
                             value: WebhookSignature.sign(body: delivery.body, secret: endpoint.secret, at: Int(Date().timeIntervalSince1970)))
        do {
            let response = try await client.post(URI(string: endpoint.url), headers: headers) { request in
                request.body = ByteBuffer(string: delivery.body)
                request.timeout = .seconds(Self.timeout)
            }
            let text = response.body.map { String(buffer: $0) } ?? ""
            return (Int(response.status.code), text.isEmpty ? response.status.reasonPhrase : text)
        } catch {
            // Why, in general words only: the error's own text names the server's files and
            // tells open ports from closed ones.
            let words = String(describing: error).lowercased()
            let why = words.contains("timeout") || words.contains("deadline") ? "no answer within \(Self.timeout) seconds"
                : words.contains("ssl") || words.contains("tls") || words.contains("certificate") ? "the secure connection failed"
                : "the connection failed"
            return (nil, "Not reached: \(why).")
        }
    }

    /// Only one sender gets the row for the next 2 minutes (`OutboxClaim`).
    private func claim(_ id: UUID, now: Date) async throws -> Bool {
        try await OutboxClaim.take("webhook_deliveries", id, doneColumn: "delivered_at", now: now, hold: 120, on: db)
    }
}

extension PeriodicJob {
    /// Contractors' watch lists and webhooks, every 30 seconds: today's certifications and
    /// cancellations are looked at (the six-hourly sweep looks at everything), then what is
    /// due is sent.
    static func webhooks() -> PeriodicJob { PeriodicJob("webhooks", every: .seconds(30)) { app in
        _ = try await WatchSweep(db: app.db, programs: app.programs).runForCertificatesChangedToday()
        let result = try await WebhookSender(db: app.db, client: app.client, allowLocal: app.secorConfig.allowLocalWebhooks).run()
        if result.failed > 0 { app.logger.warning("webhooks: \(result.failed) failed, kept for retry") }
    } }
}
