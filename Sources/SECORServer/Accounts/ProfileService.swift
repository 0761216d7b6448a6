import Fluent
import SECORCore
import Vapor

/// Who the signed-in user is: account, organisation and the program it belongs to.
struct UserProfile: Sendable {
    var user: CurrentUser
    var organisation: OrganisationModel
    /// The partner organisation whose program applies (the organisation itself for staff
    /// and auditors, the employer's partner for employer users).
    var partner: OrganisationModel?
    var program: ProgramProfile?
}

extension Request {
    func userProfile() async throws -> UserProfile {
        let user = try requireUser()
        guard let organisation = try await OrganisationModel.query(on: db).filter(\.$id == user.organisationId)
            .with(\.$partner).first() else { throw AppError.unauthorized }
        let partner = organisation.organisationKind == .partner ? organisation : organisation.partner
        return UserProfile(user: user, organisation: organisation, partner: partner,
                           program: programs.profile(partner?.profileId))
    }
}
