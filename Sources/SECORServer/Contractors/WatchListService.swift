import Fluent
import Foundation
import SECORCore
import Vapor

/// V3: a contractor's watch list of subcontractors and its webhook. Every call is for the
/// caller's own organisation (`Policy` `.watchList`); pages and the API call these.
struct WatchListService {
    let db: Database
    let programs: ProgramCatalog
    /// Webhooks may go to loopback and private addresses (development and tests only).
    var allowLocalWebhooks = false
    var now: Date = Date()

    /// A contractor watches at most this many subcontractors (a prime's whole supplier list).
    static let maxEntries = 2000

    struct Row: Sendable {
        var entry: WatchEntryModel
        var kind: WatchKind
        /// Today's public facts; nil when no certificate can be seen for the value.
        var facts: PublicCertificate?
    }

    func list(for user: CurrentUser, today: CalendarDay = .today) async throws -> [Row] {
        try Policy.authorize(user, .watchList)
        let entries = try await WatchEntryModel.query(on: db).filter(\.$contractorId == user.organisationId).sort(\.$createdAt).all()
        return try await rows(entries, today: today)
    }

    /// Today's facts for `entries`, in a fixed number of statements.
    func rows(_ entries: [WatchEntryModel], today: CalendarDay = .today) async throws -> [Row] {
        let kinds = entries.map { WatchKind(rawValue: $0.kind) ?? .certificate }
        let numbers = zip(entries, kinds).filter { $0.1 == .certificate }.map(\.0.value)
        let accounts = zip(entries, kinds).filter { $0.1 == .wcbAccount }.map(\.0.value)
        let found = try await VerificationService(db: db, programs: programs).watched(certificates: numbers, wcbAccounts: accounts, today: today)
        return zip(entries, kinds).map { entry, kind in
            Row(entry: entry, kind: kind, facts: kind == .certificate ? found.byNumber[entry.value] : found.byAccount[entry.value])
        }
    }

    struct Input: Sendable {
        var kind: String?
        var value: String?
        var label: String?
    }

    /// Adds a subcontractor; its standing today is kept, and only later changes are told.
    func add(_ input: Input, by user: CurrentUser) async throws -> Row {
        try Policy.authorize(user, .watchList)
        let kind = try Validate.choice(input.kind ?? WatchKind.certificate.rawValue, "kind", "What to watch by", as: WatchKind.self)
        let label = try Validate.text(input.label, "label", "Your name for them", max: 120, optional: true)
        let typed = try Validate.text(input.value, "value", kind == .certificate ? "The certificate number" : "The WCB account number", max: 40)
        let value = try Self.number(typed, kind)
        let draft = WatchEntryModel()
        draft.contractorId = user.organisationId
        draft.kind = kind.rawValue
        draft.value = value
        draft.label = label
        draft.standing = ""
        let row = try await rows([draft]).first!
        // A mistyped number would watch nothing: a certificate number must be one issued.
        // A WCB account is kept either way: the subcontractor may not be certified yet.
        if kind == .certificate && row.facts == nil {
            throw AppError.refused("value", "No certificate has the number \(value). Check it on the certificate or its QR code.")
        }
        draft.standing = WatchedStanding(row.facts).key
        let contractorId = user.organisationId
        try await db.writeTransaction { db in
            if try await WatchEntryModel.query(on: db).filter(\.$contractorId == contractorId).filter(\.$kind == kind.rawValue)
                .filter(\.$value == value).first() != nil {
                throw AppError(status: .conflict, message: "\(value) is on your watch list already.", field: "value",
                               problems: [FieldProblem(field: "value", message: "\(value) is on your watch list already.")])
            }
            if try await WatchEntryModel.query(on: db).filter(\.$contractorId == contractorId).count() >= Self.maxEntries {
                throw AppError.refused("value", "A watch list holds at most \(Self.maxEntries) subcontractors; remove some first.")
            }
            try await draft.create(on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "watch.add", entity: "watch", entityId: try draft.requireID().uuidString,
                                      detail: "\(kind.rawValue) \(value)")
        }
        return Row(entry: draft, kind: kind, facts: row.facts)
    }

