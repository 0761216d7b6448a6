import Fluent
import Foundation
import OpenAPIRuntime
import SECORCore
import Vapor

/// Training status, completions, certificates and the matrix.
extension APIHandler {
    func getTraining(_ input: Operations.GetTraining.Input) async throws -> Operations.GetTraining.Output {
        let (request, _, ref) = try await Self.context(input.path.employerId, .view)
        let day = try Validate.optionalDay(input.query.asOf, "asOf", "As of") ?? .today
        let records = try await EmployerRecords.load(employers: [ref.id], on: request.db)[ref.id]!
        let status = TrainingRules.status(people: records.people, completions: records.completions, profile: ref.profile, on: day)
        let completions = try await request.training.completions(ref)
        return .ok(.init(body: .json(.init(
            asOf: day.iso, met: status.isMet,
            findings: status.findings.map { .init(rule: $0.rule, requirement: $0.requirement, met: $0.met, detail: $0.detail) },
            warnings: TrainingService.expiryWarnings(completions, profile: ref.profile, on: day),
            completions: completions.map { Self.completion($0, profile: ref.profile) }))))
    }

    func createCompletion(_ input: Operations.CreateCompletion.Input) async throws -> Operations.CreateCompletion.Output {
        let (request, user, ref) = try await Self.context(input.path.employerId, .view)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the completion as JSON.") }
        let fileId = try body.fileId.map { try Validate.uuid($0, "fileId", "File") }
        let completion = try await request.training.record(
            ref, .init(personId: body.personId, courseId: body.courseId, completedOn: body.completedOn, expiresOn: body.expiresOn,
                       provider: body.provider, certificateNumber: body.certificateNumber),
            certificate: nil, fileId: fileId, by: user)
        try await completion.$person.load(on: request.db)
        return .created(.init(body: .json(Self.completion(completion, profile: ref.profile))))
    }

    func uploadFile(_ input: Operations.UploadFile.Input) async throws -> Operations.UploadFile.Output {
        let (request, user, ref) = try await Self.context(input.path.employerId, .view)
        try Policy.authorize(user, .employer(ref.scope, .editRecords), what: "employer")
        guard case .binary(let body) = input.body else { throw AppError.invalid("body", "Send the file's bytes as application/octet-stream.") }
        let bytes: [UInt8]
        do {
            bytes = try await [UInt8](collecting: body, upTo: FileStore.maxBytes)
        } catch {
            throw AppError(status: .payloadTooLarge, message: "The file is larger than the \(FileStore.maxBytes / 1024 / 1024) MB limit.", field: "body")
        }
        let file = try await request.training.upload(ref, .init(bytes: bytes, filename: input.query.filename), by: user)
        return .created(.init(body: .json(.init(id: try file.requireID().uuidString, name: file.originalName, contentType: file.contentType,
                                                size: file.size, sha256: file.sha256))))
    }

    func downloadFile(_ input: Operations.DownloadFile.Input) async throws -> Operations.DownloadFile.Output {
        let (request, _, ref) = try await Self.context(input.path.employerId, .view)
        let file = try await request.training.file(ref, try Validate.uuid(input.path.fileId, "fileId", "File"))
        let data = try request.files.read(file)
        return .ok(.init(body: .binary(HTTPBody(data))))
    }

    func getMatrix(_ input: Operations.GetMatrix.Input) async throws -> Operations.GetMatrix.Output {
        let (request, _, ref) = try await Self.context(input.path.employerId, .view)
        let day = try Validate.optionalDay(input.query.asOf, "asOf", "As of") ?? .today
        let requirements = try await request.matrix.requirements(ref)
        let rows = try await request.matrix.rows(ref, on: day)
        return .ok(.init(body: .json(.init(
            asOf: day.iso, requirements: requirements.map { Self.requirement($0, profile: ref.profile) },
            workers: rows.map { row in
                .init(personId: row.personId, name: row.personName, jobRole: row.jobRole, certifications: row.cells.map {
                    .init(courseId: $0.courseId, courseName: $0.courseName, state: .init($0.state), label: $0.state.label)
                })
            }))))
    }

    func addMatrixRequirement(_ input: Operations.AddMatrixRequirement.Input) async throws -> Operations.AddMatrixRequirement.Output {
        let (request, user, ref) = try await Self.context(input.path.employerId, .view)
        guard case .json(let body) = input.body else { throw AppError.invalid("body", "Send the requirement as JSON.") }
        let requirement = try await request.matrix.add(ref, jobRole: body.jobRole, courseId: body.courseId, by: user)
        return .created(.init(body: .json(Self.requirement(requirement, profile: ref.profile))))
    }

    func removeMatrixRequirement(_ input: Operations.RemoveMatrixRequirement.Input) async throws -> Operations.RemoveMatrixRequirement.Output {
        let (request, user, ref) = try await Self.context(input.path.employerId, .view)
        try await request.matrix.remove(ref, try Validate.uuid(input.path.requirementId, "requirementId", "Requirement"), by: user)
        return .noContent(.init())
    }

    static func completion(_ c: CompletionModel, profile: ProgramProfile) -> Components.Schemas.Completion {
        .init(id: c.id?.uuidString ?? "", personId: c.$person.id.uuidString, personName: c.person.name, courseId: c.courseId,
              courseName: profile.course(c.courseId)?.name ?? c.courseId, completedOn: c.completedOn, expiresOn: c.expiresOn,
              provider: c.provider, certificateNumber: c.certificateNumber, fileId: c.fileId?.uuidString)
    }

    static func requirement(_ r: MatrixRequirementModel, profile: ProgramProfile) -> Components.Schemas.MatrixRequirement {
        .init(id: r.id?.uuidString ?? "", jobRole: r.jobRole, courseId: r.courseId, courseName: profile.course(r.courseId)?.name ?? r.courseId)
    }
}
