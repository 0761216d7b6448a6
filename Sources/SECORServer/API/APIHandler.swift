import Fluent
import Foundation
import OpenAPIRuntime
import SECORCore
import Vapor

/// The API, compiled from `openapi.yaml`. Each operation calls the same service as its page.
struct APIHandler: APIProtocol {
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        let request = try RequestContext.request()
        let name = Components.Schemas.Health.DatabasePayload(request.application.secorConfig.database)
        do {
            try await request.db.sql.raw("SELECT 1").run()
            return .ok(.init(body: .json(.init(status: .ok, database: name))))
        } catch {
            request.logger.error("health check: database did not answer: \(error)")
            return .serviceUnavailable(.init(body: .json(.init(status: .unavailable, database: name))))
        }
    }

    func createSession(_ input: Operations.CreateSession.Input) async throws -> Operations.CreateSession.Output {
        let request = try RequestContext.request()
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send JSON with email and password.") }
        switch try await request.signIn(email: body.email, password: body.password) {
        case .signedIn(let user):
            let (token, model) = try await request.accounts.issueToken(for: user)
            request.auth.login(try CurrentUser(user, tokenId: model.id))
            return .created(.init(body: .json(.init(token: token, expiresAt: model.expiresAt, user: try await me(request)))))
        case .wrongCredentials:
            return .unauthorized(.init(body: .json(.init(message: "The email or password is not right."))))
        case .locked(let seconds):
            return .tooManyRequests(.init(headers: .init(retryAfter: seconds),
                                          body: .json(.init(message: "Too many failed sign-ins. Try again in \(Self.minutes(seconds))."))))
        }
    }

    func deleteCurrentSession(_ input: Operations.DeleteCurrentSession.Input) async throws -> Operations.DeleteCurrentSession.Output {
        let request = try RequestContext.request()
        let user = try request.requireUser()
        if let tokenId = user.tokenId { try await request.accounts.revokeToken(id: tokenId, by: user) }
        return .noContent(.init())
    }

    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        let request = try RequestContext.request()
        return .ok(.init(body: .json(try await me(request))))
    }

    func setEmailPreference(_ input: Operations.SetEmailPreference.Input) async throws -> Operations.SetEmailPreference.Output {
        let request = try RequestContext.request()
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the preference as JSON.") }
        try await NoticePreferences(db: request.db).setEmailDigest(body.emailDigest, for: try request.requireUser())
        return .ok(.init(body: .json(try await me(request))))
    }

    func listPrograms(_ input: Operations.ListPrograms.Input) async throws -> Operations.ListPrograms.Output {
        let request = try RequestContext.request()
        try Policy.authorize(request.auth.get(CurrentUser.self), .viewPrograms)
        return .ok(.init(body: .json(request.programs.all.map(Self.program))))
    }

    func listEmployers(_ input: Operations.ListEmployers.Input) async throws -> Operations.ListEmployers.Output {
        let request = try RequestContext.request()
        let employers = try await request.employers.visibleEmployers(for: try request.requireUser(), status: input.query.status?.rawValue)
        return .ok(.init(body: .json(employers.map(Self.employer))))
    }

    func getEmployer(_ input: Operations.GetEmployer.Input) async throws -> Operations.GetEmployer.Output {
        let request = try RequestContext.request()
        let user = try request.requireUser()
        let id = try Self.employerId(input.path.employerId)
        return .ok(.init(body: .json(Self.employer(try await request.employers.employer(id, for: user)))))
    }

    static func employerId(_ raw: String) throws -> UUID {
        guard let id = UUID(uuidString: raw) else { throw AppError.invalid("employerId", "'\(raw)' is not an id (a UUID).") }
        return id
    }

    /// The request, the signed-in user and the employer the policy lets them reach.
    static func context(_ rawId: String, _ action: Policy.EmployerAction) async throws -> (Request, CurrentUser, EmployerRef) {
        let request = try RequestContext.request()
        let user = try request.requireUser()
        let ref = try await request.employerRef(try Self.employerId(rawId), action)
        return (request, user, ref)
    }

    // MARK: mapping to the API's schemas

    func me(_ request: Request) async throws -> Components.Schemas.Me {
        let profile = try await request.userProfile()
        return .init(id: profile.user.id.uuidString, email: profile.user.email, name: profile.user.name,
                     role: .init(profile.user.role), isAssessor: profile.user.isAssessor,
                     emailDigest: try await NoticePreferences(db: request.db).emailDigest(of: profile.user),
                     organisation: .init(id: profile.user.organisationId.uuidString,
                                         kind: .init(try profile.organisation.requireKind()),
                                         name: profile.organisation.name),
                     program: profile.program.map(Self.program))
    }

    static func program(_ p: ProgramProfile) -> Components.Schemas.Program {
        .init(id: p.id, partnerName: p.partnerName, partnerShortName: p.partnerShortName, programName: p.programName,
              headcountLimit: p.headcount.limit,
              passMarks: .init(certificationOverallPercent: p.passMarks.certification.overallPercent,
                               certificationElementPercent: p.passMarks.certification.elementPercent,
                               maintenanceOverallPercent: p.passMarks.maintenance.overallPercent,
                               maintenanceElementPercent: p.passMarks.maintenance.elementPercent),
              timelines: .init(onSiteDays: p.timelines.onSiteDays, submissionDays: p.timelines.submissionDays,
                               correctionDays: p.timelines.correctionDays, qaProcessDays: p.timelines.qaProcessDays),
              requiredTraining: p.requiredTraining.map { .init(rule: $0.rule, title: $0.title, courses: $0.anyOf) },
              continuingEducation: p.continuingEducation.title,
              certificateValidityYears: p.certificateValidityYears, evidenceWindowMonths: p.evidenceWindowMonths,
              minimumRecordMonths: p.minimumRecordMonths, auditNumberDigits: p.auditNumberDigits,
              catalogue: p.catalogue.map { .init(id: $0.id, name: $0.name, accredited: $0.accredited, validityYears: $0.validityYears) })
    }

    static func employer(_ e: EmployerSummary) -> Components.Schemas.Employer {
        .init(id: e.id.uuidString, name: e.name, partnerId: e.partnerId.uuidString, partnerName: e.partnerName,
              programId: e.programId, enrollment: .init(rawValue: e.enrollment) ?? .pending, headcountToday: e.headcountToday,
              eligible: e.eligible, reasons: e.reasons.map(reason))
    }

    static func reason(_ issue: EligibilityIssue) -> Components.Schemas.EligibilityReason {
        .init(rule: issue.rule, kind: .init(issue.kind), message: issue.message)
    }

    static func minutes(_ seconds: Int) -> String {
        let m = (seconds + 59) / 60
        return m == 1 ? "1 minute" : "\(m) minutes"
    }
}