    /// A watched number in its one spelling: full-width digits as plain ones (NFKC), a
    /// certificate number in capitals (letters, digits and dashes), a WCB account number as
    /// its digits (spaces and dashes dropped). Anything else would watch nothing, silently.
    static func number(_ typed: String, _ kind: WatchKind) throws -> String {
        let plain = typed.precomposedStringWithCompatibilityMapping
        switch kind {
        case .certificate:
            let value = plain.uppercased()
            guard (3...40).contains(value.count), value.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }) else {
                throw AppError.refused("value", "A certificate number has 3 to 40 letters, digits and dashes, as on the certificate (ESC-2026-123456789).")
            }
            return value
        case .wcbAccount:
            let value = plain.filter { !$0.isWhitespace && $0 != "-" }
            guard (4...15).contains(value.count), value.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw AppError.refused("value", "A WCB account number has 4 to 15 digits (spaces and dashes are fine).")
            }
            return value
        }
    }

    @discardableResult
    func remove(_ id: UUID?, by user: CurrentUser) async throws -> WatchEntryModel {
        try Policy.authorize(user, .watchList)
        guard let id, let entry = try await WatchEntryModel.find(id, on: db), entry.contractorId == user.organisationId else {
            throw AppError.notFound("watched subcontractor")
        }
        try await db.writeTransaction { db in
            try await entry.delete(on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "watch.remove", entity: "watch", entityId: id.uuidString,
                                      detail: "\(entry.kind) \(entry.value)")
        }
        return entry
    }

    /// The watch list with today's states, RFC 4180 (`CSVText`).
    func csv(for user: CurrentUser, today: CalendarDay = .today) async throws -> String {
        let rows = try await list(for: user, today: today)
        return CSVText.table(
            header: ["Your name for them", "Watched by", "Watched value", "Legal name", "Trade name", "Certifying partner", "Certificate",
                     "State", "State today", "Maintenance due by", "Cancelled on", "Issued on", "Expires on", "As of"],
            rows: rows.map { r in
                let f = r.facts
                return [r.entry.label, r.kind.label, r.entry.value, f?.legalName ?? "", f?.tradeName ?? "", f?.partner ?? "",
                        f?.certificateNumber ?? "", f?.state ?? "none", f?.stateLabel ?? "No certificate found", f?.maintenanceDueBy ?? "",
                        f?.cancelledOn ?? "", f?.issuedOn ?? "", f?.expiresOn ?? "", today.iso]
            })
    }

    // MARK: The webhook

    func endpoint(for user: CurrentUser) async throws -> WebhookEndpointModel? {
        try Policy.authorize(user, .watchList)
        return try await WebhookEndpointModel.query(on: db).filter(\.$contractorId == user.organisationId).first()
    }

    /// Sets where the webhook goes; the first time, a signing secret is made.
    func setWebhook(url raw: String?, by user: CurrentUser) async throws -> WebhookEndpointModel {
        try Policy.authorize(user, .watchList)
        let url = try WebhookAddress.check(raw, allowLocal: allowLocalWebhooks)
        let contractorId = user.organisationId
        return try await db.writeTransaction { db in
            let endpoint = try await WebhookEndpointModel.query(on: db).filter(\.$contractorId == contractorId).first() ?? {
                let made = WebhookEndpointModel()
                made.contractorId = contractorId
                made.secret = WebhookSignature.newSecret()
                return made
            }()
            endpoint.url = url
            try await endpoint.save(on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "webhook.set", entity: "webhook", entityId: try endpoint.requireID().uuidString, detail: url)
            return endpoint
        }
    }

    /// A new signing secret; deliveries from now on are signed with it.
    func rotateSecret(by user: CurrentUser) async throws -> WebhookEndpointModel {
        guard let endpoint = try await endpoint(for: user) else { throw AppError.notFound("webhook") }
        endpoint.secret = WebhookSignature.newSecret()
        try await db.writeTransaction { db in
            try await endpoint.save(on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "webhook.rotate-secret", entity: "webhook", entityId: try endpoint.requireID().uuidString)
        }
        return endpoint
    }

    /// Stops the webhook; deliveries still waiting are given up (the log keeps them).
    func removeWebhook(by user: CurrentUser) async throws {
        guard let endpoint = try await endpoint(for: user) else { throw AppError.notFound("webhook") }
        let (contractorId, now) = (user.organisationId, now)
        try await db.writeTransaction { db in
            try await WebhookDeliveryModel.query(on: db).filter(\.$contractorId == contractorId).filter(\.$deliveredAt == nil)
                .filter(\.$gaveUpAt == nil).set(\.$gaveUpAt, to: now).update()
            try await endpoint.delete(on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "webhook.remove", entity: "webhook", entityId: try endpoint.requireID().uuidString)
        }
    }

    /// Queues a `ping` event, so the receiver can be tried before a real change comes.
    func sendTest(by user: CurrentUser) async throws -> WebhookDeliveryModel {
        guard let endpoint = try await endpoint(for: user) else {
            throw AppError.refused("url", "Set the webhook's address first.")
        }
        let (contractorId, now) = (user.organisationId, now)
        return try await db.writeTransaction { db in
            try await WebhookQueue.enqueue(WebhookEvent(type: "ping", createdAt: now, watch: nil, previous: nil, certificate: nil),
                                           key: "ping:\(UUID().uuidString)", to: endpoint, contractorId: contractorId, now: now, on: db)
        }
    }

    struct Delivery: Sendable {
        var delivery: WebhookDeliveryModel
        var attempts: [WebhookAttemptModel]
    }

    /// The latest deliveries with every attempt, newest first.
    func deliveries(for user: CurrentUser, limit: Int = 50) async throws -> [Delivery] {
        try Policy.authorize(user, .watchList)
        let deliveries = try await WebhookDeliveryModel.query(on: db).filter(\.$contractorId == user.organisationId)
            .sort(\.$createdAt, .descending).limit(limit).all()
        let ids = deliveries.compactMap(\.id)
        let attempts = ids.isEmpty ? [] : try await WebhookAttemptModel.query(on: db).filter(\.$deliveryId ~~ ids).sort(\.$attemptedAt).all()
        let byDelivery = Dictionary(grouping: attempts, by: \.deliveryId)
        return deliveries.map { Delivery(delivery: $0, attempts: byDelivery[$0.id ?? UUID()] ?? []) }
    }
}

extension WatchedStanding {
    init(_ facts: PublicCertificate?) {
        self.init(certificateNumber: facts?.certificateNumber, state: facts.flatMap { PublicState(rawValue: $0.state) })
    }
}

extension Request {
    var watchList: WatchListService {
        WatchListService(db: db, programs: programs, allowLocalWebhooks: application.secorConfig.allowLocalWebhooks)
    }
}
