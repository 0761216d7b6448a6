import Fluent
import SECORCore
import Vapor

/// An employer as pages and the API show it.
struct EmployerSummary: Sendable, Encodable {
    var id: UUID
    var name: String
    var partnerId: UUID
    var partnerName: String
    var programId: String
    var userCount: Int
}

/// Reads employers, always scoped by the policy.
struct EmployerService {
    let db: Database

    /// The employers `user` may see: partner staff their partner's, employer users their own.
    func visibleEmployers(for user: CurrentUser) async throws -> [EmployerSummary] {
        let query = OrganisationModel.query(on: db).filter(\.$kind == OrganisationKind.employer.rawValue).with(\.$partner)
        if user.role.isPartnerStaff {
            query.filter(\.$partner.$id == user.organisationId)
        } else if user.role.isEmployerSide {
            query.filter(\.$id == user.organisationId)
        } else {
            return []  // external auditors: through their audits, with the audits issue
        }
        let employers = try await query.sort(\.$name).all()
        return try await summaries(employers)
    }

    /// One employer, or 404 when it is not the caller's to see.
    func employer(_ id: UUID, for user: CurrentUser) async throws -> EmployerSummary {
        guard let employer = try await OrganisationModel.query(on: db).filter(\.$id == id)
            .filter(\.$kind == OrganisationKind.employer.rawValue).with(\.$partner).first() else {
            throw AppError.notFound("employer")
        }
        try Policy.authorize(user, .viewEmployer(employerId: id, partnerId: employer.$partner.id), what: "employer")
        return try await summaries([employer])[0]
    }

    private func summaries(_ employers: [OrganisationModel]) async throws -> [EmployerSummary] {
        guard !employers.isEmpty else { return [] }
        let ids = employers.compactMap(\.id)
        let users = try await UserModel.query(on: db).filter(\.$organisation.$id ~~ ids).all()
        return try employers.map { employer in
            let id = try employer.requireID()
            return EmployerSummary(id: id, name: employer.name, partnerId: employer.$partner.id ?? id,
                                   partnerName: employer.partner?.name ?? "",
                                   programId: employer.partner?.profileId ?? "",
                                   userCount: users.filter { $0.$organisation.id == id }.count)
        }
    }
}

extension Request {
    var employers: EmployerService { EmployerService(db: db) }
}
