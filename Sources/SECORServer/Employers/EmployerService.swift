import Fluent
import SQLKit
import SECORCore
import Vapor

/// An employer as lists, pages and the API show it.
struct EmployerSummary: Sendable, Encodable {
    var id: UUID
    var name: String
    var partnerId: UUID
    var partnerName: String
    var programId: String
    var enrollment: String
    var userCount: Int
    var headcountToday: Int
    var eligible: Bool
    /// Each reason it is not eligible, with its rule.
    var reasons: [EligibilityIssue]
    /// The kinds of reason, for filtering (`headcount`, `training`, ...).
    var reasonKinds: [String]
}

/// Reads employers, always scoped by the policy.
struct EmployerService {
    let db: Database
    let programs: ProgramCatalog

    /// Filters of the partner's employer list.
    static let statusFilters = ["eligible", "ineligible", "pending", "headcount", "wcbAccount", "membership", "training", "recordsHistory"]

    /// The employers `user` may see: partner staff their partner's; employer users their
    /// own; external auditors those that designated them.
    func visibleEmployers(for user: CurrentUser, status: String? = nil, on day: CalendarDay = .today) async throws -> [EmployerSummary] {
        let all = try await summaries(try await visibleOrganisations(for: user), on: day)
        guard let status, !status.isEmpty else { return all }
        return all.filter { summary in
            switch status {
            case "eligible": return summary.eligible && summary.enrollment == "approved"
            case "ineligible": return !summary.eligible
            case "pending": return summary.enrollment == "pending"
            default: return summary.reasonKinds.contains(status)
            }
        }
    }

    /// The first `limit` of the employers `user` may see, by name, and how many there are in
    /// all: a partner's home shows ten of its thousand, so it checks the rules of ten.
    func firstVisibleEmployers(for user: CurrentUser, limit: Int, on day: CalendarDay = .today) async throws -> (employers: [EmployerSummary], total: Int) {
        let organisations = try await visibleOrganisations(for: user)
        return (try await summaries(Array(organisations.prefix(limit)), on: day), organisations.count)
    }

    /// The organisations behind `visibleEmployers`, by name.
    private func visibleOrganisations(for user: CurrentUser) async throws -> [OrganisationModel] {
        let query = OrganisationModel.query(on: db).filter(\.$kind == OrganisationKind.employer.rawValue).with(\.$partner)
        if user.role.isPartnerStaff {
            query.filter(\.$partner.$id == user.organisationId)
        } else if user.role.isEmployerSide {
            query.filter(\.$id == user.organisationId)
        } else {
            let designated = try await AuditorModel.query(on: db).filter(\.$user.$id == user.id).all().compactMap(\.id)
            guard !designated.isEmpty else { return [] }
            let ids = try await EmployerModel.query(on: db).filter(\.$assessorAuditorId ~~ designated).all().compactMap(\.id)
            query.filter(\.$id ~~ ids)
        }
        return try await query.sort(\.$name).all()
    }

    /// One employer, or 404 when it is not the caller's to see.
    func employer(_ id: UUID, for user: CurrentUser, on day: CalendarDay = .today) async throws -> EmployerSummary {
        let ref = try await EmployerRef.load(id, on: db, programs: programs)
        try Policy.authorize(user, .employer(ref.scope, .view), what: "employer")
        return try await summaries([ref.organisation], on: day)[0]
    }

    func summaries(_ organisations: [OrganisationModel], on day: CalendarDay) async throws -> [EmployerSummary] {
        guard !organisations.isEmpty else { return [] }
        let ids = organisations.compactMap(\.id)
        let userCounts = try await self.userCounts(ids)
        let records = try await EmployerRecords.load(employers: ids, on: db)
        return try organisations.map { organisation in
            let id = try organisation.requireID()
            let profile = programs.profile(organisation.partner?.profileId)
            let mine = records[id]
            let eligibility = profile.flatMap { p in mine.map { $0.eligibility(profile: p, on: day).report } }
            let reasons = eligibility?.issues ?? []
            return EmployerSummary(id: id, name: organisation.name, partnerId: organisation.$partner.id ?? id,
                                   partnerName: organisation.partner?.name ?? "", programId: profile?.id ?? "",
                                   enrollment: mine?.enrollment ?? EnrollmentStatus.pending.rawValue,
                                   userCount: userCounts[id] ?? 0,
                                   headcountToday: eligibility?.headcount.daily.last ?? 0,
                                   eligible: eligibility?.isEligible ?? false, reasons: reasons,
                                   reasonKinds: Array(Set(reasons.map(\.kind.rawValue))).sorted())
        }
    }

    /// The number of accounts of each organisation, counted by the database.
    private func userCounts(_ ids: [UUID]) async throws -> [UUID: Int] {
        let rows = try await db.sql.select().column(SQLColumn("organisation_id"))
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "accounts")
            .from(UserModel.schema).where(SQLColumn("organisation_id"), .in, SQLBind.group(ids)).groupBy("organisation_id").all()
        var counts: [UUID: Int] = [:]
        for row in rows { counts[try row.decode(column: "organisation_id", as: UUID.self)] = try row.decode(column: "accounts", as: Int.self) }
        return counts
    }
}

extension Request {
    var employers: EmployerService { EmployerService(db: db, programs: programs) }
}
