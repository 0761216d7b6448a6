import Fluent
import Foundation

/// A course or ticket a person completed, with its certificate.
final class CompletionModel: Model, @unchecked Sendable {
    static let schema = "course_completions"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // references
    @Parent(key: "employer_id") var employer: EmployerModel
    @Parent(key: "person_id") var person: PersonModel
    @OptionalField(key: "file_id") var fileId: UUID?

    // data
    /// A course or ticket id of the employer's program profile.
    @Field(key: "course_id") var courseId: String
    @Field(key: "completed_on") var completedOn: String
    @OptionalField(key: "expires_on") var expiresOn: String?
    @Field(key: "provider") var provider: String
    @Field(key: "certificate_number") var certificateNumber: String

    init() {}
}

/// One line of the training matrix: a job role requires a named course or ticket (F2).
final class MatrixRequirementModel: Model, @unchecked Sendable {
    static let schema = "matrix_requirements"

    @ID(key: .id) var id: UUID?
    @Parent(key: "employer_id") var employer: EmployerModel
    @Field(key: "job_role") var jobRole: String
    @Field(key: "course_id") var courseId: String

    init() {}
}
