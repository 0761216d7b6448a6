import Crypto
import Fluent
import Foundation
import SECORCore
import Vapor

/// Imports and lists program profile versions (`secor profile import|list`).
struct ProgramProfileService {
    let db: Database

    enum ImportResult: Equatable {
        case imported(profileId: String, version: Int)
        /// The newest version has the same text: nothing to do.
        case unchanged(profileId: String, version: Int)
    }

    /// Validates the whole file first (errors name file, line and field) and stores
    /// nothing on any error. Each import of changed text is the next version.
    func importProfile(yaml: String, file: String, actor: UUID?) async throws -> ImportResult {
        let profile = try ProgramProfile.load(yaml: yaml, file: file)
        let hash = SHA256.hash(data: Data(yaml.utf8)).hex
        return try await db.writeTransaction { db in
            let latest = try await ProgramProfileModel.query(on: db).filter(\.$profileId == profile.id)
                .sort(\.$version, .descending).first()
            if let latest, latest.contentHash == hash { return .unchanged(profileId: profile.id, version: latest.version) }
            let row = ProgramProfileModel()
            row.profileId = profile.id
            row.version = (latest?.version ?? 0) + 1
            row.sourceFile = file
            row.yaml = yaml
            row.contentHash = hash
            row.importedBy = actor
            try await row.create(on: db)
            try await AuditLog.append(on: db, actor: actor, action: "profile.import", entity: "program_profile",
                                      entityId: try row.requireID().uuidString,
                                      detail: "Imported \(profile.id) version \(row.version) from \(file)")
            return .imported(profileId: profile.id, version: row.version)
        }
    }

    func list() async throws -> [ProgramProfileModel] {
        try await ProgramProfileModel.query(on: db).sort(\.$profileId).sort(\.$version).all()
    }

    /// The bundled profiles, each replaced by its newest imported version.
    func catalog() async throws -> ProgramCatalog {
        var profiles = try ProgramProfile.bundled()
        var newest: [String: ProgramProfileModel] = [:]
        for row in try await list() where (newest[row.profileId]?.version ?? 0) < row.version { newest[row.profileId] = row }
        for (id, row) in newest { profiles[id] = try ProgramProfile.load(yaml: row.yaml, file: row.sourceFile) }
        return ProgramCatalog(profiles: profiles)
    }
}
