import Foundation
import SECORCore
import Vapor

/// V3 through the API: contractors' sign-up, watch list and webhook; the same services
/// as the pages.
extension APIHandler {
    func signUpContractor(_ input: Operations.SignUpContractor.Input) async throws -> Operations.SignUpContractor.Output {
        let request = try RequestContext.request()
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send JSON with company, name, email and password.") }
        try await request.spend(.contractorSignUp)
        _ = try await request.contractorSignUps.request(.init(company: body.company, name: body.name, email: body.email, password: body.password),
                                                        linkBase: request.linkBase)
        return .accepted(.init())
    }

    func confirmContractor(_ input: Operations.ConfirmContractor.Input) async throws -> Operations.ConfirmContractor.Output {
        let request = try RequestContext.request()
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send JSON with the token from the link.") }
        try await request.spend(.contractorSignUp)
        let user = try await request.contractorSignUps.confirm(token: body.token)
        let (token, model) = try await request.accounts.issueToken(for: user)
        request.auth.login(try CurrentUser(user, tokenId: model.id))
        return .created(.init(body: .json(.init(token: token, expiresAt: model.expiresAt, user: try await me(request)))))
    }

    func listWatch(_ input: Operations.ListWatch.Input) async throws -> Operations.ListWatch.Output {
        let request = try RequestContext.request()
        let rows = try await request.watchList.list(for: try request.requireUser())
        return .ok(.init(body: .json(rows.map(Components.Schemas.WatchEntry.init))))
    }

    func addWatch(_ input: Operations.AddWatch.Input) async throws -> Operations.AddWatch.Output {
        let request = try RequestContext.request()
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send JSON with kind and value.") }
        let row = try await request.watchList.add(.init(kind: body.kind.rawValue, value: body.value, label: body.label), by: try request.requireUser())
        return .created(.init(body: .json(.init(row))))
    }

    func exportWatch(_ input: Operations.ExportWatch.Input) async throws -> Operations.ExportWatch.Output {
        let request = try RequestContext.request()
        return .ok(.init(body: .csv(.init(try await request.watchList.csv(for: try request.requireUser())))))
    }

    func removeWatch(_ input: Operations.RemoveWatch.Input) async throws -> Operations.RemoveWatch.Output {
        let request = try RequestContext.request()
        let user = try request.requireUser()
        try Policy.authorize(user, .watchList)
        guard let id = UUID(uuidString: input.path.watchEntryId) else { throw AppError.notFound("watched subcontractor") }
        try await request.watchList.remove(id, by: user)
        return .noContent(.init())
    }

    func getWebhook(_ input: Operations.GetWebhook.Input) async throws -> Operations.GetWebhook.Output {
        let request = try RequestContext.request()
        guard let endpoint = try await request.watchList.endpoint(for: try request.requireUser()) else { throw AppError.notFound("webhook") }
        return .ok(.init(body: .json(.init(url: endpoint.url, secret: endpoint.secret))))
    }

    func setWebhook(_ input: Operations.SetWebhook.Input) async throws -> Operations.SetWebhook.Output {
        let request = try RequestContext.request()
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send JSON with url.") }
        let endpoint = try await request.watchList.setWebhook(url: body.url, by: try request.requireUser())
        return .ok(.init(body: .json(.init(url: endpoint.url, secret: endpoint.secret))))
    }

    func removeWebhook(_ input: Operations.RemoveWebhook.Input) async throws -> Operations.RemoveWebhook.Output {
        let request = try RequestContext.request()
        try await request.watchList.removeWebhook(by: try request.requireUser())
        return .noContent(.init())
    }

    func rotateWebhookSecret(_ input: Operations.RotateWebhookSecret.Input) async throws -> Operations.RotateWebhookSecret.Output {
        let request = try RequestContext.request()
        let endpoint = try await request.watchList.rotateSecret(by: try request.requireUser())
        return .ok(.init(body: .json(.init(url: endpoint.url, secret: endpoint.secret))))
    }

    func listWebhookDeliveries(_ input: Operations.ListWebhookDeliveries.Input) async throws -> Operations.ListWebhookDeliveries.Output {
        let request = try RequestContext.request()
        let deliveries = try await request.watchList.deliveries(for: try request.requireUser())
        return .ok(.init(body: .json(deliveries.map(Components.Schemas.WebhookDelivery.init))))
    }
}

extension Components.Schemas.WatchEntry {
    init(_ row: WatchListService.Row) {
        self.init(id: row.entry.id?.uuidString ?? "", kind: row.kind == .certificate ? .certificate : .wcbAccount, value: row.entry.value,
                  label: row.entry.label, createdAt: row.entry.createdAt ?? Date(), changedAt: row.entry.changedAt,
                  certificate: row.facts.map(Components.Schemas.PublicCertificate.init))
    }
}

extension Components.Schemas.WebhookDelivery {
    init(_ d: WatchListService.Delivery) {
        let state: StatePayload = d.delivery.deliveredAt != nil ? .delivered : d.delivery.gaveUpAt != nil ? .givenUp
            : d.delivery.attempts == 0 ? .waiting : .retrying
        self.init(id: d.delivery.id?.uuidString ?? "", event: d.delivery.event, createdAt: d.delivery.createdAt ?? Date(), state: state,
                  nextAttemptAt: state == .waiting || state == .retrying ? d.delivery.nextAttemptAt : nil,
                  attempts: d.attempts.map { .init(attemptedAt: $0.attemptedAt, statusCode: $0.statusCode, response: $0.response, milliseconds: $0.milliseconds) })
    }
}
