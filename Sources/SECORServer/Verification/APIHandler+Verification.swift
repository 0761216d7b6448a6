import Foundation
import SECORCore
import Vapor

/// V1, V2 through the API: the same service as the public pages; no sign-in.
extension APIHandler {
    func searchPublicCertificates(_ input: Operations.SearchPublicCertificates.Input) async throws -> Operations.SearchPublicCertificates.Output {
        let request = try RequestContext.request()
        _ = try VerificationService.query(input.query.q)
        try await request.spend(.registrySearch)
        let found = try await VerificationService(db: request.db, programs: request.programs).search(input.query.q)
        return .ok(.init(body: .json(found.map(Components.Schemas.PublicCertificate.init))))
    }

    func getPublicCertificate(_ input: Operations.GetPublicCertificate.Input) async throws -> Operations.GetPublicCertificate.Output {
        let request = try RequestContext.request()
        guard let facts = try await VerificationService(db: request.db, programs: request.programs).certificate(number: input.path.number) else {
            throw AppError.notFound("certificate")
        }
        let jws = try await VerificationKeys.sign(facts, on: request.db)
        return .ok(.init(body: .json(.init(certificate: .init(facts), jws: jws))))
    }
}

extension Components.Schemas.PublicCertificate {
    init(_ f: PublicCertificate) {
        self.init(certificateNumber: f.certificateNumber, legalName: f.legalName, tradeName: f.tradeName, partner: f.partner, program: f.program,
                  issuedOn: f.issuedOn, expiresOn: f.expiresOn, state: Self.state(f.state), stateLabel: f.stateLabel,
                  maintenanceDueBy: f.maintenanceDueBy, cancelledOn: f.cancelledOn, yearsPassed: f.yearsPassed, asOf: f.asOf, iss: f.iss)
    }

    /// Every state has its case: a new one fails to compile here.
    static func state(_ raw: String) -> StatePayload {
        switch PublicState(rawValue: raw) ?? .expired {
        case .active: return .active
        case .maintenanceDue: return .maintenanceDue
        case .maintenanceOverdue: return .maintenanceOverdue
        case .lapsed: return .lapsed
        case .expired: return .expired
        case .cancelled: return .cancelled
        }
    }
}

extension APIHandler {
    func getProofPack(_ input: Operations.GetProofPack.Input) async throws -> Operations.GetProofPack.Output {
        let (request, _, ref) = try await Self.context(input.path.employerId, .view)
        let bytes = try await ProofPack.pdf(request, ref, .init(accounts: input.query.accounts ?? true, headline: input.query.headline ?? false))
        return .ok(.init(body: .pdf(.init(bytes))))
    }
}
