import Fluent
import Foundation
import SECORCore
import Vapor

/// The auditor register and the employer's assessor.
extension APIHandler {
    func getAssessor(_ input: Operations.GetAssessor.Input) async throws -> Operations.GetAssessor.Output {
        let (request, _, ref) = try await Self.context(input.path.employerId, .view)
        let day = try Validate.optionalDay(input.query.asOf, "asOf", "As of") ?? .today
        return .ok(.init(body: .json(try await Self.assessor(request, ref, on: day))))
    }

    func designateAssessor(_ input: Operations.DesignateAssessor.Input) async throws -> Operations.DesignateAssessor.Output {
        let (request, user, ref) = try await Self.context(input.path.employerId, .view)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send personId or auditorId as JSON.") }
        if body.personId != nil && body.auditorId != nil {
            throw AppError.refused("auditorId", "Designate a person or an auditor, not both.")
        }
        let value = body.personId.map { "person:\($0)" } ?? body.auditorId.map { "auditor:\($0)" } ?? ""
        try await request.auditors.designate(ref, assessor: value, by: user)
        let updated = try await EmployerRef.load(ref.id, on: request.db, programs: request.programs)
        return .ok(.init(body: .json(try await Self.assessor(request, updated, on: .today))))
    }

    static func assessor(_ request: Request, _ ref: EmployerRef, on day: CalendarDay) async throws -> Components.Schemas.Assessor {
        guard let designation = try await request.auditors.qualification(ref, on: day) else {
            return .init(asOf: day.iso, designated: false)
        }
        return .init(asOf: day.iso, designated: true, name: designation.name, kind: .init(rawValue: designation.kind.rawValue),
                     qualified: designation.result.qualified, reasons: designation.result.reasons)
    }

    func listAuditors(_ input: Operations.ListAuditors.Input) async throws -> Operations.ListAuditors.Output {
        let request = try RequestContext.request()
        let user = try request.requireUser()
        let register = try await request.auditors.register(partnerId: user.organisationId, by: user)
        return .ok(.init(body: .json(register.map(Self.auditor))))
    }

    func createAuditor(_ input: Operations.CreateAuditor.Input) async throws -> Operations.CreateAuditor.Output {
        let (request, user, profile) = try await Self.partnerContext()
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the auditor as JSON.") }
        let (auditor, link) = try await request.auditors.create(partnerId: user.organisationId, profile: profile, Self.auditorInput(body),
                                                                by: user, linkBase: request.linkBase)
        try await auditor.$user.load(on: request.db)
        var answer = Self.auditor(auditor)
        answer.invitationLink = link
        return .created(.init(body: .json(answer)))
    }

    func updateAuditor(_ input: Operations.UpdateAuditor.Input) async throws -> Operations.UpdateAuditor.Output {
        let (request, user, profile) = try await Self.partnerContext()
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the auditor as JSON.") }
        let id = try Validate.uuid(input.path.auditorId, "auditorId", "Auditor")
        let auditor = try await request.auditors.update(partnerId: user.organisationId, profile: profile, id, Self.auditorInput(body), by: user)
        try await auditor.$user.load(on: request.db)
        return .ok(.init(body: .json(Self.auditor(auditor))))
    }

    private static func partnerContext() async throws -> (Request, CurrentUser, ProgramProfile) {
        let request = try RequestContext.request()
        let user = try request.requireUser()
        try Policy.authorize(user, .partnerAdmin(partnerId: user.organisationId))
        guard let profile = try await request.userProfile().program else { throw AppError.forbidden }
        return (request, user, profile)
    }

    static func auditorInput(_ body: Components.Schemas.AuditorInput) -> AuditorService.Input {
        .init(name: body.name, email: body.email, certificationNumber: body.certificationNumber,
              standing: body.standing.rawValue, validUntil: body.validUntil, courses: body.courses?.additionalProperties)
    }

    /// An update changes the terms only (the name and email are the account's).
    static func auditorInput(_ body: Components.Schemas.AuditorUpdate) -> AuditorService.Input {
        .init(name: nil, email: nil, certificationNumber: body.certificationNumber,
              standing: body.standing.rawValue, validUntil: body.validUntil, courses: body.courses?.additionalProperties)
    }

    static func auditor(_ a: AuditorModel) -> Components.Schemas.Auditor {
        .init(id: a.id?.uuidString ?? "", name: a.user.name, email: a.user.email, certificationNumber: a.certificationNumber,
              standing: a.standing, validUntil: a.validUntil, courses: a.courses.split(separator: "\n").map(String.init))
    }
}
