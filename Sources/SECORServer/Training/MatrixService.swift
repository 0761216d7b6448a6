import Fluent
import SECORCore
import Vapor

/// The training matrix: per job role, the named certifications it requires (F2).
struct MatrixService {
    let db: Database

    func requirements(_ ref: EmployerRef) async throws -> [MatrixRequirementModel] {
        try await MatrixRequirementModel.query(on: db).filter(\.$employer.$id == ref.id).sort(\.$jobRole).sort(\.$courseId).all()
    }

    func add(_ ref: EmployerRef, jobRole: String?, courseId: String?, by user: CurrentUser) async throws -> MatrixRequirementModel {
        try Policy.authorize(user, .employer(ref.scope, .editRecords), what: "employer")
        let role = (jobRole ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let course = (courseId ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            try TrainingMatrix.validateRequirement(jobRole: role, courseId: course, profile: ref.profile)
        } catch let error as MatrixError {
            // A course the program does not list is a rule of the profile's data (422); a
            // job role too long is the request's form (400).
            throw error.field == "courseId" ? AppError.refused(error.field, error.message) : AppError.invalid(error.field, error.message)
        }
        let existing = try await requirements(ref)
        if existing.contains(where: { $0.jobRole.caseInsensitiveCompare(role) == .orderedSame && $0.courseId == course }) {
            throw AppError(status: .conflict, message: "\(role) already requires \(ref.profile.course(course)?.name ?? course).", field: "courseId")
        }
        let requirement = MatrixRequirementModel()
        requirement.$employer.id = ref.id
        // One spelling per job role: reuse the one already in the matrix.
        requirement.jobRole = existing.first { $0.jobRole.caseInsensitiveCompare(role) == .orderedSame }?.jobRole ?? role
        requirement.courseId = course
        try await db.writeTransaction { db in
            try await requirement.create(on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "matrix.add", entity: "matrix_requirement",
                                      entityId: requirement.id!.uuidString, detail: "\(role) requires \(course)")
        }
        return requirement
    }

    func remove(_ ref: EmployerRef, _ id: UUID?, by user: CurrentUser) async throws {
        try Policy.authorize(user, .employer(ref.scope, .editRecords), what: "employer")
        guard let id, let requirement = try await MatrixRequirementModel.query(on: db).filter(\.$id == id)
            .filter(\.$employer.$id == ref.id).first() else { throw AppError.notFound("matrix requirement") }
        try await db.writeTransaction { db in
            try await requirement.delete(on: db)
            try await AuditLog.append(on: db, actor: user.id, action: "matrix.remove", entity: "matrix_requirement",
                                      entityId: id.uuidString, detail: "\(requirement.jobRole) no longer requires \(requirement.courseId)")
        }
    }

    /// Per worker: what is held, expiring or missing as of `day`.
    func rows(_ ref: EmployerRef, on day: CalendarDay) async throws -> [MatrixRow] {
        let records = try await EmployerRecords.load(employers: [ref.id], on: db)[ref.id]!
        let requirements = try await requirements(ref).map { MatrixRequirement(jobRole: $0.jobRole, courseId: $0.courseId) }
        return TrainingMatrix.evaluate(people: records.people, jobRoles: records.jobRoles, requirements: requirements,
                                       completions: records.completions, profile: ref.profile, on: day)
    }
}

extension Request {
    var matrix: MatrixService { MatrixService(db: db) }
}
