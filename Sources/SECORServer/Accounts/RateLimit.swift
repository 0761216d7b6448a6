import Fluent
import SQLKit
import Vapor

/// Per-address budgets for what anyone on the internet can call without an account:
/// sign-in, password reset, accepting an invitation, sending invitations, `/apply`.
/// Counted in the database so every app instance shares them.
enum RateLimit: String, CaseIterable, Sendable {
    case signIn
    case passwordReset
    case invitation
    case invitationAcceptance
    case application
    /// V1: the public registry search.
    case registrySearch
    /// V3: contractor sign-ups (each sends an email) and their confirmations.
    case contractorSignUp

    /// (attempts, window in seconds) per client address.
    var budget: (count: Int, seconds: TimeInterval) {
        switch self {
        // Enough for a partner's office behind one address; a guessing run from one address
        // is held to 400 an hour (and each account to 5 failures per address, `AccountService`).
        case .signIn: return (100, 15 * 60)
        case .passwordReset: return (10, 3600)
        case .invitation: return (60, 3600)
        case .invitationAcceptance: return (30, 3600)
        case .application: return (10, 3600)
        // A contractor checking a list of subcontractors by hand, not a scraper.
        case .registrySearch: return (60, 15 * 60)
        case .contractorSignUp: return (10, 3600)
        }
    }

    var what: String {
        switch self {
        case .signIn: return "failed sign-ins"
        case .passwordReset: return "password reset requests"
        case .invitation: return "invitations sent"
        case .invitationAcceptance: return "invitation acceptances"
        case .application: return "applications"
        case .registrySearch: return "registry searches"
        case .contractorSignUp: return "contractor sign-ups"
        }
    }

    /// Counts one use by `client`; past the budget, 429 with `Retry-After` and nothing counted.
    func spend(client: String, on db: Database, multiplier: Int = 1, now: Date = Date()) async throws {
        try await check(client: client, on: db, multiplier: multiplier, now: now)
        try await record(client: client, on: db, now: now)
    }

    /// 429 with `Retry-After` when `client` has used up the budget; counts nothing.
    func check(client: String, on db: Database, multiplier: Int = 1, now: Date = Date()) async throws {
        let since = now.addingTimeInterval(-budget.seconds)
        let allowed = budget.count * max(1, multiplier)
        let recent = RateEventModel.query(on: db).filter(\.$action == rawValue).filter(\.$client == client).filter(\.$at > since)
        // One count per call; the oldest event is read only to say when to come back.
        if try await recent.count() >= allowed, let oldest = try await recent.sort(\.$at).first() {
            let retry = max(1, Int(oldest.at.addingTimeInterval(budget.seconds).timeIntervalSince(now).rounded(.up)))
            var error = AppError(status: .tooManyRequests,
                                 message: "Too many \(what) from your address. Try again in \(APIHandler.minutes(retry)).")
            error.headers.replaceOrAdd(name: .retryAfter, value: String(retry))
            throw error
        }
    }

    /// Counts one use by `client`.
    func record(client: String, on db: Database, now: Date = Date()) async throws {
        let since = now.addingTimeInterval(-budget.seconds)
        try await db.writeTransaction { db in
            try await RateEventModel(action: rawValue, client: client, at: now).create(on: db)
            // Old events are of no use: drop them as new ones come (bounded table).
            try await RateEventModel.query(on: db).filter(\.$action == rawValue).filter(\.$client == client)
                .filter(\.$at < since).delete()
        }
    }
}

final class RateEventModel: Model, @unchecked Sendable {
    static let schema = "rate_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "action") var action: String
    @Field(key: "client") var client: String
    @Field(key: "at") var at: Date

    init() {}

    init(action: String, client: String, at: Date) {
        self.action = action
        self.client = client
        self.at = at
    }
}

extension Request {
    func spend(_ limit: RateLimit) async throws {
        try await limit.spend(client: clientAddress, on: db, multiplier: application.secorConfig.rateLimitMultiplier)
    }
}
