import Fluent
import Foundation

/// One imported version of a partner's protocol, kept whole as its YAML (A1): audits point
/// at the row they were registered with, so a newer import never changes them.
final class ProtocolVersionModel: Model, @unchecked Sendable {
    static let schema = "protocol_versions"

    @ID(key: .id) var id: UUID?
    @Field(key: "protocol_id") var protocolId: String
    @Field(key: "partner") var partner: String
    @Field(key: "version") var version: String
    @Field(key: "title") var title: String
    @Field(key: "source_file") var sourceFile: String
    @Field(key: "yaml") var yaml: String
    @Field(key: "content_hash") var contentHash: String
    @OptionalField(key: "imported_by") var importedBy: UUID?
    @Timestamp(key: "imported_at", on: .create) var importedAt: Date?

    init() {}

    init(protocolId: String, partner: String, version: String, title: String, sourceFile: String,
         yaml: String, contentHash: String, importedBy: UUID?) {
        self.protocolId = protocolId
        self.partner = partner
        self.version = version
        self.title = title
        self.sourceFile = sourceFile
        self.yaml = yaml
        self.contentHash = contentHash
        self.importedBy = importedBy
    }
}

struct CreateProtocolVersions: AsyncMigration {
    var name: String { "2026-11-22-create-protocol-versions" }

    func prepare(on db: Database) async throws {
        try await db.schema("protocol_versions")
            .id()
            .field("protocol_id", .string, .required)
            .field("partner", .string, .required)
            .field("version", .string, .required)
            .field("title", .string, .required)
            .field("source_file", .string, .required)
            .field("yaml", .string, .required)
            .field("content_hash", .string, .required)
            .field("imported_by", .uuid)
            .field("imported_at", .datetime)
            .unique(on: "protocol_id", "version")
            .create()
    }

    func revert(on db: Database) async throws { try await db.schema("protocol_versions").delete() }
}

/// Every database starts with the shipped sample protocols, so readiness and audits have a
/// protocol from the first run; `secor protocol import` adds newer versions.
struct ImportSampleProtocols: AsyncMigration {
    var name: String { "2026-11-22-import-sample-protocols" }

    func prepare(on db: Database) async throws {
        for sample in try AuditProtocolSamples.all() {
            _ = try await ProtocolService(db: db).importProtocol(yaml: sample.yaml, file: sample.file, actor: nil)
        }
    }

    func revert(on db: Database) async throws {}
}
