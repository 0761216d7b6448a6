import Fluent
import Foundation
import SECORCore
import Vapor

/// Applications and employer details.
extension APIHandler {
    func createApplication(_ input: Operations.CreateApplication.Input) async throws -> Operations.CreateApplication.Output {
        let request = try RequestContext.request()
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the application as JSON.") }
        let channel: ApplicationChannel = body.channel == .phone ? .phone : .online
        if channel == .phone && request.auth.get(CurrentUser.self) == nil { throw AppError.unauthorized }
        if channel == .online { try await request.spend(.application) }
        let (id, _, _) = try await request.enrollment.apply(Self.application(body), channel: channel, by: request.auth.get(CurrentUser.self),
                                                            linkBase: request.linkBase)
        let ref = try await EmployerRef.load(id, on: request.db, programs: request.programs)
        let summary = try await request.employers.summaries([ref.organisation], on: .today)[0]
        return .created(.init(body: .json(Self.employer(summary))))
    }

    func listApplications(_ input: Operations.ListApplications.Input) async throws -> Operations.ListApplications.Output {
        let request = try RequestContext.request()
        let user = try request.requireUser()
        let queue = try await request.enrollment.queue(partnerId: user.organisationId, by: user)
        var result: [Components.Schemas.EmployerDetails] = []
        for entry in queue {
            result.append(try await Self.details(entry.employer, on: request.db))
        }
        return .ok(.init(body: .json(result)))
    }

    func decideApplication(_ input: Operations.DecideApplication.Input) async throws -> Operations.DecideApplication.Output {
        let (request, user, ref) = try await Self.context(input.path.employerId, .view)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the decision as JSON.") }
        try await request.enrollment.decide(ref, approve: body.decision == .approve, reason: body.reason, by: user)
        return .noContent(.init())
    }

    func getEmployerDetails(_ input: Operations.GetEmployerDetails.Input) async throws -> Operations.GetEmployerDetails.Output {
        let (request, _, ref) = try await Self.context(input.path.employerId, .view)
        return .ok(.init(body: .json(try await Self.details(ref.employer, on: request.db))))
    }

    func updateEmployerDetails(_ input: Operations.UpdateEmployerDetails.Input) async throws -> Operations.UpdateEmployerDetails.Output {
        let (request, user, ref) = try await Self.context(input.path.employerId, .view)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the details as JSON.") }
        var application = Self.application(body)
        application.programId = ref.profile.id
        try await request.enrollment.update(ref, application, by: user)
        return .ok(.init(body: .json(try await Self.details(ref.employer, on: request.db))))
    }

    func getEligibility(_ input: Operations.GetEligibility.Input) async throws -> Operations.GetEligibility.Output {
        let (request, _, ref) = try await Self.context(input.path.employerId, .view)
        let day = try Validate.optionalDay(input.query.asOf, "asOf", "As of") ?? .today
        let records = try await EmployerRecords.load(employers: [ref.id], on: request.db)[ref.id]!
        let report = records.eligibility(profile: ref.profile, on: day).report
        let headcount = report.headcount.daily.enumerated().map {
            Components.Schemas.Eligibility.HeadcountPayloadPayload(day: report.headcount.from.adding(days: $0.offset).iso, count: $0.element)
        }
        return .ok(.init(body: .json(.init(asOf: day.iso, eligible: report.isEligible, reasons: report.issues.map(Self.reason),
                                           warning: report.headcountWarning, headcountLimit: ref.profile.headcount.limit,
                                           headcount: headcount))))
    }

    static func application(_ body: Components.Schemas.ApplicationInput) -> EnrollmentService.Application {
        EnrollmentService.Application(
            programId: body.programId, legalName: body.legalName, tradeName: body.tradeName, address: body.address,
            contactName: body.contactName, phone: body.phone, fax: body.fax, email: body.email, password: body.password,
            wcbAccounts: body.wcbAccounts.map { .init(number: $0.number, industryCode: $0.industryCode, active: $0.active) },
            associatePaidUntil: body.associatePaidUntil)
    }

    static func details(_ e: EmployerModel, on db: Database) async throws -> Components.Schemas.EmployerDetails {
        let accounts = try await WCBAccountModel.query(on: db).filter(\.$employer.$id == e.requireID()).sort(\.$number).all()
        return .init(id: try e.requireID().uuidString, legalName: e.legalName, tradeName: e.tradeName, address: e.address,
                     contactName: e.contactName, phone: e.phone, fax: e.fax, email: e.email,
                     enrollment: .init(rawValue: e.status) ?? .pending, channel: .init(rawValue: e.channel) ?? .online,
                     declineReason: e.declineReason, associatePaidUntil: e.associatePaidUntil,
                     wcbAccounts: accounts.map { .init(number: $0.number, industryCode: $0.industryCode, active: $0.active) })
    }
}
