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
    /// The employer with its organisation, partner and designated auditor: one statement,
    /// since every employer request starts here (issue 21).
    static func load(_ id: UUID, on db: Database, programs: ProgramCatalog) async throws -> EmployerRef {
        guard let organisation = try await OrganisationModel.query(on: db).filter(\.$id == id)
                .filter(\.$kind == OrganisationKind.employer.rawValue)
                .join(EmployerModel.self, on: \OrganisationModel.$id == \EmployerModel.$id)
                .join(PartnerOrganisation.self, on: \OrganisationModel.$partner.$id == \PartnerOrganisation.$id)
                .join(AuditorModel.self, on: \EmployerModel.$assessorAuditorId == \AuditorModel.$id, method: .left)
                .first(),
              let employer = try? organisation.joined(EmployerModel.self),
              let partner = try? organisation.joined(PartnerOrganisation.self).model,
              let profile = programs.profile(partner.profileId) else {
            throw AppError.notFound("employer")
        }
        organisation.$partner.value = partner
        // Left-joined: no designated auditor decodes as no row.
        let auditorUser = employer.assessorAuditorId == nil ? nil : (try? organisation.joined(AuditorModel.self))?.$user.id
        return EmployerRef(id: id, organisation: organisation, employer: employer, partner: partner, profile: profile,
                           designatedAuditorUserId: auditorUser)
    }
}

/// The partner of an organisation, joined to it (the same table twice).
final class PartnerOrganisation: ModelAlias, @unchecked Sendable {
    static let name = "partner_organisations"
    let model = OrganisationModel()
}
