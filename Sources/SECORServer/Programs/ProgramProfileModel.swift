import Fluent
import Foundation

/// One imported version of a partner's program profile, kept whole as its YAML: a new
/// partner, or a partner's changed numbers and course lists, without a rebuild.
final class ProgramProfileModel: Model, @unchecked Sendable {
    static let schema = "program_profiles"

    @ID(key: .id) var id: UUID?
    @Field(key: "profile_id") var profileId: String
    @Field(key: "version") var version: Int
    @Field(key: "source_file") var sourceFile: String
    @Field(key: "yaml") var yaml: String
    @Field(key: "content_hash") var contentHash: String
    @OptionalField(key: "imported_by") var importedBy: UUID?
    @Timestamp(key: "imported_at", on: .create) var importedAt: Date?

    init() {}
}
