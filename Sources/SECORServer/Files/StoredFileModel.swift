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
}
