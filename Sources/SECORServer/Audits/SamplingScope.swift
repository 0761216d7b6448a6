import SECORCore

/// Scope and sampling of an audit (profile `sampling`): who works there by role, the
/// worksites visited, and the interviews planned. Registration proposes them from the
/// roster and the profile; the auditor may go above the proposal, and the pre-submission
/// check flags an audit that falls below it.
struct SamplingScope: Sendable, Equatable {
    var breakdown: EmployeeBreakdown
    var visitedSites: [String]
    var plannedInterviews: Int

    /// What registration proposes: the roster's breakdown on the start date, the first
    /// sites up to the sampling rule's count, and its interviews.
    static func proposed(roster: [Person], worksites: [String], start: CalendarDay, profile: ProgramProfile) -> SamplingScope {
        let breakdown = EmployeeBreakdown.of(roster, on: start)
        let plan = SamplePlan.proposed(profile.sampling, breakdown: breakdown, sites: worksites.count)
        return SamplingScope(breakdown: breakdown, visitedSites: Array(worksites.prefix(plan.visits)), plannedInterviews: plan.interviews)
    }

    /// Checks what the page or the API sent (worksites already cleaned); what is left out
    /// is proposed. Each error names its field.
    static func validated(_ input: AuditService.Registration, roster: [Person], profile: ProgramProfile) throws -> SamplingScope {
        var scope = proposed(roster: roster, worksites: input.worksites, start: input.plannedStart, profile: profile)
        if let given = input.breakdown {
            for (role, count) in given.byRole {
                guard StaffRole(rawValue: role) != nil else {
                    throw AppError.invalid("employeesByRole", "'\(role)' is not a role; use \(StaffRole.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                guard (0...1000).contains(count) else { throw AppError.invalid("employeesByRole", "Give 0 to 1000 people in the role \(role).") }
            }
            scope.breakdown = EmployeeBreakdown(given.byRole.filter { $0.value > 0 })
            // E1: the breakdown counts the people on the account; an owner at least, at most the limit.
            guard scope.breakdown.employees > 0 else {
                throw AppError.refused("employeesByRole", "Count at least the owner: the breakdown has nobody but contractors.")
            }
            guard scope.breakdown.employees <= profile.headcount.limit else {
                throw AppError.refused("employeesByRole", "E1: \(scope.breakdown.employees) people on the account is over the \(profile.headcount.limit) SECOR allows (contractors are not counted).")
            }
            scope.plannedInterviews = SamplePlan.proposed(profile.sampling, breakdown: scope.breakdown, sites: input.worksites.count).interviews
        }
        if let sites = input.visitedSites?.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }).filter({ !$0.isEmpty }), !sites.isEmpty {
            for site in sites where !input.worksites.contains(site) {
                throw AppError.refused("visitedSites", "\"\(site.prefix(60))\" is not one of the worksites named above.")
            }
            scope.visitedSites = input.worksites.filter(sites.contains)
        }
        if let planned = input.plannedInterviews {
            guard (0...1000).contains(planned) else { throw AppError.invalid("plannedInterviews", "Plan 0 to 1000 interviews.") }
            scope.plannedInterviews = planned
        }
        return scope
    }
}

extension LoadedAudit {
    /// The registration's breakdown; nil for an audit registered before scope was recorded.
    var breakdown: EmployeeBreakdown? { audit.employeeBreakdown.flatMap { JSONText.decode($0, as: EmployeeBreakdown.self) } }
    var visitedSites: [String] { audit.visitedSites.flatMap { JSONText.decode($0, as: [String].self) } ?? worksites }
    /// The sample the profile's rule calls for, from the registration's breakdown and sites.
    var requiredSample: SamplePlan? {
        breakdown.map { SamplePlan.proposed(ref.profile.sampling, breakdown: $0, sites: worksites.count) }
    }
}
