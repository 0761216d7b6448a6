import Fluent
import Foundation

/// An uploaded file's metadata; the bytes live in the file store under their SHA-256.
final class StoredFileModel: Model, @unchecked Sendable {
    static let schema = "stored_files"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "employer_id") var employer: EmployerModel
    @Field(key: "uploaded_by") var uploadedBy: UUID
    @Field(key: "sha256") var sha256: String
    @Field(key: "size") var size: Int
    @Field(key: "content_type") var contentType: String
    @Field(key: "original_name") var originalName: String

    init() {}

    /// The row of a file the store has just checked and written.
    init(employerId: UUID, uploadedBy: UUID, sha256: String, size: Int, contentType: String, originalName: String) {
        self.$employer.id = employerId
        self.uploadedBy = uploadedBy
        self.sha256 = sha256
        self.size = size
        self.contentType = contentType
        self.originalName = originalName
    }
}
