import Fluent
import SECORCore
import Vapor

/// An employer with everything access decisions and rules need, loaded once per request.
struct EmployerRef: Sendable {
    var id: UUID
    var organisation: OrganisationModel
    var employer: EmployerModel
    var partner: OrganisationModel
    var profile: ProgramProfile
    /// The user behind the designated external auditor, who may see the employer (T4/T7).
    var designatedAuditorUserId: UUID?

    var scope: Policy.EmployerScope {
        .init(employerId: id, partnerId: partner.id!, designatedAuditorUserId: designatedAuditorUserId)
    }
}

extension Request {
    /// Loads employer `id` if the policy allows `action`; 404 when it is not the user's to see.
    func employerRef(_ id: UUID, _ action: Policy.EmployerAction) async throws -> EmployerRef {
        let ref = try await EmployerRef.load(id, on: db, programs: programs)
        try Policy.authorize(auth.get(CurrentUser.self), .employer(ref.scope, action), what: "employer")
        return ref
    }

    func employerRef(_ action: Policy.EmployerAction) async throws -> EmployerRef {
        guard let id = parameters.get("employerId", as: UUID.self) else { throw AppError.notFound("employer") }
        return try await employerRef(id, action)
    }
}

extension EmployerRef {
    static func load(_ id: UUID, on db: Database, programs: ProgramCatalog) async throws -> EmployerRef {
        guard let organisation = try await OrganisationModel.query(on: db).filter(\.$id == id)
                .filter(\.$kind == OrganisationKind.employer.rawValue).with(\.$partner).first(),
              let partner = organisation.partner,
              let employer = try await EmployerModel.find(id, on: db),
              let profile = programs.profile(partner.profileId) else {
            throw AppError.notFound("employer")
        }
        var auditorUser: UUID?
        if let auditorId = employer.assessorAuditorId {
            auditorUser = try await AuditorModel.find(auditorId, on: db)?.$user.id
        }
        return EmployerRef(id: id, organisation: organisation, employer: employer, partner: partner, profile: profile,
                           designatedAuditorUserId: auditorUser)
    }
}
